//! docker_image_pull: pull an image onto a Docker environment through
//! Portainer, with the credentials of a registry Portainer holds. Portainer's
//! Docker proxy reads `X-Registry-Auth: base64({"registryId": N})` on
//! /images/create and puts that registry's credentials in its place, if the
//! caller may use it; the token never carries the password.

use crate::error::ToolError;
use crate::portainer::passthrough::{request, send_bounded, Backend};
use crate::portainer::record::ReadCut;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use base64::Engine;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

/// Progress read at most: a pull of many large layers writes a few MB.
const READ_BYTES: usize = 32 << 20;

#[derive(Deserialize, JsonSchema)]
pub struct Pull {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. nginx:1.27, ghcr.io/org/app@sha256:...; no tag means latest.
    image: String,
    /// Portainer's id of the registry whose credentials to use (registry_list, or
    /// api_call RegistryList); the image must name that registry's host. None: anonymous.
    #[schemars(range(min = 1))]
    registry_id: Option<u64>,
    /// e.g. linux/arm64; the engine's own when left out.
    platform: Option<String>,
    /// Stop reading after this many seconds (default 300).
    #[serde(default = "default_timeout")]
    #[schemars(range(min = 1, max = 1800))]
    timeout_seconds: u64,
}

fn default_timeout() -> u64 {
    300
}

handler!(DOCKER_IMAGE_PULL, Pull, pull);

async fn pull(call: &Call, a: Pull) -> Result<Value, ToolError> {
    let http = call.http();
    let (from, tag) = split_reference(&a.image)?;
    let mut query = vec![("fromImage".to_string(), from), ("tag".to_string(), tag)];
    if let Some(p) = &a.platform {
        let ok = !p.is_empty()
            && p.len() <= 64
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_-.".contains(c));
        if !ok {
            return Err(ToolError::BadArguments(format!(
                "`platform` `{}` is not os/arch[/variant], e.g. linux/arm64",
                crate::error::cap_text(p.clone(), 40)
            )));
        }
        query.push(("platform".into(), p.clone()));
    }
    let limit = Duration::from_secs(a.timeout_seconds.clamp(1, 1800));
    let mut req = request(
        http,
        Backend::Docker,
        a.environment_id,
        Method::POST,
        "images/create",
        &query,
        None,
    )?;
    if let Some(id) = a.registry_id {
        // The engine pulls from the image's own host whatever credentials
        // come with it: a mismatch would pull something else, anonymously.
        let registry = http
            .portainer_json(Method::GET, &format!("registries/{id}"), None)
            .await?;
        check_host(&a.image, &registry, id)?;
        let header =
            base64::engine::general_purpose::STANDARD.encode(json!({"registryId": id}).to_string());
        req.headers_mut().insert(
            "X-Registry-Auth",
            header
                .parse()
                .map_err(|_| ToolError::Internal("registry header".into()))?,
        );
    }
    // After the registry read above: the bounds hold for the next body.
    let Some(x) = send_bounded(http, req, limit, READ_BYTES).await? else {
        return Ok(json!({"image": a.image, "timed_out": still_pulling(a.timeout_seconds)}));
    };
    if call.held() {
        return Ok(json!({"image": a.image}));
    }
    if !(200..300).contains(&x.status) {
        return x.into_json().map_err(|e| match e {
            ToolError::Upstream { status, message } => ToolError::Upstream {
                status,
                message: format!("pulling {}: {message}", a.image),
            },
            other => other,
        });
    }
    let mut out = progress(&a.image, &x.body)?;
    match call.record().read_cut() {
        Some(ReadCut::Time) => out["timed_out"] = json!(still_pulling(a.timeout_seconds)),
        Some(ReadCut::Size) => {
            out["output_cut"] = json!(format!(
                "stopped reading after {} MiB of progress; the pull may still be running",
                READ_BYTES >> 20
            ))
        }
        None => {}
    }
    Ok(out)
}

fn still_pulling(seconds: u64) -> String {
    format!("stopped reading after {seconds} s; the engine may still be pulling: docker_list kind image shows when it is there")
}

/// The host an image reference pulls from, as the engine reads it.
fn image_host(image: &str) -> &str {
    match image.split_once('/') {
        Some((first, _)) if first.contains(['.', ':']) || first == "localhost" => first,
        _ => "docker.io",
    }
}

fn check_host(image: &str, registry: &Value, id: u64) -> Result<(), ToolError> {
    let url = registry["URL"].as_str().unwrap_or_default();
    let host = url
        .trim_start_matches("https://")
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap_or_default();
    let hub = |h: &str| matches!(h, "docker.io" | "index.docker.io" | "registry-1.docker.io");
    let pulled_from = image_host(image);
    if host.eq_ignore_ascii_case(pulled_from) || (hub(host) && hub(pulled_from)) {
        return Ok(());
    }
    let name = registry["Name"].as_str().unwrap_or_default();
    let hint = if pulled_from == "docker.io" {
        format!("; name it as {host}/{image}")
    } else {
        String::new()
    };
    Err(ToolError::BadArguments(format!(
        "`image` `{image}` is pulled from {pulled_from}, but registry {id} ({name}) is {host}{hint}"
    )))
}

/// fromImage and tag as the docker CLI sends them: an empty tag would pull
/// every tag of the repository.
fn split_reference(image: &str) -> Result<(String, String), ToolError> {
    let bad = image.is_empty()
        || image.len() > 512
        || image
            .chars()
            .any(|c| !(c.is_ascii_alphanumeric() || "/:@._-".contains(c)));
    if bad {
        return Err(ToolError::BadArguments(format!(
            "`image` `{}` is not an image reference such as nginx:1.27 or ghcr.io/org/app@sha256:…",
            crate::error::cap_text(image.to_string(), 80)
        )));
    }
    if let Some((name, digest)) = image.split_once('@') {
        return Ok((name.to_string(), digest.to_string()));
    }
    // A colon after the last slash is a tag; before it, a registry port.
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => {
            let name = &image[..image.len() - tag.len() - 1];
            Ok((name.to_string(), tag.to_string()))
        }
        None => Ok((image.to_string(), "latest".to_string())),
    }
}

/// Docker answers a pull with 200 and a stream of JSON progress lines; a
/// failure is a line with `error`, so the status alone says nothing.
fn progress(image: &str, body: &[u8]) -> Result<Value, ToolError> {
    let text = String::from_utf8_lossy(body);
    let (mut status, mut digest, mut layers) = (None, None, std::collections::BTreeSet::new());
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(v) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if let Some(e) = v["error"].as_str().or(v["errorDetail"]["message"].as_str()) {
            return Err(ToolError::Upstream {
                status: 200,
                message: format!("pulling {image}, the engine reported: {e}"),
            });
        }
        if let Some(id) = v["id"].as_str() {
            if v["status"] == "Pull complete" || v["status"] == "Already exists" {
                layers.insert(id.to_string());
            }
        }
        if let Some(s) = v["status"].as_str() {
            if let Some(d) = s.strip_prefix("Digest: ") {
                digest = Some(d.to_string());
            }
            if s.starts_with("Status: ") || v["id"].is_null() {
                status = Some(s.to_string());
            }
        }
    }
    let mut out = json!({"image": image, "layers": layers.len()});
    if let Some(s) = status {
        out["status"] = json!(s);
    }
    if let Some(d) = digest {
        out["digest"] = json!(d);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_split_as_the_cli_does() {
        let s = |i: &str| split_reference(i).ok().unwrap();
        assert_eq!(s("nginx"), ("nginx".into(), "latest".into()));
        assert_eq!(s("nginx:1.27"), ("nginx".into(), "1.27".into()));
        assert_eq!(
            s("registry.local:5000/team/app"),
            ("registry.local:5000/team/app".into(), "latest".into())
        );
        assert_eq!(
            s("registry.local:5000/team/app:v2"),
            ("registry.local:5000/team/app".into(), "v2".into())
        );
        assert_eq!(
            s("ghcr.io/org/app@sha256:abc"),
            ("ghcr.io/org/app".into(), "sha256:abc".into())
        );
        for bad in ["", "nginx latest", "a&b=c", &"x".repeat(600)] {
            let e = split_reference(bad).err().unwrap().to_string();
            assert!(e.contains("`image`"), "{e}");
        }
    }

    #[test]
    fn the_image_must_come_from_the_registry_named() {
        let reg = json!({"Name": "internal", "URL": "registry.example.com:5000"});
        assert!(check_host("registry.example.com:5000/team/app:v2", &reg, 1).is_ok());
        let e = check_host("team/app:v2", &reg, 1)
            .err()
            .unwrap()
            .to_string();
        assert!(
            e.contains("pulled from docker.io")
                && e.contains("registry.example.com:5000/team/app:v2"),
            "{e}"
        );
        let e = check_host("ghcr.io/team/app", &reg, 1)
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("pulled from ghcr.io"), "{e}");
        let hub = json!({"Name": "hub", "URL": "docker.io"});
        assert!(check_host("library/nginx:1.27", &hub, 2).is_ok());
        assert!(check_host("nginx", &hub, 2).is_ok());
    }

    #[test]
    fn progress_is_summed_up_and_errors_found() {
        let body = br#"{"status":"Pulling from library/nginx","id":"1.27"}
{"status":"Pulling fs layer","progressDetail":{},"id":"a1"}
{"status":"Downloading","progressDetail":{"current":5,"total":9},"progress":"[==>  ]","id":"a1"}
{"status":"Pull complete","progressDetail":{},"id":"a1"}
{"status":"Already exists","progressDetail":{},"id":"b2"}
{"status":"Digest: sha256:feed"}
{"status":"Status: Downloaded newer image for nginx:1.27"}
"#;
        let out = progress("nginx:1.27", body).ok().unwrap();
        assert_eq!(
            out,
            json!({"image": "nginx:1.27", "layers": 2, "digest": "sha256:feed",
                   "status": "Status: Downloaded newer image for nginx:1.27"})
        );
        let body = br#"{"status":"Pulling from team/app","id":"v2"}
{"errorDetail":{"message":"unauthorized: authentication required"},"error":"unauthorized: authentication required"}
"#;
        let e = progress("team/app:v2", body).err().unwrap().to_string();
        assert!(e.contains("unauthorized: authentication required"), "{e}");
    }
}
