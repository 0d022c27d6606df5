//! `kubectl describe`, for the facts an operator reads first: status and
//! conditions, the owner chain, for pods each container's state, restarts
//! and last termination, for workloads the rollout, and the object's
//! recent events. A few reads, no writes.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::kubernetes as kube;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Owners followed up the chain (Pod -> ReplicaSet -> Deployment).
const OWNER_DEPTH: usize = 3;
/// Newest events shown.
const EVENTS: usize = 10;

#[derive(Deserialize, JsonSchema)]
pub struct Describe {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. v1, apps/v1.
    #[serde(default = "super::kubernetes::v1")]
    api_version: String,
    /// e.g. Pod, Deployment, Node.
    kind: String,
    name: String,
    /// For namespaced kinds.
    namespace: Option<String>,
}

handler!(KUBERNETES_DESCRIBE, Describe, describe);

async fn get(
    http: &Http,
    env: u64,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> Result<Value, ToolError> {
    let path = kube::object_path(http, env, api_version, kind, namespace, name).await?;
    kube::request(http, env, Method::GET, &path, &[], None).await
}

async fn describe(call: &Call, a: Describe) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let ns = a.namespace.as_deref();
    let obj = get(http, env, &a.api_version, &a.kind, ns, &a.name).await?;
    let meta = &obj["metadata"];
    let mut out = json!({
        "kind": obj["kind"], "name": meta["name"], "namespace": meta["namespace"],
        "created": meta["creationTimestamp"], "labels": meta["labels"],
    });
    if let Some(conditions) = obj["status"]["conditions"].as_array() {
        out["conditions"] = conditions
            .iter()
            .map(|c| json!({"type": c["type"], "status": c["status"], "reason": c["reason"], "message": c["message"], "since": c["lastTransitionTime"]}))
            .collect();
    }
    match obj["kind"].as_str().unwrap_or("") {
        "Pod" => pod_facts(&obj, &mut out),
        "Deployment" | "StatefulSet" | "DaemonSet" => rollout(&obj, &mut out),
        "ReplicaSet" => {
            let s = &obj["status"];
            out["replicas"] = json!({"desired": obj["spec"]["replicas"], "ready": s["readyReplicas"].as_u64().unwrap_or(0),
                "available": s["availableReplicas"].as_u64().unwrap_or(0)});
        }
        _ => {
            if let Some(phase) = obj["status"].get("phase") {
                out["phase"] = phase.clone();
            }
        }
    }
    out["owners"] = Value::Array(owners(http, env, &obj).await);
    out["events"] = events(http, env, &obj).await;
    Ok(out)
}

fn pod_facts(pod: &Value, out: &mut Value) {
    let s = &pod["status"];
    out["phase"] = s["phase"].clone();
    out["node"] = pod["spec"]["nodeName"].clone();
    if let Some(r) = s.get("reason") {
        out["reason"] = r.clone();
    }
    let state = |st: &Value| -> Value {
        if let Some(w) = st.get("waiting") {
            json!({"waiting": w["reason"], "message": w["message"]})
        } else if let Some(t) = st.get("terminated") {
            json!({"terminated": t["reason"], "exit_code": t["exitCode"], "finished": t["finishedAt"], "message": t["message"]})
        } else if let Some(r) = st.get("running") {
            json!({"running_since": r["startedAt"]})
        } else {
            Value::Null
        }
    };
    let mut containers = vec![];
    for key in ["initContainerStatuses", "containerStatuses"] {
        for c in s[key].as_array().into_iter().flatten() {
            let mut v = json!({"name": c["name"], "image": c["image"], "ready": c["ready"],
                "restarts": c["restartCount"], "state": state(&c["state"])});
            if key == "initContainerStatuses" {
                v["init"] = json!(true);
            }
            if c["lastState"].get("terminated").is_some() {
                v["last_termination"] = state(&c["lastState"]);
            }
            containers.push(v);
        }
    }
    out["containers"] = Value::Array(containers);
}

/// A workload's replicas and its rollout as `kubectl rollout status`
/// reads it (tools/rollout.rs).
fn rollout(w: &Value, out: &mut Value) {
    out["replicas"] = crate::tools::rollout::replicas(w);
    if let Some(s) = crate::tools::rollout::status(w) {
        out["rollout"] = json!({"status": s.state.label(), "message": s.message});
    }
}

/// The controller chain above the object; an owner that cannot be read
/// ends the chain with a note rather than failing the call.
async fn owners(http: &Http, env: u64, obj: &Value) -> Vec<Value> {
    let mut chain = vec![];
    let mut cur = obj.clone();
    let ns = obj["metadata"]["namespace"].as_str().map(str::to_string);
    for _ in 0..OWNER_DEPTH {
        let refs = cur["metadata"]["ownerReferences"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let Some(owner) = refs
            .iter()
            .find(|r| r["controller"] == json!(true))
            .or(refs.first())
        else {
            break;
        };
        let (Some(api), Some(kind), Some(name)) = (
            owner["apiVersion"].as_str(),
            owner["kind"].as_str(),
            owner["name"].as_str(),
        ) else {
            break;
        };
        chain.push(json!({"kind": kind, "name": name}));
        match get(http, env, api, kind, ns.as_deref(), name).await {
            Ok(o) => cur = o,
            Err(e) => {
                if let Some(last) = chain.last_mut() {
                    last["unreadable"] = json!(crate::error::cap_text(e.to_string(), 200));
                }
                break;
            }
        }
    }
    chain
}

/// The object's newest events (core events API, both old and new style).
async fn events(http: &Http, env: u64, obj: &Value) -> Value {
    let meta = &obj["metadata"];
    let (Some(name), Some(kind)) = (meta["name"].as_str(), obj["kind"].as_str()) else {
        return Value::Null;
    };
    let path = match meta["namespace"].as_str() {
        Some(ns) => format!("api/v1/namespaces/{ns}/events"),
        None => "api/v1/events".into(),
    };
    // The uid too: events of an earlier object of the same name are not its.
    let mut selector = format!("involvedObject.name={name},involvedObject.kind={kind}");
    if let Some(uid) = meta["uid"].as_str() {
        selector.push_str(&format!(",involvedObject.uid={uid}"));
    }
    let query = vec![("fieldSelector".to_string(), selector)];
    let list = match kube::request(http, env, Method::GET, &path, &query, None).await {
        Ok(l) => l,
        Err(e) => return json!({"unreadable": crate::error::cap_text(e.to_string(), 200)}),
    };
    let mut items: Vec<Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| {
            let last = e["series"]["lastObservedTime"]
                .as_str()
                .or(e["lastTimestamp"].as_str())
                .or(e["eventTime"].as_str())
                .unwrap_or("");
            let count = e["count"].as_u64().or(e["series"]["count"].as_u64()).unwrap_or(1);
            json!({"type": e["type"], "reason": e["reason"], "message": e["message"], "count": count, "last": last})
        })
        .collect();
    items.sort_by(|a, b| b["last"].as_str().cmp(&a["last"].as_str()));
    items.truncate(EVENTS);
    Value::Array(items)
}
