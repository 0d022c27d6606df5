//! The MCP layer: the server handler, tool entries for tools/list,
//! confirmation and elicitation, audit, metrics, and who is calling.

pub mod audit;
pub mod audit_chain;
pub mod audit_verify;
pub mod callers;
pub mod confirm;
pub mod drain;
pub mod elicitation;
pub mod input_required;
pub mod lifecycle;
pub mod menu;
pub mod metrics;
pub mod narrow;
pub mod prompts;
pub mod results;
pub mod server;
pub mod state;
pub mod tool_build;
