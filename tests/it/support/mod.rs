#![allow(dead_code)]

pub mod examples;
pub mod http;
pub mod mcp;
pub mod portainer;
pub mod user;

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
