//! Start-up check: which Portainer is this? Its version and edition decide
//! which API description's tools are served (tools/target.rs); a token it
//! refuses stops the start.

use super::connected::ServerInfo;
use super::exchange::text_message;
use crate::error::ToolError;
use crate::portainer::http::Http;

/// Reads a version answer: `ServerVersion`/`ServerEdition` from
/// /system/version, `Version` (and `Edition`, if any) from /system/status.
pub fn read_info(v: &serde_json::Value) -> Option<ServerInfo> {
    let text = |keys: [&str; 2]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(|s| s.as_str()))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    };
    Some(ServerInfo {
        version: text(["ServerVersion", "Version"])?,
        edition: text(["ServerEdition", "Edition"]).map(|e| e.to_ascii_uppercase()),
    })
}

/// GET /api/system/version (which needs the token, so it proves the token too).
/// Without a server token (HTTP mode) it reads the public /api/system/status.
/// Ok(None): Portainer could not say (unreachable, or no readable version).
pub async fn run(http: &Http, has_token: bool) -> Result<Option<ServerInfo>, String> {
    let route = if has_token {
        "system/version"
    } else {
        "system/status"
    };
    let x = match http.portainer_get(route).await {
        Ok(x) => x,
        Err(ToolError::Transport(e)) => {
            tracing::warn!(
                "version check skipped: {e}; tools will report errors until Portainer answers"
            );
            return Ok(None);
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
        return Ok(None);
    }
    let v: serde_json::Value = serde_json::from_slice(&x.body).unwrap_or_default();
    let info = read_info(&v);
    match &info {
        Some(i) => http.set_connected(i),
        None => tracing::warn!("Portainer's version answer names no version; serving every tool"),
    }
    Ok(info)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_both_version_routes() {
        let v = json!({"ServerVersion": "2.39.0", "ServerEdition": "CE"});
        assert_eq!(read_info(&v).unwrap().to_string(), "2.39.0 CE",);
        let s = json!({"Version": "2.45.3", "InstanceID": "x"});
        assert_eq!(
            read_info(&s).unwrap(),
            ServerInfo {
                version: "2.45.3".into(),
                edition: None
            }
        );
        assert_eq!(read_info(&json!({"ServerVersion": " "})), None);
    }
}
