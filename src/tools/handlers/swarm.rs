//! Swarm service writes. Docker takes a service's whole spec back with the
//! version it was read at, so each reads first and changes only its part.

use super::stack_env::{self, EnvChange};
use super::swarm_wait::{await_service, Change};
use crate::error::ToolError;
use crate::portainer::swarm;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::wait::Wait;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, JsonSchema)]
pub struct Scale {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Service id or name.
    id: String,
    /// Desired number of tasks; 0 stops them all.
    replicas: u64,
    wait: Option<Wait>,
}

handler!(SWARM_SERVICE_SCALE, Scale, scale);

async fn scale(call: &Call, a: Scale) -> Result<Value, ToolError> {
    let http = call.http();
    let (env, id) = (a.environment_id, a.id);
    let (version, mut spec) = swarm::read_service(http, env, &id).await?;
    let Some(mode) = spec.pointer_mut("/Mode/Replicated") else {
        return Err(ToolError::BadArguments(format!(
            "service `{id}` is not replicated (global services run one task per node)"
        )));
    };
    let before = mode["Replicas"].clone();
    mode["Replicas"] = json!(a.replicas);
    let answer = swarm::write_service(http, env, &id, version, &spec).await?;
    let out = json!({"service": id, "replicas_before": before, "replicas": a.replicas, "warnings": answer["Warnings"]});
    converge(call, env, &id, Change::Update, a.wait, out).await
}

/// With `wait`: the answer once the service has converged (or failed, or
/// the time is up), under `rollout`.
async fn converge(
    call: &Call,
    env: u64,
    id: &str,
    change: Change,
    w: Option<Wait>,
    mut out: Value,
) -> Result<Value, ToolError> {
    if let Some(w) = w {
        out["rollout"] = await_service(call, env, id, change, w).await?;
    }
    Ok(out)
}

#[derive(Deserialize, JsonSchema)]
pub struct Update {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Service id or name.
    id: String,
    /// New image, e.g. registry.example.com/app:1.5.0.
    image: Option<String>,
    /// Variables to set, NAME: value; null removes NAME; others are kept.
    env: EnvChange,
    /// Recreate every task even if nothing else changes.
    #[serde(default)]
    force: bool,
    wait: Option<Wait>,
}

handler!(SWARM_SERVICE_UPDATE, Update, update);

/// A new image or environment, or tasks forced to be recreated; everything
/// else in the spec is kept.
async fn update(call: &Call, a: Update) -> Result<Value, ToolError> {
    let http = call.http();
    let (env, id) = (a.environment_id, a.id);
    let change = stack_env::parse_change(a.env)?;
    if a.image.is_none() && change.is_empty() && !a.force {
        return Err(ToolError::BadArguments(
            "nothing to change: give image, env or force".into(),
        ));
    }
    let (version, mut spec) = swarm::read_service(http, env, &id).await?;
    let container = spec
        .pointer_mut("/TaskTemplate/ContainerSpec")
        .ok_or_else(|| ToolError::BadArguments(format!("service `{id}` has no container spec")))?;
    if let Some(img) = &a.image {
        container["Image"] = json!(img);
    }
    let mut env_summary = Value::Null;
    if !change.is_empty() {
        let pairs = swarm::env_to_pairs(&container["Env"]);
        let (merged, summary) = stack_env::merge(&pairs, &change, false);
        container["Env"] = swarm::pairs_to_env(&merged);
        env_summary = summary;
    }
    if a.force {
        let n = spec["TaskTemplate"]["ForceUpdate"].as_u64().unwrap_or(0);
        spec["TaskTemplate"]["ForceUpdate"] = json!(n + 1);
    }
    let answer = swarm::write_service(http, env, &id, version, &spec).await?;
    let out = json!({"service": id, "image": a.image, "env_changes": env_summary, "forced": a.force, "warnings": answer["Warnings"]});
    converge(call, env, &id, Change::Update, a.wait, out).await
}

#[derive(Deserialize, JsonSchema)]
pub struct Rollback {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Service id or name.
    id: String,
    wait: Option<Wait>,
}

handler!(SWARM_SERVICE_ROLLBACK, Rollback, rollback);

/// What `docker service rollback` does: the current spec goes back with
/// `rollback=previous`, and Docker restores the spec it kept before the
/// last update.
async fn rollback(call: &Call, a: Rollback) -> Result<Value, ToolError> {
    let http = call.http();
    let (env, id) = (a.environment_id, a.id);
    let service = swarm::read_whole(http, env, &id).await?;
    let previous = &service["PreviousSpec"];
    if previous.is_null() {
        return Err(ToolError::BadArguments(format!(
            "service `{id}` has no previous spec to roll back to (it was never updated)"
        )));
    }
    let version = swarm::version_of(&service)?;
    let image = |spec: &Value| spec["TaskTemplate"]["ContainerSpec"]["Image"].clone();
    let answer = swarm::write_service_with(
        http,
        env,
        &id,
        version,
        &service["Spec"],
        &[("rollback", "previous")],
    )
    .await?;
    let out = json!({"service": id, "image_before": image(&service["Spec"]), "image_after": image(previous), "warnings": answer["Warnings"]});
    converge(call, env, &id, Change::Rollback, a.wait, out).await
}
