//! Held writes and how a user lets them go: the confirm argument,
//! elicitation, and MCP 2026-07-28's input_required.

mod elicitation;
mod mcp_2026;
mod promise;
