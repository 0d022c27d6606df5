//! `swarm_service_scale`: set a replicated service's replicas. Docker takes
//! the whole spec back with the version it was read at, so this reads first.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::swarm;
use crate::tools::args::Args;
use progenitor_client::ClientInfo;
use serde_json::{json, Value};

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Swarm environment id (from environment_list)."},
    "id": {"type": "string", "description": "Service id or name."},
    "replicas": {"type": "integer", "minimum": 0, "description": "Desired number of tasks; 0 stops them all."}
  },
  "required": ["environment_id", "id", "replicas"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let id: String = args.get("id", None)?;
    let replicas: u64 = args.get("replicas", None)?;
    let (version, mut spec) = swarm::read_service(http, env, &id).await?;
    let Some(mode) = spec.pointer_mut("/Mode/Replicated") else {
        return Err(ToolError::BadArguments(format!(
            "service `{id}` is not replicated (global services run one task per node)"
        )));
    };
    let before = mode["Replicas"].clone();
    mode["Replicas"] = json!(replicas);
    let answer = swarm::write_service(http, env, &id, version, &spec).await?;
    Ok(
        json!({"service": id, "replicas_before": before, "replicas": replicas, "warnings": answer["Warnings"]}),
    )
}
