//! --require-change-ref: every write names the change it belongs to (a
//! ticket id matching a pattern) in a `change_ref` argument, checked before
//! anything is sent and kept in the audit record.

use crate::error::ToolError;
use serde_json::{json, Value};

/// The argument every write tool takes when change references are required.
pub const CHANGE_REF: &str = "change_ref";
/// A ticket key such as CHG-1234 or OPS-42 (Jira, ServiceNow).
pub const DEFAULT_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_]*-[0-9]+$";

#[derive(Debug)]
pub struct ChangeRef {
    pattern: regex::Regex,
}

impl ChangeRef {
    pub fn new(pattern: &str) -> Result<ChangeRef, String> {
        let pattern = regex::Regex::new(pattern)
            .map_err(|e| format!("--change-ref-pattern: not a regular expression: {e}"))?;
        Ok(ChangeRef { pattern })
    }

    /// The reference a call gives, if it is one.
    pub fn check(&self, given: Option<&Value>) -> Result<String, ToolError> {
        let want = || format!("a change reference matching {}", self.pattern.as_str());
        match given {
            None | Some(Value::Null) => Err(ToolError::BadArguments(format!(
                "`{CHANGE_REF}` is required for every write here: {}",
                want()
            ))),
            Some(Value::String(s)) if s.len() <= 200 && self.pattern.is_match(s) => Ok(s.clone()),
            Some(other) => Err(ToolError::BadArguments(format!(
                "`{CHANGE_REF}`: {} is not {}",
                crate::error::cap_text(other.to_string(), 80),
                want()
            ))),
        }
    }

    /// The argument as tools/list shows it.
    pub fn schema(&self) -> Value {
        json!({"type": "string", "description": format!("Change ticket ({})", self.pattern.as_str())})
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_match_the_pattern() {
        let c = ChangeRef::new(DEFAULT_PATTERN).unwrap();
        assert_eq!(c.check(Some(&json!("CHG-1234"))).unwrap(), "CHG-1234");
        for bad in [json!("fix it"), json!(7), json!(""), json!("CHG-12; rm")] {
            let e = c.check(Some(&bad)).unwrap_err().to_string();
            assert!(
                e.contains("change_ref") && e.contains("CHG") == bad.to_string().contains("CHG"),
                "{e}"
            );
        }
        assert!(c.check(None).unwrap_err().to_string().contains("required"));
        assert!(ChangeRef::new("(").is_err());
    }
}
