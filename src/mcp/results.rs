//! How a result reads to the caller: text (a log, a file) as text content,
//! everything else as structured content; a failed call as capped,
//! redacted text (also for the audit log).

use crate::error::{cap_text, ToolError, MAX_ERROR_CHARS};
use serde_json::Value;

/// A result that is one text, `{"result": "..."}` with at most the shaping
/// notes (`_truncated`, `_redacted`) beside it: the text as the first
/// block, each note after it as `[note] ...`. None for anything else.
pub fn as_text(v: &Value) -> Option<Vec<String>> {
    let text = crate::shaping::text_result(v)?;
    let mut blocks = vec![text.to_string()];
    for (k, note) in v.as_object()?.iter().filter(|(k, _)| k.starts_with('_')) {
        let note = note
            .as_str()
            .map_or_else(|| note.to_string(), str::to_string);
        blocks.push(format!("[{}] {note}", k.trim_start_matches('_')));
    }
    Some(blocks)
}

/// An error as the caller sees it: secrets hidden, cut to the cap.
pub fn error_text(e: &ToolError) -> String {
    let mut text = e.to_string();
    crate::shaping::redact::redact_text(&mut text);
    cap_text(text, MAX_ERROR_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::upstream;

    #[test]
    fn one_text_reads_as_text_and_objects_stay_structured() {
        use serde_json::json;
        let log = json!({"result": "a\nb\n", "_truncated": "cut"});
        assert_eq!(as_text(&log).unwrap(), ["a\nb\n", "[truncated] cut"]);
        assert!(as_text(&json!({"result": "x", "kind": "Pod"})).is_none());
        assert!(as_text(&json!({"result": 5})).is_none());
        assert!(as_text(&json!({"items": []})).is_none());
    }

    #[test]
    fn error_texts_are_capped_and_redacted() {
        let huge = upstream(500, "x".repeat(2_000_000));
        let text = error_text(&huge);
        assert!(text.chars().count() <= MAX_ERROR_CHARS, "{}", text.len());
        assert!(
            text.ends_with("more characters]"),
            "{}",
            &text[text.len() - 60..]
        );
        let bad = ToolError::BadArguments(format!(
            "no container {} (url postgres://u:pw@db)",
            "i".repeat(1_000_000)
        ));
        let text = error_text(&bad);
        assert!(text.chars().count() <= MAX_ERROR_CHARS);
        let leaky =
            ToolError::Transport("cannot reach https://admin:hunter2@portainer:9443/api".into());
        assert!(!error_text(&leaky).contains("hunter2"));
    }
}
