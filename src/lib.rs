//! portainer-mcp: an MCP server exposing Portainer's HTTP API as tools.
//!
//! A call goes transport → mcp (server, confirmation, audit) → tools
//! (selection, arguments, handlers, generated dispatch) → portainer (the
//! typed client and the one HTTP layer with its guard); answers come back
//! through shaping. Each layer imports only those below it.

pub mod cli;
pub mod clock;
pub mod error;
pub mod mcp;
pub mod portainer;
pub mod shaping;
pub mod tools;
pub mod trace;
pub mod transport;
