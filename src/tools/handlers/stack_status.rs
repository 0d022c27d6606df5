//! Whether a Docker stack runs as deployed: a compose stack's containers
//! (its project label) running, and healthy where they have a health
//! check; a swarm stack's services running their desired tasks with no
//! update in flight. What fails is named with why: a container's exit
//! code and last log lines, a task's error. stack_get answers it, and
//! stack_update waits for it.

use crate::error::ToolError;
use crate::portainer::docker_log::demultiplex;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::wait::{self, Reading, Wait};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Log lines shown for a container that failed.
const LAST_LINES: usize = 10;
/// A container restarted this often by its policy is crash-looping.
const CRASH_LOOP: u64 = 2;
/// A container without a health check counts as up once it has run this
/// long: one that exits at once would otherwise pass a first look.
const STABLE_SECONDS: i64 = 5;

/// Where a stack stands.
pub struct Standing {
    pub value: Value,
    pub settled: bool,
    pub status: String,
}

fn query(filters: Value) -> Vec<(String, String)> {
    vec![
        ("all".to_string(), "true".to_string()),
        ("filters".to_string(), filters.to_string()),
    ]
}

async fn docker(
    http: &Http,
    env: u64,
    path: &str,
    q: &[(String, String)],
) -> Result<Value, ToolError> {
    passthrough(http, Backend::Docker, env, Method::GET, path, q, None)
        .await?
        .into_json()
}

/// The last lines a container logged, both streams.
async fn last_lines(http: &Http, env: u64, id: &str) -> Value {
    let q = vec![
        ("stdout".to_string(), "true".to_string()),
        ("stderr".to_string(), "true".to_string()),
        ("tail".to_string(), LAST_LINES.to_string()),
    ];
    let path = format!("containers/{id}/logs");
    match passthrough(http, Backend::Docker, env, Method::GET, &path, &q, None).await {
        Ok(x) if (200..300).contains(&x.status) => {
            let text = demultiplex(&x.body)
                .unwrap_or_else(|| String::from_utf8_lossy(&x.body).into_owned());
            json!(text)
        }
        Ok(x) => json!(format!("could not read its log: HTTP {}", x.status)),
        Err(e) => json!(format!("could not read its log: {e}")),
    }
}

/// How one container of a compose stack does, from its inspect: `ok`,
/// `completed` (a one-shot service that exited 0), `starting`,
/// `unhealthy`, `crash-looping` or `stopped`.
fn verdict(inspect: &Value, now: i64) -> &'static str {
    let st = &inspect["State"];
    let state = st["Status"].as_str().unwrap_or("");
    let health = st["Health"]["Status"].as_str();
    let restarts = inspect["RestartCount"].as_u64().unwrap_or(0);
    let up_for = st["StartedAt"]
        .as_str()
        .and_then(|t| crate::tools::when::parse(t, now).ok())
        .map(|started| now - started);
    let settled_in = up_for.is_none_or(|s| s >= STABLE_SECONDS);
    // Restarted twice by its policy and up for less than a minute: it
    // keeps failing, whatever the moment's state.
    let looping = restarts >= CRASH_LOOP && up_for.is_none_or(|s| s < 60);
    let policy = inspect["HostConfig"]["RestartPolicy"]["Name"]
        .as_str()
        .unwrap_or("no");
    let one_shot = matches!(policy, "" | "no" | "on-failure");
    match (state, health) {
        _ if looping && state != "exited" => "crash-looping",
        // A one-shot service (a migration, an init) that finished well.
        ("exited", _) if one_shot && st["ExitCode"] == json!(0) => "completed",
        ("running", Some("healthy")) => "ok",
        ("running", None) if settled_in => "ok",
        ("running", None) => "starting",
        ("running", Some("starting")) => "starting",
        ("running", Some(_)) => "unhealthy",
        ("created" | "restarting", _) => "starting",
        _ => "stopped",
    }
}

/// A compose stack: its containers by project label, each judged.
async fn compose(http: &Http, env: u64, name: &str) -> Result<Standing, ToolError> {
    // Compose writes the project name lower-cased.
    let label = format!("com.docker.compose.project={}", name.to_lowercase());
    let list = docker(
        http,
        env,
        "containers/json",
        &query(json!({"label": [label]})),
    )
    .await?;
    let mut rows = vec![];
    let (mut ok, mut failed, mut pending) = (0, 0, 0);
    for c in list.as_array().into_iter().flatten() {
        let id = c["Id"].as_str().unwrap_or_default();
        let inspect = docker(http, env, &format!("containers/{id}/json"), &[]).await?;
        let st = &inspect["State"];
        let state = st["Status"].as_str().unwrap_or("");
        let health = st["Health"]["Status"].as_str();
        let restarts = inspect["RestartCount"].as_u64().unwrap_or(0);
        let verdict = verdict(&inspect, crate::clock::unix_now());
        let mut row = json!({
            "service": c["Labels"]["com.docker.compose.service"],
            "container": c["Names"][0].as_str().unwrap_or("").trim_start_matches('/'),
            "image": c["Image"], "state": state, "health": health, "restarts": restarts,
        });
        match verdict {
            "ok" | "completed" => ok += 1,
            "starting" => pending += 1,
            _ => {
                failed += 1;
                row["exit_code"] = st["ExitCode"].clone();
                if let Some(e) = st["Error"].as_str().filter(|e| !e.is_empty()) {
                    row["error"] = json!(e);
                }
                row["last_lines"] = last_lines(http, env, id).await;
            }
        }
        row["verdict"] = json!(verdict);
        rows.push(row);
    }
    let total = rows.len();
    let status = if total == 0 {
        "no container of the stack exists".to_string()
    } else {
        format!("{ok} of {total} containers running as they should, {pending} starting, {failed} failing")
    };
    Ok(Standing {
        // No container at all is said at once: waiting would not make one.
        settled: total == 0 || failed > 0 || pending == 0,
        value: json!({"kind": "compose", "healthy": total > 0 && ok == total, "summary": status, "containers": rows}),
        status,
    })
}

/// A swarm stack: its services by namespace label, their tasks and update.
async fn swarm(http: &Http, env: u64, name: &str) -> Result<Standing, ToolError> {
    let label = format!("com.docker.stack.namespace={name}");
    let q = vec![
        ("status".to_string(), "true".to_string()),
        ("filters".to_string(), json!({"label": [label]}).to_string()),
    ];
    let services = docker(http, env, "services", &q).await?;
    let mut rows = vec![];
    let (mut ok, mut failed) = (0, 0);
    for s in services.as_array().into_iter().flatten() {
        let svc = s["Spec"]["Name"].as_str().unwrap_or_default();
        let (running, desired) = (
            s["ServiceStatus"]["RunningTasks"].as_u64().unwrap_or(0),
            s["ServiceStatus"]["DesiredTasks"].as_u64().unwrap_or(0),
        );
        let update = s["UpdateStatus"]["State"].as_str();
        let stopped_update = matches!(
            update,
            Some("paused" | "rollback_paused" | "rollback_completed")
        );
        let mut row =
            json!({"service": svc, "running": running, "desired": desired, "update": update});
        if stopped_update {
            row["update_message"] = s["UpdateStatus"]["Message"].clone();
        }
        let converged =
            running == desired && !matches!(update, Some("updating" | "rollback_started"));
        if converged && !stopped_update {
            ok += 1;
        } else {
            let tq = vec![("filters".to_string(), json!({"service": [svc]}).to_string())];
            let tasks = docker(http, env, "tasks", &tq).await?;
            let errors = super::swarm_wait::task_problems(tasks.as_array().map_or(&[][..], |v| v));
            if stopped_update || !errors.is_empty() {
                failed += 1;
            }
            row["failed_tasks"] = json!(errors);
        }
        rows.push(row);
    }
    let total = rows.len();
    let status = if total == 0 {
        "no service of the stack exists".to_string()
    } else {
        format!("{ok} of {total} services running their desired tasks, {failed} failing")
    };
    Ok(Standing {
        settled: total > 0 && (failed > 0 || ok == total),
        value: json!({"kind": "swarm", "healthy": total > 0 && ok == total, "summary": status, "services": rows}),
        status,
    })
}

/// Where a Docker stack stands now; None for a Kubernetes stack (its
/// workloads' rollouts are kubernetes_describe's).
pub async fn standing(http: &Http, stack: &Value) -> Result<Option<Standing>, ToolError> {
    let name = stack["Name"].as_str().unwrap_or_default();
    let Some(env) = stack["EndpointId"].as_u64() else {
        return Ok(None);
    };
    match stack["Type"].as_u64() {
        Some(1) => swarm(http, env, name).await.map(Some),
        Some(2) => compose(http, env, name).await.map(Some),
        _ => Ok(None),
    }
}

/// Waits until the stack runs as deployed or one of its parts fails, as
/// `running` of the answer: the last reading and the seconds waited.
/// A reading that fails once the change is made is said in the answer,
/// not as the call's error (wait::settle).
pub async fn await_stack(call: &Call, stack: &Value, w: Wait) -> Result<Value, ToolError> {
    wait::settle(call, stack_running(call, stack, w)).await
}

async fn stack_running(call: &Call, stack: &Value, w: Wait) -> Result<Value, ToolError> {
    let http = call.http();
    let waited = wait::until(call, w, true, || async {
        let s = standing(http, stack).await?;
        Ok(match s {
            Some(s) => Reading {
                settled: s.settled,
                ok: s.value["healthy"] == json!(true),
                status: s.status,
                value: s.value,
            },
            None => Reading {
                settled: true,
                ok: true,
                status: "not a Docker stack".into(),
                value: json!(null),
            },
        })
    })
    .await;
    let waited = match waited {
        Ok(w) => w,
        Err(e) => return Ok(wait::unread(e)),
    };
    let mut out = waited.last;
    if out.is_object() {
        out["waited_seconds"] = json!(waited.seconds);
        if !waited.settled && !call.held() {
            out["timed_out"] = json!(true);
        }
    }
    Ok(out)
}

#[derive(Deserialize, JsonSchema)]
pub struct Get {
    /// Stack id.
    #[schemars(range(min = 1))]
    id: u64,
}

handler!(STACK_GET, Get, get);

/// The stack as Portainer keeps it, and whether it runs as deployed.
async fn get(call: &Call, a: Get) -> Result<Value, ToolError> {
    let http = call.http();
    let mut stack = http
        .portainer_json(Method::GET, &format!("stacks/{}", a.id), None)
        .await?;
    // A stack whose containers cannot be read still answers with itself.
    match standing(http, &stack).await {
        Ok(Some(s)) => stack["running"] = s.value,
        Ok(None) => {}
        Err(e) => stack["running"] = json!({"error": e.to_string()}),
    }
    Ok(stack)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_is_judged_by_its_state_health_and_restarts() {
        let now = 1_765_100_000; // 2025-12-07T09:33:20Z
        let c = |status: &str,
                 started: &str,
                 restarts: u64,
                 exit: i64,
                 policy: &str,
                 health: Option<&str>| {
            let mut v = json!({"RestartCount": restarts, "HostConfig": {"RestartPolicy": {"Name": policy}},
                "State": {"Status": status, "StartedAt": started, "ExitCode": exit}});
            if let Some(h) = health {
                v["State"]["Health"] = json!({"Status": h});
            }
            v
        };
        let long_ago = "2025-12-07T09:00:00Z";
        let just_now = "2025-12-07T09:33:18Z";
        // Crashing after more than 5 s, restarted by its policy: not ok
        // when read between two crashes; restarts long past do not condemn
        // a container that now runs.
        let after_crash = "2025-12-07T09:33:00Z";
        let cases = [
            (("running", long_ago, 0, 0, "no", None), "ok"),
            (("running", just_now, 0, 0, "no", None), "starting"),
            (
                ("running", long_ago, 0, 0, "no", Some("unhealthy")),
                "unhealthy",
            ),
            (
                ("running", long_ago, 0, 0, "no", Some("starting")),
                "starting",
            ),
            (("exited", long_ago, 0, 0, "no", None), "completed"),
            (("exited", long_ago, 0, 3, "no", None), "stopped"),
            (("exited", long_ago, 0, 0, "always", None), "stopped"),
            (
                ("running", after_crash, 3, 0, "always", None),
                "crash-looping",
            ),
            (
                ("restarting", after_crash, 3, 1, "always", None),
                "crash-looping",
            ),
            (("running", long_ago, 3, 0, "always", None), "ok"),
        ];
        for ((status, started, restarts, exit, policy, health), want) in cases {
            let got = verdict(&c(status, started, restarts, exit, policy, health), now);
            assert_eq!(
                got, want,
                "{status} {started} {restarts} {exit} {policy} {health:?}"
            );
        }
    }
}
