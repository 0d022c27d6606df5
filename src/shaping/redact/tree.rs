//! A document found inside a string (YAML, JSON), parsed to the shape the
//! rules read, each scalar keeping where it lies in the source, so that
//! hiding a value replaces those bytes of the source and nothing else.

use super::rules::{self, Facts, Rule};
use super::shell;
use super::spans::Span;
use std::collections::HashMap;

#[derive(Default)]
pub struct Doc {
    pub nodes: Vec<Node>,
    /// The documents of a YAML stream; one for JSON.
    pub roots: Vec<usize>,
    /// YAML anchor id → the node it names.
    pub anchors: HashMap<usize, usize>,
}

pub enum Node {
    Map(Vec<(String, usize)>),
    Seq(Vec<usize>),
    Str(Scalar),
    /// A JSON number, boolean or null: kept, as in results.
    Other,
    /// A YAML alias (`*name`), read where it is used.
    Alias(usize),
}

pub struct Scalar {
    pub value: String,
    pub at: Source,
}

/// Where a scalar's value lies in the source.
pub enum Source {
    /// The value is the source's bytes from this offset.
    Exact(usize),
    /// Value byte i came from source byte `t[i]`; `t[len]` is the end.
    Table(Vec<usize>),
    /// Not mappable byte by byte (folded, escaped): hiding any part hides
    /// this whole range of the source.
    Whole(usize, usize),
}

impl Source {
    fn map(&self, spans: &[Span], out: &mut Vec<Span>) {
        if spans.is_empty() {
            return;
        }
        match self {
            Source::Exact(at) => out.extend(spans.iter().map(|(a, b)| (at + a, at + b))),
            Source::Table(t) => out.extend(spans.iter().map(|(a, b)| (t[*a], t[*b]))),
            Source::Whole(a, b) => out.push((*a, *b)),
        }
    }
}

/// Node visits a document may cost (aliases can multiply them).
const VISITS: usize = 200_000;
/// The deepest nesting read.
pub const MAX_DEPTH: usize = 128;

/// The walk ran out of its budget: read the source as free text instead.
pub struct Exhausted;

/// How a scalar's value is read, given its rule (from scalar.rs).
pub type ScalarSpans<'a> = &'a mut dyn FnMut(Rule, &str) -> Vec<Span>;

/// The source spans of every secret value of the document.
pub fn spans(doc: &Doc, scalar: ScalarSpans<'_>) -> Result<Vec<Span>, Exhausted> {
    let mut w = Walker {
        doc,
        scalar,
        visits: VISITS,
        out: vec![],
    };
    for &root in &doc.roots {
        w.walk(root, Rule::Walk, 0)?;
    }
    Ok(w.out)
}

struct Walker<'a, 'b> {
    doc: &'a Doc,
    scalar: ScalarSpans<'b>,
    visits: usize,
    out: Vec<Span>,
}

impl Walker<'_, '_> {
    fn resolve(&self, mut n: usize) -> Option<usize> {
        // An alias names a node defined before it; a chain is short.
        for _ in 0..8 {
            match self.doc.nodes.get(n)? {
                Node::Alias(id) => n = *self.doc.anchors.get(id)?,
                _ => return Some(n),
            }
        }
        None
    }

    fn walk(&mut self, n: usize, rule: Rule, depth: usize) -> Result<(), Exhausted> {
        self.visits = self.visits.checked_sub(1).ok_or(Exhausted)?;
        if depth > MAX_DEPTH {
            return Err(Exhausted);
        }
        let Some(n) = self.resolve(n) else {
            return Ok(());
        };
        match &self.doc.nodes[n] {
            Node::Map(entries) => {
                let facts = self.facts(entries);
                for (key, child) in entries {
                    // A merge key's map is read as part of this one.
                    let r = if key == "<<" {
                        rule
                    } else {
                        rules::child(rule, key, facts)
                    };
                    self.walk(*child, r, depth + 1)?;
                }
            }
            Node::Seq(items) if rule == Rule::Command => self.argv(items, depth)?,
            Node::Seq(items) => {
                for &i in items {
                    self.walk(i, rules::item(rule), depth + 1)?;
                }
            }
            Node::Str(s) => {
                let found = (self.scalar)(rule, &s.value);
                s.at.map(&found, &mut self.out);
            }
            Node::Other | Node::Alias(_) => {}
        }
        Ok(())
    }

    fn facts(&self, entries: &[(String, usize)]) -> Facts {
        let text = |k: &str| {
            entries
                .iter()
                .find(|(key, _)| key == k)
                .and_then(|(_, n)| self.resolve(*n))
                .and_then(|n| match &self.doc.nodes[n] {
                    Node::Str(s) => Some(s.value.as_str()),
                    _ => None,
                })
        };
        Facts::of(text("kind"), text("name"))
    }

    /// A command's words, read together (a flag names its next word).
    fn argv(&mut self, items: &[usize], depth: usize) -> Result<(), Exhausted> {
        let mut words = vec![];
        for &i in items {
            match self.resolve(i).map(|n| &self.doc.nodes[n]) {
                Some(Node::Str(s)) => words.push(s),
                _ => self.walk(i, rules::item(Rule::Command), depth + 1)?,
            }
        }
        let texts: Vec<&str> = words.iter().map(|s| s.value.as_str()).collect();
        for (s, found) in words.iter().zip(shell::argv(&texts)) {
            s.at.map(&found, &mut self.out);
        }
        Ok(())
    }
}
