//! The raw passthrough tools: a request relayed to an environment's Docker or
//! Kubernetes API through Portainer's /api/endpoints/{id}/{docker,kubernetes}/
//! routes. The path is checked so that it cannot leave that passthrough.

use crate::args::Args;
use crate::client::Client;
use crate::http::{Exchange, Http};
use crate::outcome::{body_value, text_message, upstream, ToolError};
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

/// Which passthrough a proxy tool uses.
#[derive(Clone, Copy)]
pub enum Backend {
    Docker,
    Kubernetes,
}

impl Backend {
    fn segment(self) -> &'static str {
        match self {
            Backend::Docker => "docker",
            Backend::Kubernetes => "kubernetes",
        }
    }
}

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
    if (200..300).contains(&x.status) {
        Ok(body_value(&x.body))
    } else {
        Err(upstream(x.status, text_message(&x.body)))
    }
}

/// One request to an environment's Docker or Kubernetes API through
/// Portainer; `path` is checked to stay inside the passthrough.
pub async fn passthrough(
    http: &Http,
    backend: Backend,
    env: u64,
    method: Method,
    path: &str,
    query: &[(String, String)],
    body: Option<(Value, &str)>,
) -> Result<Exchange, ToolError> {
    let path = check_path(path)?;
    let root = http.api_root().as_str().trim_end_matches('/');
    let prefix = format!("{root}/endpoints/{env}/{}/", backend.segment());
    let mut url = url::Url::parse(&format!("{prefix}{path}"))
        .map_err(|e| ToolError::BadArguments(format!("path: not a valid URL path: {e}")))?;
    // After the URL parser's own normalisation the request must still sit
    // inside this environment's passthrough.
    if !url.as_str().starts_with(&prefix) {
        return Err(ToolError::BadArguments(
            "path: leaves the passthrough".into(),
        ));
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter());
    }
    let mut req = http.client().request(method, url);
    if let Some((b, content_type)) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(b.to_string());
    }
    let req = req
        .build()
        .map_err(|e| ToolError::BadArguments(format!("cannot build the request: {e}")))?;
    http.send(req).await
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

/// Accepts a path relative to the passthrough root; a leading '/' is taken
/// as that root. Refuses anything that could point elsewhere.
pub fn check_path(path: &str) -> Result<String, ToolError> {
    let bad = |why: &str| Err(ToolError::BadArguments(format!("path `{path}`: {why}")));
    if path.starts_with("//") || path.contains("://") {
        return bad("must be a relative path, not a URL");
    }
    let rel = path.trim_start_matches('/');
    if rel.is_empty() {
        return bad("is empty");
    }
    if rel
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return bad("contains whitespace, control characters or backslashes");
    }
    if rel.contains('?') || rel.contains('#') {
        return bad("put query parameters in `query`, not in the path");
    }
    let lower = rel.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c"].iter().any(|enc| lower.contains(enc)) {
        return bad("contains an encoded '.', '/' or '\\'");
    }
    if rel.split('/').any(|seg| seg == ".." || seg == ".") {
        return bad("contains '.' or '..' segments");
    }
    if rel.split('/').next().is_some_and(|s| s.contains(':')) {
        return bad("must be a relative path, not a URL");
    }
    Ok(rel.to_string())
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
    fn accepts_ordinary_paths() {
        assert_eq!(check_path("containers/json").unwrap(), "containers/json");
        assert_eq!(
            check_path("/v1.41/containers/abc/json").unwrap(),
            "v1.41/containers/abc/json"
        );
        assert_eq!(
            check_path("images/registry.local:5000/app:1.2/json").unwrap(),
            "images/registry.local:5000/app:1.2/json"
        );
        assert_eq!(
            check_path("api/v1/namespaces/default/pods").unwrap(),
            "api/v1/namespaces/default/pods"
        );
    }

    #[test]
    fn refuses_escapes() {
        for p in [
            "../../users",
            "containers/../../../users",
            "./x",
            "%2e%2e/users",
            "containers%2F..%2Fusers",
            "http://evil.example/x",
            "//evil.example/x",
            "javascript:alert(1)",
            "containers/json?all=1",
            "a\\..\\b",
            "a b",
            "",
            "/",
        ] {
            assert!(check_path(p).is_err(), "{p} should be refused");
        }
    }

    #[test]
    fn query_values() {
        let q = serde_json::json!({"all": true, "limit": 5, "label": ["a", "b"], "filters": {"status": ["running"]}});
        let pairs = query_pairs(Some(&q)).unwrap();
        assert!(pairs.contains(&("all".into(), "true".into())));
        assert!(pairs.contains(&("label".into(), "b".into())));
        assert!(pairs.contains(&("filters".into(), r#"{"status":["running"]}"#.into())));
    }
}
