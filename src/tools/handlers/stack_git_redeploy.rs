//! `stack_git_redeploy`: pull a git stack's repository again and redeploy.
//! Portainer's redeploy call replaces the reference (default: main), the Env
//! list and the authentication with what the request carries, so the stored
//! ones are sent unless the caller changes them.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::tools::args::Args;
use crate::tools::handlers::stack_env;
use progenitor_client::ClientInfo;
use reqwest::Method;
use serde_json::{json, Value};

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "id": {"type": "integer", "minimum": 1, "description": "Stack id (from stack_list); the stack must come from git."},
    "environment_id": {"type": "integer", "minimum": 1, "description": "Id of the environment the stack runs on."},
    "ref": {"type": "string", "description": "Git reference to deploy, e.g. refs/heads/release; the stored one when left out."},
    "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
            "description": "Variables to set, NAME: value; null removes NAME. Others are kept unless replace_env is true."},
    "replace_env": {"type": "boolean", "default": false, "description": "env is the complete list: variables not named are removed."},
    "prune": {"type": "boolean", "default": false, "description": "Remove services that are no longer in the file."},
    "pull_image": {"type": "boolean", "default": false, "description": "Pull the images again before redeploying."}
  },
  "required": ["id", "environment_id"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let id: u64 = args.get("id", None)?;
    let env_id: u64 = args.get("environment_id", None)?;
    let reference: Option<String> = args.get("ref", None)?;
    let change = stack_env::parse_change(args.raw("env"))?;
    let replace: bool = args.get("replace_env", Some("false"))?;
    let prune: bool = args.get("prune", Some("false"))?;
    let pull: bool = args.get("pull_image", Some("false"))?;
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let git = stack
        .get("GitConfig")
        .filter(|g| g.is_object())
        .ok_or_else(|| {
            ToolError::BadArguments(format!(
                "stack {id} was not deployed from git; use stack_update"
            ))
        })?;
    let reference = match reference {
        Some(r) => r,
        None => git["ReferenceName"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    let auth = git.get("Authentication").filter(|a| a.is_object());
    let (env, summary) = stack_env::merge(&stack["Env"], &change, replace);
    let mut body = json!({
        "RepositoryReferenceName": reference,
        "Env": env,
        "Prune": prune,
        "PullImage": pull,
        "RepositoryAuthentication": auth.is_some(),
    });
    if let Some(a) = auth {
        // The stored password is reused by Portainer when none is sent.
        body["RepositoryUsername"] = a["Username"].clone();
        if let Some(kind) = a.get("AuthorizationType") {
            body["RepositoryAuthorizationType"] = kind.clone();
        }
    }
    let deployed = http
        .portainer_json(
            Method::PUT,
            &format!("stacks/{id}/git/redeploy?endpointId={env_id}"),
            Some(&body),
        )
        .await?;
    Ok(json!({"stack": deployed, "ref": reference, "env_changes": summary}))
}
