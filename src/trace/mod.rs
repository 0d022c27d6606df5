//! OpenTelemetry traces over OTLP/HTTP (--otlp-endpoint, or the standard
//! OTEL_EXPORTER_OTLP_* variables): a span per tool call and a child span
//! per Portainer request, the W3C trace context taken from the MCP
//! request's `_meta` and passed on to Portainer in `traceparent`. Spans
//! carry names, routes, statuses and outcomes: never an argument value, a
//! secret or the token. Off unless an endpoint is given; the export is
//! batched and bounded (a full queue drops spans, counted, rather than
//! hold memory or a call).

mod context;
mod export;
mod otlp;
mod route;
mod span;

pub use context::SpanContext;
pub use export::{flush, init, Endpoint};
pub use route::template;
pub use span::{Attr, Kind, Span};
