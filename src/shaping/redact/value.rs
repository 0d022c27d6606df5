//! Where the value after a separator lies in free text: quoted (at any
//! level of backslash escaping, as JSON inside a shell string is), or one
//! word, or the rest of a YAML-like line. Quotes, separators and what
//! follows the value are never part of it.

use super::spans::{self, Span};

/// How far an unquoted value runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Extent {
    /// One word: `KEY=value`, `--flag value`, `"key": value` in JSON.
    Word,
    /// To the end of the line (a comment cut off): `key: two words` at the
    /// start of a line, `key = value` in an INI file.
    Line,
}

/// Bytes that end an unquoted one-word value: whitespace, shell operators,
/// quotes, and JSON/YAML flow punctuation.
fn ends_word(c: u8) -> bool {
    c.is_ascii_whitespace()
        || matches!(
            c,
            b';' | b'&'
                | b'|'
                | b'<'
                | b'>'
                | b'('
                | b')'
                | b'`'
                | b'"'
                | b'\''
                | b','
                | b'}'
                | b']'
        )
}

/// The value starting at `i` (spaces before it skipped); pushes its spans
/// and returns where scanning may go on.
pub fn after(s: &str, mut i: usize, extent: Extent, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        i += 1;
    }
    if let Some((start, end, resume)) = quoted(b, i) {
        spans::value(s, start, end, out);
        return resume;
    }
    let mut j = i;
    match extent {
        Extent::Word => {
            while j < b.len() && !ends_word(b[j]) && !escaped_quote(b, j) {
                j += reference_len(b, j).unwrap_or(1);
            }
        }
        Extent::Line => {
            while j < b.len() && b[j] != b'\n' && b[j] != b'\r' {
                // ` #` starts a comment in YAML and INI files.
                if b[j] == b'#' && j > i && b[j - 1] == b' ' {
                    break;
                }
                j += 1;
            }
        }
    }
    let mut end = j;
    while end > i && matches!(b[end - 1], b' ' | b'\t') {
        end -= 1;
    }
    spans::value(s, i, end, out);
    j
}

/// A quoted value at `i`: `"v"`, `'v'`, or `\"v\"` / `\\\"v\\\"` (quotes
/// escaped k times). Returns the inside and where scanning goes on. An
/// unclosed quote runs to the end of the line.
fn quoted(b: &[u8], i: usize) -> Option<(usize, usize, usize)> {
    let k = b[i.min(b.len())..]
        .iter()
        .take_while(|c| **c == b'\\')
        .count();
    let q = *b.get(i + k)?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let start = i + k + 1;
    let mut j = start;
    while j < b.len() {
        if b[j] == b'\n' {
            return Some((start, j, j));
        }
        if b[j] == q && backslashes_before(b, j) == k {
            return Some((start, j - k, j + 1));
        }
        // A backslash escapes what follows only at the inner level.
        j += 1;
    }
    Some((start, b.len(), b.len()))
}

/// `${...}` at `j`, on one line: its length, braces included (a word does
/// not end at its `}`).
fn reference_len(b: &[u8], j: usize) -> Option<usize> {
    if b[j] != b'$' || b.get(j + 1) != Some(&b'{') {
        return None;
    }
    let close = b[j + 2..].iter().position(|c| *c == b'}' || *c == b'\n')?;
    (b[j + 2 + close] == b'}').then_some(close + 3)
}

fn backslashes_before(b: &[u8], j: usize) -> usize {
    b[..j].iter().rev().take_while(|c| **c == b'\\').count()
}

/// A backslash run followed by a quote: the end of an escaped string.
fn escaped_quote(b: &[u8], j: usize) -> bool {
    if b[j] != b'\\' {
        return false;
    }
    let run = b[j..].iter().take_while(|c| **c == b'\\').count();
    matches!(b.get(j + run), Some(b'"' | b'\''))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value_of(s: &str, i: usize, extent: Extent) -> Vec<&str> {
        let mut out = vec![];
        after(s, i, extent, &mut out);
        out.iter().map(|(a, b)| &s[*a..*b]).collect()
    }

    #[test]
    fn quoted_at_any_escape_level() {
        assert_eq!(
            value_of(r#" "two words", x"#, 0, Extent::Word),
            ["two words"]
        );
        assert_eq!(
            value_of(r#" \"X-SECRET\"}"; done"#, 0, Extent::Word),
            ["X-SECRET"]
        );
        assert_eq!(value_of(r#"\\\"deep\\\" \"x\""#, 0, Extent::Word), ["deep"]);
        assert_eq!(value_of(r#"'a\'b'"#, 0, Extent::Word), [r"a\'b"]);
    }

    #[test]
    fn unquoted_words_and_lines() {
        assert_eq!(value_of("hunter2; sleep 1", 0, Extent::Word), ["hunter2"]);
        assert_eq!(value_of("pw\\\"}", 0, Extent::Word), ["pw"]);
        assert_eq!(
            value_of("two words # note\nnext", 0, Extent::Line),
            ["two words"]
        );
        assert!(value_of("|\n  block", 0, Extent::Line).is_empty());
        assert_eq!(value_of("${PW}", 0, Extent::Word), Vec::<&str>::new());
    }
}
