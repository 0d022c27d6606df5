//! Secret redaction, on by default in every mode (--show-secrets lifts it).
//! A secret's value is replaced by `<redacted>` and nothing else changes:
//! keys, names, quotes, separators, variable references and the rest of a
//! file or command line keep every byte.
//!
//! - `rules`: what is secret by its place (secret-named keys, variables,
//!   Kubernetes Secret data, Swarm secret data, command lines, documents);
//! - `json`: those rules over a result; `tree` over a document found in a
//!   string (`yaml`, `json_text` parse it, keeping each value's place);
//! - `scalar`: one string by its rule; `text` free text; `shell` command
//!   lines; `value` where a value after a separator ends; `spans` replaces
//!   the values and keeps variable references.

mod flags;
mod json;
mod json_text;
mod names;
mod rules;
mod scalar;
mod shell;
mod spans;
mod text;
mod tree;
mod value;
mod yaml;

pub use names::{is_secret_key, MARKER};
use serde_json::Value;

/// Redacts a result in place; returns how many values were hidden.
pub fn redact(v: &mut Value) -> usize {
    json::walk(v, rules::Rule::Walk)
}

/// Redacts free text (an error message, a log line, a path); returns how
/// many values were hidden. A text that is a JSON or YAML document is read
/// by its structure.
pub fn redact_text(s: &mut String) -> usize {
    let found = scalar::spans(rules::Rule::Walk, s);
    spans::apply(s, found)
}

/// Whether redaction reads `text` as a YAML document by its structure
/// (rather than as free text, when it is not YAML it can parse): only then
/// does a redacted file stay YAML with the same keys (the fuzz target
/// holds it to that).
pub fn reads_as_yaml(text: &str) -> bool {
    yaml::parse(text).is_some_and(|d| scalar::is_structured(&d))
}

/// The keys of a YAML text as redaction's parser reads them, depth first
/// (None when it does not read it as YAML). Parsers differ on exotic
/// syntax; the fuzz target compares key lists only where they agree.
pub fn yaml_keys(text: &str) -> Option<Vec<String>> {
    let doc = yaml::parse(text)?;
    let mut out = vec![];
    fn walk(doc: &tree::Doc, n: usize, out: &mut Vec<String>, depth: usize) {
        if depth > tree::MAX_DEPTH {
            return;
        }
        match &doc.nodes[n] {
            tree::Node::Map(entries) => {
                for (k, child) in entries {
                    out.push(k.clone());
                    walk(doc, *child, out, depth + 1);
                }
            }
            tree::Node::Seq(items) => items.iter().for_each(|i| walk(doc, *i, out, depth + 1)),
            _ => {}
        }
    }
    for &r in &doc.roots {
        walk(&doc, r, &mut out, 0);
    }
    Some(out)
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

#[cfg(test)]
mod tests;
