//! One request and its answer, and reading Portainer's answers: bodies as
//! JSON, error messages, transport failures.

use crate::error::{upstream, ToolError};
use bytes::Bytes;
use reqwest::Method;
use serde_json::Value;

/// What was sent and what came back, for one request of a tool call.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: Method,
    /// Path and query, without scheme or host.
    pub path: String,
    pub status: u16,
    pub body: Bytes,
}

impl Exchange {
    /// A 2xx answer's body as JSON; anything else is a tool error with the
    /// status and Portainer's message.
    pub fn into_json(self) -> Result<Value, ToolError> {
        if (200..300).contains(&self.status) {
            Ok(body_value(&self.body))
        } else {
            Err(upstream(self.status, text_message(&self.body)))
        }
    }
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
}
