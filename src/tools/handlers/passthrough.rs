//! The raw proxy tools (docker_proxy, kubernetes_proxy): any request to an
//! environment's Docker or Kubernetes API, relayed through Portainer. The
//! two share their arguments and differ only in the backend; whether a call
//! writes is decided before it runs (tools/policy.rs, by its `method`, the
//! argument tools.toml names with `method_argument`).

use crate::error::ToolError;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::log_window;
use crate::shaping::Got;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{Map, Value};
use std::borrow::Cow;

// The HTTP method of a proxied request, in any case on the way in. (No doc
// comment: schemars would repeat it as the argument's description.)
#[derive(JsonSchema, serde::Serialize, Default, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "UPPERCASE")]
pub enum ProxyMethod {
    #[default]
    Get,
    Post,
    Put,
    Patch,
    Delete,
    Head,
}

impl<'de> Deserialize<'de> for ProxyMethod {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let m = String::deserialize(d)?;
        Ok(match m.to_ascii_uppercase().as_str() {
            "GET" => ProxyMethod::Get,
            "POST" => ProxyMethod::Post,
            "PUT" => ProxyMethod::Put,
            "PATCH" => ProxyMethod::Patch,
            "DELETE" => ProxyMethod::Delete,
            "HEAD" => ProxyMethod::Head,
            _ => {
                return Err(serde::de::Error::custom(format!(
                    "`{}` is not one of GET, POST, PUT, PATCH, DELETE, HEAD",
                    crate::error::cap_text(m, 80)
                )))
            }
        })
    }
}

/// One query parameter's value (its schema; values arrive as JSON).
#[derive(Deserialize)]
#[serde(transparent)]
pub struct QueryValue(pub Value);

impl JsonSchema for QueryValue {
    fn schema_name() -> Cow<'static, str> {
        "QueryValue".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number", "boolean", "array"]})
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Proxy {
    #[schemars(range(min = 1))]
    environment_id: u64,
    #[serde(default)]
    method: ProxyMethod,
    /// Below the API root.
    path: String,
    /// Arrays repeat the parameter.
    query: Option<std::collections::BTreeMap<String, QueryValue>>,
    /// JSON body.
    body: Option<Value>,
}

// How a Kubernetes PATCH body is to be read. The API server answers 415 to
// a PATCH whose content type is not one of these four.
#[derive(Deserialize, JsonSchema, Default, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum PatchType {
    #[default]
    Merge,
    Json,
    Strategic,
    Apply,
}

impl PatchType {
    fn media_type(self) -> &'static str {
        match self {
            PatchType::Merge => "application/merge-patch+json",
            PatchType::Json => "application/json-patch+json",
            PatchType::Strategic => "application/strategic-merge-patch+json",
            // JSON is YAML, so the JSON body goes as is.
            PatchType::Apply => "application/apply-patch+yaml",
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct KubernetesProxy {
    #[serde(flatten)]
    base: Proxy,
    /// PATCH body type (default merge); apply needs fieldManager in query.
    patch_type: Option<PatchType>,
}

handler!(DOCKER_PROXY, Proxy, docker);
handler!(KUBERNETES_PROXY, KubernetesProxy, kubernetes);

async fn docker(call: &Call, a: Proxy) -> Result<Got, ToolError> {
    relay(call, Backend::Docker, a, "application/json").await
}

async fn kubernetes(call: &Call, a: KubernetesProxy) -> Result<Got, ToolError> {
    let patching = a.base.method == ProxyMethod::Patch;
    let content_type = match (patching, a.patch_type) {
        (true, t) => t.unwrap_or_default().media_type(),
        (false, None) => "application/json",
        (false, Some(_)) => {
            return Err(ToolError::BadArguments(
                "`patch_type` is for method PATCH only".into(),
            ))
        }
    };
    relay(call, Backend::Kubernetes, a.base, content_type).await
}

/// A GET of a container's or a pod's log: read as the log tools read one,
/// its end in a window of a few times the cap as it arrives, so a log of
/// any size costs bounded memory (Docker's framing removed).
fn log_read(backend: Backend, method: &Method, path: &str) -> Option<bool> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let is_get = *method == Method::GET;
    match (backend, parts.as_slice()) {
        (Backend::Docker, [.., "containers", _, "logs"]) if is_get => Some(true),
        (Backend::Kubernetes, [.., "pods", _, "log"]) if is_get => Some(false),
        _ => None,
    }
}

async fn relay(
    call: &Call,
    backend: Backend,
    a: Proxy,
    content_type: &'static str,
) -> Result<Got, ToolError> {
    let http = call.http();
    let method = match a.method {
        ProxyMethod::Get => Method::GET,
        ProxyMethod::Post => Method::POST,
        ProxyMethod::Put => Method::PUT,
        ProxyMethod::Patch => Method::PATCH,
        ProxyMethod::Delete => Method::DELETE,
        ProxyMethod::Head => Method::HEAD,
    };
    let query = query_pairs(
        a.query
            .map(|q| q.into_iter().map(|(k, v)| (k, v.0)).collect()),
    )?;
    if a.body.is_some() && matches!(method, Method::GET | Method::HEAD) {
        return Err(ToolError::BadArguments(format!(
            "a {method} request cannot carry a body"
        )));
    }
    let body = a.body.map(|b| (b, content_type));
    let log = log_read(backend, &method, &a.path);
    if let Some(docker) = log {
        call.record().expect_log(docker, None);
    }
    let x = passthrough(
        http,
        backend,
        a.environment_id,
        method,
        &a.path,
        &query,
        body,
    )
    .await?;
    match call.record().take_text_read() {
        Some(read) if log.is_some() && (200..300).contains(&x.status) => {
            let text = String::from_utf8_lossy(&x.body).into_owned();
            Ok(Got {
                log: true,
                ..Got::from(log_window::answer(text, &read, false))
            })
        }
        _ => x.into_got(),
    }
}

fn query_pairs(q: Option<Map<String, Value>>) -> Result<Vec<(String, String)>, ToolError> {
    let Some(obj) = q else { return Ok(vec![]) };
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
    for (k, v) in &obj {
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
        let pairs = query_pairs(q.as_object().cloned()).unwrap();
        assert!(pairs.contains(&("all".into(), "true".into())));
        assert!(pairs.contains(&("label".into(), "b".into())));
        assert!(pairs.contains(&("filters".into(), r#"{"status":["running"]}"#.into())));
    }
}
