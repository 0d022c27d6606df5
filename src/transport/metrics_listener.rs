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

pub async fn bind(addr: SocketAddr, metrics: Arc<Metrics>) -> Result<(), String> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| format!("--metrics {addr}: {e}"))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(addr = %bound, "serving Prometheus metrics at /metrics");
    let app = Router::new()
        .route("/metrics", get(render))
        .with_state(metrics);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
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
