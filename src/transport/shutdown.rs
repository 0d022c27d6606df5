//! Stopping cleanly on SIGTERM (Kubernetes, docker stop, systemd) or
//! SIGINT: new calls are refused, running ones get `grace` to finish, and
//! writes still running after that are audited as interrupted.

use crate::mcp::server::PortainerServer;
use std::time::Duration;

/// Resolves on the first SIGTERM or SIGINT, naming it.
pub async fn signalled() -> &'static str {
    use tokio::signal::unix::{signal, SignalKind};
    let term = signal(SignalKind::terminate());
    let int = signal(SignalKind::interrupt());
    match (term, int) {
        (Ok(mut term), Ok(mut int)) => tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        },
        // Without signal handlers the default action still stops us.
        _ => std::future::pending().await,
    }
}

/// Refuses new calls, waits up to `grace` for running ones, and audits
/// what is left as interrupted. Returns no sooner than `at_least` (bounded
/// by `grace`): the HTTP listener stays open meanwhile, answering 503, so
/// load balancers and Service endpoints catch up before connections are
/// refused.
pub async fn drain(server: &PortainerServer, signal: &str, grace: Duration, at_least: Duration) {
    let started = tokio::time::Instant::now();
    let d = server.drain();
    d.start();
    let running = d.in_flight();
    tracing::warn!(
        signal,
        running,
        grace_s = grace.as_secs(),
        "shutting down: finishing calls in flight"
    );
    // A second signal cuts the grace short (an operator's second Ctrl-C).
    let idle = tokio::select! {
        idle = d.wait_idle(grace) => idle,
        again = signalled() => {
            tracing::warn!(signal = again, "second signal: not waiting any longer");
            d.in_flight() == 0
        }
    };
    if !idle {
        let cut = server.interrupt_open(&format!(
            "shutdown ({signal}): still running after the {}-second grace",
            grace.as_secs()
        ));
        tracing::warn!(
            left = d.in_flight(),
            writes = cut,
            "grace period over; writes still running are audited as interrupted"
        );
    }
    if idle {
        tokio::time::sleep_until(started + at_least.min(grace)).await;
    }
}
