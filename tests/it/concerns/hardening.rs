//! Hostile and oversized input through the real binary over stdio: select
//! expressions that would overflow the stack, bodies nested past the JSON
//! parser's limit, process lists carrying environments, megabyte error
//! texts, ids below 1, and lines that are not JSON.

use crate::support::mcp::Session;
use crate::support::portainer::StandIn;
use crate::support::served;
use serde_json::json;

#[tokio::test]
async fn hostile_selects_are_refused_and_the_server_lives_on() {
    let p = StandIn::start().await;
    for mode in [&["--toolsets", "all"][..], &["--read-only"][..]] {
        let s = Session::start(&p.url(), mode).await;
        let nasty = [
            "(".repeat(3000) + "Id" + &")".repeat(3000),
            vec!["a"; 5000].join("."),
            "!".repeat(50_000) + "a",
            "[".repeat(3000) + "@" + &"]".repeat(3000),
            "{a:".repeat(2000) + "@" + &"}".repeat(2000),
        ];
        for expr in nasty {
            let e = s
                .tool_error(
                    "docker_container_list",
                    json!({"environment_id": 1, "select": expr}),
                )
                .await;
            assert!(e.contains("select") && e.contains("the limit is"), "{e}");
            assert!(e.chars().count() <= 2_000, "error text capped");
        }
        // Still alive, and the same select within limits works.
        let ok = s
            .ok(
                "docker_container_list",
                json!({"environment_id": 1, "select": "items[].Id"}),
            )
            .await;
        assert!(ok["selected"].is_array(), "{ok}");
        s.stop().await;
    }
}

#[tokio::test]
async fn a_body_nested_past_the_parser_limit_is_returned_as_text() {
    let (_p, s) = served(&[]).await;
    let r = s
        .ok("docker_inspect", json!({"environment_id": 1, "id": "deep"}))
        .await;
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        text.contains("[[[[") && text.len() <= 21_000,
        "{}",
        text.len()
    );
    s.stop().await;
}

#[tokio::test]
async fn process_environments_are_redacted_in_top_and_through_the_proxy() {
    let p = StandIn::start().await;
    for mode in [
        &["--toolsets", "all"][..],
        &["--read-only", "--read-only-proxies", "--toolsets", "all"][..],
    ] {
        let s = Session::start(&p.url(), mode).await;
        for ps_args in ["auxe", "eww"] {
            let top = s
                .ok(
                    "docker_container_top",
                    json!({"environment_id": 1, "id": "web", "ps_args": ps_args}),
                )
                .await;
            let cmd = top["Processes"][0][2].as_str().unwrap();
            assert!(
                cmd.contains("PATH=/usr/local/bin:/usr/bin")
                    && cmd.contains("DB_PASSWORD=<redacted>"),
                "{cmd}"
            );
            assert!(top["_redacted"]
                .as_str()
                .unwrap()
                .contains("--show-secrets"));
        }
        let raw = s
            .ok(
                "docker_proxy",
                json!({"environment_id": 1, "path": "containers/web/top", "query": {"ps_args": "auxe"}}),
            )
            .await;
        assert!(raw["_redacted"].is_string(), "{raw}");
        let (_, transcript) = s.stop().await;
        for secret in ["hunter2", "tok-9f8e", "pgpass-77", "abcdef"] {
            assert!(!transcript.contains(secret), "{secret} leaked");
        }
    }
    // --show-secrets reveals them, as the note says.
    let s = Session::start(&p.url(), &["--show-secrets"]).await;
    let top = s
        .ok(
            "docker_container_top",
            json!({"environment_id": 1, "id": "web", "ps_args": "auxe"}),
        )
        .await;
    assert!(top.to_string().contains("hunter2"));
    assert!(top.get("_redacted").is_none());
    s.stop().await;
}

#[tokio::test]
async fn error_texts_are_capped() {
    let (_p, s) = served(&[]).await;
    let e = s
        .tool_error(
            "docker_inspect",
            json!({"environment_id": 1, "id": "huge500"}),
        )
        .await;
    assert!(
        e.contains("HTTP 500") && e.chars().count() <= 2_000,
        "{}",
        e.len()
    );
    // Docker echoes the id it cannot find; 50 KB of it comes back capped.
    let long_id = "c".repeat(50 << 10);
    let e = s
        .tool_error(
            "docker_inspect",
            json!({"environment_id": 1, "id": long_id}),
        )
        .await;
    assert!(
        e.contains("No such container") && e.chars().count() <= 2_000,
        "{}",
        &e[..300]
    );
    // 1 MB does not fit a request line: whatever fails, the text is capped.
    let e = s
        .tool_error(
            "docker_inspect",
            json!({"environment_id": 1, "id": "c".repeat(1 << 20)}),
        )
        .await;
    assert!(e.chars().count() <= 2_000, "{}", e.len());
    s.stop().await;
}

#[tokio::test]
async fn ids_below_one_never_reach_portainer() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    p.reset_log().await;
    let cases = [
        ("docker_container_list", json!({"environment_id": -1})),
        ("docker_container_list", json!({"environment_id": 0})),
        ("environment_get", json!({"environment_id": -5})),
        ("stack_get", json!({"id": 0})),
        ("kubernetes_namespace_list", json!({"environment_id": -3})),
        (
            "docker_proxy",
            json!({"environment_id": -1, "path": "info"}),
        ),
    ];
    for (tool, args) in cases {
        let e = s.tool_error(tool, args).await;
        assert!(
            e.contains("at least 1") || e.contains("invalid"),
            "{tool}: {e}"
        );
    }
    assert!(p.seen().await.is_empty(), "nothing was sent");
    s.stop().await;
}

#[tokio::test]
async fn a_bad_grep_is_refused_before_the_log_is_fetched() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    p.reset_log().await;
    for (tool, args) in [
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "("}),
        ),
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "x".repeat(600)}),
        ),
        (
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web", "grep": "[a-"}),
        ),
        (
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "web", "grep": "(?<"}),
        ),
    ] {
        let e = s.tool_error(tool, args).await;
        assert!(e.contains("`grep`"), "{tool}: {e}");
    }
    // Every other argument too: a time that is none is refused by name.
    for (tool, args) in [
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "since": "yesterday"}),
        ),
        (
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "web", "since": "10 parsecs"}),
        ),
        (
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web", "since": "-5m"}),
        ),
    ] {
        let e = s.tool_error(tool, args).await;
        assert!(e.contains("since"), "{tool}: {e}");
    }
    assert!(p.seen().await.is_empty(), "nothing was sent");
    s.stop().await;
}

#[tokio::test]
async fn a_line_that_is_not_json_gets_a_parse_error() {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let p = StandIn::start().await;
    let mut child = crate::support::mcp::command(&p.url(), crate::support::portainer::TOKEN, &[])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap()).lines();
    let deep = "[".repeat(10_000) + &"]".repeat(10_000);
    stdin
        .write_all(format!("this is not json\n{deep}\n").as_bytes())
        .await
        .unwrap();
    for code in [-32700, -32600] {
        let line = stdout.next_line().await.unwrap().unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["error"]["code"], code, "{line}");
        assert!(v["id"].is_null());
    }
    // Too deep or too long to parse, yet the request's own id is answered,
    // with the limit and what to do; a notification gets no answer.
    let deep_call = format!(
        r#"{{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{{"name":"kubernetes_apply","arguments":{{"x":{}1{}}}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let huge = format!(
        r#"{{"jsonrpc":"2.0","method":"tools/call","params":{{"name":"kubernetes_apply","arguments":{{"environment_id":3,"manifest":"{}"}}}},"id":"big"}}"#,
        "a: b\\n".repeat(4 << 20)
    );
    let note = format!(
        r#"{{"jsonrpc":"2.0","method":"notifications/x","params":{{"x":"{}"}}}}"#,
        "y".repeat(17 << 20)
    );
    for line in [&deep_call, &note, &huge] {
        stdin.write_all(line.as_bytes()).await.unwrap();
        stdin.write_all(b"\n").await.unwrap();
    }
    let line = stdout.next_line().await.unwrap().unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (&v["id"], &v["error"]["code"]),
        (&serde_json::json!(7), &serde_json::json!(-32602)),
        "{line}"
    );
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("limit is 128"),
        "{line}"
    );
    let line = stdout.next_line().await.unwrap().unwrap();
    let v: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(
        (&v["id"], &v["error"]["code"]),
        (&serde_json::json!("big"), &serde_json::json!(-32600)),
        "{line}"
    );
    let why = v["error"]["message"].as_str().unwrap();
    assert!(
        why.contains("16 MiB limit") && why.contains("split"),
        "{why}"
    );
    // The session goes on.
    stdin
        .write_all(b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n")
        .await
        .unwrap();
    let line = stdout.next_line().await.unwrap().unwrap();
    assert!(
        line.contains("\"id\":1") && line.contains("portainer-mcp"),
        "{line}"
    );
    drop(stdin);
    let _ = child.wait().await;
}

#[tokio::test]
async fn a_log_that_starts_like_a_json_list_stays_text() {
    let (_p, s) = served(&[]).await;
    let r = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "tty"}),
        )
        .await;
    assert_eq!(r, json!({"result": "[INFO] started\n[WARN] cache cold\n"}));
    s.stop().await;
}

#[tokio::test]
async fn a_large_list_is_counted_whole_and_paged() {
    let (_p, s) = served(&[]).await;
    let page = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 9, "offset": 4990, "limit": 5}),
        )
        .await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["Names"][0].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "/app-4990",
            "/app-4991",
            "/app-4992",
            "/app-4993",
            "/app-4994"
        ]
    );
    assert_eq!(
        (page["total"].clone(), page["returned"].clone()),
        (json!(5000), json!(5))
    );
    assert!(
        page["items"][0].get("NetworkSettings").is_none(),
        "default omissions"
    );
    let all = s
        .ok("docker_container_list", json!({"environment_id": 9}))
        .await;
    assert_eq!(all["total"], 5000);
    let note = all["_truncated"].as_str().unwrap();
    assert!(
        note.contains("of 5000") && note.contains("select"),
        "{note}"
    );
    // A select sees every item.
    let sel = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 9, "select": "length(items[?State=='exited'])"}),
        )
        .await;
    assert_eq!(sel["selected"], 1000);
    s.stop().await;
}
