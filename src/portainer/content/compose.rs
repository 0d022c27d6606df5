//! A compose file's services, checked.

use super::finding::{image_issue, is_docker_socket, is_root, is_true, listed, Check, Finding};
use serde_json::Value;

const DOC: &str = "compose file";

pub fn check(text: &str, out: &mut Vec<Finding>) {
    for doc in super::finding::yaml_documents(text, DOC, out) {
        let Some(services) = doc.get("services").and_then(Value::as_object) else {
            continue;
        };
        for (name, s) in services {
            service(&format!("services.{name}"), s, out);
        }
    }
}

fn service(at: &str, s: &Value, out: &mut Vec<Finding>) {
    let mut found = |check: Check, key: &str, what: String| {
        let path = if key.is_empty() {
            at.to_string()
        } else {
            format!("{at}.{key}")
        };
        out.push(Finding::new(check, DOC, &path, what));
    };
    if is_true(s, "privileged") {
        found(Check::Privileged, "privileged", "runs privileged".into());
    }
    for key in ["network_mode", "pid", "ipc", "uts", "userns_mode"] {
        if s.get(key).and_then(Value::as_str) == Some("host") {
            found(Check::HostNamespaces, key, format!("{key}: host"));
        }
    }
    for (i, v) in s
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let Some(source) = bind_source(v) else {
            continue;
        };
        let key = format!("volumes[{i}]");
        if is_docker_socket(&source) {
            found(
                Check::DockerSocket,
                &key,
                format!("mounts the Docker socket {source}"),
            );
        } else {
            found(
                Check::HostPath,
                &key,
                format!("mounts the host path {source}"),
            );
        }
    }
    if let Some(caps) = listed(s, "cap_add") {
        found(
            Check::Capabilities,
            "cap_add",
            format!("adds capabilities {caps}"),
        );
    }
    if let Some(issue) = s.get("image").and_then(Value::as_str).and_then(image_issue) {
        found(Check::ImageTag, "image", issue);
    }
    let limited = s.get("mem_limit").is_some_and(|v| !v.is_null())
        || !s
            .pointer("/deploy/resources/limits/memory")
            .is_none_or(Value::is_null);
    if !limited {
        found(
            Check::MemoryLimit,
            "",
            "no memory limit (mem_limit or deploy.resources.limits.memory)".into(),
        );
    }
    match s.get("user").map(|u| match u {
        Value::String(x) => x.clone(),
        other => other.to_string(),
    }) {
        None => found(
            Check::RootUser,
            "",
            "no user: runs as the image's user, root unless the image says otherwise".into(),
        ),
        Some(u) if is_root(&u) => found(Check::RootUser, "user", format!("runs as {u}")),
        Some(_) => {}
    }
}

/// The host side of a bind mount: the short form `SRC:DST[:MODE]` whose
/// source is a path (not a named volume), or the long form of type bind.
fn bind_source(v: &Value) -> Option<String> {
    match v {
        Value::String(short) => {
            let (src, _) = short.split_once(':')?;
            let path_like = src.starts_with('/')
                || src.starts_with('.')
                || src.starts_with('~')
                || src.starts_with('$');
            path_like.then(|| src.to_string())
        }
        Value::Object(long) => {
            (long.get("type").and_then(Value::as_str) == Some("bind")).then(|| {
                long.get("source")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            })
        }
        _ => None,
    }
}
