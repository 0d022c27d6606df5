//! Portainer's `/api/websocket/pod` as Portainer 2.x serves it: checks the
//! query before upgrading (400 naming a missing parameter), then runs the
//! command with a TTY and writes its output as text frames (CRLF line ends,
//! stderr merged), and never closes the socket when the command ends: it
//! goes quiet until the client hangs up. A few canned commands:
//!   ls /     two lines
//!   env      the container's environment, secrets included
//!   yes      a line every 50 ms, forever
//!   drop     one line, then the connection dropped without a close frame

use axum::body::Body;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::Response;
use axum::response::IntoResponse;
use serde_json::json;
use std::time::Duration;

pub(crate) async fn pod(mut parts: Parts) -> Response<Body> {
    let query = parts.uri.query().unwrap_or("").to_string();
    let param = |name: &str| {
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| decode(v))
        })
    };
    for name in [
        "endpointId",
        "namespace",
        "podName",
        "containerName",
        "command",
    ] {
        if param(name).is_none_or(|v| v.is_empty()) {
            let body = json!({"message": format!("Invalid query parameter: {name}"), "details": "Invalid request payload"});
            return crate::answer::json(400, body).into_response();
        }
    }
    if param("podName").as_deref() == Some("missing") {
        let body =
            json!({"message": "Unable to find pod", "details": "pods \"missing\" not found"});
        return crate::answer::json(404, body).into_response();
    }
    let command = param("command").unwrap_or_default();
    match WebSocketUpgrade::from_request_parts(&mut parts, &()).await {
        Ok(upgrade) => upgrade.on_upgrade(move |socket| run(socket, command)),
        Err(rejection) => rejection.into_response(),
    }
}

async fn run(mut socket: WebSocket, command: String) {
    // Portainer splits at spaces, with no quoting.
    let argv: Vec<&str> = command.split(' ').collect();
    let lines: Vec<String> = match argv.as_slice() {
        ["ls", "/"] => vec!["bin".into(), "etc".into()],
        ["env"] => vec![
            "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".into(),
            "HOSTNAME=web-7d4b9c-x2x".into(),
            "DB_PASSWORD=pod-exec-secret-42".into(),
        ],
        ["yes"] => loop {
            if socket.send(Message::Text("y\r\n".into())).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        },
        ["drop"] => {
            let _ = socket.send(Message::Text("bye\r\n".into())).await;
            return; // dropped: no close frame
        }
        _ => vec![format!(
            "OCI runtime exec failed: exec: \"{}\": executable file not found in $PATH",
            argv[0]
        )],
    };
    for line in lines {
        if socket
            .send(Message::Text(format!("{line}\r\n").into()))
            .await
            .is_err()
        {
            return;
        }
    }
    // Quiet until the client goes.
    while let Some(Ok(m)) = socket.recv().await {
        if matches!(m, Message::Close(_)) {
            return;
        }
    }
}

/// Percent-decoding of a query value (`+` is a space).
fn decode(v: &str) -> String {
    let bytes = v.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
