//! The rules over a result (a JSON value), in place. Strings lose their
//! secret values' bytes only; numbers and booleans (flags such as
//! `PasswordSet`) stay; maps keep their keys.

use super::rules::{self, Facts, Rule};
use super::{scalar, shell, spans};
use serde_json::Value;

/// Hides the secret values below `v`, read under `rule`; returns how many.
pub fn walk(v: &mut Value, rule: Rule) -> usize {
    match v {
        Value::Object(o) => {
            let facts = Facts::of(
                o.get("kind").and_then(Value::as_str),
                o.get("name").and_then(Value::as_str),
            )
            .with_schema(rules::is_schema(
                o.keys().map(String::as_str),
                o.get("type").and_then(Value::as_str),
            ));
            o.iter_mut()
                .map(|(k, child)| walk(child, rules::child(rule, k, facts)))
                .sum()
        }
        Value::Array(items) if rule == Rule::Command => argv(items),
        Value::Array(items) => {
            let r = rules::item(rule);
            items.iter_mut().map(|i| walk(i, r)).sum()
        }
        Value::String(s) => {
            let found = scalar::spans(rule, s);
            spans::apply(s, found)
        }
        _ => 0,
    }
}

/// A command's words, read together: a flag names its next word.
fn argv(items: &mut [Value]) -> usize {
    let words: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
    if words.len() != items.len() {
        return items.iter_mut().map(|i| walk(i, Rule::Walk)).sum();
    }
    let found = shell::argv(&words);
    items
        .iter_mut()
        .zip(found)
        .map(|(v, sp)| match v {
            Value::String(s) => spans::apply(s, sp),
            _ => 0,
        })
        .sum()
}
