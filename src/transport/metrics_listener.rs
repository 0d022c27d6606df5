//! `--metrics ADDR`: Prometheus's /metrics on a listener of its own, so a
//! stdio server (one per desktop client) can be scraped too. Plain HTTP and
//! no token: the figures name tools and counts, never arguments or tokens.
//! Any other path answers 404.

use crate::mcp::metrics::Metrics;
use axum::extract::State;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::net::SocketAddr;
use std::sync::Arc;

/// Connections the listener holds at most: scrapers are few.
const PLACES: usize = 64;

pub async fn bind(addr: SocketAddr, metrics: Arc<Metrics>) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("--metrics {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(addr = %bound, "serving Prometheus metrics at /metrics");
    let app = Router::new()
        .route("/metrics", get(render))
        .with_state(metrics);
    // The same defences as the MCP listener: a few places, silent
    // connections timed out and the first to give way.
    let listener = listener.into_std().map_err(|e| e.to_string())?;
    let table = super::connections::Table::new(PLACES, vec![]);
    let mut server = axum_server::from_tcp(listener)
        .map_err(|e| format!("--metrics {addr}: {e}"))?
        .acceptor(super::connections::Acceptor::new(table))
        .http1_only()
        .first_request_timeout(super::connections::HEADER_TIMEOUT);
    server
        .http_builder()
        .http1()
        .header_read_timeout(super::connections::HEADER_TIMEOUT);
    tokio::spawn(async move {
        if let Err(e) = server.serve(app.into_make_service()).await {
            tracing::warn!("--metrics listener stopped: {e}");
        }
    });
    Ok(())
}

pub async fn render(State(metrics): State<Arc<Metrics>>) -> impl IntoResponse {
    (
        [("content-type", "text/plain; version=0.0.4")],
        metrics.render(),
    )
}
