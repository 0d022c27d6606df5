//! A first look at each JSON-RPC message a transport receives, before rmcp
//! parses it: rmcp drops a message it cannot parse without an answer, and
//! serde_json refuses nesting past 128 levels, so such messages are
//! answered here with JSON-RPC's parse error instead.

/// serde_json's own recursion limit.
pub const MAX_DEPTH: usize = 128;

/// Ok when `bytes` is one JSON value rmcp can parse; else the message of
/// the parse error to send back.
pub fn check(bytes: &[u8]) -> Result<(), String> {
    let depth = nesting(bytes);
    if depth > MAX_DEPTH {
        return Err(format!(
            "parse error: JSON nested {depth} levels deep; the limit is {MAX_DEPTH}"
        ));
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| format!("parse error: {e}"))
}

/// The deepest nesting of arrays and objects, outside strings.
pub fn nesting(bytes: &[u8]) -> usize {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in bytes {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    deepest
}

/// The JSON-RPC answer to a message that could not be parsed.
pub fn parse_error(message: &str) -> serde_json::Value {
    serde_json::json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700, "message": message}})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_outside_strings_only() {
        assert_eq!(nesting(br#"{"a": [1, {"b": "[[[["}]}"#), 3);
        assert!(check(
            &["[".repeat(10_000), "]".repeat(10_000)]
                .concat()
                .into_bytes()
        )
        .is_err());
        assert!(check(b"{\"jsonrpc\": \"2.0\"}").is_ok());
        assert!(check(b"not json").is_err());
    }
}
