//! A server process on Streamable HTTP, for tests that talk to it over the
//! network.

use super::mcp::BIN;
use std::process::Stdio;
use std::time::Duration;

pub const GATE: &str = "gate-secret-5d1c";

pub struct Server {
    pub child: tokio::process::Child,
    pub url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

pub async fn start(portainer: &str, extra: &[&str]) -> Server {
    start_as("--http", portainer, extra).await
}

/// `flag` is --http, or --detached-http (HTTP only because stdin is /dev/null).
pub async fn start_as(flag: &str, portainer: &str, extra: &[&str]) -> Server {
    // The test's own reqwest clients need a TLS provider, as the server's do.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let port = super::free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut cmd = tokio::process::Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("PORTAINER") {
            cmd.env_remove(k);
        }
    }
    cmd.env("PORTAINER_URL", portainer)
        .args([flag, &addr, "--http-token", GATE, "--toolsets", "all"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        // TEST_SERVER_STDERR=1 shows the server's log while debugging a test.
        .stderr(if std::env::var_os("TEST_SERVER_STDERR").is_some() {
            Stdio::inherit()
        } else {
            Stdio::null()
        })
        .kill_on_drop(true);
    let child = cmd.spawn().unwrap();
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(&addr).await.is_ok() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server {
        child,
        url: format!("http://{addr}"),
    }
}

/// A Streamable HTTP client transport to `url`/mcp with the gate token and,
/// if given, the caller's Portainer token.
pub fn transport(
    url: &str,
    gate: &str,
    token: Option<&str>,
) -> rmcp::transport::StreamableHttpClientTransport<reqwest::Client> {
    transport_with(url, gate, token, &[])
}

/// `transport` with more headers on every request (X-MCP-Readonly...).
pub fn transport_with(
    url: &str,
    gate: &str,
    token: Option<&str>,
    extra: &[(&'static str, &str)],
) -> rmcp::transport::StreamableHttpClientTransport<reqwest::Client> {
    use rmcp::transport::streamable_http_client::StreamableHttpClientTransportConfig;
    let mut headers = std::collections::HashMap::new();
    for (k, v) in extra {
        headers.insert(
            http::HeaderName::from_static(k),
            http::HeaderValue::from_str(v).unwrap(),
        );
    }
    if let Some(t) = token {
        headers.insert(
            http::HeaderName::from_static("x-portainer-api-key"),
            http::HeaderValue::from_str(t).unwrap(),
        );
    }
    let config = StreamableHttpClientTransportConfig::with_uri(format!("{url}/mcp"))
        .auth_header(gate.to_string())
        .custom_headers(headers);
    rmcp::transport::StreamableHttpClientTransport::from_config(config)
}
