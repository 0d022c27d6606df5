//! What results look like: the bodies Portainer sent, shaped, errors with
//! status and message, secrets redacted, the token nowhere.

mod support;

use serde_json::{json, Value};
use support::examples;
use support::mcp::Session;
use support::portainer::{fixtures, StandIn, TOKEN};

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
        .ok(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await;
    assert_eq!(stopped["Status"], 2);
    // A body that does not match the spec still succeeds, as sent, logged;
    // an environment given as a map hides its values as a list does.
    let odd = s.ok("stack_get", json!({"id": 8})).await;
    assert_eq!(
        odd,
        json!({"Id": "eight", "Name": "odd", "Env": {"A": "<redacted>"},
            "_redacted": "1 secret value shown as <redacted>; the server's --show-secrets flag reveals them"})
    );
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("does not match spec/") && stderr.contains("/api/stacks/8"),
        "{stderr}"
    );
}

#[tokio::test]
async fn upstream_errors_carry_status_and_message() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let e = s
        .tool_error("environment_get", json!({"environment_id": 42}))
        .await;
    assert!(
        e.contains("404") && e.contains("Unable to find a environment"),
        "{e}"
    );
    let e = s
        .tool_error("environment_get", json!({"environment_id": 500}))
        .await;
    assert!(
        e.contains("500")
            && e.contains("Unable to retrieve environment")
            && e.contains("database is locked"),
        "{e}"
    );
    let e = s
        .tool_error(
            "stack_action",
            json!({"action": "start", "id": 7, "environment_id": 1}),
        )
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
async fn results_are_shaped() {
    let p = StandIn::start().await;
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--max-response-chars", "6000"],
    )
    .await;
    // select runs on the wrapped result and answers under "selected"; the
    // list's total stays beside it.
    let names = s
        .ok(
            "environment_list",
            json!({"select": "items[?Status==`1`].Name"}),
        )
        .await;
    assert_eq!(names, json!({"selected": ["local"], "total": 2}));
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
    // One list tool for images, volumes and networks, each as {items,
    // total}: Docker's {Volumes, Warnings} too, and paged like the others.
    for kind in ["image", "volume", "network"] {
        let v = s
            .ok("docker_list", json!({"environment_id": 1, "kind": kind}))
            .await;
        let n = v["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{kind}: {v}"))
            .len();
        assert!(n >= 1 && v["total"] == n, "{kind}: {v}");
    }
    let v = s
        .ok(
            "docker_list",
            json!({"environment_id": 1, "kind": "volume", "limit": 0}),
        )
        .await;
    assert_eq!(
        (v["items"].clone(), v["total"].clone()),
        (json!([]), json!(1)),
        "{v}"
    );
    let e = s
        .tool_error("docker_list", json!({"environment_id": 1, "kind": "pod"}))
        .await;
    assert!(e.contains("kind `pod` is not one of: image"), "{e}");
    // docker_inspect: a container unless kind says otherwise.
    let n = p.seen().await.len();
    s.ok("docker_inspect", json!({"environment_id": 1, "id": "web"}))
        .await;
    s.ok(
        "docker_inspect",
        json!({"environment_id": 1, "kind": "volume", "id": "pgdata"}),
    )
    .await;
    let e = s
        .tool_error(
            "docker_remove",
            json!({"environment_id": 1, "kind": "image", "id": "nginx", "volumes": true}),
        )
        .await;
    assert!(
        e.contains("`volumes` not used when kind is `image`"),
        "the argument of another kind is named: {e}"
    );
    s.ok(
        "docker_info",
        json!({"environment_id": 1, "what": "version"}),
    )
    .await;
    let paths: Vec<String> = p.seen().await[n..].iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/endpoints/1/docker/containers/web/json",
            "/api/endpoints/1/docker/volumes/pgdata",
            "/api/endpoints/1/docker/version"
        ]
    );
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
    // grep with context; tail as a number, "all", or a number as text.
    let n = p.seen().await.len();
    for (tail, sent) in [
        (json!(5), "tail=5"),
        (json!("all"), "tail=all"),
        (json!("7"), "tail=7"),
    ] {
        let logs = s
            .ok(
                "docker_container_logs",
                json!({"environment_id": 1, "id": "web", "tail": tail, "grep": "warn|GET", "context": 0}),
            )
            .await;
        assert_eq!(logs["result"], "warning: cache cold\nGET /health 200\n");
        let q = p.seen().await.last().unwrap().query.clone().unwrap();
        assert!(q.contains(sent), "{q}");
    }
    assert_eq!(p.seen().await.len(), n + 3);
    let ctx = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "cache", "context": 1}),
        )
        .await;
    assert_eq!(
        ctx["result"],
        "listening on :8080\nwarning: cache cold\nGET /health 200\n"
    );
    let none = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "panic"}),
        )
        .await;
    assert_eq!(none["result"], "(no line of the 3 read matches `grep`)");
    for (args, word) in [
        (
            json!({"environment_id": 1, "id": "web", "tail": 0}),
            "`tail`",
        ),
        (
            json!({"environment_id": 1, "id": "web", "tail": "many"}),
            "`tail`",
        ),
        (
            json!({"environment_id": 1, "id": "web", "grep": "("}),
            "`grep`",
        ),
        (json!({"environment_id": 1, "id": "../web"}), "`id`"),
    ] {
        let e = s.tool_error("docker_container_logs", args).await;
        assert!(e.contains(word), "{word}: {e}");
    }
    // The same grep on pod logs.
    let pod = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "grep": "health"}),
        )
        .await;
    assert_eq!(pod["result"], "GET /health 200\n");
    // It says which run of the container the lines are from.
    assert!(
        pod["_notes"].to_string().contains("current instance"),
        "{pod}"
    );
    let pod = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "previous": true}),
        )
        .await;
    assert!(
        pod["_notes"].to_string().contains("previous instance"),
        "{pod}"
    );
    // Env values in an inspect are redacted, names kept, harmless ones shown;
    // the result says how many were hidden and how to see them.
    let c = s
        .ok("docker_inspect", json!({"environment_id": 1, "id": "web"}))
        .await;
    assert_eq!(
        c["Config"]["Env"],
        json!(["PATH=/usr/bin", "DB_PASSWORD=<redacted>"])
    );
    assert!(
        c["_redacted"].as_str().unwrap().contains("--show-secrets"),
        "{c}"
    );
    // Stats as docker stats computes them, from the engine's two readings.
    let st = s
        .ok(
            "docker_container_stats",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert_eq!(
        (st["cpu_percent"].clone(), st["memory_mib"].clone()),
        (json!(78.0), json!(48.6)),
        "{st}"
    );
    let q = p.seen().await.last().unwrap().query.clone();
    assert_eq!(
        q.as_deref(),
        Some("stream=false"),
        "two readings, not one-shot"
    );
    // Every running container in one call, heaviest first.
    let all = s
        .ok(
            "docker_container_stats",
            json!({"environment_id": 5, "limit": 3}),
        )
        .await;
    assert_eq!(
        (all["total"].clone(), all["running"].clone()),
        (json!(40), json!(40)),
        "{all}"
    );
    let mem: Vec<f64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["memory_mib"].as_f64().unwrap())
        .collect();
    assert_eq!(mem.len(), 3);
    // Named as the list names them, not by id.
    let name = all["items"][0]["name"].as_str().unwrap();
    assert!(name.starts_with("app-"), "{name}");
    assert!(mem[0] >= mem[1] && mem[1] >= mem[2], "{mem:?}");
    // A page of environments says how many there are in all (Portainer's
    // X-Total-Count).
    let page = s.ok("environment_list", json!({"limit": 1})).await;
    let all = fixtures::environments().len();
    assert_eq!(
        (
            page["items"].as_array().unwrap().len(),
            page["total"].clone()
        ),
        (1, json!(all)),
        "{page}"
    );
    // Disk usage summed up as docker system df shows it.
    let df = s
        .ok("docker_disk_usage", json!({"environment_id": 1}))
        .await;
    assert_eq!(df["volumes"]["unused"], json!(["old-cache"]), "{df}");
    assert_eq!(
        (
            df["volumes"]["in_use"].clone(),
            df["reclaimable_mib"].clone()
        ),
        (json!(1), json!(3.0))
    );
    // 304 from Docker: nothing to do, not an error.
    let again = s
        .ok(
            "docker_container_action",
            json!({"environment_id": 1, "id": "already", "action": "start"}),
        )
        .await;
    assert_eq!(again["status"], 304);
    assert!(again["note"].as_str().unwrap().contains("already running"));
    // An action answers with the state it left the container in.
    let n = p.seen().await.len();
    let paused = s
        .ok(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "pause"}),
        )
        .await;
    assert_eq!(
        (paused["status"].clone(), paused["state"]["status"].clone()),
        (json!(204), json!("running")),
        "{paused}"
    );
    let seen: Vec<(String, String)> = p.seen().await[n..]
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "POST".to_string(),
                "/api/endpoints/1/docker/containers/web/pause".to_string()
            ),
            (
                "GET".to_string(),
                "/api/endpoints/1/docker/containers/web/json".to_string()
            ),
        ]
    );
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
            json!({"environment_id": 1, "kind": "volume", "id": "busy", "confirm": true}),
        )
        .await;
    assert!(e.contains("409") && e.contains("volume is in use"), "{e}");
    let e = s
        .tool_error(
            "docker_inspect",
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

/// Every secret the fixtures carry, and where it sits.
const SECRETS: [(&str, &str); 10] = [
    ("registry_get", "registry-pass"),
    ("settings_get", "ldap-bind-secret"),
    ("settings_get", "oauth-client-secret"),
    ("environment_get", "azure-auth-key"),
    ("environment_get", "key-secret"),
    ("environment_get", "/data/tls/1/key.pem"),
    ("stack_get", "info"),
    ("docker_inspect", "s3cr3t-db-pass"),
    ("swarm_task_list", "SECRET_KEY=abc"),
    ("kubernetes_resource_get", "czNjcjN0"),
];

#[tokio::test]
async fn secrets_are_redacted_everywhere() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let args = |tool: &str| match tool {
        "registry_get" | "stack_get" => json!({"id": if tool == "stack_get" { 7 } else { 1 }}),
        "environment_get" => json!({"environment_id": 1}),
        "docker_inspect" => json!({"environment_id": 1, "id": "web"}),
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
async fn the_token_never_shows() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    s.tools().await;
    for x in examples::all() {
        let _ = s.call(&x.tool, x.args.clone()).await;
    }
    let _ = s
        .call("environment_get", json!({"environment_id": 42}))
        .await;
    let (stderr, transcript) = s.stop().await;
    assert!(
        stderr.contains("portainer"),
        "verbose logs were written: {stderr}"
    );
    assert!(!stderr.contains(TOKEN), "token in stderr");
    assert!(!transcript.contains(TOKEN), "token in results");
}
