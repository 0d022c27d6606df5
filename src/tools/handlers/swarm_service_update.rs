//! `swarm_service_update`: change a service's image or environment, or force
//! its tasks to be recreated, keeping everything else in its spec.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::swarm;
use crate::tools::args::Args;
use crate::tools::handlers::stack_env;
use progenitor_client::ClientInfo;
use serde_json::{json, Value};

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Swarm environment id (from environment_list)."},
    "id": {"type": "string", "description": "Service id or name."},
    "image": {"type": "string", "description": "New image, e.g. registry.example.com/app:1.5.0."},
    "env": {"type": "object", "additionalProperties": {"type": ["string", "number", "boolean", "null"]},
            "description": "Variables to set, NAME: value; null removes NAME; others are kept."},
    "force": {"type": "boolean", "default": false, "description": "Recreate every task even if nothing else changes."}
  },
  "required": ["environment_id", "id"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let id: String = args.get("id", None)?;
    let image: Option<String> = args.get("image", None)?;
    let change = stack_env::parse_change(args.raw("env"))?;
    let force: bool = args.get("force", Some("false"))?;
    if image.is_none() && change.is_empty() && !force {
        return Err(ToolError::BadArguments(
            "nothing to change: give image, env or force".into(),
        ));
    }
    let (version, mut spec) = swarm::read_service(http, env, &id).await?;
    let container = spec
        .pointer_mut("/TaskTemplate/ContainerSpec")
        .ok_or_else(|| ToolError::BadArguments(format!("service `{id}` has no container spec")))?;
    if let Some(img) = &image {
        container["Image"] = json!(img);
    }
    let mut env_summary = Value::Null;
    if !change.is_empty() {
        let pairs = swarm::env_to_pairs(&container["Env"]);
        let (merged, summary) = stack_env::merge(&pairs, &change, false);
        container["Env"] = swarm::pairs_to_env(&merged);
        env_summary = summary;
    }
    if force {
        let n = spec["TaskTemplate"]["ForceUpdate"].as_u64().unwrap_or(0);
        spec["TaskTemplate"]["ForceUpdate"] = json!(n + 1);
    }
    let answer = swarm::write_service(http, env, &id, version, &spec).await?;
    Ok(
        json!({"service": id, "image": image, "env_changes": env_summary, "forced": force, "warnings": answer["Warnings"]}),
    )
}
