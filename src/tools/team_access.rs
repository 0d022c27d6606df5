//! `--team-id` (PORTAINER_TEAM_ID, from the product description's client
//! config): every stack this server creates is handed to one Portainer team
//! through the stack's resource control. Portainer makes that control when
//! it creates a stack (private to the user, or administrators only for an
//! admin) and sends it back in the answer; the server then updates it to
//! "team N only". Other objects keep Portainer's own default.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::tools::args::Args;
use crate::tools::call::Call;
use crate::tools::operations;
use reqwest::Method;
use serde_json::{json, Value};

/// Whether this call creates a stack whose answer carries its resource
/// control: the curated create tools, or api_call with a Docker StackCreate
/// operation. Portainer answers a Kubernetes stack create with the deploy
/// output only (no stack, no control), so those keep Portainer's default.
pub fn creates_stack(tool: &str, args: &Args) -> bool {
    match tool {
        "stack_create" | "stack_create_git" => true,
        "api_call" => args
            .get::<String>("operation", None)
            .ok()
            .and_then(|op| operations::find_id(&op))
            .is_some_and(|op| {
                op.id.starts_with("StackCreate") && !op.id.starts_with("StackCreateKubernetes")
            }),
        _ => false,
    }
}

fn payload(team: u64) -> Value {
    json!({"AdministratorsOnly": false, "Public": false, "Users": [], "Teams": [team]})
}

/// Start-up: the team must exist, or every create would fail after the
/// fact. Read with the server's token; an unreachable Portainer is only
/// warned about (`Ok(None)`), as the version check does.
pub async fn check_team(http: &Http, team: u64) -> Result<Option<String>, String> {
    match http
        .portainer_json(Method::GET, &format!("teams/{team}"), None)
        .await
    {
        Ok(t) => Ok(Some(t["Name"].as_str().unwrap_or_default().to_string())),
        Err(ToolError::Transport(e)) => {
            tracing::warn!("--team-id {team}: the team could not be checked: {e}");
            Ok(None)
        }
        Err(e) => Err(format!("--team-id {team} (PORTAINER_TEAM_ID): {e}")),
    }
}

/// After a stack was created: restrict its resource control to `team`.
/// A held call shows the update among the requests it would send.
pub async fn restrict(call: &Call, team: u64, mut created: Value) -> Result<Value, ToolError> {
    let http = call.http();
    let body = payload(team);
    if call.held() {
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        call.record().capture(
            "PUT",
            "/api/resource_controls/{the new stack's ResourceControl.Id}",
            Some(&bytes),
        );
        return Ok(created);
    }
    let stack = format!(
        "stack {} `{}` was created, but",
        created["Id"],
        created["Name"].as_str().unwrap_or_default()
    );
    let Some(rc) = created
        .pointer("/ResourceControl/Id")
        .and_then(Value::as_u64)
    else {
        return Err(ToolError::Internal(format!(
            "{stack} Portainer's answer carries no resource control, so it is not restricted to team {team}"
        )));
    };
    match http
        .portainer_json(Method::PUT, &format!("resource_controls/{rc}"), Some(&body))
        .await
    {
        Ok(control) => {
            created["ResourceControl"] = control;
            Ok(created)
        }
        Err(ToolError::Upstream { status, message }) => Err(ToolError::Upstream {
            status,
            message: format!("{stack} restricting it to team {team} failed: {message}"),
        }),
        Err(ToolError::Transport(e)) => Err(ToolError::Transport(format!(
            "{stack} restricting it to team {team} failed: {e}"
        ))),
        Err(e) => Err(ToolError::Refused(format!(
            "{stack} restricting it to team {team} failed: {e}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: Value) -> Args {
        Args::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn stack_creates_are_recognised() {
        assert!(creates_stack("stack_create", &args(json!({}))));
        assert!(creates_stack("stack_create_git", &args(json!({}))));
        // Spelt as api_call accepts it, case and spaces aside.
        assert!(creates_stack(
            "api_call",
            &args(json!({"operation": " stackcreatedockerstandalonestring "}))
        ));
        // A Kubernetes stack's answer names no stack to restrict.
        assert!(!creates_stack(
            "api_call",
            &args(json!({"operation": "StackCreateKubernetesFile"}))
        ));
        assert!(!creates_stack(
            "api_call",
            &args(json!({"operation": "StackList"}))
        ));
        assert!(!creates_stack("stack_update", &args(json!({}))));
    }
}
