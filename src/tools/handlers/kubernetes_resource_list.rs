//! `kubernetes_resource_list`: any resource kind, found by discovery.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::kubernetes as kube;
use crate::tools::args::Args;
use progenitor_client::ClientInfo;
use reqwest::Method;
use serde_json::Value;

pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Kubernetes environment id (from environment_list)."},
    "api_version": {"type": "string", "default": "v1", "description": "e.g. v1, apps/v1, batch/v1, networking.k8s.io/v1."},
    "kind": {"type": "string", "description": "Resource kind, e.g. Pod, Deployment, Service, ConfigMap, Ingress."},
    "namespace": {"type": "string", "description": "Namespace; all namespaces when left out."},
    "label_selector": {"type": "string", "description": "e.g. app=web,tier!=cache"},
    "field_selector": {"type": "string", "description": "e.g. status.phase=Running"},
    "limit": {"type": "integer", "minimum": 1, "description": "At most this many items; the answer's metadata.continue fetches the next page."},
    "continue": {"type": "string", "description": "Token from a previous answer's metadata.continue."}
  },
  "required": ["environment_id", "kind"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let api_version: String = args.get("api_version", Some("\"v1\""))?;
    let kind: String = args.get("kind", None)?;
    let namespace: Option<String> = args.get("namespace", None)?;
    let mut query = vec![];
    for (arg, param) in [
        ("label_selector", "labelSelector"),
        ("field_selector", "fieldSelector"),
        ("continue", "continue"),
    ] {
        if let Some(v) = args.get::<Option<String>>(arg, None)? {
            query.push((param.to_string(), v));
        }
    }
    if let Some(l) = args.get::<Option<u64>>("limit", None)? {
        query.push(("limit".to_string(), l.to_string()));
    }
    let resource = kube::resolve(http, env, &api_version, &kind).await?;
    let path = kube::resource_path(&api_version, &resource, namespace.as_deref(), None)?;
    kube::request(http, env, Method::GET, &path, &query, None).await
}
