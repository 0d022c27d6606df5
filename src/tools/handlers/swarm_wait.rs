//! Waiting for a Swarm service change to converge, as `docker service
//! update` without `--detach` follows it: the service's update state (a
//! rolling update in progress, paused, rolled back) and its tasks, until
//! the desired number run.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::portainer::swarm;
use crate::tools::call::Call;
use crate::tools::wait::{self, Reading, Wait};
use reqwest::Method;
use serde_json::{json, Value};

/// Failed tasks shown for a service that did not converge.
const FAILED_SHOWN: usize = 3;

/// What the change was: a rollback ends in `rollback_completed`, which
/// for any other change means Docker undid it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Update,
    Rollback,
}

async fn tasks(http: &Http, env: u64, id: &str) -> Result<Vec<Value>, ToolError> {
    let q = vec![("filters".to_string(), json!({"service": [id]}).to_string())];
    let x = passthrough(http, Backend::Docker, env, Method::GET, "tasks", &q, None).await?;
    Ok(x.into_json()?.as_array().cloned().unwrap_or_default())
}

/// Tasks that say why a service is short: failed or rejected in the last
/// 10 minutes (older ones are history), and pending ones with an error
/// ("no suitable node"); newest first, at most FAILED_SHOWN.
pub fn task_problems(tasks: &[Value]) -> Vec<Value> {
    const RECENT: i64 = 600;
    let now = crate::clock::unix_now();
    let recent = |t: &Value| {
        t["UpdatedAt"]
            .as_str()
            .and_then(|at| crate::tools::when::parse(at, now).ok())
            .is_none_or(|at| now - at <= RECENT)
    };
    let mut found: Vec<&Value> = tasks
        .iter()
        .filter(|t| match t["Status"]["State"].as_str() {
            Some("failed" | "rejected") => recent(t),
            Some("pending") => t["Status"]["Err"].as_str().is_some_and(|e| !e.is_empty()),
            _ => false,
        })
        .collect();
    found.sort_by(|a, b| b["UpdatedAt"].as_str().cmp(&a["UpdatedAt"].as_str()));
    found
        .into_iter()
        .take(FAILED_SHOWN)
        .map(|t| json!({"state": t["Status"]["State"], "error": t["Status"]["Err"], "exit_code": t["Status"]["ContainerStatus"]["ExitCode"], "at": t["UpdatedAt"]}))
        .collect()
}

/// One reading: (settled, failed, status text, the answer's fields).
async fn read(
    http: &Http,
    env: u64,
    id: &str,
    change: Change,
) -> Result<(bool, bool, String, Value), ToolError> {
    let service = swarm::read_whole(http, env, id).await?;
    let all = tasks(http, env, id).await?;
    let wanted: Vec<&Value> = all
        .iter()
        .filter(|t| t["DesiredState"] == "running")
        .collect();
    let running = wanted
        .iter()
        .filter(|t| t["Status"]["State"] == "running")
        .count() as u64;
    let desired = service["Spec"]["Mode"]["Replicated"]["Replicas"]
        .as_u64()
        .unwrap_or(wanted.len() as u64);
    let state = service["UpdateStatus"]["State"].as_str();
    let message = service["UpdateStatus"]["Message"].as_str().unwrap_or("");
    let (settled, failed, status) = match (state, change) {
        (Some("paused" | "rollback_paused"), _) => {
            (true, true, format!("update paused: {message}"))
        }
        (Some("rollback_completed"), Change::Update) => (
            true,
            true,
            format!("Docker rolled the update back: {message}"),
        ),
        (Some("updating" | "rollback_started"), _) => (
            false,
            false,
            format!("updating: {running} of {desired} tasks running"),
        ),
        _ if running == desired => (
            true,
            false,
            format!("converged: {running} of {desired} tasks running"),
        ),
        _ => (
            false,
            false,
            format!("{running} of {desired} tasks running"),
        ),
    };
    let mut fields =
        json!({"update_state": state, "replicas": {"desired": desired, "running": running}});
    if !settled || failed {
        fields["failed_tasks"] = json!(task_problems(&all));
    }
    Ok((settled, failed, status, fields))
}

/// Waits for the service to converge and says how it stands, as `rollout`:
/// `status` converged, failed, or timed out, with the reading's details.
/// A reading that fails once the change is made is said in the answer,
/// not as the call's error (wait::settle).
pub async fn await_service(
    call: &Call,
    env: u64,
    id: &str,
    change: Change,
    w: Wait,
) -> Result<Value, ToolError> {
    wait::settle(call, service_rollout(call, env, id, change, w)).await
}

async fn service_rollout(
    call: &Call,
    env: u64,
    id: &str,
    change: Change,
    w: Wait,
) -> Result<Value, ToolError> {
    let http = call.http();
    let waited = wait::until(call, w, true, || async {
        let (settled, failed, status, fields) = read(http, env, id, change).await?;
        Ok(Reading {
            settled,
            ok: !failed,
            status: status.clone(),
            value: (failed, status, fields),
        })
    })
    .await;
    let waited = match waited {
        Ok(w) => w,
        Err(e) => return Ok(wait::unread(e)),
    };
    let (failed, message, mut out) = waited.last;
    let status = match (waited.settled, failed) {
        (true, false) => "converged",
        (true, true) => "failed",
        (false, _) if call.held() => "not waited (held)",
        (false, _) => "timed out",
    };
    out["status"] = json!(status);
    out["message"] = json!(message);
    out["waited_seconds"] = json!(waited.seconds);
    Ok(out)
}
