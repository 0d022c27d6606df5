pub mod examples;
pub mod http;
pub mod mcp;
pub mod portainer;
pub mod user;

use mcp::Session;
use portainer::StandIn;

/// A fresh stand-in Portainer and a stdio server session against it: how
/// most tests begin. Keep the stand-in bound for as long as the session
/// runs (dropping it stops it).
pub async fn served(args: &[&str]) -> (StandIn, Session) {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), args).await;
    (p, s)
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// (method, path) pairs as the stand-in records them, from string pairs.
pub fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect()
}

/// A stand-in listing `n` environments (env-i: Docker unless i % 3 == 0,
/// down when i % 5 == 0, tagged when odd) and a session on it, its start-up
/// requests forgotten.
pub async fn fleet(n: usize) -> (StandIn, Session) {
    fleet_with(n, &[]).await
}

/// `fleet` with the server's own arguments.
pub async fn fleet_with(n: usize, args: &[&str]) -> (StandIn, Session) {
    let p = StandIn::with_options(portainer::Options::default().environments(n)).await;
    let s = Session::start(&p.url(), args).await;
    p.reset_log().await;
    (p, s)
}

/// The environment ids of a fan-out answer's rows, in order.
pub fn environment_ids(out: &serde_json::Value) -> Vec<u64> {
    out["items"]
        .as_array()
        .expect("a fan-out answer's rows")
        .iter()
        .map(|e| {
            e["environment_id"]
                .as_u64()
                .expect("each row's environment")
        })
        .collect()
}

/// How many requests since start-up went to a path ending with `suffix`.
pub async fn sent_to(p: &StandIn, suffix: &str) -> usize {
    p.seen_after_start()
        .await
        .into_iter()
        .filter(|x| x.path.ends_with(suffix))
        .count()
}

/// Every request other than GET the stand-in saw, as "METHOD path".
pub async fn writes(p: &StandIn) -> Vec<String> {
    p.seen()
        .await
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}
