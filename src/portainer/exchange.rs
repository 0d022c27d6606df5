//! One request and its answer, and reading Portainer's answers: bodies as
//! JSON, error messages, transport failures.

use super::connected::ServerInfo;
use crate::error::{upstream, ToolError};
use crate::shaping::Got;
use bytes::Bytes;
use reqwest::Method;
use serde_json::Value;
use std::sync::Arc;

/// What was sent and what came back, for one request of a tool call.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: Method,
    /// Path and query, without scheme or host.
    pub path: String,
    pub status: u16,
    /// The answer's bytes; for a list shaped as it arrived, `[]` (what the
    /// typed client decodes): the list itself is `list`.
    pub body: Bytes,
    /// A list shaped as it arrived (shaping/stream_list.rs).
    pub list: Option<ShapedList>,
    /// How many items a paged list has in all (Portainer's X-Total-Count).
    pub total: Option<u64>,
    /// The Portainer that answered, as it reported itself at start-up
    /// (errors name it).
    pub portainer: Option<Arc<ServerInfo>>,
    /// False for an answer made here: a guard refusal or a held write.
    pub sent: bool,
}

/// A list read as it arrived: the value, and whether it is final (shaped
/// already: redacted, paged, cut) or collected whole for a `select`.
#[derive(Debug, Clone)]
pub struct ShapedList {
    pub value: Value,
    pub shaped: bool,
}

impl Exchange {
    /// An answer made here (a guard refusal, a held write): nothing sent.
    pub fn made_here(method: Method, path: String, status: u16, body: Bytes) -> Exchange {
        Exchange {
            method,
            path,
            status,
            body,
            list: None,
            total: None,
            portainer: None,
            sent: false,
        }
    }

    /// A 2xx answer as the call's result: a list as shaped on arrival, or
    /// the body as JSON (with the list's total); anything else is a tool
    /// error with the status and Portainer's message.
    pub fn into_got(self) -> Result<Got, ToolError> {
        if !(200..300).contains(&self.status) {
            return self.into_json().map(Got::from);
        }
        let total = self.total;
        Ok(match self.list {
            Some(l) => Got {
                value: l.value,
                shaped: l.shaped,
                total,
                log: false,
            },
            None => Got {
                value: body_value(&self.body),
                shaped: false,
                total,
                log: false,
            },
        })
    }

    /// A 2xx answer's body as text, as sent, even when it would parse as
    /// JSON (a log of one JSON line); else as `into_json`.
    pub fn into_text(self) -> Result<Value, ToolError> {
        if (200..300).contains(&self.status) {
            Ok(Value::String(
                String::from_utf8_lossy(&self.body).into_owned(),
            ))
        } else {
            self.into_json()
        }
    }

    /// A 2xx answer's body as JSON; anything else is a tool error with the
    /// status and Portainer's message.
    pub fn into_json(self) -> Result<Value, ToolError> {
        if (200..300).contains(&self.status) {
            Ok(body_value(&self.body))
        } else {
            Err(failure(Some(&self), self.status, text_message(&self.body)))
        }
    }

    /// A 404/405 from Portainer's own API (not the Docker or Kubernetes
    /// behind it) without Portainer's JSON error body: the route itself is
    /// missing, as when a tool meets a Portainer older than its description.
    fn route_missing(&self) -> bool {
        let passthrough = self
            .path
            .split('/')
            .collect::<Vec<_>>()
            .windows(3)
            .any(|w| {
                w[0] == "endpoints"
                    && w[1].bytes().all(|b| b.is_ascii_digit())
                    && matches!(w[2], "docker" | "kubernetes")
            });
        let portainer_error = serde_json::from_slice::<Value>(&self.body)
            .is_ok_and(|v| v.get("message").is_some() || v.get("details").is_some());
        matches!(self.status, 404 | 405) && !passthrough && !portainer_error
    }
}

/// The tool error for a failed answer: the status and Portainer's message,
/// or, for a route the connected Portainer does not have, which one.
pub fn failure(x: Option<&Exchange>, status: u16, message: String) -> ToolError {
    let Some(x) = x.filter(|x| x.status == status && x.route_missing()) else {
        return upstream(status, message);
    };
    let portainer = match &x.portainer {
        Some(info) => format!("Portainer {info}"),
        None => "this Portainer (version unknown)".to_string(),
    };
    let path = x.path.split('?').next().unwrap_or_default();
    upstream(
        status,
        format!(
            "{portainer} has no route {} {path}: this tool's API is not in that version",
            x.method
        ),
    )
}

/// A response body as JSON; non-JSON text becomes a string, empty becomes null.
pub fn body_value(bytes: &[u8]) -> Value {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(bytes)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
}

/// Portainer's error body is `{"message": ..., "details": ...}`.
pub(crate) fn portainer_message(v: &Value) -> String {
    let get = |k: &str| {
        v.get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_string()
    };
    let (message, details) = (get("message"), get("details"));
    match (message.is_empty(), details.is_empty() || details == message) {
        (false, false) => format!("{message} ({details})"),
        (false, true) => message,
        (true, _) => details,
    }
}

/// The message of an error body: Portainer's fields if present, else the text.
pub fn text_message(bytes: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(bytes) {
        let m = portainer_message(&v);
        if !m.is_empty() {
            return m;
        }
    }
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim();
    match text.char_indices().nth(500) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

pub fn describe_transport(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "failed while reading the response"
    } else {
        "request failed"
    };
    let url = e
        .url()
        .map(|u| format!(" ({}{})", u.origin().ascii_serialization(), u.path()))
        .unwrap_or_default();
    let mut cause = String::new();
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        cause = s.to_string();
        src = s.source();
    }
    if cause.is_empty() {
        format!("Portainer {what}{url}")
    } else {
        format!("Portainer {what}{url}: {cause}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_portainer_error_bodies() {
        assert_eq!(
            text_message(br#"{"message":"Not found","details":"no stack"}"#),
            "Not found (no stack)"
        );
        assert_eq!(text_message(br#"{"message":"x","details":"x"}"#), "x");
        assert_eq!(text_message(b"404 page not found\n"), "404 page not found");
        assert_eq!(body_value(b""), Value::Null);
        assert_eq!(body_value(b"plain"), Value::String("plain".into()));
    }

    fn answer(path: &str, status: u16, body: &'static str) -> Exchange {
        Exchange {
            sent: true,
            ..Exchange::made_here(
                Method::POST,
                path.into(),
                status,
                Bytes::from_static(body.as_bytes()),
            )
        }
    }

    #[test]
    fn names_a_missing_route_but_not_a_missing_object() {
        let e = failure(
            Some(&answer(
                "/api/endpoint_groups?x=1",
                404,
                "404 page not found\n",
            )),
            404,
            "404 page not found".into(),
        );
        let e = e.to_string();
        assert!(e.contains("has no route POST /api/endpoint_groups:"), "{e}");
        // Portainer's own "not found" names the object, and stays as it is.
        let body = r#"{"message":"Unable to find a stack","details":"not found"}"#;
        let e = failure(
            Some(&answer("/api/stacks/9", 404, body)),
            404,
            "Unable to find a stack".into(),
        );
        assert!(!e.to_string().contains("no route"));
        // Docker's or Kubernetes' 404 behind the passthrough is theirs.
        let e = failure(
            Some(&answer(
                "/api/endpoints/1/docker/containers/x/json",
                404,
                "page not found",
            )),
            404,
            "page not found".into(),
        );
        assert!(!e.to_string().contains("no route"));
    }
}
