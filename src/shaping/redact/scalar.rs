//! The spans of one string, given the rule of its place: all of it, a
//! variable's value, a command line, or free text; a string that holds a
//! JSON or YAML document is read by its structure.

use super::names::is_harmless_env;
use super::rules::Rule;
use super::spans::{self, Span};
use super::{json_text, shell, text, tree, yaml};

/// Documents inside documents are read this deep; deeper ones as text.
const MAX_EMBEDDED: usize = 3;

pub fn spans(rule: Rule, s: &str) -> Vec<Span> {
    spans_at(rule, s, 0)
}

fn spans_at(rule: Rule, s: &str, depth: usize) -> Vec<Span> {
    let mut out = vec![];
    match rule {
        Rule::Hide | Rule::EnvValue => spans::value(s, 0, s.len(), &mut out),
        Rule::Env | Rule::EnvItem => {
            // `NAME=value`: the name stays, and harmless values.
            if let Some(eq) = s.find('=') {
                if !is_harmless_env(&s[..eq]) {
                    spans::value(s, eq + 1, s.len(), &mut out);
                }
            }
        }
        Rule::Command | Rule::Line | Rule::Processes => shell::command_line(s, &mut out),
        Rule::Yaml => return document(s, depth, true),
        Rule::LastApplied => match json_text::parse(s) {
            Some(doc) if names_its_kind(&doc) => {
                let mut read = |rule: Rule, v: &str| spans_at(rule, v, depth + 1);
                if let Ok(found) = tree::spans(&doc, &mut read) {
                    return found;
                }
                spans::value(s, 0, s.len(), &mut out)
            }
            _ => spans::value(s, 0, s.len(), &mut out),
        },
        Rule::Walk | Rule::SecretItems | Rule::SecretItem | Rule::SwarmSpec => {
            return document(s, depth, false)
        }
    }
    out
}

/// A string that may hold a document: by its structure when it parses,
/// else as free text.
fn document(s: &str, depth: usize, yaml_expected: bool) -> Vec<Span> {
    if depth < MAX_EMBEDDED {
        let t = s.trim();
        let doc = if (t.starts_with('{') && t.ends_with('}'))
            || (t.starts_with('[') && t.ends_with(']'))
        {
            json_text::parse(s)
        } else if yaml_expected || looks_like_yaml(s) {
            yaml::parse(s)
        } else {
            None
        };
        // A text that parses as one YAML scalar is text, not a document.
        if let Some(doc) = doc.filter(is_structured) {
            let mut read = |rule: Rule, v: &str| spans_at(rule, v, depth + 1);
            if let Ok(found) = tree::spans(&doc, &mut read) {
                return found;
            }
        }
    }
    let mut out = vec![];
    text::scan(s, &mut out);
    out
}

/// Whether a document's root is a map with a `kind`.
fn names_its_kind(doc: &tree::Doc) -> bool {
    doc.roots.first().is_some_and(|r| match &doc.nodes[*r] {
        tree::Node::Map(entries) => entries.iter().any(|(k, _)| k == "kind"),
        _ => false,
    })
}

/// Whether every document of a text is a map or a list.
pub fn is_structured(doc: &tree::Doc) -> bool {
    !doc.roots.is_empty()
        && doc
            .roots
            .iter()
            .all(|r| matches!(doc.nodes[*r], tree::Node::Map(_) | tree::Node::Seq(_)))
}

/// A text of several lines that starts like a manifest or compose file.
fn looks_like_yaml(s: &str) -> bool {
    if !s.contains('\n') {
        return false;
    }
    let starts = [
        "apiVersion:",
        "kind:",
        "services:",
        "version:",
        "---\n",
        "--- ",
    ];
    starts.iter().any(|p| s.starts_with(p))
        || ["\nkind: ", "\nservices:", "\napiVersion: "]
            .iter()
            .any(|p| s.contains(p))
}
