//! Asking the user (MCP elicitation) whether held writes may be sent.

use crate::tools::args::CONFIRM;
use serde_json::{json, Value};

/// Asks the user, where the client supports it (MCP elicitation), whether
/// the held requests may be sent. `None`: the client cannot be asked.
pub async fn ask(
    peer: &rmcp::Peer<rmcp::RoleServer>,
    tool: &str,
    would_send: &[Value],
) -> Option<bool> {
    use rmcp::model::{
        BooleanSchema, ElicitRequestParams, ElicitationAction, ElicitationSchema,
        PrimitiveSchemaDefinition,
    };
    use rmcp::service::ElicitationMode;
    if !peer
        .supported_elicitation_modes()
        .contains(&ElicitationMode::Form)
    {
        return None;
    }
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
        .ok()?;
    let params = ElicitRequestParams::FormElicitationParams {
        meta: None,
        message,
        requested_schema: schema,
    };
    match peer.create_elicitation(params).await {
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
