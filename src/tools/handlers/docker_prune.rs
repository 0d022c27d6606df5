//! docker_prune: remove unused containers, images, volumes, networks or
//! build cache, as `docker <kind> prune` does. The engine's own state is
//! read first, so that a held call (dry run, or confirm missing) names what
//! would go and how many bytes, and a confirmed one sends the one prune.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Custom networks inspected for a preview at most (the list does not say
/// which containers use a network).
const MAX_NETWORKS: usize = 100;
/// Names listed in an answer at most; the count covers all.
const MAX_NAMED: usize = 100;
/// The Engine API version from which a volume prune leaves named volumes
/// alone unless told `all`.
const VOLUME_ALL_SINCE: (u32, u32) = (1, 42);
/// The label Docker (23.0+) gives anonymous volumes.
const ANONYMOUS: &str = "com.docker.volume.anonymous";

#[derive(Deserialize, JsonSchema, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Containers,
    Images,
    Volumes,
    Networks,
    BuildCache,
}

#[derive(Deserialize, JsonSchema)]
pub struct Prune {
    #[schemars(range(min = 1))]
    environment_id: u64,
    kind: Kind,
    /// images: every image no container uses, not only dangling ones;
    /// volumes: named ones too, not only anonymous; build_cache: all of it.
    #[serde(default)]
    all: bool,
}

handler!(DOCKER_PRUNE, Prune, prune);

/// What a prune would remove: names, and bytes where Docker counts them.
struct Plan {
    names: Vec<String>,
    bytes: Option<u64>,
    path: &'static str,
    query: Vec<(String, String)>,
    note: Option<String>,
    /// Container id to name: the engine answers a prune with ids.
    names_of: Vec<(String, String)>,
}

async fn prune(call: &Call, a: Prune) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let plan = match a.kind {
        Kind::Networks => {
            if a.all {
                return Err(ToolError::BadArguments(
                    "`all` is for images, volumes and build_cache; a network prune always removes every unused custom network".into(),
                ));
            }
            networks(http, env).await?
        }
        Kind::Volumes => {
            let api = api_version(http, env).await?;
            let df = get(http, env, "system/df", &[]).await?;
            volumes(&df, a.all, api)?
        }
        kind => {
            let df = get(http, env, "system/df", &[]).await?;
            from_df(&df, kind, a.all)?
        }
    };
    let count = plan.names.len();
    let names_of = plan.names_of;
    let mut names = plan.names;
    names.truncate(MAX_NAMED);
    let mut summary = json!({
        "kind": kind_word(a.kind),
        "count": count,
        "names": names,
    });
    if let Some(b) = plan.bytes {
        summary["mib"] = json!(mib(b));
    }
    if let Some(n) = &plan.note {
        summary["note"] = json!(n);
    }
    if call.held() {
        call.record().set_would_change(summary.clone());
    }
    let x = passthrough(
        http,
        Backend::Docker,
        env,
        Method::POST,
        plan.path,
        &plan.query,
        None,
    )
    .await?;
    if call.held() {
        return Ok(summary);
    }
    let done = x.into_json()?;
    Ok(removed(a.kind, &done, &names_of, summary))
}

fn kind_word(k: Kind) -> &'static str {
    match k {
        Kind::Containers => "containers",
        Kind::Images => "images",
        Kind::Volumes => "volumes",
        Kind::Networks => "networks",
        Kind::BuildCache => "build_cache",
    }
}

fn mib(bytes: u64) -> f64 {
    (bytes as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

async fn get(
    http: &Http,
    env: u64,
    path: &str,
    query: &[(String, String)],
) -> Result<Value, ToolError> {
    passthrough(http, Backend::Docker, env, Method::GET, path, query, None)
        .await?
        .into_json()
}

/// The engine's API version (unversioned paths run at it).
async fn api_version(http: &Http, env: u64) -> Result<(u32, u32), ToolError> {
    let v = get(http, env, "version", &[]).await?;
    let text = v["ApiVersion"].as_str().unwrap_or_default();
    let mut parts = text.split('.').map(|p| p.parse::<u32>().ok());
    match (parts.next().flatten(), parts.next().flatten()) {
        (Some(major), Some(minor)) => Ok((major, minor)),
        _ => Err(ToolError::Internal(format!(
            "the engine reported no API version (ApiVersion `{}`)",
            crate::error::cap_text(text.to_string(), 20)
        ))),
    }
}

fn size(v: &Value) -> u64 {
    v.as_i64().filter(|n| *n > 0).unwrap_or(0) as u64
}

fn items<'a>(df: &'a Value, key: &str) -> impl Iterator<Item = &'a Value> {
    df[key].as_array().into_iter().flatten()
}

fn short_id(v: &Value) -> String {
    let id = v.as_str().unwrap_or_default();
    id.trim_start_matches("sha256:").chars().take(12).collect()
}

/// Containers, images and build cache, from /system/df as the prunes
/// choose them.
fn from_df(df: &Value, kind: Kind, all: bool) -> Result<Plan, ToolError> {
    let (mut names, mut bytes, mut query) = (vec![], 0u64, vec![]);
    match kind {
        Kind::Containers => {
            if all {
                return Err(ToolError::BadArguments(
                    "`all` is for images, volumes and build_cache; a container prune removes every stopped container".into(),
                ));
            }
            for c in items(df, "Containers") {
                let state = c["State"].as_str().unwrap_or_default();
                if matches!(state, "exited" | "created" | "dead") {
                    let name = c["Names"][0].as_str().unwrap_or_default();
                    names.push(name.trim_start_matches('/').to_string());
                    bytes += size(&c["SizeRw"]);
                }
            }
            let mut p = plan(names, Some(bytes), "containers/prune", query, None);
            p.names_of = items(df, "Containers")
                .map(|c| {
                    let id = c["Id"].as_str().unwrap_or_default().to_string();
                    let name = c["Names"][0].as_str().unwrap_or_default();
                    (id, name.trim_start_matches('/').to_string())
                })
                .collect();
            Ok(p)
        }
        Kind::Images => {
            for i in items(df, "Images") {
                let tags: Vec<&str> = i["RepoTags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .filter(|t| *t != "<none>:<none>")
                    .collect();
                let unused = size(&i["Containers"]) == 0;
                if unused && (all || tags.is_empty()) {
                    names.push(match tags.first() {
                        Some(t) => t.to_string(),
                        None => short_id(&i["Id"]),
                    });
                    // Layers shared with kept images stay.
                    bytes += size(&i["Size"]).saturating_sub(size(&i["SharedSize"]));
                }
            }
            if all {
                query.push(("filters".into(), r#"{"dangling":["false"]}"#.into()));
            }
            Ok(plan(names, Some(bytes), "images/prune", query, None))
        }
        Kind::BuildCache => {
            for b in items(df, "BuildCache") {
                if b["InUse"] != true && (all || b["Shared"] != true) {
                    names.push(short_id(&b["ID"]));
                    bytes += size(&b["Size"]);
                }
            }
            if all {
                query.push(("all".into(), "true".into()));
            }
            let note =
                Some("an estimate: the builder also keeps what its own policy protects".into());
            Ok(plan(names, Some(bytes), "build/prune", query, note))
        }
        Kind::Volumes | Kind::Networks => unreachable!("read elsewhere"),
    }
}

fn plan(
    names: Vec<String>,
    bytes: Option<u64>,
    path: &'static str,
    query: Vec<(String, String)>,
    note: Option<String>,
) -> Plan {
    Plan {
        names,
        bytes,
        path,
        query,
        note,
        names_of: vec![],
    }
}

/// Unused volumes; since API 1.42 only anonymous ones unless `all`.
fn volumes(df: &Value, all: bool, api: (u32, u32)) -> Result<Plan, ToolError> {
    let scoped = api >= VOLUME_ALL_SINCE;
    let mut names = vec![];
    let mut bytes = 0u64;
    let mut sized = true;
    for v in items(df, "Volumes") {
        if size(&v["UsageData"]["RefCount"]) > 0 {
            continue;
        }
        let anonymous = v["Labels"].get(ANONYMOUS).is_some();
        if scoped && !all && !anonymous {
            continue;
        }
        names.push(v["Name"].as_str().unwrap_or_default().to_string());
        match v["UsageData"]["Size"].as_i64() {
            Some(n) if n >= 0 => bytes += n as u64,
            _ => sized = false,
        }
    }
    let mut query = vec![];
    let note = match (scoped, all) {
        (true, true) => {
            query.push(("filters".into(), r#"{"all":["true"]}"#.into()));
            None
        }
        (true, false) => {
            Some("anonymous volumes only; all: true removes unused named volumes too".into())
        }
        (false, true) => {
            return Err(ToolError::BadArguments(format!(
                "`all`: this engine's API {}.{} always prunes named volumes too; leave all out",
                api.0, api.1
            )))
        }
        (false, false) => Some(format!(
            "this engine's API {}.{} removes unused named volumes too",
            api.0, api.1
        )),
    };
    Ok(plan(
        names,
        sized.then_some(bytes),
        "volumes/prune",
        query,
        note,
    ))
}

/// Custom networks no container is attached to.
async fn networks(http: &Http, env: u64) -> Result<Plan, ToolError> {
    let list = get(http, env, "networks", &[]).await?;
    let custom: Vec<&Value> = list
        .as_array()
        .into_iter()
        .flatten()
        .filter(|n| {
            let name = n["Name"].as_str().unwrap_or_default();
            !matches!(
                name,
                "bridge" | "host" | "none" | "ingress" | "docker_gwbridge"
            )
        })
        .collect();
    if custom.len() > MAX_NETWORKS {
        return Err(ToolError::BadArguments(format!(
            "{} custom networks: more than the {MAX_NETWORKS} a preview inspects; prune them with docker_proxy",
            custom.len()
        )));
    }
    let mut names = vec![];
    for n in custom {
        let id = n["Id"].as_str().unwrap_or_default();
        let one = get(http, env, &format!("networks/{id}"), &[]).await?;
        let used = one["Containers"].as_object().is_some_and(|c| !c.is_empty());
        if !used {
            names.push(n["Name"].as_str().unwrap_or_default().to_string());
        }
    }
    Ok(plan(names, None, "networks/prune", vec![], None))
}

/// The engine's answer, as the preview was put: names and MiB.
fn removed(kind: Kind, done: &Value, names_of: &[(String, String)], mut summary: Value) -> Value {
    let key = match kind {
        Kind::Containers => "ContainersDeleted",
        Kind::Images => "ImagesDeleted",
        Kind::Volumes => "VolumesDeleted",
        Kind::Networks => "NetworksDeleted",
        Kind::BuildCache => "CachesDeleted",
    };
    let gone: Vec<String> = done[key]
        .as_array()
        .into_iter()
        .flatten()
        .map(|v| match v {
            // An image prune answers {Untagged} and {Deleted} entries.
            Value::Object(o) => o
                .get("Untagged")
                .or_else(|| o.get("Deleted"))
                .map(|s| s.as_str().map(str::to_string).unwrap_or_default())
                .unwrap_or_default(),
            // Containers go by id: their names as the preview gave them.
            other => {
                let s = other.as_str().unwrap_or_default();
                match names_of.iter().find(|(id, _)| id == s) {
                    Some((_, name)) => name.clone(),
                    None if kind == Kind::Containers => s.chars().take(12).collect(),
                    None => s.to_string(),
                }
            }
        })
        .collect();
    let count = gone.len();
    let mut names = gone;
    names.truncate(MAX_NAMED);
    summary["count"] = json!(count);
    summary["names"] = json!(names);
    match done["SpaceReclaimed"].as_u64() {
        Some(b) => summary["mib"] = json!(mib(b)),
        None => {
            summary.as_object_mut().map(|o| o.remove("mib"));
        }
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df() -> Value {
        json!({
            "Containers": [
                {"Names": ["/web"], "State": "running", "SizeRw": 10},
                {"Names": ["/old"], "State": "exited", "SizeRw": 2_097_152},
                {"Names": ["/new"], "State": "created", "SizeRw": 0}
            ],
            "Images": [
                {"Id": "sha256:aaaaaaaaaaaaaaaa", "RepoTags": ["app:1"], "Containers": 1, "Size": 100, "SharedSize": 0},
                {"Id": "sha256:bbbbbbbbbbbbbbbb", "RepoTags": ["<none>:<none>"], "Containers": 0, "Size": 3_145_728, "SharedSize": 1_048_576},
                {"Id": "sha256:cccccccccccccccc", "RepoTags": ["tool:2"], "Containers": 0, "Size": 1_048_576, "SharedSize": -1}
            ],
            "Volumes": [
                {"Name": "data", "Labels": null, "UsageData": {"RefCount": 0, "Size": 1_048_576}},
                {"Name": "3f9a", "Labels": {"com.docker.volume.anonymous": ""}, "UsageData": {"RefCount": 0, "Size": 5}},
                {"Name": "busy", "Labels": {}, "UsageData": {"RefCount": 1, "Size": 9}}
            ],
            "BuildCache": []
        })
    }

    #[test]
    fn containers_are_the_stopped_ones() {
        let p = from_df(&df(), Kind::Containers, false).ok().unwrap();
        assert_eq!(p.names, ["old", "new"]);
        assert_eq!(p.bytes, Some(2_097_152));
        assert!(from_df(&df(), Kind::Containers, true).is_err());
    }

    #[test]
    fn images_dangling_or_all_unused() {
        let p = from_df(&df(), Kind::Images, false).ok().unwrap();
        assert_eq!(p.names, ["bbbbbbbbbbbb"]);
        assert_eq!(p.bytes, Some(2_097_152), "shared layers stay");
        assert!(p.query.is_empty());
        let p = from_df(&df(), Kind::Images, true).ok().unwrap();
        assert_eq!(p.names, ["bbbbbbbbbbbb", "tool:2"]);
        assert_eq!(p.query[0].1, r#"{"dangling":["false"]}"#);
    }

    #[test]
    fn volumes_follow_the_api_version() {
        let p = volumes(&df(), false, (1, 43)).ok().unwrap();
        assert_eq!(p.names, ["3f9a"]);
        assert!(p.note.unwrap().contains("anonymous volumes only"));
        let p = volumes(&df(), true, (1, 43)).ok().unwrap();
        assert_eq!(p.names, ["data", "3f9a"]);
        assert_eq!(p.query[0].1, r#"{"all":["true"]}"#);
        let p = volumes(&df(), false, (1, 41)).ok().unwrap();
        assert_eq!(p.names, ["data", "3f9a"]);
        assert!(p.query.is_empty());
        let e = volumes(&df(), true, (1, 41)).err().unwrap().to_string();
        assert!(e.contains("`all`"), "{e}");
    }

    #[test]
    fn the_engine_answer_becomes_names_and_mib() {
        let done = json!({"ImagesDeleted": [{"Untagged": "tool:2"}, {"Deleted": "sha256:ccc"}], "SpaceReclaimed": 1_572_864});
        let out = removed(
            Kind::Images,
            &done,
            &[],
            json!({"kind": "images", "mib": 9.0}),
        );
        assert_eq!(out["count"], 2);
        assert_eq!(out["names"], json!(["tool:2", "sha256:ccc"]));
        assert_eq!(out["mib"], 1.5);
        // Containers are named as the preview named them; volumes keep
        // their (64-hex, when anonymous) names.
        let id = "a".repeat(64);
        let done = json!({"ContainersDeleted": [id.clone(), "b".repeat(64)]});
        let out = removed(Kind::Containers, &done, &[(id, "old".into())], json!({}));
        assert_eq!(out["names"], json!(["old", "bbbbbbbbbbbb"]));
        let done = json!({"VolumesDeleted": ["c".repeat(64)]});
        let out = removed(Kind::Volumes, &done, &[], json!({}));
        assert_eq!(out["names"], json!(["c".repeat(64)]));
    }
}
