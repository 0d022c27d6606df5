//! What a server holds, shared by every session and call: the Portainer
//! client, how calls are treated (settings), what is served (the menu),
//! and the calls in flight.

use crate::mcp::audit::Audit;
use crate::mcp::callers::Users;
use crate::mcp::drain::Drain;
use crate::mcp::input_required;
use crate::mcp::menu::{Menu, Ready};
use crate::mcp::metrics::Metrics;
use crate::portainer::client::Client;
use crate::shaping;
use rmcp::ErrorData as McpError;
use std::sync::Arc;

/// How the server treats calls: everything but the tool list itself.
pub struct CallSettings {
    pub shaping: shaping::Limits,
    pub audit: Option<Audit>,
    /// Who is calling, for the audit log ("stdio" for the local transport).
    pub caller: String,
    /// HTTP mode: each request's own Portainer token, checked per user.
    pub users: Option<Arc<Users>>,
    pub metrics: Option<Arc<Metrics>>,
    /// --team-id: the team every stack this server creates is restricted to.
    pub team: Option<u64>,
    /// Seals the state of input_required confirmations (MCP 2026-07-28).
    pub sealer: input_required::Sealer,
    /// --require-change-ref: what a write's `change_ref` must look like.
    pub change_ref: Option<Arc<crate::tools::change_ref::ChangeRef>>,
    /// `portainer-mcp demo`: what the instructions and every result say.
    pub demo: Option<&'static str>,
}

pub struct ServerState {
    pub client: Client,
    pub options: CallSettings,
    /// What is served, once known (menu.rs).
    pub menu: Ready,
    pub drain: Arc<Drain>,
}

impl ServerState {
    /// The menu, once ready; an error the client sees if start-up failed.
    pub async fn menu(&self) -> Result<Arc<Menu>, McpError> {
        self.menu
            .wait()
            .await
            .map_err(|e| McpError::internal_error(e, None))
    }
}
