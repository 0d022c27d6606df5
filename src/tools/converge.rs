//! Waiting for what a generated write started, when the call gives `wait`
//! (`converge` in tools.toml): a created stack until its containers run
//! (as stack_update waits), a Helm release until it is deployed or failed
//! and then its Deployments, StatefulSets and DaemonSets until they have
//! rolled out. The write is made before; what the wait sees is added to
//! its answer, and a failure to read is said there, never taken for the
//! write's.

use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::tools::args::Args;
use crate::tools::call::Call;
use crate::tools::handlers::kubernetes_rollout::{pod_warnings, Workload};
use crate::tools::handlers::stack_status::await_stack;
use crate::tools::rollout::{self, State};
use crate::tools::wait::{self, Reading, Wait};
use reqwest::Method;
use serde_json::{json, Value};

/// Workloads of one release followed at most (each is one GET a reading).
const MAX_WORKLOADS: usize = 20;

/// Adds to `answer` (the write's own) how the change stands after `wait`.
pub async fn after(
    call: &Call,
    kind: &str,
    args: &Args,
    mut answer: Value,
    w: Wait,
) -> Result<Value, ToolError> {
    match kind {
        "stack" => {
            let running = await_stack(call, &answer, w).await?;
            answer["running"] = running;
        }
        "helm_release" => {
            if !answer.is_object() {
                answer = json!({"release": answer});
            }
            answer["rollout"] = match release_of(args) {
                Ok((env, name, ns)) => await_release(call, env, &name, ns.as_deref(), w).await?,
                Err(e) => wait::unread(e),
            };
        }
        other => return Err(ToolError::Internal(format!("no converge `{other}`"))),
    }
    Ok(answer)
}

/// The environment, release name and namespace a Helm write names.
fn release_of(args: &Args) -> Result<(u64, String, Option<String>), ToolError> {
    let env: u64 = args.get("environment_id", None)?;
    // helm_install names it `name`, helm_rollback `release`.
    let name: String = match args.get::<Option<String>>("release", None)? {
        Some(r) => r,
        None => args.get("name", None)?,
    };
    let ns: Option<String> = args.get("namespace", None)?;
    kube::check_name("release", &name)?;
    if let Some(ns) = &ns {
        kube::check_name("namespace", ns)?;
    }
    Ok((env, name, ns))
}

/// Waits for the release to be deployed (or failed), then for its
/// workloads to roll out, within one `wait`.
/// A reading that fails once the change is made is said in the answer,
/// not as the call's error (wait::settle).
async fn await_release(
    call: &Call,
    env: u64,
    name: &str,
    ns: Option<&str>,
    w: Wait,
) -> Result<Value, ToolError> {
    wait::settle(call, async {
        Ok(release_rollout(call, env, name, ns, w).await)
    })
    .await
}

async fn release_rollout(call: &Call, env: u64, name: &str, ns: Option<&str>, w: Wait) -> Value {
    let http = call.http();
    let path = match ns {
        Some(ns) => format!("endpoints/{env}/kubernetes/helm/{name}?namespace={ns}"),
        None => format!("endpoints/{env}/kubernetes/helm/{name}"),
    };
    let started = std::time::Instant::now();
    let waited = wait::until(call, w, false, || async {
        let release = http.portainer_json(Method::GET, &path, None).await?;
        let status = release["info"]["status"]
            .as_str()
            .unwrap_or("unknown")
            .to_string();
        let mut rows = vec![];
        let (settled, ok) = match status.as_str() {
            "deployed" => {
                rows = workloads(http, env, &release).await?;
                let states: Vec<&State> = rows.iter().map(|(_, s)| &s.state).collect();
                (
                    states.iter().all(|s| s.settled()),
                    states.iter().all(|s| **s == State::Complete),
                )
            }
            "failed" | "superseded" | "uninstalled" => (true, false),
            _ => (false, false),
        };
        let said = match rows.iter().find(|(_, s)| s.state != State::Complete) {
            Some((_, s)) => format!("release {status}; {}", s.message),
            None => format!("release {status}"),
        };
        Ok(Reading {
            settled,
            ok,
            status: said,
            value: (status, rows),
        })
    })
    .await;
    let waited = match waited {
        Ok(x) => x,
        Err(e) => return wait::unread(e),
    };
    let (release_status, rows) = waited.last;
    // The worst state of any workload speaks for the release.
    let rank = |s: &State| match s {
        State::Failed => 4,
        State::Paused => 3,
        State::NotFollowed => 2,
        State::Progressing => 1,
        State::Complete => 0,
    };
    let behind = rows
        .iter()
        .filter(|(_, s)| s.state != State::Complete)
        .max_by_key(|(_, s)| rank(&s.state));
    let status = match (waited.settled, release_status.as_str(), behind) {
        (false, _, _) => "timed out",
        (true, "deployed", None) => "complete",
        // Paused, or OnDelete (no rollout to follow), or failed.
        (true, "deployed", Some((_, s))) => s.state.label(),
        (true, _, _) => "failed",
    };
    let mut items = vec![];
    for (obj, s) in &rows {
        let mut row = json!({
            "kind": obj["kind"], "name": obj["metadata"]["name"],
            "namespace": obj["metadata"]["namespace"],
            "status": s.state.label(), "message": s.message,
            "replicas": rollout::replicas(obj),
        });
        if s.state != State::Complete {
            row["warnings"] = pod_warnings(http, env, obj).await;
        }
        items.push(row);
    }
    let mut out = json!({
        "status": status,
        "release_status": release_status,
        "workloads": items,
        "waited_seconds": started.elapsed().as_secs(),
    });
    if items.len() == MAX_WORKLOADS {
        out["note"] = json!(format!(
            "the first {MAX_WORKLOADS} workloads of the release were followed; others may still be rolling out"
        ));
    }
    out
}

/// The release's Deployments, StatefulSets and DaemonSets (from its
/// rendered manifest) as the API server has them now, with their rollout.
async fn workloads(
    http: &crate::portainer::http::Http,
    env: u64,
    release: &Value,
) -> Result<Vec<(Value, rollout::Status)>, ToolError> {
    let manifest = release["manifest"].as_str().unwrap_or("");
    let ns = release["namespace"].as_str().unwrap_or("default");
    let mut rows = vec![];
    let named = named_workloads(manifest);
    if named.len() > MAX_WORKLOADS {
        tracing::info!(
            workloads = named.len(),
            "a Helm release's first {MAX_WORKLOADS} workloads are followed"
        );
    }
    for (kind, name, in_ns) in named.into_iter().take(MAX_WORKLOADS) {
        let path = kind.path(in_ns.as_deref().unwrap_or(ns), &name)?;
        let obj = kube::request(http, env, Method::GET, &path, &[], None).await?;
        if let Some(s) = rollout::status(&obj) {
            rows.push((obj, s));
        }
    }
    Ok(rows)
}

/// (kind, name, namespace) of each workload a rendered manifest holds.
fn named_workloads(manifest: &str) -> Vec<(Workload, String, Option<String>)> {
    use serde::Deserialize;
    let mut out = vec![];
    for doc in serde_yaml_ng::Deserializer::from_str(manifest) {
        // The first document that does not parse ends the reading: the
        // iterator would give the same error again and again.
        let Ok(v) = Value::deserialize(doc) else {
            break;
        };
        let kind = Workload::deserialize(&v["kind"]).ok();
        let apps = v["apiVersion"].as_str() == Some("apps/v1");
        if let (Some(kind), true, Some(name)) = (kind, apps, v["metadata"]["name"].as_str()) {
            let ns = v["metadata"]["namespace"].as_str().map(str::to_string);
            out.push((kind, name.to_string(), ns));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workloads_are_read_from_the_rendered_manifest() {
        let m = "---\n# Source: web/templates/svc.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\n  namespace: data\n";
        assert_eq!(
            named_workloads(m),
            [
                (Workload::Deployment, "web".into(), None),
                (Workload::StatefulSet, "db".into(), Some("data".into()))
            ]
        );
        assert!(named_workloads("{{ not: [yaml").is_empty());
    }
}
