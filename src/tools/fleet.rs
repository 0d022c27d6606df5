//! One read over many environments (`fan_out` in tools.toml): the
//! environments an `environment_id` of several names ([ids], "*",
//! "tag:NAME", "group:NAME"), resolved from Portainer's own list, then the
//! tool run on each concurrently (bounded, a deadline each), every answer
//! and error kept with its environment. Environments that are down or of
//! the wrong kind are skipped with a note. Only reads fan out; each
//! environment's requests pass the same layer, guard and record as a
//! single call's, as the caller builds each run from a `Call`.

use crate::error::ToolError;
use crate::tools::args::Args;
use crate::tools::call::Call;
use futures_util::{stream, StreamExt};
use reqwest::Method;
use serde_json::{json, Map, Value};
use std::future::Future;
use std::time::Duration;

/// Environments read in one call.
pub const MAX_ENVIRONMENTS: usize = 1_000;
/// Environments read at once.
const AT_ONCE: usize = 32;
/// How long one environment may take before it is reported as not answering.
const DEADLINE: Duration = Duration::from_secs(20);
/// Ids listed in one selector.
const MAX_IDS: usize = 1_000;

/// Which environments a call names.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    Ids(Vec<u64>),
    All,
    Tag(String),
    Group(String),
}

/// The selector in `environment_id`, when it names more than one
/// environment; None for a single id (the ordinary call).
pub fn selector(args: &Args) -> Result<Option<Selector>, ToolError> {
    let sel = parse(args)?;
    // A Kubernetes page token belongs to one cluster's list.
    if sel.is_some() && args.raw("continue").is_some() {
        return Err(ToolError::BadArguments(
            "`continue` pages one environment's list: give one environment_id with it".into(),
        ));
    }
    Ok(sel)
}

fn parse(args: &Args) -> Result<Option<Selector>, ToolError> {
    let bad = |why: String| ToolError::BadArguments(format!("`environment_id`: {why}"));
    match args.raw("environment_id") {
        // One id, as every tool takes it (the schema's type list leaves
        // out the minimum a plain id has, so it is held here).
        Some(Value::Number(n)) if n.as_u64().is_none_or(|n| n == 0) => {
            Err(bad(format!("`{n}` is not an environment id (1 or more)")))
        }
        None | Some(Value::Number(_)) => Ok(None),
        Some(Value::Array(ids)) => {
            if ids.is_empty() || ids.len() > MAX_IDS {
                return Err(bad(format!(
                    "a list of 1 to {MAX_IDS} ids, not {}",
                    ids.len()
                )));
            }
            let ids: Option<Vec<u64>> = ids.iter().map(|v| v.as_u64().filter(|n| *n > 0)).collect();
            let mut ids =
                ids.ok_or_else(|| bad("a list holds environment ids (1 or more)".into()))?;
            ids.sort_unstable();
            ids.dedup();
            Ok(Some(Selector::Ids(ids)))
        }
        Some(Value::String(s)) => {
            let s = s.trim();
            if s == "*" {
                return Ok(Some(Selector::All));
            }
            let named = |prefix: &str| {
                s.strip_prefix(prefix)
                    .map(str::trim)
                    .filter(|n| !n.is_empty() && n.len() <= 200)
                    .map(str::to_string)
            };
            if let Some(t) = named("tag:") {
                return Ok(Some(Selector::Tag(t)));
            }
            if let Some(g) = named("group:") {
                return Ok(Some(Selector::Group(g)));
            }
            if let Ok(n) = s.parse::<u64>() {
                return Ok(Some(Selector::Ids(vec![n])));
            }
            Err(bad(format!(
                "`{}` is not an id, a list of ids, \"*\", \"tag:NAME\" or \"group:NAME\"",
                crate::error::cap_text(s.to_string(), 60)
            )))
        }
        Some(other) => Err(bad(format!(
            "not an id: {}",
            crate::error::cap_text(other.to_string(), 60)
        ))),
    }
}

/// The environment types a backend serves (Portainer's EndpointType).
fn types_of(backend: &str) -> &'static [u64] {
    match backend {
        "kubernetes" => &[5, 6, 7],
        _ => &[1, 2, 4],
    }
}

/// An environment to read.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: u64,
    pub name: String,
}

/// The environments `sel` names that this backend can read, and what was
/// skipped (down, another kind, unknown ids, over the cap), as notes.
pub async fn resolve(
    call: &Call,
    sel: &Selector,
    backend: &str,
) -> Result<(Vec<Target>, Vec<String>), ToolError> {
    let http = call.http();
    // Ids, names, kinds and states only: no snapshot data to fill.
    let list = http
        .portainer_send(Method::GET, "/endpoints?excludeSnapshots=true", None)
        .await?
        .into_json()?;
    let envs = list.as_array().cloned().unwrap_or_default();
    let wanted: Box<dyn Fn(&Value) -> bool + Send> = match sel {
        Selector::All => Box::new(|_| true),
        Selector::Ids(ids) => {
            let ids = ids.clone();
            Box::new(move |e| e["Id"].as_u64().is_some_and(|i| ids.contains(&i)))
        }
        Selector::Tag(name) => {
            let id = named_id(call, "/tags", name, "tag").await?;
            Box::new(move |e| {
                e["TagIds"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|x| x.as_u64() == Some(id)))
            })
        }
        Selector::Group(name) => {
            let id = named_id(call, "/endpoint_groups", name, "group").await?;
            Box::new(move |e| e["GroupId"].as_u64() == Some(id))
        }
    };
    let types = types_of(backend);
    let mut targets = vec![];
    let (mut down, mut other_kind) = (vec![], vec![]);
    for e in envs.iter().filter(|e| wanted(e)) {
        let Some(id) = e["Id"].as_u64() else { continue };
        let name = e["Name"].as_str().unwrap_or_default().to_string();
        if !e["Type"].as_u64().is_some_and(|t| types.contains(&t)) {
            other_kind.push(id);
        } else if e["Status"].as_u64() == Some(2) {
            down.push(id);
        } else {
            targets.push(Target { id, name });
        }
    }
    let mut notes = vec![];
    if let Selector::Ids(ids) = sel {
        let known: Vec<u64> = envs.iter().filter_map(|e| e["Id"].as_u64()).collect();
        let unknown: Vec<String> = ids
            .iter()
            .filter(|i| !known.contains(i))
            .map(u64::to_string)
            .collect();
        if !unknown.is_empty() {
            notes.push(format!(
                "no environment (or none this user may see) with id {}",
                unknown.join(", ")
            ));
        }
    }
    if !down.is_empty() {
        notes.push(format!(
            "skipped, down in Portainer's last check: {}",
            ids(&down)
        ));
    }
    if !other_kind.is_empty() {
        notes.push(format!(
            "skipped, not {backend} environments: {}",
            ids(&other_kind)
        ));
    }
    targets.sort_by_key(|t| t.id);
    if targets.len() > MAX_ENVIRONMENTS {
        notes.push(format!(
            "{} environments matched; the first {MAX_ENVIRONMENTS} by id were read: narrow with a tag, a group or ids",
            targets.len()
        ));
        targets.truncate(MAX_ENVIRONMENTS);
    }
    if targets.is_empty() && notes.is_empty() {
        notes.push("no environment matched".into());
    }
    Ok((targets, notes))
}

/// At most 20 ids, then how many more.
fn ids(list: &[u64]) -> String {
    let shown: Vec<String> = list.iter().take(20).map(u64::to_string).collect();
    match list.len() {
        n if n > 20 => format!("{} and {} more", shown.join(", "), n - 20),
        _ => shown.join(", "),
    }
}

/// The id of the tag or group called `name`.
async fn named_id(call: &Call, path: &str, name: &str, what: &str) -> Result<u64, ToolError> {
    let list = call
        .http()
        .portainer_send(Method::GET, path, None)
        .await?
        .into_json()?;
    list.as_array()
        .into_iter()
        .flatten()
        .find(|t| {
            t["Name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .and_then(|t| t["ID"].as_u64().or_else(|| t["Id"].as_u64()))
        .ok_or_else(|| {
            ToolError::BadArguments(format!(
                "`environment_id`: no {what} named `{}`",
                crate::error::cap_text(name.to_string(), 60)
            ))
        })
}

/// Runs `one` on every target, at most AT_ONCE at a time, each within the
/// deadline; the answer lists each environment's result or error, in id
/// order, with the notes. Once the answers kept reach `budget` bytes (more
/// than the answer can show), later environments keep their count only, so
/// memory stays bounded however many environments answer.
pub async fn run<F, Fut>(targets: Vec<Target>, notes: Vec<String>, budget: usize, one: F) -> Value
where
    F: Fn(Target) -> Fut,
    Fut: Future<Output = Result<Value, ToolError>>,
{
    let asked = targets.len();
    let mut kept = 0usize;
    let mut over = 0usize;
    let answers: Vec<(u64, Value)> = stream::iter(targets)
        .map(|t| {
            let (id, name) = (t.id, t.name.clone());
            let fut = one(t);
            async move {
                let mut row = Map::new();
                row.insert("environment_id".into(), json!(id));
                row.insert("environment".into(), json!(name));
                match tokio::time::timeout(DEADLINE, fut).await {
                    Ok(Ok(Value::Object(o))) => row.extend(o),
                    Ok(Ok(other)) => {
                        row.insert("result".into(), other);
                    }
                    Ok(Err(e)) => {
                        row.insert("error".into(), json!(e.to_string()));
                    }
                    Err(_) => {
                        row.insert(
                            "error".into(),
                            json!(format!("no answer within {} s", DEADLINE.as_secs())),
                        );
                    }
                }
                (id, Value::Object(row))
            }
        })
        // In id order, so which environments keep their details is stable.
        .buffered(AT_ONCE)
        .map(|(id, row)| {
            let size = serde_json::to_vec(&row).map_or(0, |b| b.len());
            if kept + size <= budget {
                kept += size;
                return (id, row);
            }
            over += 1;
            (id, summary(row))
        })
        .collect()
        .await;
    let mut notes = notes;
    if over > 0 {
        notes.push(format!(
            "{over} environments answered past what one answer can show: their rows keep the count only; \
             narrow with filters, select, a tag or ids"
        ));
    }
    let failed = answers
        .iter()
        .filter(|(_, v)| v.get("error").is_some())
        .count();
    let mut out = json!({
        "items": answers.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "read": asked,
        "failed": failed,
    });
    if !notes.is_empty() {
        out["notes"] = json!(notes);
    }
    out
}

/// A row kept short: who, and how many items or the error.
fn summary(row: Value) -> Value {
    let mut out = Map::new();
    for k in ["environment_id", "environment", "total", "error"] {
        if let Some(v) = row.get(k) {
            out.insert(k.into(), v.clone());
        }
    }
    if !out.contains_key("total") {
        if let Some(n) = row.get("items").and_then(Value::as_array).map(Vec::len) {
            out.insert("total".into(), json!(n));
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sel(v: Value) -> Result<Option<Selector>, ToolError> {
        let mut m = Map::new();
        m.insert("environment_id".into(), v);
        selector(&Args::new(m))
    }

    #[test]
    fn reads_every_selector() {
        assert_eq!(sel(json!(3)).unwrap(), None);
        assert_eq!(
            sel(json!([3, 1, 3])).unwrap(),
            Some(Selector::Ids(vec![1, 3]))
        );
        assert_eq!(sel(json!("*")).unwrap(), Some(Selector::All));
        assert_eq!(
            sel(json!("tag:prod")).unwrap(),
            Some(Selector::Tag("prod".into()))
        );
        assert_eq!(
            sel(json!("group: edge ")).unwrap(),
            Some(Selector::Group("edge".into()))
        );
        for bad in [
            json!([]),
            json!([0]),
            json!(["a"]),
            json!("prod"),
            json!("tag:"),
            json!(true),
        ] {
            let e = sel(bad.clone()).unwrap_err().to_string();
            assert!(e.contains("environment_id"), "{bad}: {e}");
        }
        let many: Vec<u64> = (1..=1001).collect();
        assert!(sel(json!(many)).is_err());
        let e = sel(json!("x".repeat(100_000))).unwrap_err().to_string();
        assert!(e.len() < 400);
    }

    #[tokio::test]
    async fn keeps_each_answer_and_error_with_its_environment() {
        let targets = (1..=5)
            .map(|id| Target {
                id,
                name: format!("env-{id}"),
            })
            .collect();
        let out = run(targets, vec!["a note".into()], 10_000, |t| async move {
            match t.id {
                2 => Err(ToolError::Upstream {
                    status: 502,
                    message: "agent unreachable".into(),
                }),
                _ => Ok(json!({"items": [t.id], "total": 1})),
            }
        })
        .await;
        let envs = out["items"].as_array().unwrap();
        assert_eq!(envs.len(), 5);
        assert_eq!(
            envs[0],
            json!({"environment_id": 1, "environment": "env-1", "items": [1], "total": 1})
        );
        assert!(envs[1]["error"].as_str().unwrap().contains("502"));
        assert_eq!(
            (out["read"].clone(), out["failed"].clone()),
            (json!(5), json!(1))
        );
        assert_eq!(out["notes"], json!(["a note"]));
    }

    #[tokio::test]
    async fn rows_past_the_budget_keep_their_count() {
        let targets = (1..=50)
            .map(|id| Target {
                id,
                name: format!("env-{id}"),
            })
            .collect();
        let out = run(targets, vec![], 2_000, |t| async move {
            Ok(json!({"items": vec!["x".repeat(100); 3], "id": t.id}))
        })
        .await;
        let envs = out["items"].as_array().unwrap();
        assert_eq!(envs.len(), 50);
        assert!(envs[0]["items"].is_array(), "the first keep their details");
        assert_eq!(
            envs[49],
            json!({"environment_id": 50, "environment": "env-50", "total": 3})
        );
        assert!(out["notes"][0].as_str().unwrap().contains("count only"));
        assert!(out.to_string().len() < 6_000, "bounded by the budget");
    }
}
