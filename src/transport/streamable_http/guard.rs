//! Everything a request to the HTTP transport passes before the MCP layer
//! sees it, in order: Host (DNS rebinding) and Origin checks on every path,
//! the limit on failed authentications, the gate token, the caller's own
//! Portainer token (checked against Portainer, initialize included), the
//! per-caller rate limit, the session's owner, and the body (body.rs).

use super::limits::{retry_after, RateLimiter, Shares};
use super::sessions::Sessions;
use crate::mcp::callers::{User, TOKEN_HEADER};
use crate::mcp::server::PortainerServer;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::BodyExt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

pub struct Gate {
    pub token: Option<String>,
    pub allowed_hosts: Vec<String>,
    pub allowed_origins: Vec<String>,
    /// Calls per second per Portainer user, when configured.
    pub calls: Option<RateLimiter<i64>>,
    /// Failed authentications per client address.
    pub failures: RateLimiter<IpAddr>,
    /// Proxies whose X-Forwarded-For is believed.
    pub trusted_proxies: Vec<IpAddr>,
    pub max_body: usize,
    pub sessions: Sessions,
    pub server: PortainerServer,
    /// What each user may have open at once.
    pub shares: std::sync::Arc<Shares>,
}

const SESSION_HEADER: &str = "mcp-session-id";

/// The longest a request with an unknown key waits, when its address has
/// used up its budget of failed authentications, before it is checked.
const SLOWDOWN: Duration = Duration::from_secs(1);

pub async fn guard(
    State(gate): State<std::sync::Arc<Gate>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
    next: Next,
) -> Response {
    if let Err(r) = check_host_and_origin(&gate, &req) {
        return r;
    }
    let client = client_address(&gate, peer.ip(), req.headers());
    if let Some(expected) = &gate.token {
        if !bearer_matches(req.headers(), expected) {
            return refuse(
                &gate,
                client,
                "missing or wrong gate token (Authorization: Bearer)",
            )
            .await;
        }
    }
    if !req.uri().path().starts_with("/mcp") {
        return next.run(req).await;
    }
    if gate.server.drain().is_draining() {
        // Nothing of this request ran: a load balancer may safely send it
        // to another replica (haproxy: retry-on 503).
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONNECTION, "close"), (header::RETRY_AFTER, "1")],
            "shutting down; send the request to another replica",
        )
            .into_response();
    }
    let key = req
        .headers()
        .get(TOKEN_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // A key Portainer has accepted is never held back. An unknown one from
    // an address that has used up its budget of failures waits first, so
    // guessing is slowed (and Portainer spared), while a real key still
    // gets through: the budget refuses nothing on its own.
    if !gate.server.knows_caller(key.as_deref()) {
        if let Some(wait) = gate.failures.wait(&client) {
            tokio::time::sleep(wait.min(SLOWDOWN)).await;
        }
    }
    let user = match gate.server.verify_caller(key.as_deref()).await {
        Ok(u) => u,
        Err(e) => {
            let text = crate::mcp::results::error_text(&e);
            return refuse(&gate, client, &text).await;
        }
    };
    if let Some(calls) = &gate.calls {
        if let Err(wait) = calls.take(&user.id) {
            return too_many(wait, "rate limit for this user exceeded; slow down");
        }
    }
    let session = req
        .headers()
        .get(SESSION_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(id) = &session {
        if !gate.sessions.owned_by(id, user.id) {
            // The same answer as for an unknown session: say nothing of others'.
            return (StatusCode::NOT_FOUND, "unknown session").into_response();
        }
    }
    let method = req.method().clone();
    // What the user has open (event streams included) is bounded, so one
    // caller cannot hold every connection; ending a session always may.
    let share = match method {
        Method::DELETE => None,
        _ => match gate.shares.take(user.id) {
            Some(s) => Some(s),
            None => {
                let why = format!(
                    "this user has {} requests and event streams open, its share; close one (or wait) and retry",
                    gate.shares.max()
                );
                return too_many(Duration::from_secs(1), &why);
            }
        },
    };
    let mut req = match super::body::read(gate.max_body, req).await {
        Ok(r) => r,
        Err(r) => return r,
    };
    req.extensions_mut().insert(user.clone());
    let resp = next.run(req).await;
    remember_session(&gate, &user, session, &method, &resp);
    // The share is held until the answer (an event stream, say) ends.
    let (parts, body) = resp.into_parts();
    let body = body.map_frame(move |f| {
        let _held = &share;
        f
    });
    Response::from_parts(parts, axum::body::Body::new(body))
}

// The refusal is the response itself; once per request, its size is no cost.
#[allow(clippy::result_large_err)]
fn check_host_and_origin(gate: &Gate, req: &Request) -> Result<(), Response> {
    let headers = req.headers();
    // HTTP/2 carries the host in the request's authority, not a header.
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| req.uri().authority().map(|a| a.as_str()))
        .map(host_name)
        .unwrap_or_default();
    if !gate
        .allowed_hosts
        .iter()
        .any(|h| h.eq_ignore_ascii_case(&host))
    {
        return Err((StatusCode::FORBIDDEN, "Host not allowed").into_response());
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let origin = origin.to_str().unwrap_or("");
        let allowed = gate
            .allowed_origins
            .iter()
            .any(|o| origin_matches(o, origin));
        if !allowed {
            return Err((
                StatusCode::FORBIDDEN,
                "Origin not allowed (see --http-allowed-origins)",
            )
                .into_response());
        }
    }
    Ok(())
}

/// An allowed origin as configured (`scheme://host[:port]`, or `:*` for
/// any port) against a request's.
fn origin_matches(allowed: &str, origin: &str) -> bool {
    let allowed = allowed.trim().trim_end_matches('/');
    match allowed.strip_suffix('*') {
        Some(prefix) if prefix.ends_with(':') => {
            origin.len() > prefix.len()
                && origin[..prefix.len()].eq_ignore_ascii_case(prefix)
                && origin[prefix.len()..].bytes().all(|b| b.is_ascii_digit())
        }
        _ => allowed.eq_ignore_ascii_case(origin),
    }
}

/// `host`, `host:port`, `[v6]:port` → the host alone.
fn host_name(h: &str) -> String {
    if let Some(rest) = h.strip_prefix('[') {
        return rest.split(']').next().unwrap_or("").to_string();
    }
    match h.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name.to_string(),
        _ => h.to_string(),
    }
}

/// The client's address: the peer's, or, when the peer is a trusted proxy,
/// the last address in X-Forwarded-For that is not one.
fn client_address(gate: &Gate, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if !gate.trusted_proxies.contains(&peer) {
        return peer;
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .collect::<Vec<_>>();
    forwarded
        .into_iter()
        .rev()
        .find(|a| !gate.trusted_proxies.contains(a))
        .unwrap_or(peer)
}

/// `Authorization: Bearer <token>`, the scheme in any case, compared in
/// constant time.
fn bearer_matches(headers: &HeaderMap, expected: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim());
    given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes()))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A failed authentication: counted against the address, audited, refused;
/// past the address's budget, answered only after a wait, with 429.
async fn refuse(gate: &Gate, client: IpAddr, why: &str) -> Response {
    gate.server.audit_refusal(&client.to_string(), why);
    match gate.failures.take(&client) {
        Ok(()) => (StatusCode::UNAUTHORIZED, why.to_string()).into_response(),
        Err(wait) => {
            tokio::time::sleep(wait.min(SLOWDOWN)).await;
            too_many(
                wait,
                &format!("{why}; too many failed authentications from this address"),
            )
        }
    }
}

fn too_many(wait: Duration, why: &str) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, retry_after(wait))],
        why.to_string(),
    )
        .into_response()
}

/// A new session belongs to the user who opened it; an ended one is forgotten.
fn remember_session(
    gate: &Gate,
    user: &User,
    asked: Option<String>,
    method: &Method,
    resp: &Response,
) {
    match asked {
        None => {
            if let Some(id) = resp
                .headers()
                .get(SESSION_HEADER)
                .and_then(|v| v.to_str().ok())
            {
                gate.sessions.bind(id, user.id);
            }
        }
        Some(id) if method == Method::DELETE && resp.status().is_success() => {
            gate.sessions.forget(&id)
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_without_ports() {
        assert_eq!(host_name("localhost:8080"), "localhost");
        assert_eq!(host_name("[::1]:8080"), "::1");
        assert_eq!(host_name("example.com"), "example.com");
    }

    #[test]
    fn origins_exact_or_any_port() {
        assert!(origin_matches(
            "https://app.example.com",
            "https://app.example.com"
        ));
        assert!(origin_matches(
            "http://localhost:*",
            "http://localhost:6274"
        ));
        assert!(!origin_matches(
            "http://localhost:*",
            "http://localhost.evil.example"
        ));
        assert!(!origin_matches(
            "https://app.example.com",
            "https://evil.example"
        ));
    }

    #[test]
    fn bearer_scheme_in_any_case() {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            "bearer s3cret-gate-token".parse().unwrap(),
        );
        assert!(bearer_matches(&h, "s3cret-gate-token"));
        h.insert(
            header::AUTHORIZATION,
            "Basic s3cret-gate-token".parse().unwrap(),
        );
        assert!(!bearer_matches(&h, "s3cret-gate-token"));
    }
}
