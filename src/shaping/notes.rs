//! The notes a shaped result carries about itself.

/// Where a result says that values were hidden.
pub const REDACTED_KEY: &str = "_redacted";

pub fn redaction_note(hidden: usize) -> String {
    let values = if hidden == 1 { "value" } else { "values" };
    format!("{hidden} secret {values} shown as <redacted>; the server's --show-secrets flag reveals them")
}
