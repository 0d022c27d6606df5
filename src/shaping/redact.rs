//! Secret redaction, on by default in every mode (--show-secrets lifts it).
//! Type-preserving: strings become a marker, numbers and booleans (flags
//! such as `PasswordSet`) stay, maps keep their keys.

use super::redact_text;
use serde_json::Value;

pub use super::secret_names::{is_secret_key, MARKER};

/// Keys whose values are command lines (or their words): Docker's top
/// (`ps e` appends the environment), Cmd/Entrypoint/Args, exec inspect.
const COMMAND_KEYS: [&str; 8] = [
    "Processes",
    "Cmd",
    "Entrypoint",
    "Args",
    "Command",
    "command",
    "args",
    "arguments",
];

/// Redacts in place; returns how many values were hidden.
pub fn redact(v: &mut Value) -> usize {
    match v {
        Value::Object(obj) => {
            let mut n = 0;
            let kind = obj.get("kind").and_then(Value::as_str);
            let secret_kind = kind == Some("Secret");
            let secret_list = kind == Some("SecretList");
            for (k, child) in obj.iter_mut() {
                let secret_data = secret_kind && matches!(k.as_str(), "data" | "stringData");
                n += if is_secret_key(k) || secret_data {
                    redact_all(child)
                } else if secret_list && k == "items" {
                    redact_secret_items(child)
                } else if matches!(k.as_str(), "Env" | "env") {
                    redact_env(child) + redact(child)
                } else if k == "annotations" {
                    redact_annotations(child) + redact(child)
                } else if COMMAND_KEYS.contains(&k.as_str()) {
                    redact_command(child)
                } else if k == "Spec" {
                    redact_swarm_data(child) + redact(child)
                } else {
                    redact(child)
                };
            }
            n
        }
        Value::Array(items) => items.iter_mut().map(redact).sum(),
        Value::String(s) => redact_text::redact_text(s),
        _ => 0,
    }
}

/// Every string below a command key, read as a command line.
fn redact_command(v: &mut Value) -> usize {
    match v {
        Value::String(s) => redact_text::redact_command_line(s),
        Value::Array(a) => a.iter_mut().map(redact_command).sum(),
        Value::Object(_) => redact(v),
        _ => 0,
    }
}

/// A Swarm secret's or config's `Spec.Data` (base64 of the whole file).
fn redact_swarm_data(v: &mut Value) -> usize {
    match v.get_mut("Data") {
        Some(d @ Value::String(_)) => redact_all(d),
        _ => 0,
    }
}

/// Tool arguments as the audit log keeps them: secrets by name (password,
/// token...) and every environment variable value hidden.
pub fn redact_arguments(v: &mut Value) {
    if let Value::Object(o) = v {
        if let Some(env) = o.get_mut("env") {
            if env.is_object() {
                redact_all(env);
            }
        }
    }
    redact(v);
}

/// How many hidden values a (shaped) result still shows.
pub fn count_marked(v: &Value) -> usize {
    match v {
        Value::String(s) => s.matches(MARKER).count(),
        Value::Array(a) => a.iter().map(count_marked).sum(),
        Value::Object(o) => o.values().map(count_marked).sum(),
        _ => 0,
    }
}

/// Every string below `v`.
fn redact_all(v: &mut Value) -> usize {
    match v {
        Value::String(s) if !s.is_empty() && s != MARKER => {
            *s = MARKER.to_string();
            1
        }
        Value::Object(o) => o.values_mut().map(redact_all).sum(),
        Value::Array(a) => a.iter_mut().map(redact_all).sum(),
        _ => 0,
    }
}

/// Items of a SecretList carry no `kind` of their own.
fn redact_secret_items(v: &mut Value) -> usize {
    let Value::Array(items) = v else {
        return redact(v);
    };
    items
        .iter_mut()
        .map(|item| {
            let mut n = 0;
            if let Value::Object(o) = item {
                for k in ["data", "stringData"] {
                    if let Some(d) = o.get_mut(k) {
                        n += redact_all(d);
                    }
                }
            }
            n + redact(item)
        })
        .sum()
}

/// Environment variables: Docker's ["KEY=value"], Portainer's
/// [{"name": .., "value": ..}] and Kubernetes' [{"name": .., "value": ..}].
/// Names stay visible; values are hidden, but for a few harmless names.
fn redact_env(v: &mut Value) -> usize {
    let Value::Array(items) = v else { return 0 };
    let mut n = 0;
    for item in items {
        match item {
            Value::String(s) => {
                if let Some((name, value)) = s.split_once('=') {
                    if !value.is_empty() && value != MARKER && !redact_text::is_harmless_env(name) {
                        *s = format!("{name}={MARKER}");
                        n += 1;
                    }
                }
            }
            Value::Object(o) => {
                let harmless = o
                    .get("name")
                    .and_then(Value::as_str)
                    .is_some_and(redact_text::is_harmless_env);
                if let Some(val @ Value::String(_)) = o.get_mut("value") {
                    if !harmless {
                        n += redact_all(val);
                    }
                }
            }
            _ => {}
        }
    }
    n
}

/// kubectl keeps the whole applied object, secrets included, here.
fn redact_annotations(v: &mut Value) -> usize {
    let Value::Object(o) = v else { return 0 };
    match o.get_mut("kubectl.kubernetes.io/last-applied-configuration") {
        Some(a) => redact_all(a),
        None => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn hides_secrets_keeps_shape() {
        let mut v = json!({
            "Name": "registry", "Password": "hunter2", "Authentication": true, "PasswordSet": true,
            "AccessToken": "tok", "TLSConfig": {"TLSKey": "/data/tls/key.pem"},
            "Env": [{"name": "DB_PASSWORD", "value": "s3cret"}, {"name": "EMPTY", "value": ""}],
            "Config": {"Env": ["PATH=/usr/bin", "API_KEY=abc123", "FLAG"]},
            "Gitlab": {"Credentials": {"Username": "u", "Password": "p"}}
        });
        let n = redact(&mut v);
        let text = v.to_string();
        for s in ["hunter2", "tok", "key.pem", "s3cret", "abc123", "\"p\""] {
            assert!(!text.contains(s), "{s} leaked: {text}");
        }
        assert_eq!(v["Authentication"], true);
        assert_eq!(v["PasswordSet"], true);
        assert_eq!(v["Env"][0]["name"], "DB_PASSWORD");
        assert_eq!(
            v["Config"]["Env"][0], "PATH=/usr/bin",
            "harmless names stay"
        );
        assert_eq!(v["Config"]["Env"][1], "API_KEY=<redacted>");
        assert_eq!(v["Config"]["Env"][2], "FLAG");
        assert_eq!(v["Name"], "registry");
        assert!(n >= 7, "{n}");
    }

    #[test]
    fn kubernetes_secrets() {
        let mut one = json!({"kind": "Secret", "metadata": {"name": "db", "annotations": {
            "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"pw\":\"aHVudGVyMg==\"}}"}},
            "data": {"pw": "aHVudGVyMg=="}, "stringData": {"user": "admin"}});
        redact(&mut one);
        assert!(!one.to_string().contains("aHVudGVyMg=="));
        assert_eq!(one["data"]["pw"], MARKER);
        assert_eq!(one["metadata"]["name"], "db");
        let mut list = json!({"kind": "SecretList", "items": [{"metadata": {"name": "a"}, "data": {"k": "dmFs"}}]});
        redact(&mut list);
        assert_eq!(list["items"][0]["data"]["k"], MARKER);
        // A ConfigMap's data is not secret.
        let mut cm = json!({"kind": "ConfigMap", "data": {"k": "v"}});
        redact(&mut cm);
        assert_eq!(cm["data"]["k"], "v");
    }
}
