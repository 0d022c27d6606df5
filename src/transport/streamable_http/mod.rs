//! Streamable HTTP transport (`--http ADDR`, path /mcp): many users, each
//! with their own Portainer token, behind an optional shared gate token,
//! with Host/Origin checks, a body size limit, a per-client rate limit,
//! /metrics, probes (/healthz, /readyz) and a graceful stop on SIGTERM.
//! MCP 2026-07-28 requests are served without sessions (any replica answers
//! any request); older clients get sessions unless --stateless.

pub mod body;
pub mod guard;
pub mod health;
pub mod limits;
pub mod sessions;

use crate::mcp::metrics::Metrics;
use crate::mcp::server::PortainerServer;
use crate::transport::connections::HEADER_TIMEOUT;
use axum::routing::get;
use axum::Router;
use guard::Gate;
use rmcp::transport::streamable_http_server::session::local::LocalSessionManager;
use rmcp::transport::{StreamableHttpServerConfig, StreamableHttpService};
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

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
    /// Origin header values accepted; a request with any other is refused.
    pub allowed_origins: Vec<String>,
    /// Calls per second per Portainer user (burst: twice that); 0: no limit.
    pub rate: u32,
    pub max_body: usize,
    /// Open connections at most.
    pub max_connections: usize,
    /// Reverse proxies whose X-Forwarded-For names the client.
    pub trusted_proxies: Vec<IpAddr>,
    /// No sessions for clients before MCP 2026-07-28 either.
    pub stateless: bool,
    /// Time in-flight calls get after SIGTERM.
    pub shutdown_grace: Duration,
    /// The server has its own Portainer token (/readyz checks it).
    pub server_token: bool,
}

/// The shortest gate token accepted: a shared secret must resist guessing.
pub const MIN_GATE_TOKEN: usize = 16;

/// After SIGTERM the listener stays open at least this long (within the
/// grace), answering 503, while load balancers take the replica out.
const KEEP_LISTENING: Duration = Duration::from_secs(2);
/// Time connections get to deliver their last answers once the calls are
/// done, before they are closed.
const CLOSE_GRACE: Duration = Duration::from_secs(2);

/// Failed authentications a client address may make in a burst, and how
/// many a second it regains.
const FAILURE_BURST: f64 = 10.0;
const FAILURES_PER_SECOND: f64 = 0.5;

impl HttpOptions {
    /// Plain HTTP only on loopback, unless explicitly allowed; a gate token
    /// long enough not to be guessed.
    pub fn check(&self) -> Result<(), String> {
        if self.tls.is_none() && !self.addr.ip().is_loopback() && !self.allow_insecure {
            return Err(format!(
                "--http {}: refusing to serve tokens over plain HTTP on a non-loopback address; \
                 give --tls-cert and --tls-key, or --allow-insecure-http",
                self.addr
            ));
        }
        if let Some(t) = &self.gate_token {
            if t.chars().count() < MIN_GATE_TOKEN {
                return Err(format!(
                    "--http-token: at least {MIN_GATE_TOKEN} characters are needed (e.g. `openssl rand -hex 24`)"
                ));
            }
        }
        Ok(())
    }
}

pub async fn serve(
    o: HttpOptions,
    server: PortainerServer,
    metrics: Arc<Metrics>,
) -> Result<(), String> {
    o.check()?;
    match crate::transport::raise_open_files() {
        Some(n) if n < o.max_connections as u64 + 64 => tracing::warn!(
            open_files = n,
            max_connections = o.max_connections,
            "the open-file limit is below --http-max-connections; connections past it will fail"
        ),
        _ => {}
    }
    let config = StreamableHttpServerConfig::default()
        .with_allowed_hosts(o.allowed_hosts.clone())
        .with_allowed_origins(o.allowed_origins.clone())
        .enforce_origin_validation()
        .with_max_request_body_bytes(o.max_body)
        .with_legacy_session_mode(!o.stateless)
        // Without sessions a plain JSON answer suits load balancers; a call
        // that sends progress still gets an event stream.
        .with_json_response(o.stateless);
    let mcp_server = server.clone();
    let mcp = StreamableHttpService::new(
        move || Ok(mcp_server.clone()),
        Arc::new(LocalSessionManager::default()),
        config,
    );
    let table =
        crate::transport::connections::Table::new(o.max_connections, o.trusted_proxies.clone());
    let gate = Arc::new(Gate {
        token: o.gate_token.clone(),
        allowed_hosts: o.allowed_hosts.clone(),
        allowed_origins: o.allowed_origins.clone(),
        calls: (o.rate > 0)
            .then(|| limits::RateLimiter::new(f64::from(o.rate), 2.0 * f64::from(o.rate))),
        failures: limits::RateLimiter::new(FAILURES_PER_SECOND, FAILURE_BURST),
        trusted_proxies: o.trusted_proxies.clone(),
        max_body: o.max_body,
        sessions: sessions::Sessions::default(),
        server: server.clone(),
        shares: limits::Shares::new((o.max_connections / 4).max(8)),
    });
    let probes = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .with_state(Arc::new(health::Health::new(
            server.clone(),
            o.server_token,
        )));
    let app = Router::new()
        .nest_service("/mcp", mcp)
        .route("/metrics", get(crate::transport::metrics_listener::render))
        .with_state(metrics)
        .layer(axum::middleware::from_fn_with_state(gate, guard::guard))
        .merge(probes);
    let make = app.into_make_service_with_connect_info::<SocketAddr>();
    tracing::info!(addr = %o.addr, tls = o.tls.is_some(), stateless = o.stateless, "serving MCP over Streamable HTTP at /mcp");
    let acceptor = crate::transport::connections::Acceptor::new(table);
    let handle = axum_server::Handle::new();
    let stopping = {
        let (handle, server, grace) = (handle.clone(), server.clone(), o.shutdown_grace);
        tokio::spawn(async move {
            let signal = crate::transport::shutdown::signalled().await;
            crate::transport::shutdown::drain(&server, signal, grace, KEEP_LISTENING).await;
            // Then the listener closes and open connections get a moment
            // to deliver the last answers; what is still open after that
            // (idle sessions' event streams, calls past the grace) is cut.
            handle.graceful_shutdown(Some(CLOSE_GRACE));
        })
    };
    // HTTP/1.1 only, with and without TLS: an MCP client makes one POST a
    // call and perhaps one event stream, which HTTP/2 does not speed up,
    // while each protocol would need its own defences against slow and
    // idle clients (hyper times out HTTP/1 headers, not HTTP/2 streams).
    // Every connection must send its first request within HEADER_TIMEOUT,
    // and each later one's headers too.
    let served = match &o.tls {
        Some((cert, key)) => {
            let tls = tls_config(cert, key).await?;
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls).acceptor(acceptor);
            let mut s = axum_server::bind(o.addr)
                .acceptor(acceptor)
                .handle(handle)
                .http1_only()
                .first_request_timeout(HEADER_TIMEOUT);
            s.http_builder().http1().header_read_timeout(HEADER_TIMEOUT);
            s.serve(make).await
        }
        None => {
            let mut s = axum_server::bind(o.addr)
                .acceptor(acceptor)
                .handle(handle)
                .http1_only()
                .first_request_timeout(HEADER_TIMEOUT);
            s.http_builder().http1().header_read_timeout(HEADER_TIMEOUT);
            s.serve(make).await
        }
    }
    .map_err(|e| format!("--http {}: {e}", o.addr));
    if server.drain().is_draining() {
        // The audit records of the drain are written before we exit.
        let _ = stopping.await;
    } else {
        stopping.abort();
    }
    served
}

/// The certificate and key, offering HTTP/1.1 only in ALPN.
async fn tls_config(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<axum_server::tls_rustls::RustlsConfig, String> {
    let loaded = axum_server::tls_rustls::RustlsConfig::from_pem_file(cert, key)
        .await
        .map_err(|e| format!("--tls-cert/--tls-key: {e}"))?;
    let mut config = (*loaded.get_inner()).clone();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(axum_server::tls_rustls::RustlsConfig::from_config(
        Arc::new(config),
    ))
}
