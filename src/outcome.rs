//! Turning what the typed client returns into a tool result or a tool error.
//!
//! Successful calls return the body exactly as Portainer sent it (see
//! http::Exchange): the typed decode checks it against the spec, but a body
//! that does not match (Go's nulls, fields newer than our spec) still
//! succeeds, with a log line, and no field is dropped.

use crate::http::{take_exchange, Exchange};
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error("invalid arguments: {0}")]
    BadArguments(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("Portainer answered HTTP {status}: {message}")]
    Upstream { status: u16, message: String },
    #[error("{0}")]
    Transport(String),
    #[error("internal error: {0}")]
    Internal(String),
}

/// For operations whose success response has a JSON body.
pub async fn finish_json<T, E: Serialize>(
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Value, ToolError> {
    finish(r).await
}

/// For operations whose success response has no body.
pub async fn finish_unit<E: Serialize>(
    r: Result<ResponseValue<()>, Error<E>>,
) -> Result<Value, ToolError> {
    finish(r).await
}

/// For operations whose success response is not JSON: text, or Docker's
/// multiplexed log stream (returned demultiplexed, as plain text).
pub async fn finish_bytes<T, E: Serialize>(
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Value, ToolError> {
    let exchange = match &r {
        Ok(_) => take_exchange(),
        Err(_) => return finish(r).await,
    };
    let bytes = exchange.map(|x| x.body).unwrap_or_default();
    Ok(match crate::docker_stream::demultiplex(&bytes) {
        Some(text) => Value::String(text),
        None => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    })
}

async fn finish<T, E: Serialize>(
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Value, ToolError> {
    match r {
        Ok(_) => Ok(take_exchange()
            .map(|x| body_value(&x.body))
            .unwrap_or(Value::Null)),
        Err(e) => from_client_error(e).await,
    }
}

async fn from_client_error<E: Serialize>(e: Error<E>) -> Result<Value, ToolError> {
    let exchange = take_exchange();
    match e {
        Error::ErrorResponse(rv) => {
            let status = rv.status().as_u16();
            let declared = serde_json::to_value(rv.into_inner()).unwrap_or(Value::Null);
            let mut message = portainer_message(&declared);
            if message.is_empty() {
                message = exchange
                    .as_ref()
                    .map(|x| text_message(&x.body))
                    .unwrap_or_default();
            }
            Err(upstream(status, message))
        }
        Error::InvalidResponsePayload(bytes, err) => {
            let status = exchange.as_ref().map(|x| x.status).unwrap_or(0);
            if (200..300).contains(&status) {
                lenient(exchange.as_ref(), &err.to_string());
                Ok(body_value(&bytes))
            } else {
                Err(upstream(status, text_message(&bytes)))
            }
        }
        Error::UnexpectedResponse(resp) => {
            let status = resp.status().as_u16();
            let body = resp.bytes().await.unwrap_or_default();
            if status == 304 {
                // Docker: the container is already in the requested state.
                return Ok(
                    serde_json::json!({"ok": true, "status": 304, "note": "nothing to do: already in the requested state"}),
                );
            }
            if (200..300).contains(&status) {
                lenient(
                    exchange.as_ref(),
                    &format!("status {status} is not the one the spec declares"),
                );
                Ok(body_value(&body))
            } else {
                Err(upstream(status, text_message(&body)))
            }
        }
        Error::CommunicationError(e) | Error::ResponseBodyError(e) | Error::InvalidUpgrade(e) => {
            Err(ToolError::Transport(describe_transport(&e)))
        }
        Error::Custom(msg) => Err(ToolError::Refused(msg)),
        Error::InvalidRequest(msg) => Err(ToolError::BadArguments(msg)),
    }
}

fn lenient(x: Option<&Exchange>, why: &str) {
    let (method, path) = x
        .map(|x| (x.method.as_str(), x.path.as_str()))
        .unwrap_or(("?", "?"));
    tracing::warn!(%method, %path, "response does not match spec/ ({why}); returned as sent");
}

/// The most characters of an error text a caller gets (and the audit log
/// keeps): upstream messages can echo megabytes of input.
pub const MAX_ERROR_CHARS: usize = 2_000;

/// An error as the caller sees it: secrets hidden, cut to the cap.
pub fn error_text(e: &ToolError) -> String {
    let mut text = e.to_string();
    crate::shaping::redact_text::redact_text(&mut text);
    cap_text(text, MAX_ERROR_CHARS)
}

/// `text` cut to at most `max` characters, saying how much was left out.
pub fn cap_text(text: String, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text;
    }
    let keep = max.saturating_sub(40);
    let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}… [{} more characters]", &text[..cut], n - keep)
}

pub fn upstream(status: u16, message: String) -> ToolError {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let message = if message.is_empty() {
        "(no message)".to_string()
    } else {
        cap_text(message, MAX_ERROR_CHARS)
    };
    ToolError::Upstream {
        status,
        message: if reason.is_empty() {
            message
        } else {
            format!("{reason}: {message}")
        },
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
fn portainer_message(v: &Value) -> String {
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

    #[test]
    fn error_texts_are_capped_and_redacted() {
        let huge = upstream(500, "x".repeat(2_000_000));
        let text = error_text(&huge);
        assert!(text.chars().count() <= MAX_ERROR_CHARS, "{}", text.len());
        assert!(
            text.ends_with("more characters]"),
            "{}",
            &text[text.len() - 60..]
        );
        let bad = ToolError::BadArguments(format!(
            "no container {} (url postgres://u:pw@db)",
            "i".repeat(1_000_000)
        ));
        let text = error_text(&bad);
        assert!(text.chars().count() <= MAX_ERROR_CHARS);
        let leaky =
            ToolError::Transport("cannot reach https://admin:hunter2@portainer:9443/api".into());
        assert!(!error_text(&leaky).contains("hunter2"));
    }

    #[test]
    fn names_status_and_reason() {
        let e = upstream(404, "Unable to find a stack".into()).to_string();
        assert_eq!(
            e,
            "Portainer answered HTTP 404: Not Found: Unable to find a stack"
        );
    }
}
