//! `kubernetes_resource_get`: one object of any kind, found by discovery.

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
    "kind": {"type": "string", "description": "Resource kind, e.g. Pod, Deployment, Service."},
    "namespace": {"type": "string", "description": "Namespace of a namespaced kind."},
    "name": {"type": "string", "description": "Object name."}
  },
  "required": ["environment_id", "kind", "name"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let api_version: String = args.get("api_version", Some("\"v1\""))?;
    let kind: String = args.get("kind", None)?;
    let namespace: Option<String> = args.get("namespace", None)?;
    let name: String = args.get("name", None)?;
    let resource = kube::resolve(http, env, &api_version, &kind).await?;
    if resource.namespaced && namespace.is_none() {
        return Err(ToolError::BadArguments(format!(
            "kind `{kind}` is namespaced: give namespace"
        )));
    }
    let path = kube::resource_path(&api_version, &resource, namespace.as_deref(), Some(&name))?;
    kube::request(http, env, Method::GET, &path, &[], None).await
}
