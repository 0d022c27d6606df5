//! End to end: the built binary over stdio, driven by rmcp's MCP client,
//! against a loopback stand-in for Portainer that records every request.

mod support;

use serde_json::{json, Value};
use support::examples;
use support::mcp::Session;
use support::portainer::{StandIn, TOKEN};

/// Tools that send more than one request; `multi_request_tools` checks
/// each of their sequences (the others are tools.toml's examples).
const MULTI_REQUEST_TOOLS: [&str; 7] = [
    "swarm_service_scale",
    "swarm_service_update",
    "stack_update",
    "stack_git_redeploy",
    "kubernetes_resource_list",
    "kubernetes_resource_get",
    "kubernetes_rollout_restart",
];

#[tokio::test]
async fn results_are_the_bodies_portainer_sent() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &[]).await;
    // Arrays come wrapped as {"items": [...]}, every field as sent, including
    // Go's nulls where the spec says array and fields newer than our spec.
    let envs = s.ok("environment_list", json!({})).await;
    let items = envs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["FieldNewerThanOurSpec"], "kept");
    assert_eq!(items[1]["TagIds"], Value::Null);
    let file = s.ok("stack_file_get", json!({"id": 7})).await;
    assert!(file["StackFileContent"]
        .as_str()
        .unwrap()
        .contains("nginx:1.27"));
    let stopped = s
        .ok("stack_stop", json!({"id": 7, "environment_id": 1}))
        .await;
    assert_eq!(stopped["Status"], 2);
    // A body that does not match the spec still succeeds, as sent, logged.
    let odd = s.ok("stack_get", json!({"id": 8})).await;
    assert_eq!(
        odd,
        json!({"Id": "eight", "Name": "odd", "Env": {"A": "1"}})
    );
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("does not match spec/") && stderr.contains("/api/stacks/8"),
        "{stderr}"
    );
}

#[tokio::test]
async fn tools_list_carries_schemas_and_annotations() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let tools = s.tools().await;
    let get = |n: &str| {
        tools
            .iter()
            .find(|t| t.name == n)
            .unwrap_or_else(|| panic!("{n} listed"))
            .clone()
    };

    let env = get("environment_get");
    let input = serde_json::to_value(&*env.input_schema).unwrap();
    assert_eq!(input["required"], json!(["id"]));
    assert_eq!(input["properties"]["id"]["type"], "integer");
    assert_eq!(input["additionalProperties"], false);
    assert_eq!(input["properties"]["excludeSnapshot"]["default"], true);
    let out = serde_json::to_value(env.output_schema.as_deref().unwrap()).unwrap();
    assert_eq!(out["type"], "object");
    assert!(out["properties"]["Name"].is_object());
    let a = env.annotations.clone().unwrap();
    // A read carries only readOnlyHint; the others mean nothing for it.
    assert_eq!(
        (
            a.read_only_hint,
            a.destructive_hint,
            a.idempotent_hint,
            a.title.clone()
        ),
        (Some(true), None, None, None)
    );
    let out_fields = out["properties"].as_object().unwrap();
    assert!(
        out_fields.values().all(|v| v == &json!({})),
        "below the top level fields are only named"
    );
    assert_eq!(env.title.as_deref(), Some("Get an environment"));

    // Lists come back wrapped, and their output schema says so.
    let list = get("environment_list");
    let out = serde_json::to_value(list.output_schema.as_deref().unwrap()).unwrap();
    assert_eq!(out["properties"]["items"]["type"], "array");
    let input = serde_json::to_value(&*list.input_schema).unwrap();
    assert!(
        input["properties"].get("edgeAsync").is_none(),
        "hidden parameters stay hidden"
    );
    assert_eq!(input["properties"]["types"]["items"]["type"], "integer");

    let stop = get("stack_stop").annotations.unwrap();
    assert_eq!(
        (
            stop.read_only_hint,
            stop.destructive_hint,
            stop.idempotent_hint
        ),
        (Some(false), Some(false), Some(true))
    );
    let proxy = get("docker_proxy");
    let a = proxy.annotations.clone().unwrap();
    assert_eq!(
        (a.read_only_hint, a.destructive_hint),
        (Some(false), Some(true))
    );
    let input = serde_json::to_value(&*proxy.input_schema).unwrap();
    assert_eq!(
        input["properties"]["method"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    s.stop().await;

    // Read-only: write tools are gone, the proxies are pinned to GET.
    let s = Session::start(&p.url(), &["--toolsets", "all", "--read-only"]).await;
    let tools = s.tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert!(
        !names.contains(&"stack_start") && !names.contains(&"stack_stop"),
        "{names:?}"
    );
    assert!(names.contains(&"environment_list") && names.contains(&"docker_proxy"));
    for t in &tools {
        assert_eq!(
            t.annotations.as_ref().unwrap().read_only_hint,
            Some(true),
            "{}",
            t.name
        );
    }
    let proxy = tools.iter().find(|t| t.name == "docker_proxy").unwrap();
    let input = serde_json::to_value(&*proxy.input_schema).unwrap();
    assert_eq!(input["properties"]["method"]["enum"], json!(["GET"]));
    s.stop().await;
}

#[tokio::test]
async fn read_only_mode_sends_nothing_but_get() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all", "--read-only"]).await;
    // Write tools are not there, and saying their name explains why.
    let e = s
        .call("stack_stop", json!({"id": 7, "environment_id": 1}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("stack_stop") && e.contains("read-only"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/x/stop"}),
        )
        .await;
    assert!(e.contains("read-only"), "{e}");
    let e = s
        .tool_error(
            "kubernetes_proxy",
            json!({"environment_id": 3, "method": "DELETE", "path": "api/v1/namespaces/default"}),
        )
        .await;
    assert!(e.contains("read-only"), "{e}");
    // Reads still work.
    s.ok("environment_list", json!({})).await;
    s.ok(
        "docker_proxy",
        json!({"environment_id": 1, "path": "containers/json"}),
    )
    .await;
    for x in examples::all() {
        let _ = s.call(&x.tool, x.args.clone()).await;
    }
    s.stop().await;
    let seen = p.seen().await;
    assert!(seen.len() > 5);
    let writes: Vec<_> = seen.iter().filter(|r| r.method != "GET").collect();
    assert!(
        writes.is_empty(),
        "non-GET requests left a read-only server: {writes:?}"
    );
}

#[tokio::test]
async fn upstream_errors_carry_status_and_message() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let e = s.tool_error("environment_get", json!({"id": 42})).await;
    assert!(
        e.contains("404") && e.contains("Unable to find a environment"),
        "{e}"
    );
    let e = s.tool_error("environment_get", json!({"id": 500})).await;
    assert!(
        e.contains("500")
            && e.contains("Unable to retrieve environment")
            && e.contains("database is locked"),
        "{e}"
    );
    let e = s
        .tool_error("stack_start", json!({"id": 7, "environment_id": 1}))
        .await;
    assert!(e.contains("409") && e.contains("already active"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/missing/json"}),
        )
        .await;
    assert!(e.contains("404") && e.contains("No such container"), "{e}");
    s.stop().await;
}

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let before = p.seen().await.len();
    let e = s.tool_error("environment_get", json!({"id": "one"})).await;
    assert!(
        e.contains("argument `id`") && e.contains("invalid type"),
        "{e}"
    );
    let e = s.tool_error("environment_get", json!({})).await;
    assert!(e.contains("missing required argument `id`"), "{e}");
    let e = s.tool_error("stack_stop", json!({"id": 7})).await;
    assert!(e.contains("`environment_id`"), "{e}");
    let e = s
        .tool_error("environment_list", json!({"serach": "x"}))
        .await;
    assert!(e.contains("unknown argument `serach`"), "{e}");
    let e = s
        .tool_error("environment_list", json!({"edgeAsync": true}))
        .await;
    assert!(
        e.contains("unknown argument `edgeAsync`"),
        "hidden parameters cannot be set: {e}"
    );
    let e = s
        .tool_error("environment_list", json!({"types": "1"}))
        .await;
    assert!(e.contains("argument `types`"), "{e}");
    for path in [
        "../../users",
        "containers/%2e%2e/%2e%2e/users",
        "http://169.254.169.254/latest",
        "//evil/x",
        "containers/json?x=1",
    ] {
        let e = s
            .tool_error("docker_proxy", json!({"environment_id": 1, "path": path}))
            .await;
        assert!(e.contains("path"), "{path}: {e}");
    }
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/json", "headers": {"X-API-Key": "x"}}),
        )
        .await;
    assert!(e.contains("unknown argument `headers`"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "TRACE", "path": "containers/json"}),
        )
        .await;
    assert!(e.contains("method"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/json", "body": {"a": 1}}),
        )
        .await;
    assert!(e.contains("body"), "{e}");
    let e = s
        .call("no_such_tool", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown tool `no_such_tool`"), "{e}");
    let e = s.call("user_list", json!({})).await;
    assert!(e.is_ok(), "access toolset is on with --toolsets all");
    let after: Vec<_> = p.seen().await[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        after,
        vec!["/api/users"],
        "only the valid call reached Portainer"
    );
    s.stop().await;
}

#[tokio::test]
async fn disabled_tools_say_why() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--deny-tools", "stack_stop"]).await;
    let e = s
        .call("stack_stop", json!({"id": 7, "environment_id": 1}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--deny-tools"), "{e}");
    let e = s
        .call("docker_proxy", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("toolset `proxy` is not enabled"), "{e}");
    s.stop().await;
}

#[tokio::test]
async fn the_token_never_shows() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    s.tools().await;
    for x in examples::all() {
        let _ = s.call(&x.tool, x.args.clone()).await;
    }
    let _ = s.call("environment_get", json!({"id": 42})).await;
    let (stderr, transcript) = s.stop().await;
    assert!(
        stderr.contains("portainer"),
        "verbose logs were written: {stderr}"
    );
    assert!(!stderr.contains(TOKEN), "token in stderr");
    assert!(!transcript.contains(TOKEN), "token in results");
}

#[tokio::test]
async fn results_are_shaped() {
    let p = StandIn::start().await;
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--max-response-chars", "6000"],
    )
    .await;
    // select runs on the wrapped result and answers under "selected".
    let names = s
        .ok(
            "environment_list",
            json!({"select": "items[?Status==`1`].Name"}),
        )
        .await;
    assert_eq!(names, json!({"selected": ["local"]}));
    let e = s
        .tool_error("environment_list", json!({"select": "items[?"}))
        .await;
    assert!(e.contains("select") && e.contains("JMESPath"), "{e}");
    // Secrets never show: stack env values are hidden, names kept.
    let stack = s.ok("stack_get", json!({"id": 7})).await;
    assert_eq!(
        stack["Env"],
        json!([{"name": "LOG_LEVEL", "value": "<redacted>"}])
    );
    // A large list is cut at whole items, with a note saying how to narrow it.
    let big = s
        .ok(
            "docker_proxy",
            json!({"environment_id": 2, "path": "containers/json"}),
        )
        .await;
    let text = big.to_string();
    assert!(text.len() <= 6000, "{}", text.len());
    let kept = big["items"].as_array().unwrap().len();
    assert!(kept > 3 && kept < 300, "{kept}");
    assert!(
        big["_truncated"]
            .as_str()
            .unwrap()
            .contains(&format!("the first {kept} of 300")),
        "{big}"
    );
    let few = s.ok("docker_proxy", json!({"environment_id": 2, "path": "containers/json", "select": "items[?State=='exited'].Names[0] | [:3]"})).await;
    assert_eq!(few, json!({"selected": ["/app-0", "/app-5", "/app-10"]}));
    s.stop().await;

    let s = Session::start(&p.url(), &["--show-secrets"]).await;
    let stack = s.ok("stack_get", json!({"id": 7})).await;
    assert_eq!(
        stack["Env"],
        json!([{"name": "LOG_LEVEL", "value": "info"}])
    );
    let (stderr, _) = s.stop().await;
    assert!(stderr.contains("--show-secrets"), "{stderr}");
}

#[tokio::test]
async fn docker_tools_answer_in_their_own_shapes() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &[]).await;
    // Logs come demultiplexed, as plain text.
    let logs = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert_eq!(
        logs,
        json!({"result": "listening on :8080\nwarning: cache cold\nGET /health 200\n"})
    );
    // Env values in an inspect are redacted, names kept, harmless ones shown;
    // the result says how many were hidden and how to see them.
    let c = s
        .ok(
            "docker_container_inspect",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert_eq!(
        c["Config"]["Env"],
        json!(["PATH=/usr/bin", "DB_PASSWORD=<redacted>"])
    );
    assert!(
        c["_redacted"].as_str().unwrap().contains("--show-secrets"),
        "{c}"
    );
    // Stats drop the per-CPU and previous-sample noise by default.
    let st = s
        .ok(
            "docker_container_stats",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert!(
        st.get("precpu_stats").is_none()
            && st["cpu_stats"]["cpu_usage"].get("percpu_usage").is_none(),
        "{st}"
    );
    assert_eq!(st["memory_stats"]["usage"], 52428800);
    // 304 from Docker: nothing to do, not an error.
    let again = s
        .ok(
            "docker_container_action",
            json!({"environment_id": 1, "id": "already", "action": "start"}),
        )
        .await;
    assert_eq!(again["status"], 304);
    // An argument of another action is refused before anything is sent.
    let before = p.seen().await.len();
    let e = s
        .tool_error(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "start", "signal": "SIGKILL"}),
        )
        .await;
    assert!(e.contains("`signal`") && e.contains("`start`"), "{e}");
    let e = s
        .tool_error(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "explode"}),
        )
        .await;
    assert!(e.contains("explode") && e.contains("start"), "{e}");
    let e = s
        .tool_error(
            "docker_remove",
            json!({"environment_id": 1, "kind": "volume", "ref": "busy", "confirm": true}),
        )
        .await;
    assert!(e.contains("409") && e.contains("volume is in use"), "{e}");
    let e = s
        .tool_error(
            "docker_container_inspect",
            json!({"environment_id": 1, "id": "missing"}),
        )
        .await;
    assert!(e.contains("404") && e.contains("No such container"), "{e}");
    assert_eq!(
        p.seen().await.len(),
        before + 2,
        "only the two valid calls were sent"
    );
    s.stop().await;
}

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

    // stack_git_redeploy: keeps the stored ref, credentials user and env.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "stack_git_redeploy",
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
    let e = s
        .tool_error("stack_git_redeploy", json!({"id": 7, "environment_id": 1}))
        .await;
    assert!(e.contains("not deployed from git"), "{e}");

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
    assert_eq!(
        reqs,
        pairs(&[(
            "PATCH",
            "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web"
        )])
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
    s.stop().await;
}

/// Every secret the fixtures carry, and where it sits.
const SECRETS: [(&str, &str); 10] = [
    ("registry_get", "registry-pass"),
    ("settings_get", "ldap-bind-secret"),
    ("settings_get", "oauth-client-secret"),
    ("environment_get", "azure-auth-key"),
    ("environment_get", "key-secret"),
    ("environment_get", "/data/tls/1/key.pem"),
    ("stack_get", "info"),
    ("docker_container_inspect", "s3cr3t-db-pass"),
    ("swarm_task_list", "SECRET_KEY=abc"),
    ("kubernetes_resource_get", "czNjcjN0"),
];

#[tokio::test]
async fn secrets_are_redacted_everywhere() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let args = |tool: &str| match tool {
        "registry_get" | "stack_get" => json!({"id": if tool == "stack_get" { 7 } else { 1 }}),
        "environment_get" => json!({"id": 1}),
        "docker_container_inspect" => json!({"environment_id": 1, "id": "web"}),
        // select bypasses the default omission of Env, not redaction.
        "swarm_task_list" => {
            json!({"environment_id": 1, "select": "items[0].Spec.ContainerSpec.Env"})
        }
        "kubernetes_resource_get" => {
            json!({"environment_id": 3, "kind": "Secret", "namespace": "shop", "name": "db"})
        }
        _ => json!({}),
    };
    for (tool, secret) in SECRETS {
        let out = s.ok(tool, args(tool)).await;
        let text = out.to_string();
        assert!(!text.contains(secret), "{tool} leaked {secret}: {text}");
        assert!(text.contains("<redacted>"), "{tool}: {text}");
    }
    s.stop().await;
    // --show-secrets lifts it.
    let s = Session::start(&p.url(), &["--toolsets", "all", "--show-secrets"]).await;
    let reg = s.ok("registry_get", json!({"id": 1})).await;
    assert_eq!(reg["Password"], "registry-pass");
    s.stop().await;
}

#[tokio::test]
async fn read_only_default_tools_all_work() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--read-only"]).await;
    let listed: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    assert!(listed.len() >= 25, "{listed:?}");
    for name in &listed {
        let def = portainer_mcp::tools::catalogue::find(name).unwrap();
        assert_eq!(
            def.access,
            portainer_mcp::tools::catalogue::Access::Read,
            "{name} is listed in read-only mode"
        );
        if let Some(x) = examples::all()
            .into_iter()
            .find(|x| &x.tool == name && x.ok && x.method == "GET")
        {
            s.ok(name, x.args.clone()).await;
        } else {
            assert!(
                MULTI_REQUEST_TOOLS.contains(&name.as_str()),
                "{name} has no read case"
            );
        }
    }
    s.stop().await;
    assert!(p.seen().await.iter().all(|r| r.method == "GET"));
}
