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
