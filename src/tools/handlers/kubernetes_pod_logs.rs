//! `kubernetes_pod_logs`: a pod container's log, as plain text.

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
    "namespace": {"type": "string"},
    "pod": {"type": "string", "description": "Pod name."},
    "container": {"type": "string", "description": "Container name; needed when the pod has several."},
    "tail": {"type": "integer", "minimum": 1, "default": 200, "description": "Lines from the end."},
    "since_seconds": {"type": "integer", "minimum": 1, "description": "Only lines from the last this many seconds."},
    "timestamps": {"type": "boolean", "description": "Prefix each line with its timestamp."},
    "previous": {"type": "boolean", "description": "The previous (crashed) instance of the container."}
  },
  "required": ["environment_id", "namespace", "pod"],
  "additionalProperties": false
}"#;

pub async fn call(client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let namespace: String = args.get("namespace", None)?;
    let pod: String = args.get("pod", None)?;
    kube::check_name("namespace", &namespace)?;
    kube::check_name("pod", &pod)?;
    let tail: u64 = args.get("tail", Some("200"))?;
    let mut query = vec![("tailLines".to_string(), tail.to_string())];
    if let Some(c) = args.get::<Option<String>>("container", None)? {
        query.push(("container".into(), c));
    }
    if let Some(s) = args.get::<Option<u64>>("since_seconds", None)? {
        query.push(("sinceSeconds".into(), s.to_string()));
    }
    for flag in ["timestamps", "previous"] {
        if args.get::<Option<bool>>(flag, None)? == Some(true) {
            query.push((flag.into(), "true".into()));
        }
    }
    let path = format!("api/v1/namespaces/{namespace}/pods/{pod}/log");
    kube::request(http, env, Method::GET, &path, &query, None).await
}
