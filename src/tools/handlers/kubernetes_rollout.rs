//! Rollouts of Deployments, StatefulSets and DaemonSets: waiting for one
//! to finish after a change (kubectl rollout status), its revision history
//! and undo (kubectl rollout history, undo). A Deployment's revisions are
//! its ReplicaSets, a StatefulSet's or DaemonSet's its ControllerRevisions.

use super::kubernetes_logs::selector_of;
use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::kubernetes as kube;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::rollout::{self, State};
use crate::tools::wait::{self, Reading, Wait};
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// Warning events shown for a rollout that did not finish.
const WARNINGS: usize = 5;

// The workload kinds that roll out (and restart), with their resource
// names. Serialize gives the schema its default; a `//` comment keeps this
// text out of the tools' schemas.
#[derive(Deserialize, Serialize, JsonSchema, Default, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Workload {
    #[default]
    Deployment,
    StatefulSet,
    DaemonSet,
}

impl Workload {
    pub fn plural(self) -> &'static str {
        match self {
            Workload::Deployment => "deployments",
            Workload::StatefulSet => "statefulsets",
            Workload::DaemonSet => "daemonsets",
        }
    }

    pub fn path(self, namespace: &str, name: &str) -> Result<String, ToolError> {
        kube::check_name("namespace", namespace)?;
        kube::check_name("name", name)?;
        Ok(format!(
            "apis/apps/v1/namespaces/{namespace}/{}/{name}",
            self.plural()
        ))
    }
}

/// Waits for the workload at `path` to roll out and says how it stands:
/// kubectl's verdict and message, the replica counts, the seconds waited,
/// and, when it did not complete, the newest warning events of its pods.
/// A reading that fails once the change is made is said in the answer,
/// not as the call's error (wait::settle).
pub async fn await_rollout(
    call: &Call,
    env: u64,
    path: &str,
    wait: Wait,
) -> Result<Value, ToolError> {
    wait::settle(call, rollout_of(call, env, path, wait)).await
}

async fn rollout_of(call: &Call, env: u64, path: &str, wait: Wait) -> Result<Value, ToolError> {
    let http = call.http();
    let waited = wait::until(call, wait, false, || async {
        let obj = kube::request(http, env, Method::GET, path, &[], None).await?;
        let status = rollout::status(&obj).ok_or_else(|| {
            ToolError::Internal(format!(
                "{path}: not a Deployment, StatefulSet or DaemonSet"
            ))
        })?;
        Ok(Reading {
            settled: status.state.settled(),
            ok: status.state == State::Complete,
            status: status.message.clone(),
            value: (obj, status),
        })
    })
    .await;
    let waited = match waited {
        Ok(w) => w,
        Err(e) => return Ok(wait::unread(e)),
    };
    let (obj, status) = waited.last;
    let timed_out = !waited.settled && !call.held();
    let mut out = json!({
        "status": if timed_out { "timed out" } else { status.state.label() },
        "message": status.message,
        "replicas": rollout::replicas(&obj),
        "waited_seconds": waited.seconds,
    });
    if status.state != State::Complete && !call.held() {
        out["warnings"] = pod_warnings(http, env, &obj).await;
    }
    Ok(out)
}

/// The newest warning events about the workload's pods (those its
/// selector picks), newest first; an error reading them is said instead.
pub async fn pod_warnings(http: &Http, env: u64, obj: &Value) -> Value {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
    let Some(selector) = selector_of(&obj["spec"]["selector"]) else {
        return json!([]);
    };
    let pods = format!("api/v1/namespaces/{ns}/pods");
    let q = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
    let read = async {
        let pods = kube::request(
            http,
            env,
            Method::GET,
            &pods,
            &q("labelSelector", &selector),
            None,
        )
        .await?;
        let names: Vec<&str> = pods["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["metadata"]["name"].as_str())
            .collect();
        // Its pods', and the workload's or its ReplicaSets' own (pods that
        // were never made: quota, admission, FailedCreate).
        let workload = obj["metadata"]["name"].as_str().unwrap_or_default();
        let about = |e: &Value| {
            let o = &e["involvedObject"];
            let name = o["name"].as_str().unwrap_or("");
            match o["kind"].as_str().unwrap_or("") {
                "Pod" => names.contains(&name),
                "ReplicaSet" => name.starts_with(&format!("{workload}-")),
                kind => kind == obj["kind"] && name == workload,
            }
        };
        let events = format!("api/v1/namespaces/{ns}/events");
        let list = kube::request(
            http,
            env,
            Method::GET,
            &events,
            &q("fieldSelector", "type=Warning"),
            None,
        )
        .await?;
        let mut rows: Vec<Value> = list["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["type"] == "Warning" && about(e))
            .map(|e| {
                let last = [&e["series"]["lastObservedTime"], &e["lastTimestamp"], &e["eventTime"]]
                    .into_iter()
                    .find(|t| t.is_string())
                    .cloned()
                    .unwrap_or(Value::Null);
                json!({"object": format!("{}/{}", e["involvedObject"]["kind"].as_str().unwrap_or(""), e["involvedObject"]["name"].as_str().unwrap_or("")), "reason": e["reason"], "message": e["message"],
                       "count": e["series"]["count"].as_u64().or(e["count"].as_u64()).unwrap_or(1), "last": last})
            })
            .collect();
        rows.sort_by(|a, b| b["last"].as_str().cmp(&a["last"].as_str()));
        rows.truncate(WARNINGS);
        Ok::<Value, ToolError>(Value::Array(rows))
    };
    read.await
        .unwrap_or_else(|e| json!(format!("could not read the pods' events: {e}")))
}

#[derive(Deserialize, JsonSchema)]
pub struct History {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    name: String,
    #[serde(default)]
    kind: Workload,
}

handler!(KUBERNETES_ROLLOUT_HISTORY, History, history);

async fn history(call: &Call, a: History) -> Result<Value, ToolError> {
    let path = a.kind.path(&a.namespace, &a.name)?;
    let obj = kube::request(call.http(), a.environment_id, Method::GET, &path, &[], None).await?;
    let revisions = revisions(call.http(), a.environment_id, a.kind, &obj).await?;
    let rows: Vec<Value> = revisions
        .iter()
        .map(|r| json!({"revision": r.number, "change_cause": r.change_cause, "images": r.images, "current": r.current, "created": r.created}))
        .collect();
    let status = rollout::status(&obj);
    Ok(json!({
        "kind": obj["kind"], "name": a.name, "namespace": a.namespace,
        "rollout": status.map(|s| json!({"status": s.state.label(), "message": s.message})),
        "revisions": rows,
    }))
}

/// One revision of a workload, oldest first in a history.
struct Revision {
    number: u64,
    change_cause: Value,
    images: Vec<String>,
    current: bool,
    created: Value,
    /// The pod template it ran (a Deployment's), or the patch that brings
    /// it back (a StatefulSet's or DaemonSet's `data`).
    template: Value,
    annotations: Value,
}

/// Annotations kubectl rollout undo keeps on a Deployment rather than
/// taking them from the revision's ReplicaSet.
const ANNOTATIONS_KEPT: [&str; 6] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deployment.kubernetes.io/revision-history",
    "deployment.kubernetes.io/desired-replicas",
    "deployment.kubernetes.io/max-replicas",
    "deprecated.deployment.rollback.to",
];

/// A pod template as compared for "already running": without the hash
/// label a ReplicaSet adds, or the `$patch` a ControllerRevision holds.
fn bare_template(t: &Value) -> Value {
    let mut t = t.clone();
    if let Some(labels) = t["metadata"]["labels"].as_object_mut() {
        labels.remove("pod-template-hash");
    }
    if let Some(o) = t.as_object_mut() {
        o.remove("$patch");
    }
    t
}

fn images(template: &Value) -> Vec<String> {
    template["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["image"].as_str().map(str::to_string))
        .collect()
}

/// The revisions the workload owns, oldest first: ReplicaSets for a
/// Deployment (revision annotation), ControllerRevisions otherwise.
async fn revisions(
    http: &Http,
    env: u64,
    kind: Workload,
    obj: &Value,
) -> Result<Vec<Revision>, ToolError> {
    let ns = obj["metadata"]["namespace"].as_str().unwrap_or("default");
    let uid = &obj["metadata"]["uid"];
    let selector = selector_of(&obj["spec"]["selector"]).ok_or_else(|| {
        ToolError::BadArguments(format!(
            "{kind:?} has no pod selector to find its revisions by"
        ))
    })?;
    let plural = match kind {
        Workload::Deployment => "replicasets",
        _ => "controllerrevisions",
    };
    let path = format!("apis/apps/v1/namespaces/{ns}/{plural}");
    let query = vec![("labelSelector".to_string(), selector)];
    let list = kube::request(http, env, Method::GET, &path, &query, None).await?;
    // Owned by this object (by uid where it has one), as kubectl checks.
    let owned = |o: &Value| {
        o["metadata"]["ownerReferences"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|r| {
                r["controller"] == json!(true)
                    && r["kind"] == obj["kind"]
                    && r["name"] == obj["metadata"]["name"]
                    && (uid.is_null() || r["uid"].is_null() || r["uid"] == *uid)
            })
    };
    let current_revision = match kind {
        Workload::Deployment => obj["metadata"]["annotations"]["deployment.kubernetes.io/revision"]
            .as_str()
            .and_then(|r| r.parse::<u64>().ok()),
        _ => None,
    };
    let current_name = obj["status"]["updateRevision"].as_str();
    let mut out: Vec<Revision> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| owned(o))
        .filter_map(|o| {
            let meta = &o["metadata"];
            let cause = meta["annotations"]["kubernetes.io/change-cause"].clone();
            match kind {
                Workload::Deployment => {
                    let number = meta["annotations"]["deployment.kubernetes.io/revision"]
                        .as_str()?
                        .parse()
                        .ok()?;
                    let template = o["spec"]["template"].clone();
                    Some(Revision {
                        number,
                        change_cause: cause,
                        images: images(&template),
                        current: current_revision == Some(number),
                        created: meta["creationTimestamp"].clone(),
                        template,
                        annotations: meta["annotations"].clone(),
                    })
                }
                _ => Some(Revision {
                    number: o["revision"].as_u64()?,
                    change_cause: cause,
                    images: images(&o["data"]["spec"]["template"]),
                    current: current_name.is_some() && meta["name"].as_str() == current_name,
                    created: meta["creationTimestamp"].clone(),
                    template: o["data"].clone(),
                    annotations: meta["annotations"].clone(),
                }),
            }
        })
        .collect();
    out.sort_by_key(|r| r.number);
    // No revision marked (a DaemonSet marks none): the newest is the one
    // running, as kubectl takes it.
    if !out.iter().any(|r| r.current) {
        if let Some(last) = out.last_mut() {
            last.current = true;
        }
    }
    Ok(out)
}

#[derive(Deserialize, JsonSchema)]
pub struct Undo {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    name: String,
    #[serde(default)]
    kind: Workload,
    /// Revision to go back to (kubernetes_rollout_history); the previous one when left out.
    #[schemars(range(min = 1))]
    to_revision: Option<u64>,
    wait: Option<Wait>,
}

handler!(KUBERNETES_ROLLOUT_UNDO, Undo, undo);

/// As kubectl rollout undo: the chosen revision's pod template written
/// back (a Deployment's with its pod-template-hash label dropped; a
/// StatefulSet's or DaemonSet's revision data as a strategic merge patch),
/// which the controller then rolls out as a new revision.
async fn undo(call: &Call, a: Undo) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let path = a.kind.path(&a.namespace, &a.name)?;
    let obj = kube::request(http, env, Method::GET, &path, &[], None).await?;
    if obj["spec"]["paused"] == json!(true) {
        return Err(ToolError::BadArguments(format!(
            "{:?} `{}` is paused: resume it before rolling back (kubectl refuses too)",
            a.kind, a.name
        )));
    }
    let revisions = revisions(http, env, a.kind, &obj).await?;
    let known = || {
        revisions
            .iter()
            .map(|r| r.number.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let current = revisions.iter().rfind(|r| r.current).map(|r| r.number);
    let target = match a.to_revision {
        Some(n) => revisions.iter().find(|r| r.number == n).ok_or_else(|| {
            ToolError::BadArguments(format!(
                "`to_revision`: {:?} `{}` has no revision {n} (it has: {})",
                a.kind,
                a.name,
                known()
            ))
        })?,
        // kubectl's "previous": the second newest revision.
        None => revisions.iter().rev().nth(1).ok_or_else(|| {
            ToolError::BadArguments(format!(
                "{:?} `{}` has no previous revision to go back to (it has: {})",
                a.kind,
                a.name,
                known()
            ))
        })?,
    };
    let running = bare_template(&obj["spec"]["template"]);
    let wanted = match a.kind {
        Workload::Deployment => bare_template(&target.template),
        _ => bare_template(&target.template["spec"]["template"]),
    };
    if Some(target.number) == current || running == wanted {
        return Ok(json!({"skipped": format!(
            "revision {}'s template is the one running: nothing to roll back", target.number
        )}));
    }
    let (patch, media) = match a.kind {
        Workload::Deployment => {
            // As kubectl: the revision's annotations (its change cause)
            // come with its template; the Deployment's own are kept.
            let mut annotations: serde_json::Map<String, Value> = obj["metadata"]["annotations"]
                .as_object()
                .into_iter()
                .flatten()
                .filter(|(k, _)| ANNOTATIONS_KEPT.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for (k, v) in target.annotations.as_object().into_iter().flatten() {
                if !ANNOTATIONS_KEPT.contains(&k.as_str()) {
                    annotations.insert(k.clone(), v.clone());
                }
            }
            (
                json!([{"op": "replace", "path": "/spec/template", "value": wanted},
                       {"op": "replace", "path": "/metadata/annotations", "value": annotations}]),
                "application/json-patch+json",
            )
        }
        _ => (
            target.template.clone(),
            "application/strategic-merge-patch+json",
        ),
    };
    let summary = json!({
        "kind": obj["kind"], "name": a.name, "namespace": a.namespace,
        "rolled_back_to": target.number, "from": current, "images": target.images,
    });
    if call.held() {
        call.record().set_would_change(summary.clone());
    }
    let held = call.held();
    let x = kube::send_write(
        http,
        env,
        Method::PATCH,
        &path,
        vec![],
        Some((patch, media)),
        held,
    )
    .await?;
    let stored = x.into_json()?;
    if held {
        call.record()
            .add_preview(json!({"template": stored["spec"]["template"]}));
    }
    let mut out = summary;
    if let Some(w) = a.wait {
        out["rollout"] = await_rollout(call, env, &path, w).await?;
    }
    Ok(out)
}
