//! `stack_update`: new compose file and/or environment for a stack. The
//! current file is kept when none is given, and named variables are merged
//! into the current ones (see stack_env.rs).

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
    "id": {"type": "integer", "minimum": 1, "description": "Stack id (from stack_list)."},
    "environment_id": {"type": "integer", "minimum": 1, "description": "Id of the environment the stack runs on."},
    "file": {"type": "string", "description": "New compose file content; the current file is kept when left out."},
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
    let file: Option<String> = args.get("file", None)?;
    let change = stack_env::parse_change(args.raw("env"))?;
    let replace: bool = args.get("replace_env", Some("false"))?;
    let prune: bool = args.get("prune", Some("false"))?;
    let pull: bool = args.get("pull_image", Some("false"))?;
    if file.is_none() && change.is_empty() && !replace && !pull {
        return Err(ToolError::BadArguments(
            "nothing to change: give file, env, replace_env or pull_image".into(),
        ));
    }
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let file = match file {
        Some(f) => f,
        None => {
            let current = http
                .portainer_json(Method::GET, &format!("stacks/{id}/file"), None)
                .await?;
            current["StackFileContent"]
                .as_str()
                .ok_or_else(|| {
                    ToolError::Internal("Portainer returned no StackFileContent".into())
                })?
                .to_string()
        }
    };
    let (env, summary) = stack_env::merge(&stack["Env"], &change, replace);
    let body = json!({"StackFileContent": file, "Env": env, "Prune": prune, "PullImage": pull});
    let updated = http
        .portainer_json(
            Method::PUT,
            &format!("stacks/{id}?endpointId={env_id}"),
            Some(&body),
        )
        .await?;
    Ok(json!({"stack": updated, "env_changes": summary}))
}
