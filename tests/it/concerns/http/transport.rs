//! Streamable HTTP: two users with their own Portainer tokens, the audit log
//! saying who did what, the gate token, Host checks, metrics.

use crate::support::mcp::BIN;
use crate::support::portainer::{StandIn, BOB_TOKEN, TOKEN};
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::ServiceExt;
use serde_json::{json, Value};
use std::process::Stdio;
use std::time::Duration;

use crate::support::http::{start, start_as, GATE};

async fn client(
    url: &str,
    gate: &str,
    token: Option<&str>,
) -> Result<rmcp::service::RunningService<rmcp::RoleClient, ClientConfig>, String> {
    ClientConfig::default()
        .serve(crate::support::http::transport(url, gate, token))
        .await
        .map_err(|e| e.to_string())
}

async fn call(
    c: &rmcp::service::RunningService<rmcp::RoleClient, ClientConfig>,
    tool: &str,
    args: Value,
) -> rmcp::model::CallToolResult {
    let mut p = CallToolRequestParams::new(tool.to_string());
    p.arguments = args.as_object().cloned();
    c.call_tool(p).await.expect("tools/call")
}

/// GET /metrics through the gate.
async fn metrics(http: &reqwest::Client, url: &str) -> reqwest::Response {
    http.get(format!("{url}/metrics"))
        .bearer_auth(GATE)
        .send()
        .await
        .unwrap()
}

/// The container image's default: `docker run -d` leaves stdin on
/// /dev/null, where a stdio server could only exit; it serves HTTP instead.
/// With a client on stdin the same setting leaves stdio as it is.
#[tokio::test]
async fn detached_http_serves_when_stdin_is_dev_null() {
    let p = StandIn::start().await;
    let s = start_as("--detached-http", &p.url(), &[]).await;
    let c = client(&s.url, GATE, Some(TOKEN))
        .await
        .expect("HTTP session");
    let r = call(&c, "stack_list", json!({})).await;
    assert_ne!(r.is_error, Some(true), "{r:?}");
    c.cancel().await.unwrap();
    let port = crate::support::free_port();
    let addr = format!("127.0.0.1:{port}");
    let stdio = crate::support::mcp::Session::start(&p.url(), &["--detached-http", &addr]).await;
    stdio.ok("stack_list", json!({})).await;
    assert!(
        tokio::net::TcpStream::connect(&addr).await.is_err(),
        "no HTTP beside stdio"
    );
    stdio.stop().await;
}

#[tokio::test]
async fn two_users_each_with_their_own_token() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let s = start(&p.url(), &["--audit-log", audit.to_str().unwrap()]).await;

    let alice = client(&s.url, GATE, Some(TOKEN)).await.unwrap();
    let bob = client(&s.url, GATE, Some(BOB_TOKEN)).await.unwrap();
    assert!(alice.list_all_tools().await.unwrap().len() > 40);
    let r = call(&alice, "stack_list", json!({})).await;
    assert_ne!(r.is_error, Some(true));
    let r = call(
        &bob,
        "stack_action",
        json!({"action": "stop", "id": 7, "environment_id": 1}),
    )
    .await;
    assert_ne!(r.is_error, Some(true));
    // No token of one's own: refused from initialize on, with a clear message.
    let Err(nobody) = client(&s.url, GATE, None).await else {
        panic!("a caller without a Portainer token is refused")
    };
    assert!(
        nobody.contains("401") && nobody.contains("X-Portainer-API-Key"),
        "{nobody}"
    );

    // Portainer saw each user's own token.
    let seen = p.seen().await;
    let list = seen.iter().find(|r| r.path == "/api/stacks").unwrap();
    assert_eq!(list.api_key.as_deref(), Some(TOKEN));
    let stop = seen
        .iter()
        .find(|r| r.path == "/api/stacks/7/stop")
        .unwrap();
    assert_eq!(stop.api_key.as_deref(), Some(BOB_TOKEN));

    // The audit log says who did what.
    let records: Vec<Value> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let who = |tool: &str, phase: &str| {
        records
            .iter()
            .find(|r| r["tool"] == tool && r["phase"] == phase)
            .map(|r| r["caller"].clone())
    };
    assert_eq!(
        who("stack_list", "outcome"),
        Some(json!({"name": "admin", "id": 1}))
    );
    assert_eq!(
        who("stack_action", "intent"),
        Some(json!({"name": "bob", "id": 2}))
    );
    let text = std::fs::read_to_string(&audit).unwrap();
    assert!(!text.contains(TOKEN) && !text.contains(BOB_TOKEN));

    // Metrics, behind the same gate.
    let m = metrics(&reqwest::Client::new(), &s.url).await;
    assert_eq!(m.status(), 200);
    let body = m.text().await.unwrap();
    assert!(
        body.contains(
            r#"portainer_mcp_tool_calls_total{tool="stack_list",access="read",outcome="ok"} 1"#
        ),
        "{body}"
    );
    assert!(
        body.contains(
            r#"portainer_mcp_tool_calls_total{tool="stack_action",access="write",outcome="ok"} 1"#
        ),
        "{body}"
    );
    assert!(
        body.contains("portainer_mcp_tool_call_seconds_bucket"),
        "{body}"
    );
    assert!(
        body.contains(r#"portainer_mcp_upstream_responses_total{status="200"}"#),
        "{body}"
    );
    assert!(
        body.contains("portainer_mcp_tool_calls_in_flight 0"),
        "{body}"
    );
}

#[tokio::test]
async fn the_gate_and_host_checks_refuse_strangers() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    assert!(
        client(&s.url, "wrong-gate", Some(TOKEN)).await.is_err(),
        "a bad gate token is refused"
    );
    let http = reqwest::Client::new();
    let init = json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}});
    let r = http
        .post(format!("{}/mcp", s.url))
        .json(&init)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401, "no gate token");
    let r = http
        .post(format!("{}/mcp", s.url))
        .bearer_auth(GATE)
        .header("host", "evil.example")
        .header("accept", "application/json, text/event-stream")
        .json(&init)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "DNS rebinding: a foreign Host is refused");
    // Just over the 1 MiB limit. The server answers 413 from the headers
    // and may close before the client has written the whole body; such a
    // try sees a broken pipe instead of the answer, so it is repeated.
    let big = "x".repeat((1 << 20) + 1024);
    let mut status = None;
    for _ in 0..5 {
        let sent = http
            .post(format!("{}/mcp", s.url))
            .bearer_auth(GATE)
            .header("x-portainer-api-key", TOKEN)
            .body(big.clone())
            .send()
            .await;
        if let Ok(r) = sent {
            status = Some(r.status().as_u16());
            break;
        }
    }
    assert_eq!(status, Some(413));
    assert!(
        p.seen()
            .await
            .iter()
            .all(|r| r.path == "/api/system/status" || r.path == "/api/users/me"),
        "nothing but the caller check reached Portainer"
    );
}

#[tokio::test]
async fn plain_http_stays_on_loopback() {
    let out = std::process::Command::new(BIN)
        .env("PORTAINER_URL", "http://127.0.0.1:9")
        .args(["--http", "0.0.0.0:0", "--disable-version-check"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--tls-cert") && err.contains("--allow-insecure-http"),
        "{err}"
    );
}

#[tokio::test]
async fn serves_https_with_the_given_certificate() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let run = |args: &[&str]| {
        let st = std::process::Command::new("openssl")
            .args(args)
            .current_dir(d)
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success(), "openssl {args:?}");
    };
    // A private CA and a server certificate it signed (webpki refuses a
    // self-signed CA certificate used as the server's own).
    run(&[
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "ca.key",
        "-out",
        "ca.pem",
        "-days",
        "2",
        "-subj",
        "/CN=test CA",
    ]);
    run(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "key.pem",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(d.join("ext.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "cert.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    let (cert, key) = (d.join("cert.pem"), d.join("key.pem"));
    let mut s = start(
        &p.url(),
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    )
    .await;
    s.url = s.url.replace("http://", "https://");
    let pem = std::fs::read(d.join("ca.pem")).unwrap();
    let https = reqwest::Client::builder()
        .tls_certs_only(vec![reqwest::Certificate::from_pem(&pem).unwrap()])
        .build()
        .unwrap();
    let m = metrics(&https, &s.url).await;
    assert_eq!(m.status(), 200);
    assert!(m
        .text()
        .await
        .unwrap()
        .contains("portainer_mcp_tool_calls_in_flight"));
    // Plain HTTP to the TLS port does not get an answer.
    let plain = reqwest::Client::new()
        .get(format!("{}/metrics", s.url.replace("https://", "http://")))
        .send()
        .await;
    assert!(plain.is_err() || plain.unwrap().status() != 200);
}

#[tokio::test]
async fn a_user_over_the_configured_rate_is_told_when_to_retry() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &["--http-rate-limit", "2"]).await;
    let http = reqwest::Client::new();
    let init = |key: &'static str| {
        http.post(format!("{}/mcp", s.url))
            .bearer_auth(GATE)
            .header("x-portainer-api-key", key)
            .header("accept", "application/json, text/event-stream")
            .json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}))
            .send()
    };
    let mut statuses = Vec::new();
    let mut retry = None;
    for _ in 0..10 {
        let r = init(TOKEN).await.unwrap();
        if r.status() == 429 {
            retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_string());
        }
        statuses.push(r.status().as_u16());
    }
    // A burst of twice the rate passes, then 429 until the bucket refills.
    assert_eq!(&statuses[..4], &[200; 4], "{statuses:?}");
    assert!(statuses[4..].contains(&429), "{statuses:?}");
    assert_eq!(retry.as_deref(), Some("1"), "429 says when to retry");
    // The bucket is the user's: another user is not slowed down.
    assert_eq!(init(BOB_TOKEN).await.unwrap().status(), 200);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(
        init(TOKEN).await.unwrap().status(),
        200,
        "the bucket refills with time"
    );
}

/// A raw JSON-RPC POST to /mcp with the gate token and a Portainer key.
async fn post(
    http: &reqwest::Client,
    url: &str,
    key: Option<&str>,
    session: Option<&str>,
    body: Value,
) -> reqwest::Response {
    let mut r = http
        .post(format!("{url}/mcp"))
        .bearer_auth(GATE)
        .header("accept", "application/json, text/event-stream")
        .json(&body);
    if let Some(k) = key {
        r = r.header("x-portainer-api-key", k);
    }
    if let Some(s) = session {
        r = r
            .header("mcp-session-id", s)
            .header("mcp-protocol-version", "2025-06-18");
    }
    r.send().await.unwrap()
}

fn initialize() -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
}

#[tokio::test]
async fn sessions_belong_to_their_user_and_foreign_origins_are_refused() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let http = reqwest::Client::new();
    // Origins: the machine's own pass on a loopback server, others do not.
    let with_origin = |origin: &'static str| {
        http.post(format!("{}/mcp", s.url))
            .bearer_auth(GATE)
            .header("x-portainer-api-key", TOKEN)
            .header("origin", origin)
            .header("accept", "application/json, text/event-stream")
            .json(&initialize())
            .send()
    };
    assert_eq!(
        with_origin("https://evil.example").await.unwrap().status(),
        403
    );
    assert_eq!(
        with_origin("http://localhost:6274").await.unwrap().status(),
        200
    );

    let r = post(&http, &s.url, Some(TOKEN), None, initialize()).await;
    assert_eq!(r.status(), 200);
    let sid = r.headers()["mcp-session-id"].to_str().unwrap().to_string();
    let list = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/list"});
    // Another user, or nobody, holding the id gets nothing.
    let r = post(&http, &s.url, Some(BOB_TOKEN), Some(&sid), list.clone()).await;
    assert_eq!(r.status(), 404);
    let r = post(&http, &s.url, None, Some(&sid), list.clone()).await;
    assert_eq!(r.status(), 401);
    let r = http
        .delete(format!("{}/mcp", s.url))
        .bearer_auth(GATE)
        .header("x-portainer-api-key", BOB_TOKEN)
        .header("mcp-session-id", &sid)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "bob cannot end alice's session");
    let r = http
        .get(format!("{}/mcp", s.url))
        .bearer_auth(GATE)
        .header("x-portainer-api-key", BOB_TOKEN)
        .header("mcp-session-id", &sid)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404, "nor open its stream");
    // The owner still can.
    let _ = post(
        &http,
        &s.url,
        Some(TOKEN),
        Some(&sid),
        json!({"jsonrpc": "2.0", "method": "notifications/initialized"}),
    )
    .await;
    let r = post(&http, &s.url, Some(TOKEN), Some(&sid), list).await;
    assert_eq!(r.status(), 200);
    // /metrics is behind the Host check too.
    let r = http
        .get(format!("{}/metrics", s.url))
        .bearer_auth(GATE)
        .header("host", "evil.example")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn guessing_the_gate_token_is_slowed_down_and_audited() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let s = start(&p.url(), &["--audit-log", audit.to_str().unwrap()]).await;
    let http = reqwest::Client::new();
    let mut statuses = vec![];
    let mut retry = None;
    let mut past_budget = std::time::Instant::now();
    for i in 0..15 {
        if i == 10 {
            past_budget = std::time::Instant::now();
        }
        let r = http
            .post(format!("{}/mcp", s.url))
            .bearer_auth(format!("wrong-guess-{i:08}"))
            .json(&initialize())
            .send()
            .await
            .unwrap();
        if r.status() == 429 {
            retry = r.headers().get("retry-after").cloned();
        }
        statuses.push(r.status().as_u16());
    }
    assert_eq!(&statuses[..10], &[401; 10], "{statuses:?}");
    // Past the budget each attempt waits before its answer (the bucket
    // refills meanwhile, at one attempt per two seconds).
    assert!(
        statuses[10..].iter().filter(|s| **s == 429).count() >= 3,
        "{statuses:?}"
    );
    assert!(
        past_budget.elapsed() >= Duration::from_millis(3000),
        "{:?}",
        past_budget.elapsed()
    );
    assert!(retry.is_some(), "429 says when to retry");
    let refused = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .filter(|l| l.contains("\"refused\""))
        .count();
    assert_eq!(refused, 15, "each refused attempt is audited");
    // Wrong Portainer keys from the same address are slowed down too...
    let started = std::time::Instant::now();
    for i in 0..3 {
        let r = post(
            &http,
            &s.url,
            Some(&format!("ptr_wrong_{i}")),
            None,
            initialize(),
        )
        .await;
        assert!([401, 429].contains(&r.status().as_u16()), "{}", r.status());
    }
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "{:?}",
        started.elapsed()
    );
    // ...but a key Portainer accepts is served from that address all the
    // same: anyone behind the same NAT would otherwise be locked out.
    let r = post(&http, &s.url, Some(TOKEN), None, initialize()).await;
    assert_eq!(r.status(), 200);
    // The scheme is read in any case (from another address's view: a fresh server).
    let s2 = start(&p.url(), &[]).await;
    let r = http
        .post(format!("{}/mcp", s2.url))
        .header("authorization", format!("bearer {GATE}"))
        .header("x-portainer-api-key", TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn a_short_gate_token_is_refused_at_start() {
    let out = std::process::Command::new(BIN)
        .env("PORTAINER_URL", "http://127.0.0.1:9")
        .args([
            "--http",
            "127.0.0.1:0",
            "--http-token",
            "short",
            "--disable-version-check",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least 16"));
}

#[tokio::test]
async fn bodies_get_the_right_status() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let http = reqwest::Client::new();
    let send = |body: reqwest::Body| {
        http.post(format!("{}/mcp", s.url))
            .bearer_auth(GATE)
            .header("x-portainer-api-key", TOKEN)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .body(body)
            .send()
    };
    // Chunked (no length) and over the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..20).map(|_| Ok(vec![b' '; 64 << 10])).collect();
    let r = send(reqwest::Body::wrap_stream(futures_stream(chunks)))
        .await
        .unwrap();
    assert_eq!(r.status(), 413, "no id to answer under");
    let r = send(json!([initialize(), initialize()]).to_string().into())
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "batches");
    let deep = "{\"a\":".repeat(5000) + "1" + &"}".repeat(5000);
    let r = send(deep.into()).await.unwrap();
    assert_eq!(r.status(), 400);
    let v: Value = r.json().await.unwrap();
    assert_eq!(v["error"]["code"], -32600);
    // Valid JSON that is not a JSON-RPC message, and a body that is not
    // UTF-8: 400 with a JSON-RPC error, not rmcp's 415.
    for (body, code) in [
        (
            br#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#.to_vec(),
            -32600,
        ),
        (
            b"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\",\"x\":\"\xff\"}".to_vec(),
            -32700,
        ),
    ] {
        let r = send(body.into()).await.unwrap();
        assert_eq!(r.status(), 400);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (v["error"]["code"].as_i64(), &v["id"]),
            (Some(code), &Value::Null),
            "{v}"
        );
    }
    // Too deep or too big with a readable id: the answer goes to that id
    // (200 with the JSON-RPC error, which every client matches to its call).
    let deep_call = format!(
        r#"{{"jsonrpc":"2.0","id":41,"method":"tools/call","params":{{"name":"x","arguments":{{"a":{}1{}}}}}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let big_call = format!(
        r#"{{"jsonrpc":"2.0","method":"tools/call","params":{{"name":"kubernetes_apply","arguments":{{"manifest":"{}"}}}},"id":42}}"#,
        "x".repeat(3 << 20)
    );
    for (body, id, code, says) in [
        (deep_call, 41, -32602, "limit is 128"),
        (big_call, 42, -32600, "1 MiB limit"),
    ] {
        let r = send(body.into()).await.unwrap();
        assert_eq!(r.status(), 200);
        let v: Value = r.json().await.unwrap();
        assert_eq!(
            (v["id"].as_i64(), v["error"]["code"].as_i64()),
            (Some(id), Some(code)),
            "{v}"
        );
        assert!(
            v["error"]["message"].as_str().unwrap().contains(says),
            "{v}"
        );
    }
}

fn futures_stream(
    items: Vec<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    struct It(std::vec::IntoIter<Result<Vec<u8>, std::io::Error>>);
    impl futures_core::Stream for It {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }
    It(items.into_iter())
}

/// A keep-alive connection the server has answered on, so it holds a place.
async fn held_connection(addr: &str) -> tokio::net::TcpStream {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    for _ in 0..50 {
        let mut c = tokio::net::TcpStream::connect(addr).await.unwrap();
        let ask = format!("GET / HTTP/1.1\r\nHost: {addr}\r\n\r\n");
        if c.write_all(ask.as_bytes()).await.is_err() {
            continue;
        }
        let mut buf = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(5), c.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => return c,
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("no connection was ever answered");
}

#[tokio::test]
async fn connections_over_the_cap_are_closed() {
    use tokio::io::AsyncReadExt;
    let p = StandIn::start().await;
    // Four places, so two for one address: held by connections that have
    // spoken, they leave nothing for a third (a silent one would give way).
    let s = start(&p.url(), &["--http-max-connections", "4"]).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    // The readiness probe's connection may still hold a place for a moment;
    // a place counts as held once a request on it has been answered.
    let _a = held_connection(&addr).await;
    let _b = held_connection(&addr).await;
    let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let mut buf = [0u8; 16];
    let n = tokio::time::timeout(Duration::from_secs(5), c.read(&mut buf))
        .await
        .expect("closed at once, not held");
    assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
}

#[tokio::test]
async fn slow_headers_are_cut_off() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut c = tokio::net::TcpStream::connect(&addr).await.unwrap();
    c.write_all(b"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let mut buf = [0u8; 256];
    let n = tokio::time::timeout(Duration::from_secs(20), c.read(&mut buf))
        .await
        .expect("the server closes a connection whose headers never end");
    assert!(started.elapsed() < Duration::from_secs(15));
    // Closed, or answered with an error status, never left hanging.
    if let Ok(n) = n {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(n == 0 || text.starts_with("HTTP/1.1 4"), "{text}");
    }
}

#[tokio::test]
async fn a_hostile_select_does_not_take_the_server_down_for_others() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let alice = client(&s.url, GATE, Some(TOKEN)).await.unwrap();
    let bob = client(&s.url, GATE, Some(BOB_TOKEN)).await.unwrap();
    let nasty = "(".repeat(3000) + "Id" + &")".repeat(3000);
    let r = call(
        &alice,
        "docker_container_list",
        json!({"environment_id": 1, "select": nasty}),
    )
    .await;
    assert_eq!(r.is_error, Some(true));
    let r = call(&bob, "stack_list", json!({})).await;
    assert_ne!(r.is_error, Some(true), "the server still answers others");
}
