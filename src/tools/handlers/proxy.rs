//! The raw proxy tools (docker_proxy, kubernetes_proxy): any request to an
//! environment's Docker or Kubernetes API, relayed through Portainer.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::tools::args::Args;
use progenitor_client::ClientInfo;
use reqwest::Method;
use serde_json::Value;

/// Input schema shared by both proxies (the method list shrinks to GET in
/// read-only mode, see server.rs).
pub const INPUT_SCHEMA: &str = r#"{
  "type": "object",
  "properties": {
    "environment_id": {"type": "integer", "minimum": 1, "description": "Environment id (from environment_list)."},
    "method": {"type": "string", "enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"], "default": "GET"},
    "path": {"type": "string", "description": "Path below the API root, without leading host or '..'."},
    "query": {"type": "object", "description": "Query parameters; array values repeat the parameter.",
              "additionalProperties": {"type": ["string", "number", "boolean", "array"]}},
    "body": {"description": "JSON request body (not with GET)."}
  },
  "required": ["environment_id", "path"],
  "additionalProperties": false
}"#;

pub async fn call(backend: Backend, client: &Client, args: &Args) -> Result<Value, ToolError> {
    let http = client.inner();
    let env: u64 = args.get("environment_id", None)?;
    let method_name: String = args.get("method", Some("\"GET\""))?;
    let method = parse_method(&method_name)?;
    let path: String = args.get("path", None)?;
    let query = query_pairs(args.raw("query"))?;
    let body = args.raw("body").cloned();
    if body.is_some() && matches!(method, Method::GET | Method::HEAD) {
        return Err(ToolError::BadArguments(format!(
            "a {method} request cannot carry a body"
        )));
    }
    if http.read_only() && method != Method::GET {
        return Err(ToolError::Refused(format!(
            "read-only mode: {} accepts GET only, not {method}",
            match backend {
                Backend::Docker => "docker_proxy",
                Backend::Kubernetes => "kubernetes_proxy",
            }
        )));
    }
    let body = body.map(|b| (b, "application/json"));
    let x = passthrough(http, backend, env, method, &path, &query, body).await?;
    x.into_json()
}

fn parse_method(m: &str) -> Result<Method, ToolError> {
    match m.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        "PUT" => Ok(Method::PUT),
        "PATCH" => Ok(Method::PATCH),
        "DELETE" => Ok(Method::DELETE),
        "HEAD" => Ok(Method::HEAD),
        _ => Err(ToolError::BadArguments(format!(
            "method `{m}` is not one of GET, POST, PUT, PATCH, DELETE, HEAD"
        ))),
    }
}

fn query_pairs(q: Option<&Value>) -> Result<Vec<(String, String)>, ToolError> {
    let Some(q) = q else { return Ok(vec![]) };
    let obj = q
        .as_object()
        .ok_or_else(|| ToolError::BadArguments("query: must be an object of parameters".into()))?;
    let mut out = vec![];
    let scalar = |k: &str, v: &Value| -> Result<String, ToolError> {
        match v {
            Value::String(s) => Ok(s.clone()),
            Value::Number(n) => Ok(n.to_string()),
            Value::Bool(b) => Ok(b.to_string()),
            // Docker takes JSON-encoded filters, e.g. filters={"label":["a=b"]}.
            Value::Object(_) => Ok(v.to_string()),
            _ => Err(ToolError::BadArguments(format!(
                "query.{k}: unsupported value {v}"
            ))),
        }
    };
    for (k, v) in obj {
        match v {
            Value::Array(items) => {
                for i in items {
                    out.push((k.clone(), scalar(k, i)?));
                }
            }
            Value::Null => {}
            other => out.push((k.clone(), scalar(k, other)?)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values() {
        let q = serde_json::json!({"all": true, "limit": 5, "label": ["a", "b"], "filters": {"status": ["running"]}});
        let pairs = query_pairs(Some(&q)).unwrap();
        assert!(pairs.contains(&("all".into(), "true".into())));
        assert!(pairs.contains(&("label".into(), "b".into())));
        assert!(pairs.contains(&("filters".into(), r#"{"status":["running"]}"#.into())));
    }
}
