//! A compose file's services, checked.

use super::finding::{
    image_issue, is_docker_socket, is_root, is_true, listed, Check, Finding, MAX_FINDINGS,
};
use serde_json::Value;

const DOC: &str = "compose file";

pub fn check(text: &str, env: &[(String, String)], out: &mut Vec<Finding>) {
    let text = interpolate(text, env);
    for doc in super::finding::yaml_documents(&text, DOC, out) {
        let Some(services) = doc.get("services").and_then(Value::as_object) else {
            continue;
        };
        for (name, s) in services {
            if out.len() > MAX_FINDINGS {
                return;
            }
            service(&format!("services.{name}"), s, out);
        }
    }
}

/// The file as compose reads it after substituting variables: `$$` is a
/// dollar, `${X}` and `$X` take the stack's variable (empty when unset, as
/// compose does), `${X:-d}` / `${X-d}` a default, `${X:+a}` / `${X+a}` an
/// alternative; `${X:?e}` is taken as set. Portainer passes the stack's
/// Env to compose as its environment.
pub fn interpolate(text: &str, env: &[(String, String)]) -> String {
    if !text.contains('$') {
        return text.to_string();
    }
    let get = |k: &str| {
        env.iter()
            .rev()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.as_str())
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let Some(end) = inner.find('}') else {
                out.push('$');
                rest = after;
                continue;
            };
            let expr = &inner[..end];
            let name_len = expr
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(expr.len());
            let (name, op) = expr.split_at(name_len);
            let value = get(name);
            let set = value.is_some_and(|v| !v.is_empty());
            let got = match op.get(..2).unwrap_or(op) {
                ":-" => {
                    if set {
                        value.unwrap_or_default()
                    } else {
                        &op[2..]
                    }
                }
                ":+" => {
                    if set {
                        &op[2..]
                    } else {
                        ""
                    }
                }
                _ if op.starts_with('-') => value.unwrap_or(&op[1..]),
                _ if op.starts_with('+') => {
                    if value.is_some() {
                        &op[1..]
                    } else {
                        ""
                    }
                }
                _ => value.unwrap_or_default(),
            };
            out.push_str(got);
            rest = &inner[end + 1..];
        } else {
            let name_len = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            if name_len == 0 {
                out.push('$');
            } else {
                out.push_str(get(&after[..name_len]).unwrap_or_default());
            }
            rest = &after[name_len..];
        }
    }
    out.push_str(rest);
    out
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
    // A limit of 0 (or "0") is none.
    let set = |v: Option<&Value>| {
        v.is_some_and(|v| match v {
            Value::Null => false,
            Value::Number(n) => n.as_f64().is_some_and(|n| n > 0.0),
            Value::String(s) => !s.trim().is_empty() && s.trim() != "0",
            _ => true,
        })
    };
    let limited = set(s.get("mem_limit")) || set(s.pointer("/deploy/resources/limits/memory"));
    if !limited {
        found(
            Check::MemoryLimit,
            "",
            "no memory limit (mem_limit or deploy.resources.limits.memory)".into(),
        );
    }
    match s.get("user").map(|u| match u {
        Value::String(x) => x.trim().to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }) {
        None => found(
            Check::RootUser,
            "",
            "no user: runs as the image's user, root unless the image says otherwise".into(),
        ),
        Some(u) if u.is_empty() => found(
            Check::RootUser,
            "user",
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
