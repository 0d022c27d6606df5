//! `kubernetes_events`: recent events, optionally about one object.

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
    "namespace": {"type": "string", "description": "Namespace; all namespaces when left out."},
    "object": {"type": "string", "description": "Only events about the object with this name."},
    "object_kind": {"type": "string", "description": "Only events about objects of this kind, e.g. Pod."},
    "type": {"type": "string", "enum": ["Normal", "Warning"], "description": "Only this event type."}
  },
  "required": ["environment_id"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let namespace: Option<String> = args.get("namespace", None)?;
    let mut selectors = vec![];
    for (arg, field) in [
        ("object", "involvedObject.name"),
        ("object_kind", "involvedObject.kind"),
        ("type", "type"),
    ] {
        if let Some(v) = args.get::<Option<String>>(arg, None)? {
            kube::check_name(arg, &v)?;
            selectors.push(format!("{field}={v}"));
        }
    }
    let path = match &namespace {
        Some(ns) => {
            kube::check_name("namespace", ns)?;
            format!("api/v1/namespaces/{ns}/events")
        }
        None => "api/v1/events".to_string(),
    };
    let query = if selectors.is_empty() {
        vec![]
    } else {
        vec![("fieldSelector".to_string(), selectors.join(","))]
    };
    kube::request(http, env, Method::GET, &path, &query, None).await
}
