//! docker_container_logs over several containers at once: a list of ids or
//! names, Docker filters (a compose project's label, a name), or every
//! running one. Logs are read concurrently and answered per container; with
//! grep, only the matching lines (and the containers without a match by
//! name). Each log is read whole but short (its tail), so memory stays
//! bounded by the number of containers times Docker's answer for that tail.

use super::log_args::{
    check_container, log_query, source_row, tail_for_many, Containers, Logs, Tail,
};
use crate::error::ToolError;
use crate::portainer::docker_log::demultiplex;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::log_filter::Filter;
use crate::tools::call::Call;
use futures_util::{stream, StreamExt};
use reqwest::Method;
use serde_json::{json, Map, Value};

/// Containers read in one call.
pub const MAX_SOURCES: usize = 50;
/// Logs read at once.
const AT_ONCE: usize = 8;

/// A container to read: how the answer names it, and its id or name.
struct Source {
    name: String,
    id: String,
}

pub async fn logs(call: &Call, a: &Logs, grep: Option<Filter>) -> Result<Value, ToolError> {
    let (sources, found) = sources(call, a).await?;
    // The default of one log (200) is more than many can share.
    let tail = tail_for_many(a.tail);
    let query = log_query(a, tail);
    let env = a.environment_id;
    let read: Vec<(Source, Result<String, ToolError>)> = stream::iter(sources)
        .map(|s| {
            let query = &query;
            async move {
                let text = read_one(call, env, &s.id, query).await;
                (s, text)
            }
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    let mut items = vec![];
    let mut no_match = vec![];
    for (s, text) in read {
        let row = Map::from_iter([("container".to_string(), json!(s.name))]);
        match source_row(row, text, grep.as_ref()) {
            Some(item) => items.push(item),
            None => no_match.push(s.name),
        }
    }
    let mut out = json!({"items": items, "containers": found.min(MAX_SOURCES)});
    if grep.is_some() {
        out["no_match"] = json!(no_match);
    }
    if let Tail::Lines(n) = tail {
        out["tail"] = json!(n);
    }
    if found > MAX_SOURCES {
        out["note"] = json!(format!(
            "{found} containers matched; the first {MAX_SOURCES} by name were read: narrow with filters or a list"
        ));
    }
    Ok(out)
}

/// The containers named by `id` (a list, or "*") or `filters`, sorted by
/// name, and how many matched before the cap.
async fn sources(call: &Call, a: &Logs) -> Result<(Vec<Source>, usize), ToolError> {
    if let Some(Containers::Many(ids)) = &a.id {
        if a.filters.is_some() {
            return Err(ToolError::BadArguments(
                "give a list in `id` or `filters`, not both".into(),
            ));
        }
        if ids.is_empty() || ids.len() > MAX_SOURCES {
            return Err(ToolError::BadArguments(format!(
                "`id` lists {} containers; give 1 to {MAX_SOURCES}",
                ids.len()
            )));
        }
        for id in ids {
            check_container(id)?;
        }
        let mut list: Vec<Source> = ids
            .iter()
            .map(|id| Source {
                name: id.clone(),
                id: id.clone(),
            })
            .collect();
        list.sort_by(|x, y| x.name.cmp(&y.name));
        list.dedup_by(|x, y| x.id == y.id);
        let n = list.len();
        return Ok((list, n));
    }
    // "*" or filters: the engine's own list (running ones unless a status
    // filter asks for others).
    let filters = a.filters.clone().unwrap_or_default();
    let mut query = vec![];
    if filters.contains_key("status") {
        query.push(("all".to_string(), "true".to_string()));
    }
    if !filters.is_empty() {
        query.push(("filters".to_string(), Value::Object(filters).to_string()));
    }
    let listed = passthrough(
        call.http(),
        Backend::Docker,
        a.environment_id,
        Method::GET,
        "containers/json",
        &query,
        None,
    )
    .await?
    .into_json()?;
    let mut list: Vec<Source> = listed
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| {
            let id = c["Id"].as_str()?.to_string();
            let name = c["Names"][0]
                .as_str()
                .map(|n| n.trim_start_matches('/').to_string())
                .unwrap_or_else(|| id.chars().take(12).collect());
            Some(Source { name, id })
        })
        .collect();
    list.sort_by(|x, y| x.name.cmp(&y.name));
    let found = list.len();
    list.truncate(MAX_SOURCES);
    Ok((list, found))
}

async fn read_one(
    call: &Call,
    env: u64,
    id: &str,
    query: &[(String, String)],
) -> Result<String, ToolError> {
    let path = format!("containers/{id}/logs");
    let x = passthrough(
        call.http(),
        Backend::Docker,
        env,
        Method::GET,
        &path,
        query,
        None,
    )
    .await?;
    if !(200..300).contains(&x.status) {
        // A failed answer is a tool error with Portainer's message.
        return x.into_json().map(|_| String::new());
    }
    Ok(demultiplex(&x.body).unwrap_or_else(|| String::from_utf8_lossy(&x.body).into_owned()))
}
