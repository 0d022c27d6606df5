//! The two ways clients reach the server: stdio and Streamable HTTP, each a
//! thin layer over the one MCP service (mcp::server); and the optional
//! metrics listener beside either.

pub mod connections;
pub mod json_input;
pub mod metrics_listener;
pub mod open_files;
pub mod shutdown;
pub mod stdio;
pub mod streamable_http;

pub use open_files::raise_open_files;
