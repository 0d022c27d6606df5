//! What a stack update would change, shown before it is made (a held
//! stack_update): the compose file as a unified diff against the deployed
//! one, the variables set and removed (names only), and the services
//! compose would recreate, with what changed in each.

use serde_json::{json, Map, Value};

/// Lines of context around each change in the file's diff.
const CONTEXT: usize = 3;

/// The diff of `deployed` and `next` (compose files) with the variable
/// changes `env` (stack_env's summary: set, removed).
pub fn diff(deployed: &str, next: &str, env: &Value) -> Value {
    // Both files as stack_file_get shows them, secrets hidden by their
    // place in the file: a diff line is a file's line out of its context,
    // where a free-text reading would miss what the structure tells.
    let (old, new) = (hidden(deployed), hidden(next));
    let file = if deployed == next {
        Value::Null
    } else if old == new {
        json!("(only hidden values changed)")
    } else {
        let text = similar::TextDiff::from_lines(&old, &new)
            .unified_diff()
            .context_radius(CONTEXT)
            .header("deployed", "update")
            .to_string();
        json!(text)
    };
    let changed: Vec<&str> = ["set", "removed"]
        .iter()
        .flat_map(|k| env[*k].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    json!({"file": file, "env": env, "services": services(deployed, next, &changed)})
}

fn hidden(text: &str) -> String {
    let mut v = json!({"StackFileContent": text});
    crate::shaping::redact::redact(&mut v);
    v["StackFileContent"].as_str().unwrap_or(text).to_string()
}

fn services_of(text: &str) -> Option<Map<String, Value>> {
    let doc: Value = serde_yaml_ng::from_str(text).ok()?;
    doc.get("services")?.as_object().cloned()
}

/// Whether a service's definition refers to the variable `name`.
fn refers_to(service: &Value, name: &str) -> bool {
    let text = service.to_string();
    text.contains(&format!("${{{name}}}"))
        || text.contains(&format!("${{{name}:"))
        || text.contains(&format!("${{{name}-"))
        || text.match_indices(&format!("${name}")).any(|(i, m)| {
            !text[i + m.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Services added, removed, and recreated (with the keys that changed,
/// and `env:NAME` for a changed variable the service refers to).
fn services(deployed: &str, next: &str, env_changed: &[&str]) -> Value {
    let (Some(before), Some(after)) = (services_of(deployed), services_of(next)) else {
        return json!({"note": "a file is not a compose file with `services`: no per-service comparison"});
    };
    let mut recreated = Map::new();
    for (name, new) in &after {
        let Some(old) = before.get(name) else {
            continue;
        };
        let mut why: Vec<String> = vec![];
        let keys = old
            .as_object()
            .into_iter()
            .chain(new.as_object())
            .flat_map(|o| o.keys());
        for key in keys {
            if old.get(key) != new.get(key) && !why.contains(key) {
                why.push(key.clone());
            }
        }
        for var in env_changed {
            if refers_to(new, var) {
                why.push(format!("env:{var}"));
            }
        }
        if !why.is_empty() {
            recreated.insert(name.clone(), json!(why));
        }
    }
    let only = |a: &Map<String, Value>, b: &Map<String, Value>| -> Vec<String> {
        a.keys().filter(|k| !b.contains_key(*k)).cloned().collect()
    };
    json!({"added": only(&after, &before), "removed": only(&before, &after), "recreated": recreated})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_what_changes_and_why() {
        let deployed = "services:\n  web:\n    image: nginx:1.26\n    environment:\n      - KEY=${API_KEY}\n  cache:\n    image: redis:7\n  old:\n    image: busybox\n";
        let next = "services:\n  web:\n    image: nginx:1.27\n    environment:\n      - KEY=${API_KEY}\n  cache:\n    image: redis:7\n  new:\n    image: busybox\n";
        let d = diff(deployed, next, &json!({"set": ["API_KEY"], "removed": []}));
        let file = d["file"].as_str().unwrap();
        assert!(
            file.contains("-    image: nginx:1.26\n+    image: nginx:1.27"),
            "{file}"
        );
        assert!(file.starts_with("--- deployed\n+++ update\n"), "{file}");
        assert_eq!(
            d["services"]["recreated"]["web"],
            json!(["image", "env:API_KEY"])
        );
        assert!(d["services"]["recreated"].get("cache").is_none());
        assert_eq!(d["services"]["added"], json!(["new"]));
        assert_eq!(d["services"]["removed"], json!(["old"]));
        // Only the variable changed: the services using it are recreated.
        let d = diff(deployed, deployed, &json!({"set": ["API_KEY"]}));
        assert_eq!(d["file"], Value::Null);
        assert_eq!(d["services"]["recreated"], json!({"web": ["env:API_KEY"]}));
        assert!(!refers_to(&json!("$API_KEYS"), "API_KEY"));
        // A value the file's structure marks secret is hidden in the diff,
        // whatever its name says to free text.
        let a = "services:\n  web:\n    image: a\n    environment:\n      - SENTRY_DSN=https://3f9c@o1.ingest.sentry.io/5\n";
        let b = "services:\n  web:\n    image: b\n    environment:\n      - SENTRY_DSN=https://3f9c@o1.ingest.sentry.io/5\n";
        let d = diff(a, b, &json!({}));
        assert!(!d["file"].as_str().unwrap().contains("3f9c"), "{d}");
        let c = "services:\n  web:\n    image: a\n    environment:\n      - SENTRY_DSN=https://new@o1.ingest.sentry.io/5\n";
        assert_eq!(
            diff(a, c, &json!({}))["file"],
            "(only hidden values changed)"
        );
        assert!(refers_to(&json!("x $API_KEY y"), "API_KEY"));
    }
}
