//! Probes for orchestrators and load balancers, outside the gate token and
//! Host checks (probes carry neither): /healthz says the process serves;
//! /readyz says Portainer answers (and takes the server's token, if it has
//! one), and turns 503 as soon as shutdown begins so traffic moves away.

use crate::error::ToolError;
use crate::mcp::server::PortainerServer;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Mutex;

/// How long a readiness answer is reused: probes from every node of a
/// cluster should not each reach Portainer.
const REUSE: Duration = Duration::from_secs(5);
/// The longest a readiness check waits for Portainer.
const CHECK_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Health {
    pub server: PortainerServer,
    /// The server has a token of its own to check (else only reach is).
    pub server_token: bool,
    last: Mutex<Option<(Instant, Result<(), NotReady>)>>,
}

/// Why Portainer is not usable: a short kind for the probe's answer, the
/// detail for the log.
#[derive(Clone)]
struct NotReady {
    kind: &'static str,
    detail: String,
}

fn not_ready(kind: &'static str, detail: String) -> NotReady {
    NotReady { kind, detail }
}

impl Health {
    pub fn new(server: PortainerServer, server_token: bool) -> Health {
        Health {
            server,
            server_token,
            last: Mutex::new(None),
        }
    }

    async fn check(&self) -> Result<(), NotReady> {
        let mut last = self.last.lock().await;
        if let Some((at, answer)) = last.as_ref() {
            if at.elapsed() < REUSE {
                return answer.clone();
            }
        }
        let answer = self.ask_portainer().await;
        *last = Some((Instant::now(), answer.clone()));
        answer
    }

    async fn ask_portainer(&self) -> Result<(), NotReady> {
        // system/version needs a valid token; system/status is public.
        let route = if self.server_token {
            "system/version"
        } else {
            "system/status"
        };
        let get = self.server.portainer().portainer_get(route);
        let x = match tokio::time::timeout(CHECK_TIMEOUT, get).await {
            Err(_) => {
                let why = "Portainer did not answer within 5 s".to_string();
                return Err(not_ready("Portainer does not answer", why));
            }
            Ok(Err(ToolError::Transport(e))) => {
                let why = format!("Portainer unreachable: {e}");
                return Err(not_ready("Portainer unreachable", why));
            }
            Ok(Err(e)) => return Err(not_ready("Portainer check failed", e.to_string())),
            Ok(Ok(x)) => x,
        };
        match x.status {
            200..=299 => Ok(()),
            401 | 403 => Err(not_ready(
                "Portainer refused the server's token",
                format!("Portainer refused the server's token (HTTP {})", x.status),
            )),
            s => Err(not_ready(
                "Portainer answered with an error",
                format!("Portainer answered HTTP {s}"),
            )),
        }
    }
}

pub async fn healthz() -> &'static str {
    "ok\n"
}

pub async fn readyz(State(h): State<Arc<Health>>) -> Response {
    if h.server.drain().is_draining() {
        return (StatusCode::SERVICE_UNAVAILABLE, "shutting down\n").into_response();
    }
    match h.check().await {
        Ok(()) => (StatusCode::OK, "ready\n").into_response(),
        Err(why) => {
            // The probe is open to anyone who reaches the port: the details
            // (Portainer's address, its messages) go to the log only.
            tracing::warn!("not ready: {}", crate::error::cap_text(why.detail, 300));
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("not ready: {}\n", why.kind),
            )
                .into_response()
        }
    }
}
