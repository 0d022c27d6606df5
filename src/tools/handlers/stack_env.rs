//! Stack environment variables. Portainer replaces a stack's whole Env list
//! on update and on git redeploy, so a change that names some variables
//! must be merged into the current list, or the others are lost.

use crate::error::ToolError;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde_json::{json, Map, Value};
use std::borrow::Cow;

/// The `env` argument's type: NAME -> new value, null removes NAME.
pub type EnvChange = Option<std::collections::BTreeMap<String, EnvValue>>;

/// One variable's new value in `env` (its schema; values arrive as JSON).
#[derive(serde::Deserialize)]
#[serde(transparent)]
pub struct EnvValue(pub Value);

impl JsonSchema for EnvValue {
    fn schema_name() -> Cow<'static, str> {
        "EnvValue".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "number", "boolean", "null"]})
    }
}

/// The `env` argument, checked: name -> new value, or null to remove.
pub fn parse_change(arg: EnvChange) -> Result<Map<String, Value>, ToolError> {
    let obj: Map<String, Value> = arg
        .unwrap_or_default()
        .into_iter()
        .map(|(k, v)| (k, v.0))
        .collect();
    for (k, val) in &obj {
        if k.is_empty() || k.contains('=') {
            return Err(ToolError::BadArguments(format!(
                "env: `{k}` is not a variable name"
            )));
        }
        if !(val.is_string() || val.is_null() || val.is_number() || val.is_boolean()) {
            return Err(ToolError::BadArguments(format!(
                "env.{k}: must be a string (or null to remove it)"
            )));
        }
    }
    Ok(obj)
}

/// The list to send and a summary of what changed (names only: values may
/// be secrets).
pub fn merge(current: &Value, change: &Map<String, Value>, replace: bool) -> (Value, Value) {
    let mut out: Vec<Value> = vec![];
    let (mut set, mut removed, mut kept) = (vec![], vec![], 0usize);
    for pair in current.as_array().into_iter().flatten() {
        let Some(name) = pair.get("name").and_then(Value::as_str) else {
            continue;
        };
        match change.get(name) {
            Some(Value::Null) => removed.push(name.to_string()),
            Some(v) => {
                out.push(json!({"name": name, "value": text(v)}));
                set.push(name.to_string());
            }
            None if replace => removed.push(name.to_string()),
            None => {
                out.push(pair.clone());
                kept += 1;
            }
        }
    }
    for (name, v) in change {
        if !v.is_null() && !set.contains(name) {
            out.push(json!({"name": name, "value": text(v)}));
            set.push(name.clone());
        }
    }
    let summary = json!({"set": set, "removed": removed, "unchanged": kept});
    (Value::Array(out), summary)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(v: Value) -> EnvChange {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn naming_some_variables_keeps_the_others() {
        let current = json!([{"name": "A", "value": "1"}, {"name": "B", "value": "2"}, {"name": "C", "value": "3"}]);
        let change = parse_change(given(json!({"B": "20", "C": null, "D": 4}))).unwrap();
        let (env, summary) = merge(&current, &change, false);
        assert_eq!(
            env,
            json!([{"name": "A", "value": "1"}, {"name": "B", "value": "20"}, {"name": "D", "value": "4"}])
        );
        assert_eq!(
            summary,
            json!({"set": ["B", "D"], "removed": ["C"], "unchanged": 1})
        );
        let (env, _) = merge(&current, &change, true);
        assert_eq!(
            env,
            json!([{"name": "B", "value": "20"}, {"name": "D", "value": "4"}])
        );
        let (env, _) = merge(&current, &Map::new(), false);
        assert_eq!(env, current);
        assert!(serde_json::from_value::<EnvChange>(json!(["A=1"])).is_err());
        assert!(parse_change(given(json!({"A": {"x": 1}}))).is_err());
        assert!(parse_change(given(json!({"A=B": "1"}))).is_err());
    }
}
