//! Turning what the typed client returns into a tool result or a tool error.
//!
//! Successful calls return the body exactly as Portainer sent it (see
//! exchange.rs): the typed decode checks it against the spec, but a body
//! that does not match (Go's nulls, fields newer than our spec) still
//! succeeds, with a log line, and no field is dropped.

use super::exchange::{
    body_value, describe_transport, failure, portainer_message, text_message, Exchange,
};
use super::http::Http;
use crate::error::ToolError;
use crate::shaping::Got;
use progenitor_client::{Error, ResponseValue};
use serde::Serialize;
use serde_json::Value;

/// The last exchange of the call `http` sends for.
fn take_exchange(http: &Http) -> Option<Exchange> {
    http.record().and_then(|r| r.take_exchange())
}

/// For operations whose success response has a JSON body.
pub async fn finish_json<T, E: Serialize>(
    http: &Http,
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Got, ToolError> {
    finish(http, r).await
}

/// For operations whose success response has no body.
pub async fn finish_unit<E: Serialize>(
    http: &Http,
    r: Result<ResponseValue<()>, Error<E>>,
) -> Result<Got, ToolError> {
    finish(http, r).await
}

/// For operations whose success response is not JSON: text, or Docker's
/// multiplexed log stream (returned demultiplexed, as plain text).
pub async fn finish_bytes<T, E: Serialize>(
    http: &Http,
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Got, ToolError> {
    let exchange = match &r {
        Ok(_) => take_exchange(http),
        Err(_) => return finish(http, r).await,
    };
    let bytes = exchange.map(|x| x.body).unwrap_or_default();
    // A log read into a window (log_window.rs) is text already.
    if let Some(read) = http.record().and_then(|r| r.take_text_read()) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        return Ok(crate::shaping::log_window::answer(text, &read, false).into());
    }
    Ok(match crate::portainer::docker_log::demultiplex(&bytes) {
        Some(text) => Value::String(text),
        None => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
    }
    .into())
}

/// The answer as Portainer sent it (or the list as shaped on arrival),
/// whatever the typed decode made of it.
async fn finish<T, E: Serialize>(
    http: &Http,
    r: Result<ResponseValue<T>, Error<E>>,
) -> Result<Got, ToolError> {
    match r {
        Ok(_) => match take_exchange(http) {
            Some(x) => x.into_got(),
            None => Ok(Value::Null.into()),
        },
        Err(e) => from_client_error(take_exchange(http), e)
            .await
            .map(Got::from),
    }
}

async fn from_client_error<E: Serialize>(
    exchange: Option<Exchange>,
    e: Error<E>,
) -> Result<Value, ToolError> {
    // The guard's refusal (http.rs): never sent, said as the refusal it is.
    if let Some(x) = exchange.as_ref().filter(|x| !x.sent && x.status == 403) {
        return Err(ToolError::Refused(text_message(&x.body)));
    }
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
            Err(failure(exchange.as_ref(), status, message))
        }
        Error::InvalidResponsePayload(bytes, err) => {
            let status = exchange.as_ref().map(|x| x.status).unwrap_or(0);
            if (200..300).contains(&status) {
                lenient(exchange.as_ref(), &err.to_string());
                Ok(body_value(&bytes))
            } else {
                Err(failure(exchange.as_ref(), status, text_message(&bytes)))
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
                Err(failure(exchange.as_ref(), status, text_message(&body)))
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
    // A held write's answer is made here, not by Portainer: nothing to warn of.
    if x.is_some_and(|x| !x.sent) {
        return;
    }
    let (method, path) = x
        .map(|x| (x.method.as_str(), x.path.as_str()))
        .unwrap_or(("?", "?"));
    tracing::warn!(%method, %path, "response does not match spec/ ({why}); returned as sent");
}
