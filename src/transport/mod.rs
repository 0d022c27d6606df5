//! The two ways clients reach the server: stdio and Streamable HTTP, each a
//! thin layer over the one MCP service (mcp::server).

pub mod http;
pub mod json_input;
pub mod stdio;
