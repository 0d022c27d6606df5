//! kubernetes_apply and kubernetes_delete (server-side apply of every
//! document, the API server's own dry run as the preview, nothing half
//! applied when a document is wrong), kubernetes_describe, and the logs of
//! a workload's pods with kubectl's default container.

use crate::support::served;
use serde_json::{json, Value};

const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  LOG_LEVEL: info
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
---
";

fn writes(seen: &[crate::support::portainer::Seen]) -> Vec<&crate::support::portainer::Seen> {
    seen.iter().filter(|r| r.method != "GET").collect()
}

#[tokio::test]
async fn apply_sends_server_side_apply_and_previews_with_the_server() {
    let (p, s) = served(&["--toolsets", "default,kubernetes_manage"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": MANIFEST, "namespace": "shop", "force": true}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    let w = writes(&seen);
    assert_eq!(w.len(), 2, "{seen:?}");
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        (
            "PATCH",
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/configmaps/web-config"
        )
    );
    assert_eq!(
        w[1].path,
        "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web"
    );
    for r in &w {
        assert_eq!(
            r.content_type.as_deref(),
            Some("application/apply-patch+yaml")
        );
        assert_eq!(
            r.query.as_deref(),
            Some("fieldManager=portainer-mcp&force=true")
        );
    }
    assert_eq!(w[0].body.as_ref().unwrap()["metadata"]["namespace"], "shop");
    assert_eq!(w[0].body.as_ref().unwrap()["data"]["LOG_LEVEL"], "info");
    let results: Vec<(Value, Value)> = out["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["name"].clone(), i["result"].clone()))
        .collect();
    assert_eq!(
        results,
        [
            (json!("web-config"), json!("created")),
            (json!("web"), json!("configured"))
        ]
    );

    // dry_run: the same requests with dryRun=All, the server's answers as
    // the preview, and the requests a real call would send.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": MANIFEST, "namespace": "shop", "dry_run": true}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    let w = writes(&seen);
    assert_eq!(w.len(), 2);
    for r in &w {
        assert_eq!(
            r.query.as_deref(),
            Some("fieldManager=portainer-mcp&dryRun=All")
        );
    }
    assert_eq!(out["dry_run"], true);
    // The note says what left: the server's own dry run, nothing stored
    // (never "nothing was sent", which the dryRun=All requests belie).
    let note = out["note"].as_str().unwrap();
    assert!(
        note.contains("sent only as the API server's own dry run")
            && note.contains("nothing stored")
            && !note.contains("nothing was sent"),
        "{note}"
    );
    assert_eq!(out["server_preview"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(out["server_preview"][1]["metadata"]["generation"], 5);
    let would: Vec<&str> = out["would_send"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        would,
        [
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/configmaps/web-config?fieldManager=portainer-mcp",
            "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=portainer-mcp"
        ]
    );

    // YAML merge keys expand as kubectl expands them.
    let n = p.seen().await.len();
    let merged = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\ndata:\n  <<: {A: '1', B: '2'}\n  B: '3'\n";
    s.ok(
        "kubernetes_apply",
        json!({"environment_id": 3, "manifest": merged, "namespace": "shop"}),
    )
    .await;
    let sent = writes(&p.seen().await[n..])[0].body.clone().unwrap();
    assert_eq!(sent["data"], json!({"A": "1", "B": "3"}));

    // A wrong document: nothing is written, the error names it.
    let n = p.seen().await.len();
    for (manifest, words) in [
        (format!("{MANIFEST}---\nkind: Secret\n"), "document 4"),
        (
            format!("{MANIFEST}---\napiVersion: v1\nkind: Gizmo\nmetadata: {{name: g}}\n"),
            "Gizmo",
        ),
        (
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: a/b}\n".to_string(),
            "metadata.name",
        ),
        ("a: [\n".to_string(), "not YAML"),
        ("---\n---\n".to_string(), "no object"),
    ] {
        let e = s
            .tool_error(
                "kubernetes_apply",
                json!({"environment_id": 3, "manifest": manifest, "namespace": "shop"}),
            )
            .await;
        assert!(e.contains(words), "{words}: {e}");
    }
    let e = s
        .tool_error(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"}),
        )
        .await;
    assert!(e.contains("namespaced"), "{e}");
    assert!(
        writes(&p.seen().await[n..]).is_empty(),
        "nothing half applied"
    );
    s.stop().await;
}

#[tokio::test]
async fn delete_needs_confirm_and_previews_with_the_server() {
    let (p, s) = served(&["--toolsets", "kubernetes_manage"]).await;
    let args = json!({"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "name": "web-config", "namespace": "shop"});
    // Unconfirmed: the API server's dry run only.
    let n = p.seen().await.len();
    let out = s.ok("kubernetes_delete", args.clone()).await;
    assert_eq!(out["dry_run"], true, "{out}");
    assert_eq!(out["server_preview"][0]["status"], "Success");
    let seen = p.seen().await[n..].to_vec();
    let w = writes(&seen);
    assert_eq!(w.len(), 1);
    assert_eq!(
        w[0].query.as_deref(),
        Some("propagationPolicy=Background&dryRun=All")
    );
    // Confirmed: the real delete, with the propagation asked for.
    let mut confirmed = args.clone();
    confirmed["confirm"] = json!(true);
    confirmed["propagation"] = json!("foreground");
    let n = p.seen().await.len();
    let out = s.ok("kubernetes_delete", confirmed).await;
    assert_eq!(out["status"], "Success", "{out}");
    let seen = p.seen().await[n..].to_vec();
    let w = writes(&seen);
    assert_eq!(w.len(), 1);
    assert_eq!(
        (w[0].method.as_str(), w[0].query.as_deref()),
        ("DELETE", Some("propagationPolicy=Foreground"))
    );
    s.stop().await;
}

/// A selector delete lists the matches first, then deletes exactly those
/// by name; held, each goes as the server's dry run.
#[tokio::test]
async fn delete_by_label_selector_lists_then_deletes_each() {
    let (p, s) = served(&["--toolsets", "kubernetes_manage"]).await;
    let args = json!({"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "label_selector": "app=cache", "namespace": "shop"});
    let n = p.seen().await.len();
    let out = s.ok("kubernetes_delete", args.clone()).await;
    assert_eq!(out["dry_run"], true, "{out}");
    // The preview names what would go, not each whole object.
    assert_eq!(
        out["server_preview"][0]["items"],
        json!([
            {"name": "cache-a", "status": "would be deleted", "deletionTimestamp": null},
            {"name": "cache-b", "status": "would be deleted", "deletionTimestamp": null}
        ]),
        "{out}"
    );
    assert_eq!(out["server_preview"].as_array().unwrap().len(), 1);
    let seen = p.seen().await[n..].to_vec();
    let list = seen
        .iter()
        .find(|r| r.path.ends_with("/namespaces/shop/configmaps"))
        .expect("the selection is listed first");
    assert_eq!(
        list.query.as_deref(),
        Some("labelSelector=app%3Dcache&limit=51")
    );
    let w: Vec<(&str, &str, Option<&str>)> = writes(&seen)
        .iter()
        .map(|r| (r.method.as_str(), r.path.as_str(), r.query.as_deref()))
        .collect();
    let prefix = "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/configmaps";
    assert_eq!(
        w,
        [
            (
                "DELETE",
                &*format!("{prefix}/cache-a"),
                Some("propagationPolicy=Background&dryRun=All")
            ),
            (
                "DELETE",
                &*format!("{prefix}/cache-b"),
                Some("propagationPolicy=Background&dryRun=All")
            ),
        ]
    );
    let mut confirmed = args.clone();
    confirmed["confirm"] = json!(true);
    let n = p.seen().await.len();
    let out = s.ok("kubernetes_delete", confirmed).await;
    assert_eq!(out["total"], 2, "{out}");
    assert_eq!(out["items"][1]["name"], "cache-b");
    assert_eq!(out["items"][1]["status"], "Success");
    // Each delete holds only for the object listed: its uid as precondition.
    let seen = p.seen().await[n..].to_vec();
    let bodies: Vec<Value> = writes(&seen)
        .iter()
        .map(|r| r.body.clone().unwrap())
        .collect();
    assert_eq!(
        bodies[0]["preconditions"]["uid"], "uid-cache-a",
        "{bodies:?}"
    );
    assert_eq!(bodies[1]["kind"], "DeleteOptions");
    // One object gone meanwhile: the others still go, the answer says which.
    let mut stale = args.clone();
    stale["label_selector"] = json!("app=stale");
    stale["confirm"] = json!(true);
    let out = s.ok("kubernetes_delete", stale).await;
    assert_eq!(
        (
            out["items"][0]["status"].clone(),
            out["items"][1]["status"].clone()
        ),
        (json!("Success"), json!("already gone")),
        "{out}"
    );
    // Nothing matched, an empty selector, both or neither of name/selector.
    for (bad, says) in [
        (
            json!({"label_selector": "app=none"}),
            "matches no ConfigMap",
        ),
        (json!({"label_selector": " "}), "would match every object"),
        (
            json!({"label_selector": "app=cache", "name": "x"}),
            "either `name` or `label_selector`",
        ),
        (json!({}), "either `name` or `label_selector`"),
    ] {
        let mut a = json!({"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "namespace": "shop", "confirm": true});
        for (k, v) in bad.as_object().unwrap() {
            a[k] = v.clone();
        }
        let n = p.seen().await.len();
        let e = s.tool_error("kubernetes_delete", a).await;
        assert!(e.contains(says), "{e}");
        assert!(writes(&p.seen().await[n..]).is_empty());
    }
    s.stop().await;
}

/// The table view asks the API server for its Table and answers with
/// kubectl's columns, the namespace first across namespaces.
#[tokio::test]
async fn resource_list_as_a_table() {
    let (p, s) = served(&[]).await;
    let t = s
        .ok(
            "kubernetes_resource_list",
            json!({"environment_id": 3, "kind": "Pod", "output": "table"}),
        )
        .await;
    assert_eq!(
        t["columns"],
        json!(["Namespace", "Name", "Ready", "Status", "Restarts", "Age"])
    );
    assert_eq!(
        t["items"][0],
        json!([
            "shop",
            "web-7d4b9c-x2x",
            "0/1",
            "CrashLoopBackOff",
            "7 (2m ago)",
            "3d"
        ])
    );
    assert_eq!(t["total"], 2);
    let accept = p.seen().await.last().unwrap().accept.clone().unwrap();
    assert!(
        accept.starts_with("application/json;as=Table;v=v1;g=meta.k8s.io"),
        "{accept}"
    );
    let w = s
        .ok(
            "kubernetes_resource_list",
            json!({"environment_id": 3, "kind": "Pod", "namespace": "shop", "output": "wide"}),
        )
        .await;
    assert_eq!(w["columns"].as_array().unwrap().len(), 9, "{w}");
    assert_eq!(w["items"][1][5], "10.42.0.13");
    s.stop().await;
}

/// kubernetes_describe of a crash-looping pod: the facts kubectl describe
/// leads with, its owners up to the Deployment, and its events newest first.
#[tokio::test]
async fn describe_tells_why_a_pod_fails() {
    let (p, s) = served(&[]).await;
    let d = s
        .ok(
            "kubernetes_describe",
            json!({"environment_id": 3, "kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"}),
        )
        .await;
    assert_eq!(d["phase"], "Running");
    let c = &d["containers"][0];
    assert_eq!(c["restarts"], 7);
    assert_eq!(c["state"]["waiting"], "CrashLoopBackOff");
    assert_eq!(
        (
            c["last_termination"]["terminated"].clone(),
            c["last_termination"]["exit_code"].clone()
        ),
        (json!("Error"), json!(1))
    );
    assert_eq!(d["conditions"][0]["reason"], "ContainersNotReady");
    assert_eq!(
        d["owners"],
        json!([{"kind": "ReplicaSet", "name": "web-7d4b9c"}, {"kind": "Deployment", "name": "web"}])
    );
    let reasons: Vec<&str> = d["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["BackOff", "Unhealthy", "Scheduled"]);
    let events_query = p
        .seen()
        .await
        .iter()
        .rev()
        .find(|r| r.path.ends_with("/events"))
        .and_then(|r| r.query.clone())
        .unwrap();
    assert!(
        events_query.contains("involvedObject.kind%3DPod"),
        "{events_query}"
    );
    // A workload: replica counts and rollout status.
    let w = s
        .ok(
            "kubernetes_describe",
            json!({"environment_id": 3, "api_version": "apps/v1", "kind": "Deployment", "name": "paused", "namespace": "shop"}),
        )
        .await;
    assert_eq!(w["rollout"]["status"], "paused", "{w}");
    assert_eq!(w["replicas"]["desired"], 3);
    let writes = p.seen().await.iter().filter(|r| r.method != "GET").count();
    assert_eq!(writes, 0);
    s.stop().await;
}

/// kubernetes_top: pods summed over containers, heaviest first, in
/// millicores and MiB; an environment without metrics-server says so.
#[tokio::test]
async fn top_reads_the_metrics_api_or_says_it_is_missing() {
    let (_p, s) = served(&[]).await;
    let t = s
        .ok(
            "kubernetes_top",
            json!({"environment_id": 3, "of": "pods", "namespace": "shop", "sort_by": "cpu", "limit": 2}),
        )
        .await;
    assert_eq!(t["total"], 3);
    assert_eq!(
        t["items"],
        json!([{"name": "worker-1", "namespace": "shop", "cpu_millicores": 901.0, "memory_mib": 129.0},
               {"name": "web-1", "namespace": "shop", "cpu_millicores": 251.0, "memory_mib": 65.0}])
    );
    let n = s
        .ok(
            "kubernetes_top",
            json!({"environment_id": 3, "of": "nodes"}),
        )
        .await;
    assert_eq!(
        n["items"][0],
        json!({"name": "node-1", "cpu_millicores": 1250.0, "memory_mib": 3072.0})
    );
    let e = s
        .tool_error("kubernetes_top", json!({"environment_id": 4, "of": "pods"}))
        .await;
    assert!(
        e.contains("no Metrics API") && e.contains("metrics-server"),
        "{e}"
    );
    s.stop().await;
}

/// A `dryRun=All` a caller puts in a proxy query does not let a held call
/// out: only apply and delete ask the API server for its own dry run.
#[tokio::test]
async fn a_callers_dry_run_query_never_releases_a_held_write() {
    let (p, s) = served(&["--toolsets", "proxy"]).await;
    let n = p.seen().await.len();
    for args in [
        json!({"environment_id": 3, "method": "DELETE", "path": "helm/ingress", "query": {"dryRun": "All"}}),
        json!({"environment_id": 3, "method": "DELETE", "path": "api/v1/namespaces/shop/configmaps/web-config", "query": {"dryRun": "All"}}),
        json!({"environment_id": 3, "method": "PATCH", "path": "apis/apps/v1/namespaces/shop/deployments/web",
               "query": {"dryRun": "All"}, "body": {"spec": {"replicas": 0}}, "dry_run": true}),
    ] {
        let out = s.ok("kubernetes_proxy", args.clone()).await;
        assert_eq!(out["dry_run"], true, "{args}: {out}");
    }
    let writes = p.seen().await[n..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "a held write was sent");
    s.stop().await;
}

/// A kind the cached discovery lacks is asked for once more (a CRD may
/// have been applied since) before the call says it is not served.
#[tokio::test]
async fn an_unknown_kind_refreshes_discovery_once() {
    let (p, s) = served(&[]).await;
    let args =
        |kind: &str| json!({"environment_id": 3, "kind": kind, "namespace": "shop", "name": "x"});
    s.tool_error("kubernetes_describe", args("ConfigMap")).await; // caches v1 (no such object)
    let n = p.seen().await.len();
    let e = s.tool_error("kubernetes_describe", args("Gizmo")).await;
    assert!(e.contains("not served"), "{e}");
    let discoveries = p.seen().await[n..]
        .iter()
        .filter(|r| r.path == "/api/endpoints/3/kubernetes/api/v1")
        .count();
    assert_eq!(discoveries, 1);
    s.stop().await;
}

/// Kubernetes answers the way kube-apiserver does: PATCH bodies need a patch
/// media type, a paused Deployment rolls nothing out, logs are text.
#[tokio::test]
async fn kubernetes_requests_match_the_api_servers_rules() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let path = "apis/apps/v1/namespaces/shop/deployments/web";
    // kubernetes_proxy PATCH: merge patch unless told otherwise.
    for (patch_type, media) in [
        (None, "application/merge-patch+json"),
        (Some("strategic"), "application/strategic-merge-patch+json"),
        (Some("json"), "application/json-patch+json"),
        (Some("apply"), "application/apply-patch+yaml"),
    ] {
        let mut args = json!({"environment_id": 3, "method": "PATCH", "path": path,
            "body": {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": 3}},
            "confirm": true});
        if let Some(t) = patch_type {
            args["patch_type"] = json!(t);
        }
        let out = s.ok("kubernetes_proxy", args).await;
        assert_eq!(out["kind"], "Deployment", "{patch_type:?}: {out}");
        let last = p.seen().await.last().unwrap().clone();
        assert_eq!(last.content_type.as_deref(), Some(media));
    }
    let e = s
        .tool_error(
            "kubernetes_proxy",
            json!({"environment_id": 3, "path": path, "patch_type": "merge"}),
        )
        .await;
    assert!(e.contains("`patch_type`"), "{e}");
    // A paused Deployment: refused before anything is written.
    let n = p.seen().await.len();
    let e = s
        .tool_error(
            "kubernetes_rollout_restart",
            json!({"environment_id": 3, "namespace": "shop", "name": "paused"}),
        )
        .await;
    assert!(e.contains("paused"), "{e}");
    let methods: Vec<String> = p.seen().await[n..]
        .iter()
        .map(|r| r.method.clone())
        .collect();
    assert_eq!(methods, ["GET"]);
    // A log of one JSON line stays text.
    let log = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "json-logger"}),
        )
        .await;
    assert_eq!(
        log["result"], "{\"level\":\"info\",\"msg\":\"up\"}\n",
        "{log}"
    );
    s.stop().await;
}

/// A pod of several containers, none named: its default container (the
/// annotation's), as kubectl reads it, and the answer says which.
#[tokio::test]
async fn pod_logs_read_the_default_container() {
    let (_p, s) = served(&["--toolsets", "kubernetes"]).await;
    let r = s
        .call(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "multi"}),
        )
        .await
        .unwrap();
    let out = r.structured_content.clone().unwrap_or_default();
    let all = format!("{r:?}");
    assert!(all.contains("multi/app started"), "{all}");
    assert!(
        all.contains("container app, the pod's default; it has istio-proxy, app"),
        "{out}"
    );
}

/// A workload's logs: its selector, its pods, each from its default
/// container (the annotation's, else the first), per pod.
#[tokio::test]
async fn workload_logs_answer_per_pod() {
    let (p, s) = served(&["--toolsets", "kubernetes"]).await;
    p.reset_log().await;
    let out = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "deployment/api", "since": "5m"}),
        )
        .await;
    assert_eq!(out["selector"], "app=shop-api", "{out}");
    let items = out["items"].as_array().unwrap();
    assert_eq!(
        items
            .iter()
            .map(|i| (i["pod"].clone(), i["container"].clone()))
            .collect::<Vec<_>>(),
        [
            (json!("api-1"), json!("app")),
            (json!("api-2"), json!("istio-proxy"))
        ],
        "sorted; the annotation's container, else the first: {out}"
    );
    assert_eq!(items[0]["log"], "api-1/app started\napi-1/app ready\n");
    let logs: Vec<String> = p
        .seen_after_start()
        .await
        .into_iter()
        .filter(|x| x.path.ends_with("/log"))
        .map(|x| x.query.unwrap_or_default())
        .collect();
    assert_eq!(logs.len(), 2);
    assert!(
        logs.iter()
            .all(|q| q.contains("tailLines=50") && q.contains("sinceSeconds=300")),
        "{logs:?}"
    );

    // A label selector and grep: matching lines only, the rest named.
    let out = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "app=shop-api", "container": "app", "grep": "api-2.*ready"}),
        )
        .await;
    assert_eq!(out["items"][0]["pod"], "api-2", "{out}");
    assert_eq!(out["items"][0]["lines"], "api-2/app ready\n");
    assert_eq!(out["no_match"], json!(["api-1"]));

    // Nothing matched: said so, no error.
    let out = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "app=nothing"}),
        )
        .await;
    assert!(out["note"].as_str().unwrap().contains("no pod"), "{out}");
    let e = s
        .tool_error(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "cronjob/nightly"}),
        )
        .await;
    assert!(e.contains("not a workload kind"), "{e}");
}

/// kubernetes_resource_list over several environments: each Kubernetes
/// environment answers on its own; Docker ones are skipped with a note.
#[tokio::test]
async fn resource_list_over_many_clusters() {
    let (p, s) = crate::support::fleet(12).await;
    let out = s
        .ok(
            "kubernetes_resource_list",
            json!({"environment_id": "*", "kind": "Pod", "output": "table"}),
        )
        .await;
    // env-i: Kubernetes when i % 3 == 0 (none of them down).
    assert_eq!(
        crate::support::environment_ids(&out),
        [3, 6, 9, 12],
        "{out}"
    );
    assert_eq!(out["items"][0]["columns"][1], "Name", "{out}");
    assert!(
        out["notes"]
            .to_string()
            .contains("not kubernetes environments"),
        "{out}"
    );
    // One cluster's page token means nothing to the others.
    let e = s
        .tool_error(
            "kubernetes_resource_list",
            json!({"environment_id": [3, 6], "kind": "Pod", "continue": "abc"}),
        )
        .await;
    assert!(e.contains("`continue`"), "{e}");
    // "Any warnings anywhere?": one call, each cluster's events on their own.
    let out = s
        .ok(
            "kubernetes_events",
            json!({"environment_id": "*", "type": "Warning", "select": "items[].reason"}),
        )
        .await;
    let ids = crate::support::environment_ids(&out);
    assert_eq!(ids, [3, 6, 9, 12], "{out}");
    for row in out["items"].as_array().unwrap() {
        assert_eq!(row["selected"][0], "BackOff", "{row}");
    }
    let mut asked: Vec<(String, Option<String>)> = p
        .seen()
        .await
        .into_iter()
        .filter(|x| x.path.ends_with("/api/v1/events"))
        .map(|x| (x.path, x.query))
        .collect();
    let want: Vec<(String, Option<String>)> = [3, 6, 9, 12]
        .iter()
        .map(|i| {
            (
                format!("/api/endpoints/{i}/kubernetes/api/v1/events"),
                Some("fieldSelector=type%3DWarning".to_string()),
            )
        })
        .collect();
    // Read concurrently: in any order.
    asked.sort_by_key(|(path, _)| (path.len(), path.clone()));
    assert_eq!(asked, want, "one filtered read per cluster");
    s.stop().await;
}

/// `wait` on a scale or a restart: the answer comes once the rollout has
/// settled, as kubectl rollout status says it, or when the time is up;
/// one that failed names its pods' newest warnings.
#[tokio::test]
async fn writes_wait_for_their_rollout() {
    let (p, s) = served(&[]).await;
    let out = s
        .ok(
            "kubernetes_scale",
            json!({"environment_id": 3, "namespace": "shop", "name": "rolling", "replicas": 3, "wait": 30}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "complete", "{out}");
    assert_eq!(
        r["message"],
        "deployment \"rolling\" successfully rolled out"
    );
    assert!(r["waited_seconds"].as_u64().unwrap() >= 2, "{r}");
    let reads = p
        .seen()
        .await
        .iter()
        .filter(|x| x.method == "GET" && x.path.ends_with("/deployments/rolling"))
        .count();
    assert_eq!(reads, 3, "read until it settled");

    let out = s
        .ok(
            "kubernetes_rollout_restart",
            json!({"environment_id": 3, "namespace": "shop", "name": "stuck", "wait": 30}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "failed", "{out}");
    assert!(r["message"]
        .as_str()
        .unwrap()
        .contains("exceeded its progress deadline"));
    assert_eq!(r["warnings"][0]["reason"], "BackOff", "{r}");
    assert_eq!(r["warnings"][0]["object"], "Pod/web-7d4b9c-x2x");
    assert_eq!(
        r["warnings"].as_array().unwrap().len(),
        2,
        "warnings only: {r}"
    );

    // An apply waits for the workloads it applied, not for a ConfigMap.
    let s2 = crate::support::mcp::Session::start(&p.url(), &["--toolsets", "all"]).await;
    let out = s2
        .ok(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": MANIFEST, "namespace": "shop", "wait": 10}),
        )
        .await;
    assert!(out["items"][0].get("rollout").is_none(), "{out}");
    assert_eq!(out["items"][1]["rollout"]["status"], "complete", "{out}");
    s2.stop().await;

    // The time up: the last reading, said as such.
    let out = s
        .ok(
            "kubernetes_scale",
            json!({"environment_id": 3, "namespace": "shop", "name": "slow", "replicas": 3, "wait": 3}),
        )
        .await;
    assert_eq!(out["rollout"]["status"], "timed out", "{out}");
    assert!(out["rollout"]["message"]
        .as_str()
        .unwrap()
        .contains("1 out of 3"));

    // A wait beyond the cap is refused before anything is sent.
    p.reset_log().await;
    let e = s
        .tool_error(
            "kubernetes_scale",
            json!({"environment_id": 3, "namespace": "shop", "name": "web", "replicas": 3, "wait": 601}),
        )
        .await;
    assert!(e.contains("wait"), "{e}");
    assert!(p.seen().await.is_empty(), "nothing sent");
    s.stop().await;
}

/// History and undo, as kubectl rollout history / undo: a Deployment's
/// ReplicaSets and a StatefulSet's ControllerRevisions, the previous or a
/// named revision written back; a held undo is the API server's dry run.
/// An undo, and the one PATCH it sent.
async fn undo(
    p: &crate::support::portainer::StandIn,
    s: &crate::support::mcp::Session,
    args: Value,
) -> (Value, portainer_standin::Seen) {
    p.reset_log().await;
    let out = s.ok("kubernetes_rollout_undo", args).await;
    let patch = p.seen().await.into_iter().find(|r| r.method == "PATCH");
    (out, patch.expect("the undo's PATCH"))
}

#[tokio::test]
async fn rollout_history_and_undo() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let web = json!({"environment_id": 3, "namespace": "shop", "name": "web"});
    let h = s.ok("kubernetes_rollout_history", web.clone()).await;
    let revs: Vec<u64> = h["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["revision"].as_u64().unwrap())
        .collect();
    assert_eq!(revs, [1, 2, 3], "another owner's ReplicaSet left out: {h}");
    assert_eq!(h["revisions"][2]["current"], true);
    assert_eq!(h["revisions"][1]["images"], json!(["nginx:1.26"]));
    assert!(h["revisions"][1]["change_cause"]
        .as_str()
        .unwrap()
        .contains("set image"));
    assert_eq!(h["rollout"]["status"], "complete", "{h}");

    // Held: the API server's dry run only.
    p.reset_log().await;
    let mut held = web.clone();
    held["dry_run"] = json!(true);
    let out = s.ok("kubernetes_rollout_undo", held).await;
    assert_eq!(out["would_change"]["rolled_back_to"], 2, "{out}");
    let patches: Vec<_> = p
        .seen()
        .await
        .into_iter()
        .filter(|r| r.method == "PATCH")
        .collect();
    assert_eq!(patches.len(), 1);
    assert!(patches[0]
        .query
        .as_deref()
        .unwrap_or("")
        .contains("dryRun=All"));

    let (out, patch) = undo(&p, &s, web.clone()).await;
    assert_eq!(
        (out["rolled_back_to"].as_u64(), out["from"].as_u64()),
        (Some(2), Some(3)),
        "{out}"
    );
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/json-patch+json")
    );
    let body = patch.body.unwrap();
    // The revision's annotations come with it; the Deployment's revision
    // number stays (kubectl's getDeploymentPatch).
    assert_eq!(body[1]["path"], "/metadata/annotations");
    let annotations = &body[1]["value"];
    assert!(annotations["kubernetes.io/change-cause"]
        .as_str()
        .unwrap()
        .contains("nginx:1.26"));
    assert_eq!(annotations["deployment.kubernetes.io/revision"], "3");
    assert_eq!(body[0]["path"], "/spec/template");
    assert_eq!(
        body[0]["value"]["spec"]["containers"][0]["image"],
        "nginx:1.26"
    );
    assert!(body[0]["value"]["metadata"]["labels"]
        .get("pod-template-hash")
        .is_none());

    // The current revision, or one that does not exist: said, nothing sent.
    let mut a = web.clone();
    a["to_revision"] = json!(3);
    p.reset_log().await;
    let out = s.ok("kubernetes_rollout_undo", a.clone()).await;
    assert!(
        out["skipped"]
            .as_str()
            .unwrap()
            .contains("is the one running"),
        "{out}"
    );
    assert!(
        p.seen().await.iter().all(|r| r.method == "GET"),
        "skipped: nothing sent"
    );
    a["to_revision"] = json!(7);
    p.reset_log().await;
    let e = s.tool_error("kubernetes_rollout_undo", a).await;
    assert!(e.contains("no revision 7") && e.contains("1, 2, 3"), "{e}");
    assert!(p.seen().await.iter().all(|r| r.method == "GET"));

    // A StatefulSet: its previous ControllerRevision as a strategic merge.
    let db = json!({"environment_id": 3, "namespace": "shop", "name": "db", "kind": "StatefulSet"});
    let (out, patch) = undo(&p, &s, db).await;
    assert_eq!(out["rolled_back_to"], 1, "{out}");
    assert_eq!(
        patch.content_type.as_deref(),
        Some("application/strategic-merge-patch+json")
    );
    assert_eq!(
        patch.body.unwrap()["spec"]["template"]["spec"]["containers"][0]["image"],
        "postgres:15"
    );

    // A DaemonSet marks no current revision: the newest runs, the one
    // before it is the previous.
    let agent =
        json!({"environment_id": 3, "namespace": "shop", "name": "agent", "kind": "DaemonSet"});
    let (out, patch) = undo(&p, &s, agent).await;
    assert_eq!(
        (out["rolled_back_to"].as_u64(), out["from"].as_u64()),
        (Some(1), Some(2)),
        "{out}"
    );
    assert_eq!(
        patch.body.unwrap()["spec"]["template"]["spec"]["containers"][0]["image"],
        "agent:1"
    );
    s.stop().await;
}

/// Namespaces and the heaviest pods of every cluster in one call each.
#[tokio::test]
async fn namespaces_and_top_over_many_clusters() {
    let (p, s) = crate::support::fleet(6).await;
    let out = s
        .ok("kubernetes_namespace_list", json!({"environment_id": "*"}))
        .await;
    // env-i: Kubernetes when i % 3 == 0.
    assert_eq!(crate::support::environment_ids(&out), [3, 6], "{out}");
    assert!(out["items"][0].get("error").is_none(), "{out}");
    let out = s
        .ok(
            "kubernetes_top",
            json!({"environment_id": [3, 6], "of": "pods"}),
        )
        .await;
    assert_eq!(crate::support::environment_ids(&out), [3, 6], "{out}");
    assert!(out["items"][0].get("error").is_none(), "{out}");
    let metrics = p
        .seen_after_start()
        .await
        .into_iter()
        .filter(|x| x.path.contains("metrics.k8s.io"))
        .count();
    assert!(metrics >= 2, "each cluster's metrics read: {metrics}");
}

/// A change made, then reading how it goes fails (here every reading is
/// over the server's --max-upstream-mb): the answer says the change was
/// made and the reading failed; the call is not an error, and a held call
/// whose reading fails still is.
#[tokio::test]
async fn a_failed_reading_does_not_undo_a_made_change() {
    let p = crate::support::portainer::StandIn::start().await;
    let s = crate::support::mcp::Session::start(&p.url(), &["--max-upstream-mb", "1"]).await;
    let out = s
        .ok(
            "kubernetes_scale",
            json!({"environment_id": 3, "namespace": "shop", "name": "oversized", "replicas": 3, "wait": 5}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "unknown", "{out}");
    let e = r["error"].as_str().unwrap();
    assert!(
        e.contains("the change was made") && e.contains("1 MiB"),
        "{e}"
    );
    let patched = p
        .seen()
        .await
        .iter()
        .filter(|x| x.method == "PATCH" && x.path.ends_with("/deployments/oversized/scale"))
        .count();
    assert_eq!(patched, 1, "the change was sent once");
    s.stop().await;
}
