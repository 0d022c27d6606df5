//! The HTTP side: accepting, reading a request, recording it, answering.

use crate::answer::{json, Answer};
use crate::recording::Seen;
use crate::request::Req;
use crate::routes;
use crate::shared::Shared;
use crate::BOB_TOKEN;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::Response;
use axum::serve::ListenerExt;
use axum::Router;
use serde_json::json;
use std::sync::Arc;

/// Serves until the future is dropped (or its runtime shut down).
pub async fn serve(listener: std::net::TcpListener, shared: Arc<Shared>) -> std::io::Result<()> {
    listener.set_nonblocking(true)?;
    let listener = tokio::net::TcpListener::from_std(listener)?.tap_io(|tcp| {
        // Like Go's net/http: no answer waits on Nagle and delayed ACKs.
        let _ = tcp.set_nodelay(true);
    });
    let app = Router::new().fallback(handle).with_state(shared);
    axum::serve(listener, app).await
}

async fn handle(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    let (parts, body) = req.into_parts();
    // Portainer's pod exec route answers with a websocket (websocket.rs).
    if parts.uri.path() == "/api/websocket/pod" {
        return websocket_pod(&shared, parts).await;
    }
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let req = Req {
        method: parts.method.as_str(),
        path: parts.uri.path(),
        query: parts.uri.query(),
        body: &body,
        key: parts.headers.get("x-api-key").and_then(|v| v.to_str().ok()),
        content_type: parts
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        accept: parts.headers.get("accept").and_then(|v| v.to_str().ok()),
        registry_auth: parts
            .headers
            .get("x-registry-auth")
            .and_then(|v| v.to_str().ok()),
    };
    if shared.log.is_on() {
        let body: Option<serde_json::Value> = serde_json::from_slice(req.body).ok();
        let text = match (&body, req.body.is_empty()) {
            (None, false) => Some(String::from_utf8_lossy(req.body).into_owned()),
            _ => None,
        };
        shared.log.push(Seen {
            method: req.method.to_string(),
            path: req.path.to_string(),
            query: req.query.map(str::to_string),
            body,
            text,
            content_type: req.content_type.map(str::to_string),
            accept: req.accept.map(str::to_string),
            registry_auth: req.registry_auth.map(str::to_string),
            api_key: req.key.map(str::to_string),
        });
    }
    // A remote environment's agent answers after a round trip.
    if !shared.env_latency.is_zero()
        && req.path.starts_with("/api/endpoints/")
        && (req.path.contains("/docker/") || req.path.contains("/kubernetes/"))
    {
        tokio::time::sleep(shared.env_latency).await;
    }
    let delay = shared
        .delays
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(req.method.to_string(), req.path.to_string()))
        .copied();
    if let Some(d) = delay {
        // Dropped with the connection if the client leaves first.
        let mut ended = Ended {
            shared: &shared,
            what: Some((req.method.to_string(), req.path.to_string())),
            answered: false,
        };
        tokio::time::sleep(d).await;
        ended.answered = true;
    }
    respond(&shared, &req).into_response()
}

/// Records how a delayed request ended, whether its future ran to the end
/// or was dropped.
struct Ended<'a> {
    shared: &'a Shared,
    what: Option<(String, String)>,
    answered: bool,
}

impl Drop for Ended<'_> {
    fn drop(&mut self) {
        if let Some((m, p)) = self.what.take() {
            self.shared
                .delayed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push((m, p, self.answered));
        }
    }
}

async fn websocket_pod(shared: &Shared, parts: axum::http::request::Parts) -> Response<Body> {
    let key = parts.headers.get("x-api-key").and_then(|v| v.to_str().ok());
    shared.log.push(Seen {
        method: parts.method.to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().map(str::to_string),
        body: None,
        text: None,
        content_type: None,
        accept: None,
        registry_auth: None,
        api_key: key.map(str::to_string),
    });
    if !key.is_some_and(|k| shared.admin_key(k) || k == BOB_TOKEN) {
        let body =
            json!({"message": "Unauthorized", "details": "A valid authorisation token is missing"});
        return json(401, body).into_response();
    }
    crate::websocket::pod(parts).await
}

fn respond(shared: &Shared, req: &Req) -> Answer {
    // 401 without a valid key, like the real one; the status is public.
    let bob = req.key == Some(BOB_TOKEN);
    let admin = req.key.is_some_and(|k| shared.admin_key(k));
    if !(admin || bob) && req.path != "/api/system/status" {
        return json(
            401,
            json!({"message": "Unauthorized", "details": "A valid authorisation token is missing"}),
        );
    }
    let registered = shared
        .overrides
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(&(req.method.to_string(), req.path.to_string()))
        .cloned();
    if let Some(answer) = registered {
        return answer;
    }
    // The per-caller token check: whoever the key belongs to.
    if req.path == "/api/users/me" {
        return if bob {
            json(200, json!({"Id": 2, "Username": "bob", "Role": 2}))
        } else {
            json(200, json!({"Id": 1, "Username": "admin", "Role": 1}))
        };
    }
    routes::route(req, shared)
}
