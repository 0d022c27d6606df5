//! The error every tool call can end in, and how upstream failures are worded.

#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("unknown tool `{0}`")]
    UnknownTool(String),
    #[error("invalid arguments: {0}")]
    BadArguments(String),
    #[error("refused: {0}")]
    Refused(String),
    #[error("Portainer answered HTTP {status}: {message}")]
    Upstream { status: u16, message: String },
    #[error("{0}")]
    Transport(String),
    #[error("internal error: {0}")]
    Internal(String),
    /// The client cancelled the call; says what had already left.
    #[error("cancelled: {0}")]
    Cancelled(String),
}

impl ToolError {
    /// The same error, its message followed by `note` (what a call had done
    /// before it failed).
    pub fn with_note(self, note: &str) -> ToolError {
        let add = |m: String| format!("{m} ({note})");
        match self {
            ToolError::UnknownTool(m) => ToolError::UnknownTool(add(m)),
            ToolError::BadArguments(m) => ToolError::BadArguments(add(m)),
            ToolError::Refused(m) => ToolError::Refused(add(m)),
            ToolError::Upstream { status, message } => ToolError::Upstream {
                status,
                message: add(message),
            },
            ToolError::Transport(m) => ToolError::Transport(add(m)),
            ToolError::Internal(m) => ToolError::Internal(add(m)),
            ToolError::Cancelled(m) => ToolError::Cancelled(add(m)),
        }
    }
}

/// The most characters of an error text a caller gets (and the audit log
/// keeps): upstream messages can echo megabytes of input.
pub const MAX_ERROR_CHARS: usize = 2_000;

/// `text` cut to at most `max` characters, saying how much was left out.
pub fn cap_text(text: String, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text;
    }
    let keep = max.saturating_sub(40);
    let cut = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    format!("{}… [{} more characters]", &text[..cut], n - keep)
}

/// An upstream failure: the status, its reason and Portainer's message (capped).
pub fn upstream(status: u16, message: String) -> ToolError {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let message = if message.is_empty() {
        "(no message)".to_string()
    } else {
        cap_text(message, MAX_ERROR_CHARS)
    };
    ToolError::Upstream {
        status,
        message: if reason.is_empty() {
            message
        } else {
            format!("{reason}: {message}")
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_status_and_reason() {
        let e = upstream(404, "Unable to find a stack".into()).to_string();
        assert_eq!(
            e,
            "Portainer answered HTTP 404: Not Found: Unable to find a stack"
        );
    }
}
