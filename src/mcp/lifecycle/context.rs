//! What comes with a call from the client side: how the user can be asked
//! to confirm, and how the call can be cancelled or followed; and the
//! call's id in the audit log.

use crate::portainer::record::Watch;
use rmcp::model::InputResponses;
use rmcp::RoleServer;

/// What the client can do around one call: be asked to confirm, cancel
/// it, follow its progress.
#[derive(Default)]
pub struct CallContext<'a> {
    pub ask: Ask<'a>,
    pub watch: Watch,
    /// What the request's headers leave of the served tools (HTTP).
    pub narrow: Option<crate::mcp::narrow::Narrowing>,
    /// The caller's trace context (`traceparent` in the request's `_meta`).
    pub trace: Option<crate::trace::SpanContext>,
}

/// One call's id in the audit log, and, for the second round of an
/// input_required confirmation, the id of the round that asked.
pub struct CallId {
    pub id: String,
    pub asked_in: Option<String>,
}

impl Default for CallId {
    fn default() -> Self {
        CallId {
            id: crate::mcp::audit::new_call_id(),
            asked_in: None,
        }
    }
}

/// How a call that needs confirmation can ask the user.
#[derive(Default)]
pub enum Ask<'a> {
    /// Nobody to ask: the call answers with what it would send.
    #[default]
    Nobody,
    /// A session before MCP 2026-07-28: an elicitation request, where the
    /// client supports it.
    Elicit(&'a rmcp::Peer<RoleServer>),
    /// MCP 2026-07-28: an input_required answer (if the client can show a
    /// form), and a second round carrying the sealed state and the answer.
    Rounds {
        can_ask: bool,
        state: Option<String>,
        responses: Option<InputResponses>,
    },
}
