//! Dry runs, confirmation, the audit log, retries and failover.

use crate::support::mcp::Session;
use crate::support::portainer::{StandIn, TOKEN};
use crate::support::served;
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn dry_run_and_confirmation_send_nothing() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let before = p.seen_after_start().await.len();
    // dry_run: the exact request, nothing sent.
    let out = s
        .ok(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1, "dry_run": true}),
        )
        .await;
    assert_eq!(out["dry_run"], true);
    assert_eq!(
        out["would_send"],
        json!([{"method": "POST", "path": "/api/stacks/7/stop?endpointId=1", "body": null}])
    );
    // A handler's reads still happen; its write is held, with its body (redacted).
    let out = s
        .ok(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"TOKEN": "t0k"}, "dry_run": true}),
        )
        .await;
    let held = &out["would_send"][0];
    assert_eq!(
        (held["method"].clone(), held["path"].clone()),
        (json!("PUT"), json!("/api/stacks/7?endpointId=1"))
    );
    assert_eq!(
        held["body"]["Env"][1],
        json!({"name": "TOKEN", "value": "<redacted>"})
    );
    // Destructive without confirm: held, and the answer says how to go on.
    let out = s
        .ok(
            "docker_remove",
            json!({"environment_id": 1, "kind": "container", "id": "web"}),
        )
        .await;
    assert!(
        out["note"].as_str().unwrap().contains("confirm: true"),
        "{out}"
    );
    assert_eq!(out["would_send"][0]["method"], "DELETE");
    // Proxy writes need it too; proxy reads do not.
    let out = s
        .ok(
            "docker_proxy",
            json!({"environment_id": 1, "method": "DELETE", "path": "containers/web"}),
        )
        .await;
    assert_eq!(out["dry_run"], true);
    s.ok(
        "docker_proxy",
        json!({"environment_id": 1, "path": "containers/json"}),
    )
    .await;
    let writes: Vec<_> = p.seen_after_start().await[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .cloned()
        .collect();
    assert!(writes.is_empty(), "nothing was written: {writes:?}");
    // With confirm: true it happens.
    s.ok(
        "docker_remove",
        json!({"environment_id": 1, "kind": "container", "id": "web", "confirm": true}),
    )
    .await;
    assert_eq!(p.seen().await.last().unwrap().method, "DELETE");
    // The schemas say so.
    let tools = s.tools().await;
    let schema = |n: &str| {
        serde_json::to_value(&*tools.iter().find(|t| t.name == n).unwrap().input_schema).unwrap()
    };
    assert!(schema("docker_remove")["properties"]
        .get("confirm")
        .is_some());
    assert!(
        schema("stack_action")["properties"]
            .get("confirm")
            .is_none(),
        "not destructive"
    );
    assert!(schema("stack_action")["properties"]
        .get("dry_run")
        .is_some());
    assert!(
        schema("stack_list")["properties"].get("dry_run").is_none(),
        "reads have no dry run"
    );
    s.stop().await;

    // --confirm writes: every write needs it; none: none does.
    let s = Session::start(&p.url(), &["--confirm", "writes"]).await;
    let out = s
        .ok(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await;
    assert_eq!(out["dry_run"], true);
    s.stop().await;
    let s = Session::start(&p.url(), &["--confirm", "none"]).await;
    let before = p.seen().await.len();
    s.ok(
        "docker_remove",
        json!({"environment_id": 1, "kind": "container", "id": "web"}),
    )
    .await;
    assert_eq!(
        p.seen().await[before..]
            .iter()
            .filter(|r| r.method == "DELETE")
            .count(),
        1
    );
    s.stop().await;
}

/// A keyed audit log: the head a server publishes verifies, one edited
/// byte or a record cut off the end is found, and a report sums it up.
#[tokio::test]
async fn the_audit_chain_verifies_and_finds_edits() {
    use crate::support::mcp::{command, output_of};
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let key = dir.path().join("audit.key");
    std::fs::write(&key, "a key of at least sixteen bytes\n").unwrap();
    let (log_s, key_s) = (log.to_str().unwrap(), key.to_str().unwrap());
    let args = ["--audit-log", log_s, "--audit-key-file", key_s];
    let s = Session::start(&p.url(), &args).await;
    s.ok("stack_list", json!({})).await;
    s.ok(
        "stack_update",
        json!({"id": 7, "environment_id": 1, "env": {"A": "1"}}),
    )
    .await;
    let (stderr, _) = s.stop().await;
    // The head of the last record, as the server logged it.
    let head = stderr
        .lines()
        .filter_map(|l| l.split("head=").nth(1))
        .filter_map(|h| h.split_whitespace().next())
        .next_back()
        .unwrap_or_else(|| panic!("no head logged: {stderr}"))
        .to_string();
    let run = |extra: &[&str]| {
        let mut a = vec!["audit"];
        a.extend_from_slice(extra);
        a.extend_from_slice(&["--audit-key-file", key_s]);
        output_of(command(
            &p.url(),
            TOKEN,
            &a.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        ))
    };
    let out = run(&["verify", log_s, "--head", &head]).await;
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{said} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("3 sealed") && said.contains("ok"), "{said}");
    let report = run(&["report", log_s, "--json"]).await;
    let summary: Value = serde_json::from_slice(&report.stdout).unwrap();
    assert_eq!(summary["calls"], 2, "{summary}");
    assert_eq!(summary["by_environment"]["1"], 1, "{summary}");
    let text = std::fs::read_to_string(&log).unwrap();
    // One byte changed in the middle record.
    std::fs::write(&log, text.replacen("\"intent\"", "\"intenT\"", 1)).unwrap();
    let out = run(&["verify", log_s]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("line 2"), "{err}");
    // The last record cut off: only the published head tells.
    let cut: String = text.lines().take(2).map(|l| format!("{l}\n")).collect();
    std::fs::write(&log, cut).unwrap();
    assert!(run(&["verify", log_s]).await.status.success());
    let out = run(&["verify", log_s, "--head", &head]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("cut off"), "{err}");
}

#[tokio::test]
async fn the_audit_log_records_who_did_what() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let s = Session::start(&p.url(), &["--audit-log", log.to_str().unwrap()]).await;
    s.ok("stack_list", json!({})).await;
    s.ok(
        "stack_update",
        json!({"id": 7, "environment_id": 1, "env": {"API_KEY": "k-123"}}),
    )
    .await;
    let _ = s
        .tool_error(
            "stack_action",
            json!({"action": "start", "id": 7, "environment_id": 1}),
        )
        .await;
    s.stop().await;
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        !text.contains("k-123") && !text.contains(TOKEN),
        "no secrets in the audit log"
    );
    let records: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let phases: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            (
                r["tool"].as_str().unwrap().to_string(),
                r["phase"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let p = |t: &str, ph: &str| (t.to_string(), ph.to_string());
    assert_eq!(
        phases,
        vec![
            p("stack_list", "outcome"),
            p("stack_update", "intent"),
            p("stack_update", "outcome"),
            p("stack_action", "intent"),
            p("stack_action", "outcome")
        ]
    );
    let update = &records[2];
    assert_eq!(update["caller"], "stdio");
    assert_eq!(update["access"], "write");
    assert_eq!(update["outcome"], "ok");
    assert_eq!(update["arguments"]["env"]["API_KEY"], "<redacted>");
    let sent: Vec<String> = update["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {} {}",
                r["method"].as_str().unwrap(),
                r["path"].as_str().unwrap(),
                r["status"]
            )
        })
        .collect();
    assert_eq!(
        sent,
        vec![
            "GET /api/stacks/7 200",
            "GET /api/stacks/7/file 200",
            "PUT /api/stacks/7?endpointId=1 200"
        ]
    );
    assert!(records[4]["error"].as_str().unwrap().contains("409"));
    assert!(records
        .iter()
        .all(|r| r["time"].as_str().is_some_and(|t| t.ends_with('Z'))));
}

/// A Portainer that answers 503 twice before recovering.
async fn flaky() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/system/status"))
        .respond_with(ResponseTemplate::new(503).set_body_string("{\"message\":\"unavailable\"}"))
        .up_to_n_times(2)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/system/status"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{\"Version\":\"2.45.3\",\"InstanceID\":\"x\"}"),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/stacks/7/stop"))
        .respond_with(ResponseTemplate::new(503).set_body_string("{\"message\":\"unavailable\"}"))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn reads_are_retried_writes_never() {
    let server = flaky().await;
    let s = Session::start(&server.uri(), &["--disable-version-check"]).await;
    let v = s.ok("system_version", json!({"what": "status"})).await;
    assert_eq!(v["InstanceID"], "x");
    let e = s
        .tool_error(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await;
    assert!(e.contains("503"), "{e}");
    s.stop().await;
    let seen = server.received_requests().await.unwrap();
    let count = |m: &str, p: &str| {
        seen.iter()
            .filter(|r| r.method.as_str() == m && r.url.path() == p)
            .count()
    };
    assert_eq!(
        count("GET", "/api/system/status"),
        3,
        "the GET was tried three times"
    );
    assert_eq!(
        count("POST", "/api/stacks/7/stop"),
        1,
        "the POST was sent once"
    );
}

#[tokio::test]
async fn a_second_address_takes_over() {
    let p = StandIn::start().await;
    let dead = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let urls = format!("http://127.0.0.1:{dead},{}", p.url());
    let s = Session::start(&urls, &[]).await;
    s.ok("environment_list", json!({})).await;
    s.ok(
        "stack_action",
        json!({"action": "stop", "id": 7, "environment_id": 1}),
    )
    .await;
    let (stderr, _) = s.stop().await;
    assert!(stderr.contains("trying the next address"), "{stderr}");
    assert!(p
        .seen()
        .await
        .iter()
        .any(|r| r.method == "POST" && r.path == "/api/stacks/7/stop"));
}
