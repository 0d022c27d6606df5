//! Workloads whose rollouts move, in namespace shop: `rolling` completes
//! on its third read, `slow` never does, `stuck` exceeded its progress deadline (its pods are
//! web's, with their warning events), `web` has three ReplicaSet revisions
//! `db` (a StatefulSet) and `agent` (a DaemonSet) two ControllerRevisions
//! each, for history and undo; `oversized` answers more than 2 MiB.

use crate::answer::{json, Answer};
use crate::request::Req;
use crate::shared::Shared;
use serde_json::{json, Value};

const APPS: [&str; 5] = ["apis", "apps", "v1", "namespaces", "shop"];

pub(super) fn route(req: &Req, shared: &Shared, rest: &[&str]) -> Option<Answer> {
    let tail = rest.strip_prefix(&APPS[..])?;
    let reads = || {
        shared
            .log
            .all()
            .iter()
            .filter(|s| s.method == "GET" && s.path == req.path)
            .count()
    };
    Some(match (req.method, tail) {
        ("GET", ["deployments", "rolling"]) => json(200, rolling(reads())),
        // One that never gets past its first new replica.
        ("GET" | "PATCH", ["deployments", "slow"] | ["deployments", "slow", "scale"]) => {
            let mut d = rolling(1);
            d["metadata"]["name"] = json!("slow");
            json(200, d)
        }
        ("PATCH", ["deployments", "rolling"] | ["deployments", "rolling", "scale"]) => {
            json(200, rolling(0))
        }
        // One whose every reading is over 2 MiB: a server capped below
        // that makes the change and cannot read how it goes.
        ("PATCH", ["deployments", "oversized", "scale"]) => json(200, rolling(0)),
        ("GET", ["deployments", "oversized"]) => {
            let mut d = rolling(1);
            d["metadata"]["name"] = json!("oversized");
            d["metadata"]["annotations"] = json!({"padding": "x".repeat(2 << 20)});
            json(200, d)
        }
        ("GET", ["deployments", "stuck"]) => json(200, stuck()),
        ("PATCH", ["deployments", "stuck"]) => json(200, stuck()),
        ("GET", ["replicasets"]) if selects(req, "app%3Dweb") => json(
            200,
            json!({"kind": "ReplicaSetList", "apiVersion": "apps/v1", "items": [
                replica_set("web-5f6d7c", 1, "nginx:1.25", None),
                replica_set("web-6b8c9d", 2, "nginx:1.26", Some("kubectl set image deployment/web web=nginx:1.26")),
                replica_set("web-7d4b9c", 3, "nginx:1.27", None),
                // Another owner's, with the same labels: not web's history.
                json!({"metadata": {"name": "other-1", "annotations": {"deployment.kubernetes.io/revision": "9"},
                       "ownerReferences": [{"kind": "Deployment", "name": "other", "controller": true}]},
                       "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:0.1"}]}}}})]}),
        ),
        // The template written back (JSON patch), as the API server stores it.
        ("PATCH", ["deployments", "web"])
            if req.content_type == Some("application/json-patch+json") =>
        {
            let mut d = crate::fixtures::deployment(3);
            if let Some(t) = req.json()[0].get("value") {
                d["spec"]["template"] = t.clone();
            }
            json(200, d)
        }
        ("GET", ["statefulsets", "db"]) => json(200, stateful_set()),
        ("PATCH", ["statefulsets", "db"]) => {
            let mut s = stateful_set();
            if let Some(t) = req.json().pointer("/spec/template") {
                s["spec"]["template"] = t.clone();
            }
            json(200, s)
        }
        // A DaemonSet marks no current revision: the newest is it.
        ("GET" | "PATCH", ["daemonsets", "agent"]) => json(200, daemon_set()),
        ("GET", ["controllerrevisions"]) if selects(req, "app%3Dagent") => json(
            200,
            json!({"kind": "ControllerRevisionList", "apiVersion": "apps/v1", "items": [
                owned_revision("agent-1", 1, "agent:1", "DaemonSet", "agent"),
                owned_revision("agent-2", 2, "agent:2", "DaemonSet", "agent")]}),
        ),
        ("GET", ["controllerrevisions"]) if selects(req, "app%3Ddb") => json(
            200,
            json!({"kind": "ControllerRevisionList", "apiVersion": "apps/v1", "items": [
                controller_revision("db-6d5f", 1, "postgres:15"),
                controller_revision("db-7a9b", 2, "postgres:16")]}),
        ),
        _ => return None,
    })
}

fn selects(req: &Req, selector: &str) -> bool {
    req.query
        .is_some_and(|q| q.contains(&format!("labelSelector={selector}")))
}

/// A Deployment of 3 the controller has seen (generation 2): one replica
/// updated on the first read, two on the second, all from the third.
fn rolling(reads: usize) -> Value {
    let updated = reads.clamp(1, 3);
    let available = if updated == 3 { 3 } else { updated - 1 };
    json!({"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "rolling", "namespace": "shop", "generation": 2, "uid": "uid-rolling"},
           "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "rolling"}},
                    "template": {"metadata": {"labels": {"app": "rolling"}}, "spec": {"containers": [{"name": "app", "image": "shop/app:2"}]}}},
           "status": {"observedGeneration": 2, "replicas": 3, "updatedReplicas": updated, "readyReplicas": available,
                      "availableReplicas": available}})
}

/// A Deployment whose new pods never become ready: the controller has
/// given up (ProgressDeadlineExceeded). Its selector picks web's pods.
fn stuck() -> Value {
    json!({"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "stuck", "namespace": "shop", "generation": 7, "uid": "uid-stuck"},
           "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:broken"}]}}},
           "status": {"observedGeneration": 7, "replicas": 3, "updatedReplicas": 1, "readyReplicas": 2, "availableReplicas": 2,
                      "conditions": [{"type": "Available", "status": "True"},
                                     {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded",
                                      "message": "ReplicaSet \"stuck-9f\" has timed out progressing."}]}})
}

fn replica_set(name: &str, revision: u32, image: &str, cause: Option<&str>) -> Value {
    let mut annotations = json!({"deployment.kubernetes.io/revision": revision.to_string()});
    if let Some(c) = cause {
        annotations["kubernetes.io/change-cause"] = json!(c);
    }
    let hash = name.rsplit('-').next().unwrap_or("");
    json!({"kind": "ReplicaSet", "apiVersion": "apps/v1",
           "metadata": {"name": name, "namespace": "shop", "annotations": annotations, "creationTimestamp": format!("2026-11-2{revision}T08:00:00Z"),
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": "uid-web", "controller": true}]},
           "spec": {"replicas": if revision == 3 { 3 } else { 0 },
                    "template": {"metadata": {"labels": {"app": "web", "pod-template-hash": hash}},
                                 "spec": {"containers": [{"name": "web", "image": image}]}}}})
}

fn stateful_set() -> Value {
    json!({"kind": "StatefulSet", "apiVersion": "apps/v1",
           "metadata": {"name": "db", "namespace": "shop", "generation": 2, "uid": "uid-db"},
           "spec": {"replicas": 1, "selector": {"matchLabels": {"app": "db"}}, "updateStrategy": {"type": "RollingUpdate"},
                    "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "postgres:16"}]}}},
           "status": {"observedGeneration": 2, "replicas": 1, "readyReplicas": 1, "currentReplicas": 1, "updatedReplicas": 1,
                      "currentRevision": "db-7a9b", "updateRevision": "db-7a9b"}})
}

fn controller_revision(name: &str, revision: u32, image: &str) -> Value {
    owned_revision(name, revision, image, "StatefulSet", "db")
}

fn owned_revision(name: &str, revision: u32, image: &str, kind: &str, owner: &str) -> Value {
    json!({"kind": "ControllerRevision", "apiVersion": "apps/v1", "revision": revision,
           "metadata": {"name": name, "namespace": "shop", "creationTimestamp": format!("2026-11-2{revision}T09:00:00Z"),
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": kind, "name": owner, "uid": format!("uid-{owner}"), "controller": true}]},
           "data": {"spec": {"template": {"$patch": "replace", "metadata": {"labels": {"app": owner}},
                                          "spec": {"containers": [{"name": owner, "image": image}]}}}}})
}

fn daemon_set() -> Value {
    json!({"kind": "DaemonSet", "apiVersion": "apps/v1",
           "metadata": {"name": "agent", "namespace": "shop", "generation": 2, "uid": "uid-agent"},
           "spec": {"selector": {"matchLabels": {"app": "agent"}}, "updateStrategy": {"type": "RollingUpdate"},
                    "template": {"metadata": {"labels": {"app": "agent"}}, "spec": {"containers": [{"name": "agent", "image": "agent:2"}]}}},
           "status": {"observedGeneration": 2, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 2, "numberReady": 2}})
}
