//! A span being timed, and what it becomes when it ends.

use super::context::SpanContext;
use super::{export, otlp};
use std::time::{SystemTime, UNIX_EPOCH};

/// What a span is to its trace (OTLP's SpanKind).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A tool call this server answers.
    Server,
    /// A request this server sends to Portainer.
    Client,
}

/// An attribute's value.
#[derive(Debug, Clone, PartialEq)]
pub enum Attr {
    Str(String),
    Int(i64),
}

impl From<&str> for Attr {
    fn from(s: &str) -> Attr {
        Attr::Str(s.to_string())
    }
}

impl From<String> for Attr {
    fn from(s: String) -> Attr {
        Attr::Str(s)
    }
}

impl From<u64> for Attr {
    fn from(n: u64) -> Attr {
        Attr::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// A span being timed; sent to the exporter when it ends.
#[derive(Debug)]
pub struct Span {
    pub ctx: SpanContext,
    parent: Option<[u8; 8]>,
    name: String,
    kind: Kind,
    start: SystemTime,
    attrs: Vec<(&'static str, Attr)>,
}

impl Span {
    /// A span under `parent` (a new trace without one); None when traces
    /// are off, so that an untraced call costs one check.
    pub fn start(name: impl Into<String>, kind: Kind, parent: Option<SpanContext>) -> Option<Span> {
        if !export::enabled() {
            return None;
        }
        let ctx = parent.map_or_else(SpanContext::root, |p| p.child());
        Some(Span {
            ctx,
            parent: parent.map(|p| p.span_id),
            name: name.into(),
            kind,
            start: SystemTime::now(),
            attrs: vec![],
        })
    }

    pub fn attr(&mut self, key: &'static str, value: impl Into<Attr>) {
        self.attrs.push((key, value.into()));
    }

    /// Ends the span, an error's text (capped) making it failed. Only the
    /// time is taken here: the exporter's task encodes it, off the call's
    /// path.
    pub fn end(self, error: Option<&str>) {
        if !self.ctx.sampled {
            return;
        }
        export::send(otlp::Ended {
            trace_id: self.ctx.trace_id,
            span_id: self.ctx.span_id,
            parent: self.parent,
            name: self.name,
            kind: match self.kind {
                Kind::Server => 2,
                Kind::Client => 3,
            },
            start: nanos(self.start),
            end: nanos(SystemTime::now()),
            attrs: self.attrs.into_iter().map(|(k, v)| (k, v.into())).collect(),
            error: error.map(|e| e.chars().take(MAX_MESSAGE).collect()),
        });
    }
}

/// Longest status message sent (an error's text, already redacted).
const MAX_MESSAGE: usize = 256;

fn nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl From<Attr> for otlp::Value {
    fn from(a: Attr) -> otlp::Value {
        match a {
            Attr::Str(s) => otlp::Value::StringValue(s),
            Attr::Int(n) => otlp::Value::IntValue(n),
        }
    }
}
