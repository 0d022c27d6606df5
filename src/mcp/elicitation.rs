//! Asking the user whether held writes may be sent: by an elicitation
//! request (sessions before MCP 2026-07-28), or as the form inside an
//! input_required answer (2026-07-28, see input_required.rs).

use crate::tools::args::CONFIRM;
use rmcp::model::{
    BooleanSchema, ElicitRequestParams, ElicitationAction, ElicitationSchema,
    PrimitiveSchemaDefinition,
};
use serde_json::{json, Value};

/// The form shown to the user: the requests, and one yes/no.
pub fn form(tool: &str, would_send: &[Value]) -> ElicitRequestParams {
    let lines: Vec<String> = would_send
        .iter()
        .map(|r| {
            format!(
                "  {} {}",
                r["method"].as_str().unwrap_or("?"),
                r["path"].as_str().unwrap_or("?")
            )
        })
        .collect();
    let message = format!(
        "{tool} will send to Portainer:\n{}\nProceed?",
        lines.join("\n")
    );
    let schema = ElicitationSchema::builder()
        .required_property(
            CONFIRM,
            PrimitiveSchemaDefinition::Boolean(BooleanSchema::new().title("Proceed")),
        )
        .build()
        .unwrap_or_else(|_| ElicitationSchema::new(Default::default()));
    ElicitRequestParams::FormElicitationParams {
        meta: None,
        message,
        requested_schema: schema,
    }
}

/// Whether an answer (as JSON) is an explicit yes.
pub fn is_yes(answer: &Value) -> bool {
    answer["action"] == json!("accept") && answer["content"][CONFIRM] == json!(true)
}

/// Asks the user, where the client supports it (MCP elicitation), whether
/// the held requests may be sent. `None`: the client cannot be asked.
pub async fn ask(
    peer: &rmcp::Peer<rmcp::RoleServer>,
    tool: &str,
    would_send: &[Value],
) -> Option<bool> {
    use rmcp::service::ElicitationMode;
    if !peer
        .supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
    {
        return None;
    }
    match peer.create_elicitation(form(tool, would_send)).await {
        Ok(r) => Some(
            r.action == ElicitationAction::Accept
                && r.content.as_ref().and_then(|c| c.get(CONFIRM)) == Some(&json!(true)),
        ),
        Err(e) => {
            tracing::warn!("could not ask for confirmation: {e}");
            None
        }
    }
}
