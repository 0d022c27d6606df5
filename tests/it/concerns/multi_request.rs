//! Hand-written tools that send several requests: each sequence in order.

mod support;

use serde_json::{json, Value};
use support::mcp::Session;
use support::portainer::StandIn;

/// (method, path) of the requests a call made, and the last one's body.
async fn requests_of(p: &StandIn, before: usize) -> (Vec<(String, String)>, Option<Value>) {
    let new = p.seen().await[before..].to_vec();
    let body = new.last().and_then(|r| r.body.clone());
    (new.into_iter().map(|r| (r.method, r.path)).collect(), body)
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

#[tokio::test]
async fn multi_request_tools() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;

    // stack_update: reads the stack and its file, merges env, PUTs.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"FEATURE_X": "on"}}),
        )
        .await;
    let (reqs, body) = requests_of(&p, n).await;
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/stacks/7"),
            ("GET", "/api/stacks/7/file"),
            ("PUT", "/api/stacks/7")
        ])
    );
    let body = body.unwrap();
    assert_eq!(
        body["Env"],
        json!([{"name": "LOG_LEVEL", "value": "info"}, {"name": "FEATURE_X", "value": "on"}]),
        "the other variables are kept"
    );
    assert!(
        body["StackFileContent"]
            .as_str()
            .unwrap()
            .contains("nginx:1.27"),
        "the current file is kept"
    );
    assert_eq!(
        out["env_changes"],
        json!({"set": ["FEATURE_X"], "removed": [], "unchanged": 1})
    );
    assert_eq!(
        out["stack"]["Env"][1],
        json!({"name": "FEATURE_X", "value": "<redacted>"})
    );
    // replace_env drops what is not named; a new file is sent as given.
    let n = p.seen().await.len();
    s.ok("stack_update", json!({"id": 7, "environment_id": 1, "file": "services: {}\n", "env": {"ONLY": "1"}, "replace_env": true})).await;
    let (reqs, body) = requests_of(&p, n).await;
    assert_eq!(
        reqs.len(),
        2,
        "no file fetch when a file is given: {reqs:?}"
    );
    assert_eq!(
        body.unwrap()["Env"],
        json!([{"name": "ONLY", "value": "1"}])
    );
    let e = s
        .tool_error("stack_update", json!({"id": 7, "environment_id": 1}))
        .await;
    assert!(e.contains("nothing to change"), "{e}");

    // stack_update of a git stack redeploys it: keeps the stored ref, credentials user and env.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "stack_update",
            json!({"id": 11, "environment_id": 1, "env": {"LOG_LEVEL": "debug"}}),
        )
        .await;
    let (reqs, body) = requests_of(&p, n).await;
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/stacks/11"),
            ("PUT", "/api/stacks/11/git/redeploy")
        ])
    );
    let body = body.unwrap();
    assert_eq!(body["RepositoryReferenceName"], "refs/heads/release");
    assert_eq!(body["RepositoryAuthentication"], true);
    assert_eq!(body["RepositoryUsername"], "deploy-bot");
    assert_eq!(
        body["Env"],
        json!([{"name": "LOG_LEVEL", "value": "debug"}, {"name": "DB_PASSWORD", "value": "db-pass-123"}])
    );
    assert_eq!(out["ref"], "refs/heads/release");
    assert!(
        !out.to_string().contains("db-pass-123"),
        "env values stay hidden in the answer"
    );
    // The arguments of the other kind of stack are refused, named.
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "ref": "refs/heads/x"}),
        )
        .await;
    assert!(
        e.contains("`ref`") && e.contains("not deployed from git"),
        "{e}"
    );
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 11, "environment_id": 1, "file": "services: {}"}),
        )
        .await;
    assert!(e.contains("`file`") && e.contains("from git"), "{e}");

    // kubernetes_resource_list: discovery, then the list; managedFields left out.
    let n = p.seen().await.len();
    let pods = s.ok("kubernetes_resource_list", json!({"environment_id": 3, "kind": "Pod", "namespace": "shop", "label_selector": "app=web", "limit": 50})).await;
    let (reqs, _) = requests_of(&p, n).await;
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/endpoints/3/kubernetes/api/v1"),
            (
                "GET",
                "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/pods"
            )
        ])
    );
    let q = p.seen().await.last().unwrap().query.clone().unwrap();
    assert!(
        q.contains("labelSelector=app%3Dweb") && q.contains("limit=50"),
        "{q}"
    );
    assert_eq!(pods["items"][0]["status"]["phase"], "Running");
    assert!(pods["items"][0]["metadata"].get("managedFields").is_none());
    assert!(
        pods["metadata"]["continue"].is_string(),
        "the paging token stays"
    );
    // Discovery is cached: a second call sends one request.
    let n = p.seen().await.len();
    s.ok(
        "kubernetes_resource_list",
        json!({"environment_id": 3, "kind": "pods"}),
    )
    .await;
    assert_eq!(
        requests_of(&p, n).await.0,
        pairs(&[("GET", "/api/endpoints/3/kubernetes/api/v1/pods")])
    );
    let e = s
        .tool_error(
            "kubernetes_resource_list",
            json!({"environment_id": 3, "kind": "Gizmo"}),
        )
        .await;
    assert!(e.contains("Gizmo") && e.contains("Pod, Secret"), "{e}");

    // kubernetes_resource_get: a Secret's data never shows.
    let secret = s
        .ok(
            "kubernetes_resource_get",
            json!({"environment_id": 3, "kind": "Secret", "namespace": "shop", "name": "db"}),
        )
        .await;
    assert_eq!(
        secret["data"],
        json!({"password": "<redacted>", "user": "<redacted>"})
    );
    assert!(!secret.to_string().contains("czNjcjN0"));
    let dep = s.ok("kubernetes_resource_get", json!({"environment_id": 3, "api_version": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"})).await;
    assert_eq!(dep["spec"]["replicas"], 3);
    assert!(dep["metadata"].get("managedFields").is_none());
    assert_eq!(
        dep["spec"]["template"]["spec"]["containers"][0]["env"][0]["value"],
        "<redacted>"
    );
    let e = s
        .tool_error(
            "kubernetes_resource_get",
            json!({"environment_id": 3, "kind": "Pod", "name": "x"}),
        )
        .await;
    assert!(e.contains("namespaced"), "{e}");

    // kubernetes_rollout_restart: a strategic-merge patch of the template annotation.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "kubernetes_rollout_restart",
            json!({"environment_id": 3, "namespace": "shop", "name": "web"}),
        )
        .await;
    let (reqs, body) = requests_of(&p, n).await;
    let web = "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web";
    assert_eq!(
        reqs,
        pairs(&[("GET", web), ("PATCH", web)]),
        "a Deployment is read first: a paused one is refused"
    );
    let at = body.unwrap()["spec"]["template"]["metadata"]["annotations"]
        ["kubectl.kubernetes.io/restartedAt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(at.ends_with('Z') && at.len() == 20, "{at}");
    assert_eq!(out["restartedAt"], at.as_str());
    // Swarm: scale and update read the service and write its spec back at its version.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "swarm_service_scale",
            json!({"environment_id": 1, "id": "shop_web", "replicas": 4}),
        )
        .await;
    let (reqs, body) = requests_of(&p, n).await;
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/endpoints/1/docker/services/shop_web"),
            ("POST", "/api/endpoints/1/docker/services/shop_web/update")
        ])
    );
    assert_eq!(
        p.seen().await.last().unwrap().query.as_deref(),
        Some("version=42")
    );
    let body = body.unwrap();
    assert_eq!(body["Mode"]["Replicated"]["Replicas"], 4);
    assert_eq!(
        body["TaskTemplate"]["ContainerSpec"]["Image"], "shop/web:1.4",
        "the rest of the spec is kept"
    );
    assert_eq!(
        (out["replicas_before"].clone(), out["replicas"].clone()),
        (json!(2), json!(4))
    );
    let e = s
        .tool_error(
            "swarm_service_scale",
            json!({"environment_id": 1, "id": "agent", "replicas": 2}),
        )
        .await;
    assert!(e.contains("not replicated"), "{e}");
    let n = p.seen().await.len();
    s.ok("swarm_service_update", json!({"environment_id": 1, "id": "shop_web", "image": "shop/web:1.5", "env": {"LOG_LEVEL": "debug"}, "force": true})).await;
    let body = requests_of(&p, n).await.1.unwrap();
    assert_eq!(
        body["TaskTemplate"]["ContainerSpec"]["Image"],
        "shop/web:1.5"
    );
    assert_eq!(
        body["TaskTemplate"]["ContainerSpec"]["Env"],
        json!(["LOG_LEVEL=debug", "SECRET_KEY=abc"])
    );
    assert_eq!(body["TaskTemplate"]["ForceUpdate"], 1);
    // Lists that cannot page upstream page here and say the total.
    let users = s.ok("user_list", json!({"limit": 1, "offset": 1})).await;
    assert_eq!(
        (users["total"].clone(), users["returned"].clone()),
        (json!(2), json!(1))
    );
    assert_eq!(users["items"][0]["Username"], "dev");
    // Events come projected to what matters.
    let ev = s
        .ok("kubernetes_events", json!({"environment_id": 3}))
        .await;
    assert_eq!(
        ev["items"][0],
        json!({"type": "Warning", "reason": "BackOff", "object": "Pod/web-7d4b9c-x2x", "namespace": "shop",
        "message": "Back-off restarting failed container", "count": 7, "last": "2026-11-24T08:59:00Z"})
    );
    // New-style events: count and time from `series` (or 1 and eventTime); newest first.
    let rest: Vec<(Value, Value)> = ev["items"].as_array().unwrap()[1..]
        .iter()
        .map(|e| (e["count"].clone(), e["last"].clone()))
        .collect();
    assert_eq!(
        rest,
        [
            (json!(12), json!("2026-11-24T08:58:30.000000Z")),
            (json!(1), json!("2026-11-24T08:00:00.000000Z"))
        ]
    );
    s.stop().await;
}

/// environment_create sends the multipart form Portainer's EndpointCreate
/// reads (it refuses JSON), and answers with what the next call needs.
#[tokio::test]
async fn environment_create_sends_a_form() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "environment_create",
            json!({"name": "prod-2", "kind": "agent", "url": "10.0.0.5:9001", "group_id": 2, "tag_ids": [1, 2]}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let r = &seen[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/api/endpoints")
    );
    let ct = r.content_type.as_deref().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = r.text.as_deref().unwrap();
    for (field, value) in [
        ("Name", "prod-2"),
        ("EndpointCreationType", "2"),
        ("URL", "10.0.0.5:9001"),
        ("GroupID", "2"),
        ("TagIds", "[1,2]"),
        ("TLS", "true"),
        ("TLSSkipVerify", "true"),
    ] {
        let part = format!("name=\"{field}\"\r\n\r\n{value}\r\n");
        assert!(text.contains(&part), "{field}={value} missing in {text}");
    }
    assert_eq!(
        out,
        json!({"id": 9, "name": "prod-2", "type": 2, "url": "10.0.0.5:9001", "group_id": 2, "status": 1})
    );
    // An Edge agent's key is a secret: hidden unless --show-secrets.
    let out = s
        .ok(
            "environment_create",
            json!({"name": "edge-1", "kind": "edge_agent", "url": "https://portainer.example"}),
        )
        .await;
    assert_eq!(out["type"], 4);
    assert_eq!(out["EdgeKey"], "<redacted>");
    // dry_run shows the form and sends nothing.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "environment_create",
            json!({"name": "local", "kind": "docker_api", "dry_run": true}),
        )
        .await;
    assert_eq!(p.seen().await.len(), n, "dry run sent a request");
    let shown = out.to_string();
    assert!(
        shown.contains("/api/endpoints") && shown.contains("local"),
        "{shown}"
    );
    // A wrong combination names the argument and sends nothing.
    let e = s
        .tool_error(
            "environment_create",
            json!({"name": "x", "kind": "docker_api", "url": "host:2375"}),
        )
        .await;
    assert!(e.contains("`url`"), "{e}");
    assert_eq!(p.seen().await.len(), n);
    s.stop().await;
}

/// swarm_service_rollback writes the current spec back at its version with
/// rollback=previous, as `docker service rollback` does.
#[tokio::test]
async fn swarm_service_rollback_asks_docker_for_the_previous_spec() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "shop_web"}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    let reqs: Vec<(String, String)> = seen
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/endpoints/1/docker/services/shop_web"),
            ("POST", "/api/endpoints/1/docker/services/shop_web/update")
        ])
    );
    assert_eq!(
        seen[1].query.as_deref(),
        Some("version=42&rollback=previous")
    );
    assert_eq!(
        seen[1].body.as_ref().unwrap()["TaskTemplate"]["ContainerSpec"]["Image"],
        "shop/web:1.4",
        "the current spec goes with the request"
    );
    assert_eq!(
        (out["image_before"].clone(), out["image_after"].clone()),
        (json!("shop/web:1.4"), json!("shop/web:1.3"))
    );
    // A service never updated has nothing to go back to.
    let e = s
        .tool_error(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "agent"}),
        )
        .await;
    assert!(e.contains("no previous spec"), "{e}");
    s.stop().await;
}

/// Kubernetes answers the way kube-apiserver does: PATCH bodies need a patch
/// media type, a paused Deployment rolls nothing out, logs are text.
#[tokio::test]
async fn kubernetes_requests_match_the_api_servers_rules() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
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

/// A held write's answer is made here; it is not Portainer's, so it is
/// never reported as a response that breaks spec/.
#[tokio::test]
async fn held_writes_do_not_warn_of_the_spec() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &[]).await;
    for (tool, args) in [
        (
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "restart", "dry_run": true}),
        ),
        (
            "stack_action",
            json!({"action": "stop", "environment_id": 1, "id": 7, "dry_run": true}),
        ),
    ] {
        let out = s.ok(tool, args).await;
        assert_eq!(out["dry_run"], true, "{out}");
    }
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("dry_run") || stderr.contains("tool"),
        "the log was read: {stderr}"
    );
    assert!(!stderr.contains("does not match spec"), "{stderr}");
}
