//! Long operations: progress while Portainer works, cancellation that
//! aborts the request on its way (and says whether a write had left), and
//! a graceful stop that lets calls in flight finish.

use crate::support::mcp::{command, text_of};
use crate::support::portainer::{StandIn, TOKEN};
use crate::support::user::audit_lines;
use rmcp::model::{
    CallToolRequest, CallToolRequestParams, ClientRequest, ProgressNotificationParam, ServerResult,
};
use rmcp::service::{NotificationContext, PeerRequestOptions, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::{ClientHandler, RoleClient, ServiceExt};
use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::Duration;

const RESTART: &str = "/api/endpoints/1/docker/containers/web/restart";

/// A client that keeps the progress notifications it gets.
#[derive(Clone, Default)]
struct Watcher {
    progress: Arc<Mutex<Vec<ProgressNotificationParam>>>,
}

impl ClientHandler for Watcher {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.progress.lock().unwrap().push(params);
    }
}

fn restart_web() -> ClientRequest {
    let mut params = CallToolRequestParams::new("docker_container_action");
    params.arguments = json!({"environment_id": 1, "id": "web", "action": "restart"})
        .as_object()
        .cloned();
    ClientRequest::CallToolRequest(CallToolRequest::new(params))
}

/// Sends the restart on `c`, to be awaited or cancelled.
async fn send_restart<S: rmcp::Service<RoleClient>>(
    c: &RunningService<RoleClient, S>,
) -> rmcp::service::RequestHandle<RoleClient> {
    c.send_cancellable_request(restart_web(), PeerRequestOptions::no_options())
        .await
        .unwrap()
}

/// Waits until `done` holds, 5 seconds at most; the caller's assertions
/// then say what did not happen.
async fn until<F: std::future::Future<Output = bool>>(mut done: impl FnMut() -> F) {
    for _ in 0..100 {
        if done().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The audit log's outcome record, once written (5 seconds at most).
async fn outcome_of(audit: &std::path::Path) -> serde_json::Value {
    let find = || {
        audit_lines(audit)
            .into_iter()
            .find(|l| l["phase"] == "outcome")
    };
    until(|| async { find().is_some() }).await;
    find().expect("an outcome record")
}

/// Whether the restart has reached the stand-in `n` times.
async fn restarts_seen(p: &StandIn, n: usize) -> bool {
    p.seen().await.iter().filter(|s| s.path == RESTART).count() >= n
}

/// A session on the HTTP server at `url` with a restart on its way, once
/// the restart has reached Portainer.
async fn restart_over_http(
    p: &StandIn,
    url: &str,
) -> (
    RunningService<RoleClient, ()>,
    rmcp::service::RequestHandle<RoleClient>,
) {
    let c = ()
        .serve(crate::support::http::transport(
            url,
            crate::support::http::GATE,
            Some(TOKEN),
        ))
        .await
        .unwrap();
    let handle = send_restart(&c).await;
    until(|| restarts_seen(p, 1)).await;
    (c, handle)
}

/// SIGTERM to the server's process.
fn sigterm(server: &crate::support::http::Server) {
    let pid = server.child.id().unwrap() as i32;
    // SAFETY: sending a signal to our own child process.
    assert_eq!(unsafe { libc_kill(pid, 15) }, 0);
}

#[tokio::test]
async fn a_slow_call_reports_progress() {
    let p = StandIn::start().await;
    p.delay("POST", RESTART, Duration::from_millis(2600));
    let w = Watcher::default();
    let transport = TokioChildProcess::new(command(&p.url(), TOKEN, &[])).unwrap();
    let c = w.clone().serve(transport).await.unwrap();
    let handle = send_restart(&c).await;
    let ServerResult::CallToolResult(r) = handle.await_response().await.unwrap() else {
        panic!("a tool result");
    };
    assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
    let progress = w.progress.lock().unwrap().clone();
    assert!(progress.len() >= 2, "{progress:?}");
    let counts: Vec<f64> = progress.iter().map(|p| p.progress).collect();
    assert!(counts.windows(2).all(|w| w[0] < w[1]), "rising: {counts:?}");
    let message = progress[0].message.clone().unwrap();
    assert!(message.contains(&format!("POST {RESTART}")), "{message}");
    let _ = c.cancel().await;
}

#[tokio::test]
async fn cancelling_aborts_the_request_and_says_a_write_had_left() {
    let p = StandIn::start().await;
    p.delay("POST", RESTART, Duration::from_secs(20));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let args = ["--audit-log", audit.to_str().unwrap()];
    let transport = TokioChildProcess::new(command(&p.url(), TOKEN, &args)).unwrap();
    let c = Watcher::default().serve(transport).await.unwrap();
    let handle = send_restart(&c).await;
    // Wait until the write has reached Portainer.
    until(|| restarts_seen(&p, 1)).await;
    handle
        .cancel(Some("user pressed stop".into()))
        .await
        .unwrap();
    // The server drops its request: Portainer sees the connection go.
    until(|| async { !p.delayed().is_empty() }).await;
    assert_eq!(p.delayed(), [("POST".into(), RESTART.into(), false)]);

    // The audit log has the intent and a cancelled outcome naming the write.
    let outcome = outcome_of(&audit).await;
    assert_eq!(outcome["outcome"], "cancelled", "{outcome}");
    assert_eq!(outcome["write_in_flight"]["path"], RESTART, "{outcome}");
    assert!(
        outcome["error"]
            .as_str()
            .unwrap()
            .contains("a write had already left"),
        "{outcome}"
    );
    let lines = audit_lines(&audit);
    assert_eq!(lines[0]["phase"], "intent");
    assert_eq!(lines[0]["call"], outcome["call"]);
    let _ = c.cancel().await;
}

/// SIGTERM on the HTTP server: /readyz turns 503 at once, the call in
/// flight finishes and is answered, new calls are refused, the process
/// exits within the grace.
#[tokio::test]
async fn sigterm_lets_the_call_in_flight_finish() {
    sigterm_case(&["--stateless"]).await;
    sigterm_case(&[]).await;
}

async fn sigterm_case(mode: &[&str]) {
    let p = StandIn::start().await;
    p.delay("POST", RESTART, Duration::from_millis(1500));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let mut args = vec!["--audit-log", audit.to_str().unwrap()];
    args.extend(mode);
    let mut server = crate::support::http::start(&p.url(), &args).await;
    let http = reqwest::Client::new();
    let health = http
        .get(format!("{}/healthz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "no gate token or Host needed");
    let ready = http
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200, "{:?}", ready.text().await);

    let (_c, handle) = restart_over_http(&p, &server.url).await;
    sigterm(&server);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let ready = http
        .get(format!("{}/readyz", server.url))
        .send()
        .await
        .map(|r| r.status().as_u16());
    // Shutting down: the listener is still open and says so.
    assert_eq!(ready.as_ref().ok(), Some(&503), "{ready:?}");
    let mcp = http
        .post(format!("{}/mcp", server.url))
        .bearer_auth(crate::support::http::GATE)
        .header("x-portainer-api-key", TOKEN)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(mcp.status(), 503);
    assert_eq!(mcp.headers()["retry-after"], "1");

    let ServerResult::CallToolResult(r) = handle.await_response().await.unwrap() else {
        panic!("a tool result");
    };
    assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
    let status = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("exits within the grace")
        .unwrap();
    assert!(status.success(), "{status:?}");
    assert_eq!(p.delayed(), [("POST".into(), RESTART.into(), true)]);
    let phases: Vec<String> = audit_lines(&audit)
        .iter()
        .map(|l| l["phase"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(phases, ["intent", "outcome"]);
}

/// A call still running when the grace ends: its write is audited as
/// interrupted (once), the request to Portainer is dropped, and the
/// process exits soon after.
#[tokio::test]
async fn a_call_past_the_grace_is_audited_interrupted() {
    let p = StandIn::start().await;
    p.delay("POST", RESTART, Duration::from_secs(30));
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let args = [
        "--audit-log",
        audit.to_str().unwrap(),
        "--shutdown-grace",
        "1",
    ];
    let mut server = crate::support::http::start(&p.url(), &args).await;
    let (_c, handle) = restart_over_http(&p, &server.url).await;
    sigterm(&server);
    let status = tokio::time::timeout(Duration::from_secs(10), server.child.wait())
        .await
        .expect("exits soon after the grace")
        .unwrap();
    assert!(status.success(), "{status:?}");
    let answer = tokio::time::timeout(Duration::from_secs(10), handle.await_response()).await;
    assert!(!matches!(answer, Ok(Ok(_))), "no answer came: {answer:?}");
    let lines = audit_lines(&audit);
    let phases: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["phase"].as_str().unwrap(),
                l["outcome"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        phases,
        [("intent", ""), ("outcome", "interrupted")],
        "{lines:?}"
    );
    assert!(lines[1]["reason"].as_str().unwrap().contains("grace"));
    until(|| async { !p.delayed().is_empty() }).await;
    assert_eq!(p.delayed(), [("POST".into(), RESTART.into(), false)]);
}

/// /readyz without Portainer: 503, saying what kind of trouble without
/// Portainer's address (the probe is open to anyone who reaches the port).
#[tokio::test]
async fn readiness_says_why_without_saying_where() {
    let dead = format!("http://127.0.0.1:{}", crate::support::free_port());
    let server = crate::support::http::start(&dead, &["--disable-version-check"]).await;
    let r = reqwest::get(format!("{}/readyz", server.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 503);
    let body = r.text().await.unwrap();
    assert_eq!(body, "not ready: Portainer unreachable\n");
    let r = reqwest::get(format!("{}/healthz", server.url))
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

extern "C" {
    #[link_name = "kill"]
    fn libc_kill(pid: i32, sig: i32) -> i32;
}

/// The same over Streamable HTTP with an MCP 2026-07-28 client: progress
/// arrives on the call's own response stream, and cancelling the call
/// drops the request to Portainer.
#[tokio::test]
async fn progress_and_cancellation_without_a_session() {
    use rmcp::model::ProtocolVersion;
    use rmcp::service::{ClientLifecycleMode, ClientServiceExt};
    let p = StandIn::start().await;
    p.delay("POST", RESTART, Duration::from_millis(2600));
    let server = crate::support::http::start(&p.url(), &[]).await;
    let modern = || ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    };
    let transport =
        || crate::support::http::transport(&server.url, crate::support::http::GATE, Some(TOKEN));
    let w = Watcher::default();
    let c = w
        .clone()
        .serve_with_lifecycle(transport(), modern())
        .await
        .unwrap();
    let handle = send_restart(&c).await;
    let ServerResult::CallToolResult(r) = handle.await_response().await.unwrap() else {
        panic!("a tool result");
    };
    assert_ne!(r.is_error, Some(true), "{}", text_of(&r));
    let progress = w.progress.lock().unwrap().clone();
    assert!(progress.len() >= 2, "{progress:?}");

    p.delay("POST", RESTART, Duration::from_secs(20));
    let handle = send_restart(&c).await;
    until(|| async { p.delayed().len() == 1 && restarts_seen(&p, 2).await }).await;
    handle.cancel(None).await.unwrap();
    until(|| async { p.delayed().len() == 2 }).await;
    let ended = p.delayed();
    assert_eq!(ended.len(), 2, "{ended:?}");
    assert!(!ended[1].2, "the second request was dropped: {ended:?}");
    let _ = c.cancel().await;
}

/// A write that waits for its rollout: progress says where the rollout
/// stands, and cancelling stops the wait, the outcome saying that the
/// change itself was made.
#[tokio::test]
async fn a_wait_reports_progress_and_cancelling_it_keeps_the_change() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let args = ["--audit-log", audit.to_str().unwrap()];
    let transport = TokioChildProcess::new(command(&p.url(), TOKEN, &args)).unwrap();
    let w = Watcher::default();
    let c = w.clone().serve(transport).await.unwrap();
    let mut params = CallToolRequestParams::new("kubernetes_scale");
    params.arguments = json!({"environment_id": 3, "namespace": "shop", "name": "slow", "replicas": 3, "wait": 120})
        .as_object()
        .cloned();
    let request = ClientRequest::CallToolRequest(CallToolRequest::new(params));
    let handle = c
        .send_cancellable_request(request, PeerRequestOptions::no_options())
        .await
        .unwrap();
    let waiting = || {
        w.progress
            .lock()
            .unwrap()
            .iter()
            .filter_map(|p| p.message.clone())
            .find(|m| m.contains("waiting: Waiting for deployment \"slow\""))
    };
    for _ in 0..100 {
        if waiting().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(waiting().is_some(), "{:?}", w.progress.lock().unwrap());
    handle.cancel(None).await.unwrap();
    let outcome = outcome_of(&audit).await;
    assert_eq!(outcome["outcome"], "cancelled", "{outcome}");
    let error = outcome["error"].as_str().unwrap();
    assert!(
        error.contains("writes done before: PATCH") && error.contains("the change was made"),
        "{error}"
    );
    let _ = c.cancel().await;
}
