//! Streamable HTTP under connections that hold places without speaking:
//! 2,000 silent connections (no authentication needed) while a client
//! that opens a new connection for every request keeps being answered
//! within its usual latency; one user holding requests open cannot take
//! another's share; HTTP/2 prior knowledge is not served on the plain port.

use crate::support::http::{start, GATE};
use crate::support::portainer::{StandIn, BOB_TOKEN, TOKEN};
use serde_json::json;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn initialize() -> serde_json::Value {
    json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
}

/// One initialize on a connection of its own: its time, or None if refused.
async fn fresh_call(url: &str) -> Option<Duration> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let r = http
        .post(format!("{url}/mcp"))
        .bearer_auth(GATE)
        .header("x-portainer-api-key", TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize())
        .send()
        .await
        .ok()?;
    (r.status() == 200 && r.bytes().await.is_ok()).then(|| started.elapsed())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::test]
async fn silent_connections_never_lock_out_a_client_that_speaks() {
    portainer_mcp::transport::raise_open_files();
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut usual = vec![];
    for _ in 0..20 {
        usual.push(fresh_call(&s.url).await.expect("answered before the flood"));
    }
    let usual = median(usual);
    // 2,000 connections that never send a byte, at the default cap (1,024).
    let mut silent = vec![];
    for _ in 0..2000 {
        if let Ok(c) = TcpStream::connect(&addr).await {
            silent.push(c);
        }
    }
    assert!(silent.len() >= 1900, "{} opened", silent.len());
    let mut during = vec![];
    for i in 0..20 {
        let t = fresh_call(&s.url)
            .await
            .unwrap_or_else(|| panic!("call {i} refused during the flood"));
        during.push(t);
    }
    let during = median(during);
    assert!(
        during <= usual * 3 + Duration::from_millis(50),
        "usual {usual:?}, during the flood {during:?}"
    );
    // And the silent ones are closed within the first-byte timeout.
    let mut closed = 0;
    for c in silent.iter_mut().take(50) {
        let mut b = [0u8; 1];
        if let Ok(Ok(0) | Err(_)) =
            tokio::time::timeout(Duration::from_secs(8), c.read(&mut b)).await
        {
            closed += 1;
        }
    }
    assert_eq!(closed, 50);
}

/// A POST whose headers promise a body that never comes: it holds one of
/// its user's places until the body timeout.
async fn held_post(addr: &str, key: &str) -> TcpStream {
    let mut c = TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "POST /mcp HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {GATE}\r\nx-portainer-api-key: {key}\r\n\
         Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 1000\r\n\r\n"
    );
    c.write_all(head.as_bytes()).await.unwrap();
    c
}

#[tokio::test]
async fn one_user_cannot_take_every_place() {
    let p = StandIn::start().await;
    // 40 connections: each user may hold 10 requests (or streams) open.
    let s = start(&p.url(), &["--http-max-connections", "40"]).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let http = reqwest::Client::new();
    // The keys are known to the server before the test holds places.
    for key in [TOKEN, BOB_TOKEN] {
        let r = http
            .post(format!("{}/mcp", s.url))
            .bearer_auth(GATE)
            .header("x-portainer-api-key", key)
            .header("accept", "application/json, text/event-stream")
            .json(&initialize())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
    }
    let mut held = vec![];
    for _ in 0..10 {
        held.push(held_post(&addr, TOKEN).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let r = http
        .post(format!("{}/mcp", s.url))
        .bearer_auth(GATE)
        .header("x-portainer-api-key", TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429, "alice's share is held");
    assert!(r.headers().contains_key("retry-after"));
    let r = http
        .post(format!("{}/mcp", s.url))
        .bearer_auth(GATE)
        .header("x-portainer-api-key", BOB_TOKEN)
        .header("accept", "application/json, text/event-stream")
        .json(&initialize())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "bob has a share of his own");
    drop(held);
}

#[tokio::test]
async fn http2_prior_knowledge_is_not_served_on_the_plain_port() {
    let p = StandIn::start().await;
    let s = start(&p.url(), &[]).await;
    let addr = s.url.trim_start_matches("http://").to_string();
    let mut c = TcpStream::connect(&addr).await.unwrap();
    c.write_all(b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 64];
    let n = tokio::time::timeout(Duration::from_secs(15), c.read(&mut buf))
        .await
        .expect("answered or closed, never held");
    if let Ok(n) = n {
        let text = String::from_utf8_lossy(&buf[..n]);
        assert!(
            n == 0 || text.starts_with("HTTP/1.1 4") || text.starts_with("HTTP/1.1 5"),
            "{text}"
        );
    }
}
