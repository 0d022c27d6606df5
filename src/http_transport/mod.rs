//! Streamable HTTP transport (`--http ADDR`, path /mcp): many users, each
//! with their own Portainer token, behind an optional shared gate token,
//! with Host/Origin checks, a body size limit, a per-client rate limit and
//! /metrics.

pub mod limits;
pub mod users;

use crate::metrics::Metrics;
use crate::server::PortainerServer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone)]
pub struct HttpOptions {
    pub addr: SocketAddr,
    /// Shared secret every request must carry as `Authorization: Bearer`.
    pub gate_token: Option<String>,
    /// (certificate, key) PEM files.
    pub tls: Option<(PathBuf, PathBuf)>,
    pub allow_insecure: bool,
    /// Host header values accepted (DNS rebinding protection).
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// Requests per second per client address (burst: twice that).
    pub rate: u32,
    pub max_body: usize,
}

impl HttpOptions {
    /// Plain HTTP only on loopback, unless explicitly allowed.
    pub fn check(&self) -> Result<(), String> {
        if self.tls.is_none() && !self.addr.ip().is_loopback() && !self.allow_insecure {
            return Err(format!(
                "--http {}: refusing to serve tokens over plain HTTP on a non-loopback address; \
                 give --tls-cert and --tls-key, or --allow-insecure-http",
                self.addr
            ));
        }
        Ok(())
    }
}

struct Gate {
    token: Option<String>,
    limiter: limits::RateLimiter,
    max_body: usize,
    metrics: Arc<Metrics>,
}

pub async fn serve(
    o: HttpOptions,
    server: PortainerServer,
    metrics: Arc<Metrics>,
) -> Result<(), String> {
    o.check()?;
    let mut config =
        StreamableHttpServerConfig::default().with_allowed_hosts(o.allowed_hosts.clone());
    config.allowed_origins = o.allowed_origins.clone();
    let mcp = StreamableHttpService::new(
        move || Ok(server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let gate = Arc::new(Gate {
        token: o.gate_token.clone(),
        limiter: limits::RateLimiter::new(o.rate),
        max_body: o.max_body,
        metrics,
    });
    let app = Router::new()
        .nest_service("/mcp", mcp)
        .route("/metrics", get(render_metrics))
        .layer(axum::middleware::from_fn_with_state(gate.clone(), guard))
        .with_state(gate);
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    tracing::info!(addr = %o.addr, tls = o.tls.is_some(), "serving MCP over Streamable HTTP at /mcp");
    match &o.tls {
        Some((cert, key)) => {
            let tls = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
                .await
                .map_err(|e| format!("--tls-cert/--tls-key: {e}"))?;
            axum_server::bind_rustls(o.addr, tls).serve(make).await
        }
        None => axum_server::bind(o.addr).serve(make).await,
    }
    .map_err(|e| format!("--http {}: {e}", o.addr))
}

async fn render_metrics(State(gate): State<Arc<Gate>>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        gate.metrics.render(),
    )
}

/// Gate token, rate limit and body size, before anything else runs.
async fn guard(
    State(gate): State<Arc<Gate>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if let Some(expected) = &gate.token {
        let given = req
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "));
        if !given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) {
            return (
                StatusCode::UNAUTHORIZED,
                "missing or wrong gate token (Authorization: Bearer)",
            )
                .into_response();
        }
    }
    if !gate.limiter.allow(peer.ip()) {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            "rate limit exceeded; slow down",
        )
            .into_response();
    }
    let too_big = req
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > gate.max_body);
    if too_big {
        return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
    }
    // Bodies without a length are cut off at the same limit while read.
    let req = req.map(|b| axum::body::Body::new(http_body_util::Limited::new(b, gate.max_body)));
    next.run(req).await
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
