//! Kubernetes through Portainer: Helm releases and namespaces on
//! environment 3 (Portainer's own routes), and the API server's answers
//! through `/api/endpoints/{env}/kubernetes/...`.

use crate::answer::{empty, json, no_route, raw, text, Answer};
use crate::fixtures;
use crate::request::Req;
use serde_json::json;

/// `rest` is the path after `/kubernetes`.
pub(super) fn route(req: &Req, env: &str, rest: &[&str]) -> Answer {
    match (req.method, env, rest) {
        ("GET", "3", ["helm"]) => json(
            200,
            json!([{"name": "ingress", "namespace": "ingress-nginx", "chart": {"metadata": {"name": "ingress-nginx", "version": "4.11.3", "appVersion": "1.11.3"}}, "info": {"status": "deployed"}, "version": 3}]),
        ),
        ("POST", "3", ["helm"]) => {
            let b = req.json();
            json(
                201,
                json!({"name": b["name"], "namespace": b["namespace"], "version": 1, "info": {"status": "deployed"}}),
            )
        }
        ("DELETE", "3", ["helm", _]) => empty(204),
        // Releases whose workloads the rollout routes serve: one that
        // rolls out (Deployment rolling), one stuck past its progress
        // deadline, one Helm itself marked failed.
        ("GET", "3", ["helm", name @ ("shop-app" | "shop-bad" | "shop-failed")]) => {
            json(200, release(name))
        }
        ("POST", "3", ["helm", name @ ("shop-app" | "shop-bad" | "shop-failed"), "rollback"]) => {
            json(200, release(name))
        }
        ("GET", "3", ["helm", "ingress"]) => json(
            200,
            json!({"name": "ingress", "namespace": "ingress-nginx", "version": 3, "info": {"status": "deployed"},
                   "chart": {"metadata": {"name": "ingress-nginx", "version": "4.11.3"}, "templates": [{"name": "t.yaml", "data": "e30="}]},
                   "config": {"controller": {"replicaCount": 2}, "auth": {"password": "S-helm-get"}},
                   "manifest": "apiVersion: v1\nkind: Secret\ndata:\n  token: UzM=\n", "hooks": [{"name": "pre"}]}),
        ),
        // Only environment 3 runs metrics-server.
        ("GET", "3", ["apis", "metrics.k8s.io", "v1beta1", more @ ..]) => metrics(more),
        ("GET", _, ["apis", "metrics.k8s.io", ..]) => json(
            404,
            json!({"kind": "Status", "status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404}),
        ),
        _ => api_server(req, rest),
    }
}

/// A release as HelmGet answers it, with its rendered manifest.
fn release(name: &str) -> serde_json::Value {
    let (status, workload) = match name {
        "shop-app" => ("deployed", "rolling"),
        "shop-bad" => ("deployed", "stuck"),
        _ => ("failed", "rolling"),
    };
    let manifest = format!(
        "---\n# Source: app/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n---\n# Source: app/templates/deployment.yaml\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {workload}\n"
    );
    json!({"name": name, "namespace": "shop", "version": 2, "info": {"status": status},
           "chart": {"metadata": {"name": "app", "version": "1.2.0"}}, "manifest": manifest})
}

/// Portainer's `/api/kubernetes/{env}/...`; `rest` starts at `kubernetes`.
pub(super) fn portainer(req: &Req, rest: &[&str]) -> Answer {
    match (req.method, rest) {
        ("GET", ["kubernetes", "3", "namespaces"]) => json(
            200,
            json!([{"Id": "a1", "Name": "default", "Status": {"phase": "Active"}, "IsSystem": false}, {"Id": "b2", "Name": "kube-system", "IsSystem": true}]),
        ),
        _ => no_route(),
    }
}

/// The verbs of a plain namespaced resource.
const ALL_VERBS: [&str; 8] = [
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];

/// What the Kubernetes API server answers, the same on every environment.
fn api_server(req: &Req, rest: &[&str]) -> Answer {
    let method = req.method;
    let not_found = || {
        json(
            404,
            json!({"kind": "Status", "status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404}),
        )
    };
    match (method, rest) {
        // As kube-apiserver 1.27 lists them (verbs checked against its
        // OpenAPI description by the e2e suite).
        ("GET", ["api", "v1"]) => json(
            200,
            json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ALL_VERBS, "shortNames": ["po"], "categories": ["all"]},
            {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]},
            {"name": "secrets", "singularName": "secret", "namespaced": true, "kind": "Secret", "verbs": ALL_VERBS},
            {"name": "configmaps", "singularName": "configmap", "namespaced": true, "kind": "ConfigMap", "verbs": ALL_VERBS, "shortNames": ["cm"]},
            {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace",
             "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"], "shortNames": ["ns"]},
            {"name": "events", "singularName": "event", "namespaced": true, "kind": "Event", "verbs": ALL_VERBS, "shortNames": ["ev"]}]}),
        ),
        ("GET", ["apis", "apps", "v1"]) => json(
            200,
            json!({"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
            {"name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment", "verbs": ALL_VERBS, "shortNames": ["deploy"], "categories": ["all"]},
            {"name": "deployments/scale", "singularName": "", "namespaced": true, "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]},
            {"name": "replicasets", "singularName": "replicaset", "namespaced": true, "kind": "ReplicaSet", "verbs": ALL_VERBS, "shortNames": ["rs"], "categories": ["all"]},
            {"name": "statefulsets", "singularName": "statefulset", "namespaced": true, "kind": "StatefulSet", "verbs": ALL_VERBS, "shortNames": ["sts"], "categories": ["all"]},
            {"name": "daemonsets", "singularName": "daemonset", "namespaced": true, "kind": "DaemonSet", "verbs": ALL_VERBS, "shortNames": ["ds"], "categories": ["all"]}]}),
        ),
        ("GET", ["api", "v1", "namespaces"]) => json(
            200,
            json!({"kind": "NamespaceList", "apiVersion": "v1", "items": [{"metadata": {"name": "default"}}]}),
        ),
        ("GET", ["api", "v1", "namespaces", "shop", "pods"] | ["api", "v1", "pods"])
            if req.accept.is_some_and(|a| a.contains("as=Table")) =>
        {
            json(200, fixtures::pod_table())
        }
        // Two ConfigMaps labelled app=cache, one app=stale (deleted by
        // someone else before ours lands); any other selector matches none.
        ("GET", ["api", "v1", "namespaces", "shop", "configmaps"]) => {
            let q = req.query.unwrap_or("");
            let names: Vec<&str> = if q.contains("labelSelector=app%3Dcache") {
                vec!["cache-a", "cache-b"]
            } else if q.contains("labelSelector=app%3Dstale") {
                vec!["cache-a", "stale-1"]
            } else {
                vec![]
            };
            let items: Vec<_> = names
                .into_iter()
                .map(|n| json!({"metadata": {"name": n, "namespace": "shop", "uid": format!("uid-{n}"), "labels": {"app": "cache"}}, "data": {"k": "v"}}))
                .collect();
            json(
                200,
                json!({"kind": "ConfigMapList", "apiVersion": "v1", "metadata": {"resourceVersion": "812"}, "items": items}),
            )
        }
        // The pods of deployment `api` (app=shop-api), two containers each;
        // api-1 names its default container, api-2 does not.
        ("GET", ["api", "v1", "namespaces", "shop", "pods"])
            if req
                .query
                .is_some_and(|q| q.contains("labelSelector=app%3Dshop-api")) =>
        {
            json(
                200,
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "812"},
                       "items": [fixtures::two_container_pod("api-2", None), fixtures::two_container_pod("api-1", Some("app"))]}),
            )
        }
        // Any other selector but app=web matches no pod.
        ("GET", ["api", "v1", "namespaces", "shop", "pods"])
            if req.query.is_some_and(|q| {
                q.contains("labelSelector=") && !q.contains("labelSelector=app%3Dweb")
            }) =>
        {
            json(
                200,
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "812"}, "items": []}),
            )
        }
        ("GET", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "api"]) => json(
            200,
            json!({"kind": "Deployment", "apiVersion": "apps/v1", "metadata": {"name": "api", "namespace": "shop"},
                   "spec": {"replicas": 2, "selector": {"matchLabels": {"app": "shop-api"}}}}),
        ),
        (
            "GET",
            ["api", "v1", "namespaces", "shop", "pods", pod @ ("multi" | "api-1" | "api-2")],
        ) => json(
            200,
            fixtures::two_container_pod(pod, (*pod != "api-2").then_some("app")),
        ),
        // As the kubelet answers for a pod of several containers and none named.
        (
            "GET",
            ["api", "v1", "namespaces", "shop", "pods", pod @ ("multi" | "api-1" | "api-2"), "log"],
        ) => {
            let container = req
                .query
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("container=")));
            match container {
                Some(c) => raw(
                    200,
                    "text/plain",
                    format!("{pod}/{c} started\n{pod}/{c} ready\n"),
                ),
                None => json(
                    400,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "BadRequest", "code": 400,
                           "message": format!("a container name must be specified for pod {pod}, choose one of: [istio-proxy app]")}),
                ),
            }
        }
        ("GET", ["api", "v1", "namespaces", "shop", "pods"] | ["api", "v1", "pods"]) => json(
            200,
            json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "811", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"},
            "items": [{"metadata": {"name": "web-7d4b9c-x2x", "namespace": "shop", "labels": {"app": "web"}, "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {"f:metadata": {}}}]},
                       "status": {"phase": "Running", "podIP": "10.42.0.12"}}]}),
        ),
        ("GET", ["api", "v1", "namespaces", "shop", "secrets", "db"]) => json(
            200,
            json!({"kind": "Secret", "apiVersion": "v1",
            "metadata": {"name": "db", "namespace": "shop", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"czNjcjN0\"}}"}},
            "type": "Opaque", "data": {"password": "czNjcjN0", "user": "YWRtaW4="}}),
        ),
        ("GET", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web"]) => {
            json(200, fixtures::deployment(3))
        }
        // A crash-looping pod, as kubelet reports one, and its owners.
        ("GET", ["api", "v1", "namespaces", "shop", "pods", "web-7d4b9c-x2x"]) => {
            json(200, fixtures::crashing_pod())
        }
        ("GET", ["apis", "apps", "v1", "namespaces", "shop", "replicasets", "web-7d4b9c"]) => json(
            200,
            json!({"kind": "ReplicaSet", "apiVersion": "apps/v1", "metadata": {"name": "web-7d4b9c", "namespace": "shop", "generation": 1,
                   "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "controller": true}]},
                   "spec": {"replicas": 3}, "status": {"replicas": 3, "readyReplicas": 2, "availableReplicas": 2, "observedGeneration": 1}}),
        ),
        ("GET", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "paused"]) => {
            let mut d = fixtures::deployment(3);
            d["metadata"]["name"] = "paused".into();
            d["spec"]["paused"] = true.into();
            // Paused halfway: one of three replicas on the new template.
            d["status"]["updatedReplicas"] = 1.into();
            json(200, d)
        }
        // A container logging JSON lines: still text/plain from the API.
        ("GET", ["api", "v1", "namespaces", "shop", "pods", "json-logger", "log"]) => {
            text(200, "{\"level\":\"info\",\"msg\":\"up\"}\n")
        }
        // Server-side apply: 201 when it creates, 200 when the object exists
        // (only shop/web here); the stored object comes back.
        ("PATCH", path) if req.content_type == Some("application/apply-patch+yaml") => {
            let mut obj = req.json();
            if !obj.is_object() {
                return json(
                    400,
                    json!({"kind": "Status", "status": "Failure", "reason": "BadRequest", "code": 400, "message": "invalid apply body"}),
                );
            }
            let exists = path.ends_with(&["deployments", "web"]);
            obj["metadata"]["resourceVersion"] = json!(if exists { "901" } else { "900" });
            obj["metadata"]["generation"] = json!(if exists { 5 } else { 1 });
            obj["metadata"]["managedFields"] =
                json!([{"manager": "portainer-mcp", "operation": "Apply"}]);
            json(if exists { 200 } else { 201 }, obj)
        }
        ("DELETE", [.., "namespaces", _, "configmaps", name]) if name.starts_with("stale") => json(
            404,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
                   "message": format!("configmaps \"{name}\" not found")}),
        ),
        // A uid precondition holds only for the object listed (uid-{name}).
        ("DELETE", [.., "namespaces", ns, "configmaps", name]) => {
            let uid = req.json()["preconditions"]["uid"].clone();
            if !uid.is_null() && uid != json!(format!("uid-{name}")) {
                return json(
                    409,
                    json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Conflict", "code": 409,
                           "message": format!("Precondition failed: UID in precondition: {uid}, UID in object meta: uid-{name}")}),
                );
            }
            json(
                200,
                json!({"kind": "Status", "apiVersion": "v1", "status": "Success", "details": {"name": name, "kind": "configmaps", "namespace": ns}}),
            )
        }
        // kube-apiserver reads a PATCH by its media type and refuses others.
        ("PATCH", _) if !is_patch_type(req.content_type) => json(
            415,
            json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "UnsupportedMediaType", "code": 415,
                   "message": format!("the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json; got {}", req.content_type.unwrap_or(""))}),
        ),
        ("GET", ["api", "v1", "namespaces", "shop", "pods", "web-7d4b9c-x2x", "log"]) => {
            text(200, "GET / 200\nGET /health 200\n")
        }
        ("GET", ["api", "v1", "namespaces", "shop", "events"] | ["api", "v1", "events"]) => json(
            200,
            json!({"kind": "EventList", "items": [
            {"metadata": {"name": "web.1", "namespace": "shop"}, "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container", "count": 7,
             "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"}, "lastTimestamp": "2026-11-24T08:59:00Z", "source": {"component": "kubelet"}},
            // As events.k8s.io writes them: no count or lastTimestamp, a series.
            {"metadata": {"name": "web.2", "namespace": "shop", "creationTimestamp": "2026-11-24T08:40:00Z"}, "type": "Warning", "reason": "Unhealthy",
             "message": "Readiness probe failed", "count": null, "lastTimestamp": null, "eventTime": "2026-11-24T08:40:00.000000Z",
             "series": {"count": 12, "lastObservedTime": "2026-11-24T08:58:30.000000Z"}, "reportingComponent": "kubelet",
             "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"}},
            {"metadata": {"name": "web.0", "namespace": "shop"}, "type": "Normal", "reason": "Scheduled", "message": "Successfully assigned shop/web-7d4b9c-x2x",
             "count": null, "lastTimestamp": null, "eventTime": "2026-11-24T08:00:00.000000Z", "reportingComponent": "default-scheduler",
             "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"}}]}),
        ),
        ("PATCH", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web", "scale"]) => {
            json(
                200,
                json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 5}, "status": {"replicas": 3}}),
            )
        }
        ("PATCH", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web"]) => {
            json(200, fixtures::deployment(3))
        }
        _ => not_found(),
    }
}

fn is_patch_type(content_type: Option<&str>) -> bool {
    let t = content_type
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim();
    matches!(
        t,
        "application/json-patch+json"
            | "application/merge-patch+json"
            | "application/strategic-merge-patch+json"
            | "application/apply-patch+yaml"
    )
}

/// The Metrics API as metrics-server serves it (quantities as it spells them).
fn metrics(rest: &[&str]) -> Answer {
    let pod = |ns: &str, name: &str, cpu: &str, mem: &str| {
        json!({"metadata": {"name": name, "namespace": ns}, "timestamp": "2026-11-24T09:00:00Z", "window": "15s",
               "containers": [{"name": "main", "usage": {"cpu": cpu, "memory": mem}}, {"name": "sidecar", "usage": {"cpu": "1000000n", "memory": "1024Ki"}}]})
    };
    match rest {
        [] => json(
            200,
            json!({"kind": "APIResourceList", "groupVersion": "metrics.k8s.io/v1beta1", "resources": [
                {"name": "nodes", "namespaced": false, "kind": "NodeMetrics"}, {"name": "pods", "namespaced": true, "kind": "PodMetrics"}]}),
        ),
        ["nodes"] => json(
            200,
            json!({"kind": "NodeMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
                {"metadata": {"name": "node-1"}, "usage": {"cpu": "1250m", "memory": "3Gi"}},
                {"metadata": {"name": "node-2"}, "usage": {"cpu": "2", "memory": "1536Mi"}}]}),
        ),
        ["pods"] | ["namespaces", "shop", "pods"] => json(
            200,
            json!({"kind": "PodMetricsList", "apiVersion": "metrics.k8s.io/v1beta1", "items": [
                pod("shop", "web-1", "250m", "64Mi"), pod("shop", "db-0", "50m", "512Mi"), pod("shop", "worker-1", "900m", "128Mi")]}),
        ),
        _ => json(
            404,
            json!({"kind": "Status", "status": "Failure", "reason": "NotFound", "code": 404}),
        ),
    }
}
