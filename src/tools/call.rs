//! One tool call as a value, handed to dispatch and to every handler: the
//! HTTP layer it sends through (and the generated client built around it),
//! both writing into the call's record; how its writes go (sent, or held:
//! a dry run, or confirmation missing); and which Portainer it talks to.
//! Nothing of a call lives in a task-local or a static, so a handler runs
//! the same in a test as in the server, and a task it spawns keeps the
//! call's record.

use crate::portainer::client::Client;
use crate::portainer::http::Http;
use crate::portainer::record::{CallState, Record, Watch};
use progenitor_client::ClientInfo;
use std::collections::HashSet;
use std::sync::Arc;

/// How a call's writes go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Writes {
    /// Sent.
    #[default]
    Go,
    /// Held: the caller asked for a dry run.
    DryRun,
    /// Held: the tool needs `confirm: true`, which the call lacks.
    Unconfirmed,
}

/// The Portainer a call talks to, when its version is known: the index of
/// the API description it follows (in catalogue::DESCRIPTIONS), and how it
/// reported itself ("2.39.0 CE").
#[derive(Debug, Clone)]
pub struct Connected {
    pub index: usize,
    pub portainer: String,
}

pub struct Call {
    client: Client,
    writes: Writes,
    target: Option<Connected>,
    /// What the server serves, when the call came through one.
    served: Option<Arc<Serving>>,
    /// The client's cancel and progress, which the call runs under.
    watch: Watch,
}

/// What a handler may know of one tool of the registry, served or not
/// (api_find suggests tools by it). Handed in by the server, so a handler
/// never depends on the registry that points back at it.
#[derive(Debug, Clone)]
pub struct ToolCard {
    pub name: &'static str,
    pub toolset: &'static str,
    /// Words api_find answers with this tool besides its name's.
    pub find: &'static [&'static str],
    /// A hand-written tool of its own (not api_call or a proxy).
    pub curated: bool,
}

/// The tools a server serves (by name) among all it knows.
#[derive(Debug, Default)]
pub struct Serving {
    pub names: HashSet<&'static str>,
    /// Shared: a request's narrowed serving keeps the same cards.
    pub cards: Arc<[ToolCard]>,
}

impl Serving {
    /// Those of its tools `keep` leaves (a request's narrowing headers).
    pub fn narrowed(&self, keep: impl Fn(&str) -> bool) -> Serving {
        Serving {
            names: self.names.iter().copied().filter(|n| keep(n)).collect(),
            cards: self.cards.clone(),
        }
    }
}

impl Call {
    /// A call sending through `base`'s layer with its own record: the
    /// caller's token (HTTP mode) and, for a held call, writes captured.
    pub fn new(
        base: &Client,
        token: Option<String>,
        writes: Writes,
        target: Option<Connected>,
    ) -> Call {
        let record = Record::new(CallState {
            held: writes != Writes::Go,
            token,
            ..CallState::default()
        });
        Self::with_record(base, record, writes, target)
    }

    /// A call whose requests never leave the process (fuzzing the decoders).
    pub fn offline(base: &Client) -> Call {
        Self::with_record(base, Record::offline(), Writes::DryRun, None)
    }

    fn with_record(
        base: &Client,
        record: Record,
        writes: Writes,
        target: Option<Connected>,
    ) -> Call {
        let http = base.inner().for_call(record);
        let client = Client::new_with_client(base.baseurl(), http.client().clone(), http);
        Call {
            client,
            writes,
            target,
            served: None,
            watch: Watch::default(),
        }
    }

    /// The call comes through a server serving these tools.
    pub fn serving(mut self, serving: Arc<Serving>) -> Call {
        self.served = Some(serving);
        self
    }

    /// The call runs under the client's cancel and progress.
    pub fn watching(mut self, watch: Watch) -> Call {
        self.watch = watch;
        self
    }

    pub fn watch(&self) -> &Watch {
        &self.watch
    }

    /// Every tool the server knows, served or not (none outside a server).
    pub fn tools(&self) -> &[ToolCard] {
        self.served.as_ref().map_or(&[], |s| &*s.cards)
    }

    /// Whether the server serves `tool` (true outside a server).
    pub fn serves(&self, tool: &str) -> bool {
        self.served.as_ref().is_none_or(|s| s.names.contains(tool))
    }

    /// The generated client, sending through this call's layer.
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub fn http(&self) -> &Http {
        self.client.inner()
    }

    pub fn record(&self) -> &Record {
        self.http()
            .record()
            .expect("a call's layer carries the call's record")
    }

    /// Writes are held back: captured, not sent.
    pub fn held(&self) -> bool {
        self.writes != Writes::Go
    }

    pub fn writes(&self) -> Writes {
        self.writes
    }

    /// The Portainer this server serves, when its version is known.
    pub fn target(&self) -> Option<&Connected> {
        self.target.as_ref()
    }
}
