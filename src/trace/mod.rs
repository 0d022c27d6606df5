//! OpenTelemetry traces over OTLP/HTTP (--otlp-endpoint, or the standard
//! OTEL_EXPORTER_OTLP_* variables): a span per tool call and a child span
//! per Portainer request, the W3C trace context taken from the MCP
//! request's `_meta` and passed on to Portainer in `traceparent`. Spans
//! carry names, routes, statuses and outcomes: never an argument value, a
//! secret or the token. Off unless an endpoint is given; the export is
//! batched and bounded (a full queue drops spans, counted, rather than
//! hold memory or a call).

mod export;
mod otlp;
mod route;

pub use export::{dropped, flush, init, Endpoint};
pub use route::template;

use std::time::SystemTime;

/// A span's place in a trace (W3C trace context).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanContext {
    pub trace_id: [u8; 16],
    pub span_id: [u8; 8],
    /// The caller asked for this trace to be recorded.
    pub sampled: bool,
}

impl SpanContext {
    /// A `traceparent` header's context: `00-<32 hex>-<16 hex>-<2 hex>`;
    /// None for anything else (an all-zero id included).
    pub fn from_traceparent(s: &str) -> Option<SpanContext> {
        let mut parts = s.trim().split('-');
        let (version, trace, span, flags) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if version.len() != 2 || version == "ff" || (version == "00" && parts.next().is_some()) {
            return None;
        }
        let trace_id: [u8; 16] = hex(trace)?.try_into().ok()?;
        let span_id: [u8; 8] = hex(span)?.try_into().ok()?;
        let flags = *hex(flags)?.first()?;
        if trace_id == [0; 16] || span_id == [0; 8] {
            return None;
        }
        Some(SpanContext {
            trace_id,
            span_id,
            sampled: flags & 1 == 1,
        })
    }

    pub fn traceparent(&self) -> String {
        format!(
            "00-{}-{}-{:02x}",
            to_hex(&self.trace_id),
            to_hex(&self.span_id),
            u8::from(self.sampled)
        )
    }

    /// A new span in this one's trace.
    pub fn child(&self) -> SpanContext {
        SpanContext {
            span_id: new_span_id(),
            ..*self
        }
    }

    /// The first span of a new trace (recorded).
    pub fn root() -> SpanContext {
        let mut trace_id = [0u8; 16];
        trace_id[..8].copy_from_slice(&new_span_id());
        trace_id[8..].copy_from_slice(&random_u64().to_be_bytes());
        SpanContext {
            trace_id,
            span_id: new_span_id(),
            sampled: true,
        }
    }
}

/// Random enough to tell spans apart (not secrets): a per-thread
/// generator seeded once from the system's randomness, so that a span costs
/// no system call.
fn random_u64() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = Cell::new({
            let seed = uuid::Uuid::new_v4().as_u64_pair();
            seed.0 ^ seed.1 | 1
        });
    }
    STATE.with(|s| {
        // splitmix64
        let mut z = s.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        s.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    })
}

fn new_span_id() -> [u8; 8] {
    loop {
        let id = random_u64();
        if id != 0 {
            return id.to_be_bytes();
        }
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2)
        || !s
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

fn to_hex(b: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(DIGITS[usize::from(x >> 4)] as char);
        s.push(DIGITS[usize::from(x & 15)] as char);
    }
    s
}

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

    /// Ends the span, an error's text (capped) making it failed.
    pub fn end(self, error: Option<&str>) {
        if !self.ctx.sampled {
            return;
        }
        export::send(otlp::finished(self, error));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traceparents_round_trip_and_bad_ones_are_none() {
        let t = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let c = SpanContext::from_traceparent(t).unwrap();
        assert!(c.sampled);
        assert_eq!(c.traceparent(), t);
        let child = c.child();
        assert_eq!(child.trace_id, c.trace_id);
        assert_ne!(child.span_id, c.span_id);
        for bad in [
            "",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-x",
            "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01",
        ] {
            assert!(SpanContext::from_traceparent(bad).is_none(), "{bad}");
        }
        assert!(
            !SpanContext::from_traceparent(
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"
            )
            .unwrap()
            .sampled
        );
    }
}
