//! Portainer's websocket routes (`/api/websocket/pod`, the pod exec):
//! opened like every other request, through the guard (a websocket route
//! is a write), with the caller's token, captured instead of opened in a
//! held call, and recorded for the audit log; then read as a websocket.

use super::api_key::api_key_header;
use super::exchange::{failure, text_message, Exchange};
use super::http::Http;
use crate::error::ToolError;
use reqwest::{Method, StatusCode};
use tokio_tungstenite::tungstenite::handshake::client::generate_key;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::{Role, WebSocketConfig};
use tokio_tungstenite::WebSocketStream;
use url::Url;

pub type Socket = WebSocketStream<reqwest::Upgraded>;

/// Largest websocket message read, in bytes.
const MAX_MESSAGE: usize = 1 << 20;

/// Opens the websocket at `url` (below the API root); `None` in a held
/// call, where the request is listed as what a confirmed call would open.
pub async fn open(http: &Http, url: Url) -> Result<Option<Socket>, ToolError> {
    let method = Method::GET;
    http.admit(&method, &url)
        .await
        .map_err(ToolError::Refused)?;
    let path = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    };
    let rec = http.record();
    if let (true, Some(r)) = (http.is_write(&method, &url), rec.filter(|r| r.held())) {
        r.capture(method.as_str(), &path, None);
        return Ok(None);
    }
    let key = generate_key();
    let mut req = http
        .upgrade_client()
        .get(url)
        .header(reqwest::header::CONNECTION, "Upgrade")
        .header(reqwest::header::UPGRADE, "websocket")
        .header(reqwest::header::SEC_WEBSOCKET_VERSION, "13")
        .header(reqwest::header::SEC_WEBSOCKET_KEY, &key);
    // In HTTP mode each call carries its caller's own token.
    if let Some(token) = rec.and_then(|r| r.token()) {
        let v = api_key_header(&token).map_err(ToolError::Internal)?;
        req = req.header("X-API-Key", v);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| ToolError::Transport(super::exchange::describe_transport(&e)))?;
    let status = resp.status();
    let accept = resp
        .headers()
        .get(reqwest::header::SEC_WEBSOCKET_ACCEPT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut x = Exchange {
        sent: true,
        portainer: http.connected().map(|i| std::sync::Arc::new(i.clone())),
        ..Exchange::made_here(method, path, status.as_u16(), Default::default())
    };
    if status != StatusCode::SWITCHING_PROTOCOLS {
        // Only the start of an error answer is read: it holds the message.
        let mut resp = resp;
        let mut body = Vec::new();
        while let Ok(Some(chunk)) = resp.chunk().await {
            body.extend_from_slice(&chunk);
            if body.len() >= 64 * 1024 {
                break;
            }
        }
        x.body = body.into();
        if let Some(r) = rec {
            r.record(&x);
        }
        let message = text_message(&x.body);
        return Err(failure(Some(&x), x.status, message));
    }
    if let Some(r) = rec {
        r.record(&x);
    }
    if accept.as_deref() != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(ToolError::Transport(
            "the websocket answer did not carry the expected Sec-WebSocket-Accept".into(),
        ));
    }
    let io = tokio::time::timeout(std::time::Duration::from_secs(10), resp.upgrade())
        .await
        .map_err(|_| ToolError::Transport("websocket upgrade timed out".into()))?
        .map_err(|e| ToolError::Transport(format!("websocket upgrade failed: {e}")))?;
    // Portainer sends frames of a few KiB; a larger message is refused
    // rather than held (tungstenite's own default allows 64 MiB).
    let config = WebSocketConfig::default()
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    Ok(Some(
        WebSocketStream::from_raw_socket(io, Role::Client, Some(config)).await,
    ))
}
