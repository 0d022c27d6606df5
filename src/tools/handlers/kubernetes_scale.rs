//! `kubernetes_scale`: set a Deployment's or StatefulSet's replicas.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::kubernetes as kube;
use crate::tools::args::Args;
use progenitor_client::ClientInfo;
use reqwest::Method;
use serde_json::{json, Value};

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Kubernetes environment id (from environment_list)."},
    "namespace": {"type": "string"},
    "name": {"type": "string", "description": "Workload name."},
    "kind": {"type": "string", "enum": ["Deployment", "StatefulSet"], "default": "Deployment"},
    "replicas": {"type": "integer", "minimum": 0, "description": "Desired replicas; 0 stops every pod."}
  },
  "required": ["environment_id", "namespace", "name", "replicas"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let namespace: String = args.get("namespace", None)?;
    let name: String = args.get("name", None)?;
    let replicas: u32 = args.get("replicas", None)?;
    let kind: String = args.get("kind", Some("\"Deployment\""))?;
    let plural = workload_plural(&kind, &["Deployment", "StatefulSet"])?;
    kube::check_name("namespace", &namespace)?;
    kube::check_name("name", &name)?;
    let path = format!("apis/apps/v1/namespaces/{namespace}/{plural}/{name}/scale");
    let patch = json!({"spec": {"replicas": replicas}});
    kube::request(
        http,
        env,
        Method::PATCH,
        &path,
        &[],
        Some((patch, "application/merge-patch+json")),
    )
    .await
}

pub fn workload_plural(kind: &str, allowed: &[&str]) -> Result<&'static str, ToolError> {
    let plural = match kind {
        "Deployment" => "deployments",
        "StatefulSet" => "statefulsets",
        "DaemonSet" => "daemonsets",
        _ => "",
    };
    if plural.is_empty() || !allowed.contains(&kind) {
        return Err(ToolError::BadArguments(format!(
            "kind `{kind}` is not one of {}",
            allowed.join(", ")
        )));
    }
    Ok(plural)
}
