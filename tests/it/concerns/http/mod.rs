//! The Streamable HTTP transport and the metrics listener.

mod limits;
mod metrics_listener;
mod narrowing;
mod transport;
