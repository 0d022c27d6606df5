//! docker_container_stats: CPU %, memory, network and block I/O of one
//! container or of every running one, computed as `docker stats` does
//! (shaping/docker_stats.rs). Each sample is Docker's non-streamed stats
//! answer, which waits for a second reading so that CPU % has an interval.

use super::log_args::check_container;
use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::docker_stats::{never_read, summary};
use crate::tools::call::Call;
use crate::tools::handler::handler;
use futures_util::{stream, StreamExt};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Running containers sampled at most in one call (the newest first).
const MAX_SAMPLED: usize = 100;
/// Samples taken at once; each takes Docker about a second.
const AT_ONCE: usize = 8;

#[derive(Deserialize, JsonSchema, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    #[default]
    Memory,
    Cpu,
}

#[derive(Deserialize, JsonSchema)]
pub struct Stats {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Id or name; all running when left out.
    id: Option<String>,
    #[serde(default)]
    sort_by: SortBy,
    /// Without id: this many, default 10.
    #[schemars(range(min = 1))]
    limit: Option<usize>,
}

handler!(DOCKER_CONTAINER_STATS, Stats, stats);

async fn stats(call: &Call, a: Stats) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    if let Some(id) = &a.id {
        check_container(id)?;
        return Ok(summary(&sample(http, env, id).await?));
    }
    let running = passthrough(
        http,
        Backend::Docker,
        env,
        Method::GET,
        "containers/json",
        &[],
        None,
    )
    .await?
    .into_json()?;
    // The list's name for each container: the one an operator knows.
    let ids: Vec<(String, Value)> = running
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["State"].as_str().is_none_or(|s| s == "running"))
        .filter_map(|c| {
            let name = c["Names"][0].as_str().map(|n| n.trim_start_matches('/'));
            Some((c["Id"].as_str()?.to_string(), json!(name)))
        })
        .collect();
    let running_count = ids.len();
    let samples: Vec<(Value, Result<Value, ToolError>)> =
        stream::iter(ids.into_iter().take(MAX_SAMPLED))
            .map(|(id, name)| async move { (name, sample(http, env, &id).await) })
            .buffer_unordered(AT_ONCE)
            .collect()
            .await;
    let mut items = vec![];
    let mut failed = 0;
    for (name, s) in samples {
        match s {
            // A container that stopped between the list and its sample.
            Ok(v) if !never_read(&v) => {
                let mut item = summary(&v);
                if !name.is_null() {
                    item["name"] = name;
                }
                items.push(item)
            }
            Ok(_) => {}
            Err(_) => failed += 1,
        }
    }
    let key = |v: &Value| match a.sort_by {
        SortBy::Memory => v["memory_mib"].as_f64().unwrap_or(0.0),
        SortBy::Cpu => v["cpu_percent"].as_f64().unwrap_or(0.0),
    };
    items.sort_by(|x, y| key(y).total_cmp(&key(x)));
    let total = items.len();
    items.truncate(a.limit.unwrap_or(10).max(1));
    let mut out = json!({"items": items, "total": total, "running": running_count});
    if running_count > MAX_SAMPLED {
        out["note"] = json!(format!(
            "{running_count} containers run; the {MAX_SAMPLED} newest were sampled: ask for one by id for the others"
        ));
    }
    if failed > 0 {
        out["failed"] = json!(failed);
    }
    Ok(out)
}

async fn sample(http: &Http, env: u64, id: &str) -> Result<Value, ToolError> {
    let query = [("stream".to_string(), "false".to_string())];
    let path = format!("containers/{id}/stats");
    passthrough(http, Backend::Docker, env, Method::GET, &path, &query, None)
        .await?
        .into_json()
}

#[derive(Deserialize, JsonSchema)]
pub struct DiskUsage {
    #[schemars(range(min = 1))]
    environment_id: u64,
}

handler!(DOCKER_DISK_USAGE, DiskUsage, disk_usage);

/// `docker system df`: per type what is used and what could be reclaimed.
async fn disk_usage(call: &Call, a: DiskUsage) -> Result<Value, ToolError> {
    let http = call.http();
    let df = passthrough(
        http,
        Backend::Docker,
        a.environment_id,
        Method::GET,
        "system/df",
        &[],
        None,
    )
    .await?
    .into_json()?;
    Ok(crate::shaping::docker_df::summary(&df))
}
