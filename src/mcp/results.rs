//! How a failed call reads to the caller (and the audit log).

use crate::error::{cap_text, ToolError, MAX_ERROR_CHARS};

/// An error as the caller sees it: secrets hidden, cut to the cap.
pub fn error_text(e: &ToolError) -> String {
    let mut text = e.to_string();
    crate::shaping::redact_text::redact_text(&mut text);
    cap_text(text, MAX_ERROR_CHARS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::upstream;

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
