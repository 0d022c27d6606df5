//! Value spans: byte ranges of a text that hold a secret's value. Applying
//! them replaces each range by the marker and leaves every other byte as it
//! was. Variable references (`$VAR`, `${VAR}`) inside a value are names,
//! not secrets: they stay, and only the literal parts around them (and a
//! `${VAR:-default}`'s default) are hidden.

use super::names::MARKER;

/// `[start, end)` in bytes.
pub type Span = (usize, usize);

/// Replaces the spans of `s` by the marker; overlapping or touching spans
/// merge. Returns how many values were hidden.
pub fn apply(s: &mut String, mut spans: Vec<Span>) -> usize {
    spans.retain(|&(a, b)| a < b && b <= s.len() && &s.as_bytes()[a..b] != MARKER.as_bytes());
    if spans.is_empty() {
        return 0;
    }
    spans.sort_unstable();
    let merged = merge(spans);
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for &(a, b) in &merged {
        // Spans come from ASCII delimiters; a stray one inside a character
        // is widened to the character's bounds rather than split it.
        let a = floor_char(s, a.max(at));
        let b = ceil_char(s, b);
        out.push_str(&s[at..a]);
        out.push_str(MARKER);
        at = b;
    }
    out.push_str(&s[at..]);
    *s = out;
    merged.len()
}

/// Sorted spans, overlapping or touching ones joined.
pub fn merge(spans: Vec<Span>) -> Vec<Span> {
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(s: &str, mut i: usize) -> usize {
    while i < s.len() && !s.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The spans that hide the value `s[a..b]`: all of it, or, when it holds
/// variable references, its literal parts and the references' defaults.
/// Nothing for an empty value, a YAML block indicator, a JSON/YAML literal
/// (`null`, `true`, `false`, `~`) or the marker itself.
pub fn value(s: &str, a: usize, b: usize, out: &mut Vec<Span>) {
    let v = &s[a..b];
    if v.is_empty()
        || v == MARKER
        || matches!(
            v,
            "|" | ">" | "|-" | ">-" | "|+" | ">+" | "null" | "true" | "false" | "~"
        )
    {
        return;
    }
    let refs = references(v);
    if refs.is_empty() {
        out.push((a, b));
        return;
    }
    let mut at = 0;
    for r in refs {
        literal(v, a, at, r.start, out);
        if let Some((da, db)) = r.default {
            if da < db {
                out.push((a + da, a + db));
            }
        }
        at = r.end;
    }
    literal(v, a, at, v.len(), out);
}

/// A literal stretch of a templated value, hidden unless it is only
/// whitespace or punctuation between references.
fn literal(v: &str, base: usize, from: usize, to: usize, out: &mut Vec<Span>) {
    let part = &v[from..to];
    if part.bytes().any(|c| c.is_ascii_alphanumeric() || c >= 0x80) {
        out.push((base + from, base + to));
    }
}

/// One `$NAME` or `${...}` inside a value.
#[derive(Debug, PartialEq)]
pub struct Reference {
    pub start: usize,
    pub end: usize,
    /// The default of `${NAME:-default}` / `${NAME-default}` and the
    /// alternative of `${NAME:+alt}`: literal text that may be a secret.
    pub default: Option<Span>,
}

/// The variable references of a value, in order. `$$` is an escaped dollar
/// (compose), not a reference.
pub fn references(v: &str) -> Vec<Reference> {
    let b = v.as_bytes();
    let mut out = vec![];
    let mut i = 0;
    while let Some(off) = memchr::memchr(b'$', &b[i..]) {
        let at = i + off;
        match b.get(at + 1) {
            Some(b'$') => i = at + 2,
            Some(b'{') => {
                let Some(close) = memchr::memchr(b'}', &b[at + 2..]) else {
                    break;
                };
                let end = at + 2 + close + 1;
                let inner = &v[at + 2..end - 1];
                let name_len = inner
                    .bytes()
                    .take_while(|c| *c == b'_' || c.is_ascii_alphanumeric())
                    .count();
                if name_len == 0 {
                    i = at + 1;
                    continue;
                }
                let rest = &inner[name_len..];
                let op = [":-", ":+", "-", "+"]
                    .iter()
                    .find(|op| rest.starts_with(**op));
                let default = op.map(|op| (at + 2 + name_len + op.len(), end - 1));
                out.push(Reference {
                    start: at,
                    end,
                    default,
                });
                i = end;
            }
            Some(c) if *c == b'_' || c.is_ascii_alphabetic() => {
                let len = b[at + 1..]
                    .iter()
                    .take_while(|c| **c == b'_' || c.is_ascii_alphanumeric())
                    .count();
                out.push(Reference {
                    start: at,
                    end: at + 1 + len,
                    default: None,
                });
                i = at + 1 + len;
            }
            _ => i = at + 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hide(v: &str) -> String {
        let mut spans = vec![];
        value(v, 0, v.len(), &mut spans);
        let mut s = v.to_string();
        apply(&mut s, spans);
        s
    }

    #[test]
    fn references_stay_literals_go() {
        assert_eq!(hide("hunter2"), MARKER);
        assert_eq!(hide("${PAYMENT_API_KEY}"), "${PAYMENT_API_KEY}");
        assert_eq!(hide("$DB_PASS"), "$DB_PASS");
        assert_eq!(hide("${PW:-hunter2}"), "${PW:-<redacted>}");
        assert_eq!(hide("${PW:?must be set}"), "${PW:?must be set}");
        assert_eq!(hide("pre${X}"), "<redacted>${X}");
        assert_eq!(hide("${A} ${B}"), "${A} ${B}");
        assert_eq!(hide("pa$$word"), MARKER, "$$ is a literal dollar");
        assert_eq!(hide("null"), "null");
        assert_eq!(hide(""), "");
    }

    #[test]
    fn spans_merge_and_keep_the_rest() {
        let mut s = "a=1 b=2".to_string();
        assert_eq!(apply(&mut s, vec![(6, 7), (2, 3), (2, 3)]), 2);
        assert_eq!(s, "a=<redacted> b=<redacted>");
        let mut s = "é=ü".to_string();
        apply(&mut s, vec![(4, 5)]);
        assert_eq!(s, "é=<redacted>");
    }
}
