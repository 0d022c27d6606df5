//! A YAML text (compose file, manifest, Helm values; several documents)
//! as a `Doc`: saphyr's event parser gives each scalar's place in the
//! source, which is all that hiding a value needs.

use super::tree::{Doc, Node, Scalar, Source, MAX_DEPTH};
use saphyr_parser::{Event, Parser, ScalarStyle};

enum Frame {
    Map {
        node: usize,
        entries: Vec<(String, usize)>,
        key: Option<String>,
    },
    Seq {
        node: usize,
        items: Vec<usize>,
    },
}

/// The document, or None when the text is not YAML (or uses what the
/// rules cannot read: complex keys, nesting past the limit).
pub fn parse(text: &str) -> Option<Doc> {
    let bytes = ByteOffsets::new(text);
    let mut doc = Doc::default();
    let mut stack: Vec<Frame> = vec![];
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        let (start, end) = (bytes.at(span.start.index()), bytes.at(span.end.index()));
        match event {
            Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                if expects_key(&stack) || stack.len() >= MAX_DEPTH {
                    return None;
                }
                let node = doc.nodes.len();
                doc.nodes.push(Node::Other);
                if anchor > 0 {
                    doc.anchors.insert(anchor, node);
                }
                attach(&mut doc, &mut stack, node);
                stack.push(match event {
                    Event::MappingStart(..) => Frame::Map {
                        node,
                        entries: vec![],
                        key: None,
                    },
                    _ => Frame::Seq {
                        node,
                        items: vec![],
                    },
                });
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop()? {
                Frame::Map { node, entries, .. } => doc.nodes[node] = Node::Map(entries),
                Frame::Seq { node, items } => doc.nodes[node] = Node::Seq(items),
            },
            Event::Scalar(value, style, anchor, _) => {
                if let Some(Frame::Map { key: k @ None, .. }) = stack.last_mut() {
                    *k = Some(value.into_owned());
                    continue;
                }
                let at = source(text, start, end, style, &value);
                let node = doc.nodes.len();
                doc.nodes.push(Node::Str(Scalar {
                    value: value.into_owned(),
                    at,
                }));
                if anchor > 0 {
                    doc.anchors.insert(anchor, node);
                }
                attach(&mut doc, &mut stack, node);
            }
            Event::Alias(id) => {
                if let Some(Frame::Map { key: k @ None, .. }) = stack.last_mut() {
                    *k = Some(String::new());
                    continue;
                }
                let node = doc.nodes.len();
                doc.nodes.push(Node::Alias(id));
                attach(&mut doc, &mut stack, node);
            }
            _ => {}
        }
    }
    stack.is_empty().then_some(doc)
}

fn expects_key(stack: &[Frame]) -> bool {
    matches!(stack.last(), Some(Frame::Map { key: None, .. }))
}

fn attach(doc: &mut Doc, stack: &mut [Frame], node: usize) {
    match stack.last_mut() {
        Some(Frame::Map { entries, key, .. }) => {
            entries.push((key.take().unwrap_or_default(), node))
        }
        Some(Frame::Seq { items, .. }) => items.push(node),
        None => doc.roots.push(node),
    }
}

/// Where a scalar's value lies, from its span (which may start with an
/// anchor or a tag).
fn source(text: &str, start: usize, end: usize, style: ScalarStyle, value: &str) -> Source {
    let mut cs = start;
    // Node properties: `&anchor`, `!tag`, each followed by white space.
    loop {
        let rest = &text[cs..end];
        let trimmed = rest.trim_start();
        if !(trimmed.starts_with('&') || trimmed.starts_with('!')) {
            cs += rest.len() - trimmed.len();
            break;
        }
        let word = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
        cs += rest.len() - trimmed.len() + word;
    }
    let raw = &text[cs..end];
    match style {
        ScalarStyle::Plain => {
            if raw == value {
                Source::Exact(cs)
            } else {
                whole(text, cs, end)
            }
        }
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            // Between the quotes, found in the text: the parser's span may
            // run past the closing quote (trailing white space).
            let close = closing_quote(text, cs, end).unwrap_or(end.saturating_sub(1));
            let inner = (cs + 1, close.max(cs + 1));
            if text.get(inner.0..inner.1) == Some(value) {
                Source::Exact(inner.0)
            } else {
                // White space inside quotes is the value's own.
                Source::Whole(inner.0, inner.1)
            }
        }
        ScalarStyle::Literal | ScalarStyle::Folded => {
            // The span may start at the header (`|`, `>-`) or at the text.
            let body = if raw.starts_with(['|', '>']) {
                raw.find('\n').map_or(end, |i| cs + i + 1)
            } else {
                cs
            };
            let mapped = match style {
                ScalarStyle::Literal => literal(text, body, end, value),
                _ => None,
            };
            mapped.unwrap_or_else(|| whole(text, body, end))
        }
    }
}

/// The closing quote of the quoted scalar opening at `open`, before `end`:
/// `''` inside single quotes and `\x` inside double quotes are escapes.
fn closing_quote(text: &str, open: usize, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let q = *bytes.get(open)?;
    if q != b'\'' && q != b'"' {
        return None;
    }
    let mut i = open + 1;
    while i < end.min(bytes.len()) {
        match bytes[i] {
            b'\\' if q == b'"' => i += 2,
            b'\'' if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == q => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// A range of the source, its surrounding white space left out.
fn whole(text: &str, a: usize, b: usize) -> Source {
    let part = &text[a..b];
    let lead = part.len() - part.trim_start().len();
    let trail = part.len() - part.trim_end().len();
    Source::Whole(a + lead, (b - trail).max(a + lead))
}

/// A literal block: each value line is a source line less the block's
/// indentation; what chomping adds at the end maps to the end.
fn literal(text: &str, body: usize, end: usize, value: &str) -> Option<Source> {
    let line_start = text[..body].rfind('\n').map_or(0, |i| i + 1);
    let first_col = body - line_start;
    let src = &text[body..end];
    let indent = if first_col > 0 {
        first_col
    } else {
        src.lines()
            .find(|l| !l.trim().is_empty())
            .map(|l| l.len() - l.trim_start_matches(' ').len())?
    };
    let mut table = Vec::with_capacity(value.len() + 1);
    let mut v = value.bytes();
    let mut at = body;
    for (n, line) in src.split_inclusive('\n').enumerate() {
        let lead = line.len() - line.trim_start_matches(' ').len();
        let skip = if n == 0 && first_col > 0 {
            0
        } else {
            lead.min(indent)
        };
        for (i, c) in line.bytes().enumerate().skip(skip) {
            match v.next() {
                Some(x) if x == c => table.push(at + i),
                _ => return None,
            }
        }
        at += line.len();
    }
    for x in v {
        if x != b'\n' {
            return None;
        }
        table.push(end);
    }
    table.push(end);
    Some(Source::Table(table))
}

/// Character index → byte offset (saphyr counts characters).
struct ByteOffsets(Option<Vec<usize>>);

impl ByteOffsets {
    fn new(text: &str) -> Self {
        if text.is_ascii() {
            return ByteOffsets(None);
        }
        let mut t: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        t.push(text.len());
        ByteOffsets(Some(t))
    }

    fn at(&self, chars: usize) -> usize {
        match &self.0 {
            None => chars,
            Some(t) => t[chars.min(t.len() - 1)],
        }
    }
}
