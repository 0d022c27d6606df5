//! Portainer's passthrough to an environment's Docker or Kubernetes API
//! (/api/endpoints/{id}/{docker,kubernetes}/...): one request, its path
//! checked so that it cannot leave that passthrough.

use super::exchange::Exchange;
use super::http::Http;
use crate::error::ToolError;
use reqwest::Method;
use serde_json::Value;

/// Which passthrough a proxy tool uses.
#[derive(Clone, Copy)]
pub enum Backend {
    Docker,
    Kubernetes,
}

impl Backend {
    pub fn segment(self) -> &'static str {
        match self {
            Backend::Docker => "docker",
            Backend::Kubernetes => "kubernetes",
        }
    }
}

/// One request to an environment's Docker or Kubernetes API through
/// Portainer; `path` is checked to stay inside the passthrough.
pub async fn passthrough(
    http: &Http,
    backend: Backend,
    env: u64,
    method: Method,
    path: &str,
    query: &[(String, String)],
    body: Option<(Value, &str)>,
) -> Result<Exchange, ToolError> {
    let req = request(http, backend, env, method, path, query, body)?;
    http.send(req).await
}

/// Sends `req` and reads its answer until `limit` passes or `bytes` arrive,
/// keeping what came (a command's output, a pull's progress). The bounds
/// are set here, right before the send, because they apply to the next
/// body read. None: not even the headers came in time (marked as cut by
/// time, like a read that ran out).
pub async fn send_bounded(
    http: &Http,
    mut req: reqwest::Request,
    limit: std::time::Duration,
    bytes: usize,
) -> Result<Option<Exchange>, ToolError> {
    use super::record::ReadCut;
    let started = tokio::time::Instant::now();
    if let Some(r) = http.record() {
        r.set_read_bounds(started + limit, bytes);
    }
    // Past the client's own timeout: the deadline above ends the read.
    *req.timeout_mut() = Some(limit + std::time::Duration::from_secs(10));
    match http.send(req).await {
        Ok(x) => Ok(Some(x)),
        Err(ToolError::Transport(_)) if started.elapsed() >= limit => {
            if let Some(r) = http.record() {
                r.mark_read_cut(ReadCut::Time);
            }
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The request `passthrough` sends, for a caller that adds a header (the
/// Kubernetes table view asks for it by `Accept`).
pub fn request(
    http: &Http,
    backend: Backend,
    env: u64,
    method: Method,
    path: &str,
    query: &[(String, String)],
    body: Option<(Value, &str)>,
) -> Result<reqwest::Request, ToolError> {
    let mut url = url_of(http, backend, env, path)?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query.iter());
    }
    let mut req = http.client().request(method, url);
    if let Some((b, content_type)) = body {
        req = req
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(b.to_string());
    }
    req.build()
        .map_err(|e| ToolError::BadArguments(format!("cannot build the request: {e}")))
}

/// The URL of a passthrough path, checked to stay inside it.
fn url_of(http: &Http, backend: Backend, env: u64, path: &str) -> Result<url::Url, ToolError> {
    let path = check_path(path)?;
    let root = http.api_root().as_str().trim_end_matches('/');
    let prefix = format!("{root}/endpoints/{env}/{}/", backend.segment());
    let url = url::Url::parse(&format!("{prefix}{path}"))
        .map_err(|e| ToolError::BadArguments(format!("path: not a valid URL path: {e}")))?;
    // After the URL parser's own normalisation the request must still sit
    // inside this environment's passthrough.
    if !url.as_str().starts_with(&prefix) {
        return Err(ToolError::BadArguments(
            "path: leaves the passthrough".into(),
        ));
    }
    Ok(url)
}

/// Whether the HTTP layer's guard would let this request through; for
/// tools that must know before their first write that a later one will
/// not be refused (a manifest applied in parts).
pub async fn check_allowed(
    http: &Http,
    backend: Backend,
    env: u64,
    method: &Method,
    path: &str,
    body: Option<(&[u8], &str)>,
) -> Result<(), ToolError> {
    let url = url_of(http, backend, env, path)?;
    http.admit(method, &url).await.map_err(ToolError::Refused)?;
    // What the body would deploy, judged by the content rules too.
    if let Some((bytes, content_type)) = body {
        http.admit_content_of(method, &url, Some(content_type), Some(bytes))
            .await
            .map_err(ToolError::Refused)?;
    }
    Ok(())
}

/// Whether `id` is spelled like a Docker object's id or name (letters,
/// digits, `-`, `_`, `.`), so that it stays one segment of a path.
pub fn is_docker_name(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Accepts a path relative to the passthrough root; a leading '/' is taken
/// as that root. Refuses anything that could point elsewhere.
pub fn check_path(path: &str) -> Result<String, ToolError> {
    let bad = |why: &str| Err(ToolError::BadArguments(format!("path `{path}`: {why}")));
    if path.starts_with("//") || path.contains("://") {
        return bad("must be a relative path, not a URL");
    }
    let rel = path.trim_start_matches('/');
    if rel.is_empty() {
        return bad("is empty");
    }
    if rel
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() || c == '\\')
    {
        return bad("contains whitespace, control characters or backslashes");
    }
    if rel.contains('?') || rel.contains('#') {
        return bad("put query parameters in `query`, not in the path");
    }
    let lower = rel.to_ascii_lowercase();
    if ["%2e", "%2f", "%5c"].iter().any(|enc| lower.contains(enc)) {
        return bad("contains an encoded '.', '/' or '\\'");
    }
    if rel.split('/').any(|seg| seg == ".." || seg == ".") {
        return bad("contains '.' or '..' segments");
    }
    if rel.split('/').next().is_some_and(|s| s.contains(':')) {
        return bad("must be a relative path, not a URL");
    }
    Ok(rel.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_paths() {
        assert_eq!(check_path("containers/json").unwrap(), "containers/json");
        assert_eq!(
            check_path("/v1.41/containers/abc/json").unwrap(),
            "v1.41/containers/abc/json"
        );
        assert_eq!(
            check_path("images/registry.local:5000/app:1.2/json").unwrap(),
            "images/registry.local:5000/app:1.2/json"
        );
        assert_eq!(
            check_path("api/v1/namespaces/default/pods").unwrap(),
            "api/v1/namespaces/default/pods"
        );
    }

    #[test]
    fn refuses_escapes() {
        for p in [
            "../../users",
            "containers/../../../users",
            "./x",
            "%2e%2e/users",
            "containers%2F..%2Fusers",
            "http://evil.example/x",
            "//evil.example/x",
            "javascript:alert(1)",
            "containers/json?all=1",
            "a\\..\\b",
            "a b",
            "",
            "/",
        ] {
            assert!(check_path(p).is_err(), "{p} should be refused");
        }
    }
}
