//! Start-up check: is this Portainer the version our spec/ describes?
//! Same major.minor: fine; other minor: a warning; other major: refuse.

use super::exchange::text_message;
use crate::error::ToolError;
use crate::portainer::http::Http;

#[derive(Debug, PartialEq)]
pub enum Verdict {
    Match,
    Warn(String),
    Refuse(String),
}

pub fn compare(server: &str, spec: &str) -> Verdict {
    let parse = |v: &str| -> Option<(u64, u64)> {
        let mut it = v.trim().trim_start_matches('v').split('.');
        Some((
            it.next()?.parse().ok()?,
            it.next()?
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()?,
        ))
    };
    match (parse(server), parse(spec)) {
        (Some((smaj, _)), Some((pmaj, _))) if smaj != pmaj => Verdict::Refuse(format!(
            "Portainer {server} is major version {smaj}, but this server's tools were generated for {spec} \
             (major {pmaj}); refusing to start (use --disable-version-check to override)"
        )),
        (Some((_, smin)), Some((_, pmin))) if smin != pmin => Verdict::Warn(format!(
            "Portainer {server} differs from the API description the tools were generated for ({spec}); \
             some tools may not match"
        )),
        (Some(_), Some(_)) => Verdict::Match,
        _ => Verdict::Warn(format!("cannot read Portainer's version `{server}`; skipping the version check")),
    }
}

/// GET /api/system/version (which needs the token, so it proves the token too).
/// Without a server token (HTTP mode) it reads the public /api/system/status.
pub async fn run(http: &Http, spec_version: &str, has_token: bool) -> Result<(), String> {
    let route = if has_token {
        "/system/version"
    } else {
        "/system/status"
    };
    let url = http.api_root().as_str().trim_end_matches('/').to_string() + route;
    let req = http
        .client()
        .get(&url)
        .build()
        .map_err(|e| format!("cannot build the version request: {e}"))?;
    let x = match http.send(req).await {
        Ok(x) => x,
        Err(ToolError::Transport(e)) => {
            tracing::warn!(
                "version check skipped: {e}; tools will report errors until Portainer answers"
            );
            return Ok(());
        }
        Err(e) => return Err(e.to_string()),
    };
    if x.status == 401 || x.status == 403 {
        return Err(format!(
            "Portainer refused the access token (HTTP {}: {}); check PORTAINER_TOKEN",
            x.status,
            text_message(&x.body)
        ));
    }
    if !(200..300).contains(&x.status) {
        tracing::warn!(
            status = x.status,
            "version check failed: {}",
            text_message(&x.body)
        );
        return Ok(());
    }
    let v: serde_json::Value = serde_json::from_slice(&x.body).unwrap_or_default();
    let server = v
        .get("ServerVersion")
        .or_else(|| v.get("Version"))
        .and_then(|s| s.as_str())
        .unwrap_or("");
    match compare(server, spec_version) {
        Verdict::Match => {
            tracing::info!(server, spec = spec_version, "Portainer version matches");
            Ok(())
        }
        Verdict::Warn(w) => {
            tracing::warn!("{w}");
            Ok(())
        }
        Verdict::Refuse(r) => Err(r),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_major_and_minor() {
        assert_eq!(compare("2.45.1", "2.45.3"), Verdict::Match);
        assert!(matches!(compare("2.39.0", "2.45.3"), Verdict::Warn(_)));
        assert!(matches!(compare("3.0.0", "2.45.3"), Verdict::Refuse(_)));
        assert!(matches!(compare("", "2.45.3"), Verdict::Warn(_)));
        assert_eq!(compare("2.45.0-rc1", "2.45.3"), Verdict::Match);
    }
}
