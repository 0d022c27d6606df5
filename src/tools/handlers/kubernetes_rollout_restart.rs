//! `kubernetes_rollout_restart`: what `kubectl rollout restart` does: a new
//! restartedAt annotation on the pod template makes the controller replace
//! every pod, rolling.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::kubernetes as kube;
use crate::tools::args::Args;
use crate::tools::handlers::kubernetes_scale::workload_plural;
use progenitor_client::ClientInfo;
use reqwest::Method;
use serde_json::{json, Value};

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Kubernetes environment id (from environment_list)."},
    "namespace": {"type": "string"},
    "name": {"type": "string", "description": "Workload name."},
    "kind": {"type": "string", "enum": ["Deployment", "StatefulSet", "DaemonSet"], "default": "Deployment"}
  },
  "required": ["environment_id", "namespace", "name"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let namespace: String = args.get("namespace", None)?;
    let name: String = args.get("name", None)?;
    let kind: String = args.get("kind", Some("\"Deployment\""))?;
    let plural = workload_plural(&kind, &["Deployment", "StatefulSet", "DaemonSet"])?;
    kube::check_name("namespace", &namespace)?;
    kube::check_name("name", &name)?;
    let path = format!("apis/apps/v1/namespaces/{namespace}/{plural}/{name}");
    let at = crate::clock::now_rfc3339();
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
    let updated = kube::request(
        http,
        env,
        Method::PATCH,
        &path,
        &[],
        Some((patch, "application/strategic-merge-patch+json")),
    )
    .await?;
    Ok(json!({
        "restartedAt": at,
        "kind": kind,
        "name": updated["metadata"]["name"],
        "namespace": updated["metadata"]["namespace"],
        "generation": updated["metadata"]["generation"],
        "replicas": updated["spec"]["replicas"]
    }))
}
