//! What the server serves: its tools as MCP lists them, each served tool's
//! mode, schema and lacking parameters, and why others are left out. Ready
//! at once, or once the start-up checks are done: a stdio server answers
//! `initialize` while it asks Portainer for its version (which decides the
//! tools), and tools/list and tools/call wait for that answer.

use crate::tools::call::{Serving, ToolCard};
use crate::tools::catalogue::{Input, ToolDef, TOOLS};
use crate::tools::policy::Mode;
use crate::tools::selection::Selection;
use crate::tools::target::Target;
use rmcp::model::Tool;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use tokio::sync::watch;

/// A served tool as calls need it: its mode, its arguments' schema as
/// served, and the request parameters the connected Portainer lacks.
pub struct ServedTool {
    pub def: &'static ToolDef,
    pub mode: Mode,
    pub schema: Value,
    pub lacking: Vec<&'static str>,
    /// Its writes need a change reference (--require-change-ref).
    pub change_ref: bool,
}

pub struct Menu {
    pub tools: Vec<Tool>,
    pub served: HashMap<&'static str, ServedTool>,
    /// The served tools' names among every tool's card, handed to each
    /// call (api_find suggests only tools this server serves).
    pub serving: Arc<Serving>,
    pub left_out: BTreeMap<&'static str, String>,
    /// The Portainer served and the description it follows, when known.
    pub target: Option<Target>,
}

impl Menu {
    /// Whether `name` is served and left to a request its headers narrow.
    pub fn allows(&self, narrow: &crate::mcp::narrow::Narrowing, name: &str) -> bool {
        self.served.get(name).is_some_and(|t| narrow.allows(t.def))
    }

    pub fn of(selection: Selection) -> Menu {
        let mut tools = vec![];
        let mut served = HashMap::new();
        for s in &selection.served {
            let tool = super::tool_build::mcp_tool(s);
            let schema = Value::Object((*tool.input_schema).clone());
            served.insert(
                s.def.name,
                ServedTool {
                    def: s.def,
                    mode: s.mode,
                    schema,
                    lacking: s.lacking(),
                    change_ref: s.change_ref,
                },
            );
            tools.push(tool);
        }
        let serving = Arc::new(Serving {
            names: served.keys().copied().collect(),
            cards: TOOLS.iter().map(card).collect(),
        });
        Menu {
            tools,
            served,
            serving,
            left_out: selection.left_out,
            target: selection.target,
        }
    }
}

fn card(t: &'static ToolDef) -> ToolCard {
    ToolCard {
        name: t.name,
        toolset: t.toolset,
        find: t.find,
        curated: matches!(t.input, Input::Handler(_))
            && t.operation_argument.is_none()
            && t.method_argument.is_none(),
    }
}

type State = Option<Result<Arc<Menu>, String>>;

/// The menu, or the wait for it.
#[derive(Clone)]
pub struct Ready(watch::Receiver<State>);

/// Hands the menu over once the start-up checks are done.
pub struct Pending(watch::Sender<State>);

impl Ready {
    pub fn now(menu: Menu) -> Ready {
        let (_, rx) = watch::channel(Some(Ok(Arc::new(menu))));
        Ready(rx)
    }

    pub fn pending() -> (Ready, Pending) {
        let (tx, rx) = watch::channel(None);
        (Ready(rx), Pending(tx))
    }

    /// The menu once ready, or why the server could not start.
    pub async fn wait(&self) -> Result<Arc<Menu>, String> {
        let mut rx = self.0.clone();
        let ready = rx
            .wait_for(Option::is_some)
            .await
            .map_err(|_| "the server stopped before it was ready".to_string())?;
        ready.clone().expect("waited for")
    }

    /// The menu if it is ready (for the paths that run after `wait`).
    pub fn get(&self) -> Option<Arc<Menu>> {
        match &*self.0.borrow() {
            Some(Ok(m)) => Some(m.clone()),
            _ => None,
        }
    }
}

impl Pending {
    /// The selection the checks arrived at (its menu is built here, off
    /// the path of `initialize`), or why start-up failed.
    pub fn set(self, selection: Result<Selection, String>) {
        let _ = self.0.send(Some(selection.map(|s| Arc::new(Menu::of(s)))));
    }
}
