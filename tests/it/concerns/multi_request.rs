//! Hand-written tools that send several requests: each sequence in order.

use crate::support::pairs;
use crate::support::portainer::StandIn;
use crate::support::served;
use serde_json::{json, Value};

/// (method, path) of the requests a call made, and the last one's body.
async fn requests_of(p: &StandIn, before: usize) -> (Vec<(String, String)>, Option<Value>) {
    let new = p.seen().await[before..].to_vec();
    let body = new.last().and_then(|r| r.body.clone());
    (new.into_iter().map(|r| (r.method, r.path)).collect(), body)
}

#[tokio::test]
async fn multi_request_tools() {
    let (p, s) = served(&["--toolsets", "all"]).await;

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

/// A held write's answer is made here; it is not Portainer's, so it is
/// never reported as a response that breaks spec/.
#[tokio::test]
async fn held_writes_do_not_warn_of_the_spec() {
    let (_p, s) = served(&[]).await;
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
