//! The value-span property: `out` is `input` with some stretches replaced
//! by the marker, every other byte kept and in order.

use portainer_mcp::shaping::redact::MARKER;

pub fn assert_value_spans_only(input: &str, out: &str) {
    if input.contains(MARKER) {
        return; // the input's own markers make the split ambiguous
    }
    let mut pieces = out.split(MARKER);
    let first = pieces.next().unwrap_or("");
    assert!(input.starts_with(first), "the text before the first value changed");
    let mut at = first.len();
    let rest: Vec<&str> = pieces.collect();
    for (i, piece) in rest.iter().enumerate() {
        // A value is at least one character; the last piece ends the text.
        let from = (at + 1..=input.len())
            .find(|i| input.is_char_boundary(*i))
            .unwrap_or(input.len());
        let found = if i + 1 == rest.len() {
            input.len().checked_sub(piece.len()).filter(|s| *s >= from && input.ends_with(piece))
        } else {
            input.get(from..).and_then(|r| r.find(piece)).map(|p| from + p)
        };
        let Some(p) = found else {
            panic!("`{piece}` (after value {i}) is not in the input after byte {at}");
        };
        at = p + piece.len();
    }
    if rest.is_empty() {
        assert_eq!(input, out, "changed without a marker");
    }
}
