//! docker_container_action: start, stop, restart, kill, pause or unpause a
//! container, then read its state back, so that the answer says whether it
//! runs (no second call to confirm a restart).

use super::log_args::check_container;
use crate::error::ToolError;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, JsonSchema, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Start,
    Stop,
    Restart,
    Kill,
    Pause,
    Unpause,
}

impl Action {
    fn word(self) -> &'static str {
        match self {
            Action::Start => "start",
            Action::Stop => "stop",
            Action::Restart => "restart",
            Action::Kill => "kill",
            Action::Pause => "pause",
            Action::Unpause => "unpause",
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct ContainerAction {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Container id or name.
    id: String,
    action: Action,
    /// stop, restart: seconds before killing it.
    t: Option<u64>,
    /// kill: e.g. SIGTERM or SIGHUP (default SIGKILL).
    signal: Option<String>,
}

handler!(DOCKER_CONTAINER_ACTION, ContainerAction, container_action);

async fn container_action(call: &Call, a: ContainerAction) -> Result<Value, ToolError> {
    let http = call.http();
    check_container(&a.id)?;
    let word = a.action.word();
    let mut query = vec![];
    match (a.t, a.action) {
        (Some(t), Action::Stop | Action::Restart) => query.push(("t".to_string(), t.to_string())),
        (Some(_), _) => return Err(not_for("t", word, "stop, restart")),
        (None, _) => {}
    }
    match (&a.signal, a.action) {
        (Some(s), Action::Kill) => {
            let ok = !s.is_empty() && s.len() <= 16 && s.chars().all(|c| c.is_ascii_alphanumeric());
            if !ok {
                return Err(ToolError::BadArguments(format!(
                    "`signal` `{}` is not a signal name or number such as SIGTERM or 15",
                    crate::error::cap_text(s.clone(), 40)
                )));
            }
            query.push(("signal".to_string(), s.clone()));
        }
        (Some(_), _) => return Err(not_for("signal", word, "kill")),
        (None, _) => {}
    }
    let env = a.environment_id;
    let path = format!("containers/{}/{word}", a.id);
    let x = passthrough(
        http,
        Backend::Docker,
        env,
        Method::POST,
        &path,
        &query,
        None,
    )
    .await?;
    if call.held() {
        return Ok(json!({"action": word, "id": a.id}));
    }
    let status = x.status;
    // 304: Docker found it in that state already; not an error.
    if !(200..300).contains(&status) && status != 304 {
        return x.into_json();
    }
    let inspect = format!("containers/{}/json", a.id);
    let c = passthrough(http, Backend::Docker, env, Method::GET, &inspect, &[], None)
        .await?
        .into_json()?;
    let s = &c["State"];
    let mut out = json!({
        "action": word, "id": a.id, "status": status,
        "state": {"status": s["Status"], "running": s["Running"], "paused": s["Paused"],
                  "started_at": s["StartedAt"], "finished_at": s["FinishedAt"],
                  "exit_code": s["ExitCode"], "health": s["Health"]["Status"]},
    });
    if status == 304 {
        out["note"] = json!(format!("already {}: nothing was done", past(a.action)));
    }
    Ok(out)
}

fn past(a: Action) -> &'static str {
    match a {
        Action::Start | Action::Restart | Action::Unpause => "running",
        Action::Stop | Action::Kill => "stopped",
        Action::Pause => "paused",
    }
}

fn not_for(arg: &str, action: &str, takes: &str) -> ToolError {
    ToolError::BadArguments(format!(
        "`{arg}` is not for action `{action}` (only {takes})"
    ))
}
