//! Helm values, checked by the keys charts commonly use. A chart's own
//! defaults are not seen, so only what the values set is judged: no
//! finding for a limit or a user they leave out.

use super::finding::{image_issue, is_docker_socket, Check, Finding, MAX_FINDINGS};
use serde_json::Value;

const DOC: &str = "Helm values";
/// Values nest; this deep is read.
const MAX_DEPTH: usize = 64;

pub fn check(text: &str, out: &mut Vec<Finding>) {
    for doc in super::finding::yaml_documents(text, DOC, out) {
        walk(&doc, "", None, 0, out);
    }
}

fn walk(v: &Value, at: &str, parent: Option<&str>, depth: usize, out: &mut Vec<Finding>) {
    if depth > MAX_DEPTH || out.len() > MAX_FINDINGS {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let path = if at.is_empty() {
                    k.clone()
                } else {
                    format!("{at}.{k}")
                };
                key(k, child, &path, parent, out);
                walk(child, &path, Some(k), depth + 1, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                walk(child, &format!("{at}[{i}]"), parent, depth + 1, out);
            }
        }
        _ => {}
    }
}

fn key(k: &str, v: &Value, path: &str, parent: Option<&str>, out: &mut Vec<Finding>) {
    let mut found = |check: Check, what: String| out.push(Finding::new(check, DOC, path, what));
    match (k, v) {
        ("privileged", Value::Bool(true)) => found(Check::Privileged, "runs privileged".into()),
        ("hostNetwork" | "hostPID" | "hostIPC", Value::Bool(true)) => {
            found(Check::HostNamespaces, format!("{k}: true"))
        }
        ("hostPath", _) => {
            let p = v.as_str().or(v["path"].as_str()).unwrap_or_default();
            if is_docker_socket(p) {
                found(Check::DockerSocket, format!("mounts the Docker socket {p}"));
            } else if !p.is_empty() {
                found(Check::HostPath, format!("mounts the host path {p}"));
            }
        }
        ("add", Value::Array(caps)) if parent == Some("capabilities") && !caps.is_empty() => {
            let caps: Vec<String> = caps
                .iter()
                .map(|c| c.as_str().unwrap_or("?").to_string())
                .collect();
            found(
                Check::Capabilities,
                format!("adds capabilities {}", caps.join(", ")),
            )
        }
        ("runAsUser", v) if v.as_i64() == Some(0) => found(Check::RootUser, "runs as uid 0".into()),
        ("runAsNonRoot", Value::Bool(false)) => {
            found(Check::RootUser, "runAsNonRoot: false".into())
        }
        ("tag", Value::String(t)) if t == "latest" => {
            found(Check::ImageTag, "image tag latest".into())
        }
        ("image", Value::String(i)) if i.contains(':') || i.contains('/') => {
            if let Some(issue) = image_issue(i) {
                found(Check::ImageTag, issue);
            }
        }
        _ => {}
    }
}
