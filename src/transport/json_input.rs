//! A first look at each JSON-RPC message a transport receives, before rmcp
//! parses it: rmcp drops a message it cannot parse without an answer, and
//! serde_json refuses nesting past 128 levels, so such messages are
//! answered here with JSON-RPC's parse error instead.

/// serde_json's own recursion limit.
pub const MAX_DEPTH: usize = 128;

/// Why a message is not handed to rmcp, and the JSON-RPC error it gets.
#[derive(Debug)]
pub struct Refused {
    /// -32700 for what is not JSON, -32600 for what is over a limit.
    pub code: i64,
    pub message: String,
}

impl Refused {
    /// A message over a size limit (`where_`: "a stdio line", "an HTTP body").
    pub fn too_large(size: usize, limit: usize, where_: &str) -> Refused {
        Refused {
            code: -32600,
            message: format!(
                "the message is {size} bytes, over the {} MiB limit of {where_}: nothing of it was run; \
                 split the work into smaller calls (kubernetes_apply: a few documents per call; \
                 stack files and manifests above a few MiB: from git with stack_create_git)",
                limit >> 20
            ),
        }
    }

    /// The answer under `id`; a tool call's arguments are its params.
    pub fn answer(&self, id: serde_json::Value, method: Option<&str>) -> serde_json::Value {
        let code = if self.code == -32600
            && method == Some("tools/call")
            && self.message.contains("nested")
        {
            -32602
        } else {
            self.code
        };
        error(id, code, &self.message)
    }
}

/// Ok when `bytes` is one JSON value rmcp can parse; else why not.
pub fn check(bytes: &[u8]) -> Result<(), Refused> {
    let depth = crate::shaping::nesting::nesting(bytes);
    if depth > MAX_DEPTH {
        return Err(Refused {
            code: -32600,
            message: format!(
                "the message is nested {depth} levels deep; the limit is {MAX_DEPTH}: nothing of it was run; \
                 flatten the arguments (a manifest or a stack file goes as YAML text, not as nested JSON)"
            ),
        });
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
        .map(|_| ())
        .map_err(|e| Refused {
            code: -32700,
            message: format!("parse error: {e}"),
        })
}

/// The JSON-RPC answer to a message that could not be parsed.
pub fn parse_error(message: &str) -> serde_json::Value {
    error(serde_json::Value::Null, -32700, message)
}

/// A JSON-RPC error answer under `id`.
pub fn error(id: serde_json::Value, code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

/// What a message that is too big or too deep to parse says of itself:
/// its top-level `id` and `method`, read without parsing the rest, so that
/// the answer goes to the request that waits for it. Fed in pieces (a
/// stdio line or an HTTP body may be far larger than what is kept), in
/// memory that does not grow with the message.
#[derive(Default)]
pub struct Envelope {
    depth: usize,
    in_string: bool,
    escaped: bool,
    /// At depth 1: the next string is a key.
    expect_key: bool,
    /// The key being read (bounded: only `id` and `method` matter).
    key: Option<Vec<u8>>,
    /// The member whose value follows the next `:`.
    pending: Option<Member>,
    capture: Option<Capture>,
    id: Option<serde_json::Value>,
    method: Option<String>,
    /// Bytes fed.
    pub size: usize,
}

#[derive(Clone, Copy, PartialEq)]
enum Member {
    Id,
    Method,
}

/// The value of `id` or `method` being read.
struct Capture {
    member: Member,
    /// None until its first byte; then whether it is a string.
    string: Option<bool>,
    raw: Vec<u8>,
}

/// The longest id or method read.
const MAX_MEMBER: usize = 256;

impl Envelope {
    pub fn feed(&mut self, bytes: &[u8]) {
        self.size += bytes.len();
        for &b in bytes {
            self.byte(b);
        }
    }

    fn byte(&mut self, b: u8) {
        if self.capture_byte(b) {
            return;
        }
        if self.in_string {
            if self.escaped {
                self.escaped = false;
            } else if b == b'\\' {
                self.escaped = true;
            } else if b == b'"' {
                self.in_string = false;
                if let Some(k) = self.key.take() {
                    self.pending = match k.as_slice() {
                        b"id" => Some(Member::Id),
                        b"method" => Some(Member::Method),
                        _ => None,
                    };
                }
                return;
            }
            if let Some(k) = &mut self.key {
                k.truncate(8);
                k.push(b);
            }
            return;
        }
        match b {
            b'"' => {
                self.in_string = true;
                if self.depth == 1 && self.expect_key {
                    self.key = Some(vec![]);
                    self.expect_key = false;
                }
            }
            b'{' | b'[' => {
                self.depth += 1;
                if self.depth == 1 {
                    self.expect_key = b == b'{';
                }
            }
            b'}' | b']' => self.depth = self.depth.saturating_sub(1),
            b',' if self.depth == 1 => {
                self.expect_key = true;
                self.pending = None;
            }
            b':' if self.depth == 1 => {
                if let Some(member) = self.pending.take() {
                    self.capture = Some(Capture {
                        member,
                        string: None,
                        raw: vec![],
                    });
                }
            }
            _ => {}
        }
    }

    /// A byte of a value being captured; false when the byte is for the
    /// rest of the scanner (the value ended before it, or is not one).
    fn capture_byte(&mut self, b: u8) -> bool {
        let Some(c) = &mut self.capture else {
            return false;
        };
        match c.string {
            None if b.is_ascii_whitespace() => true,
            None if b == b'{' || b == b'[' => {
                self.capture = None; // an id is never an object or a list
                false
            }
            None => {
                c.string = Some(b == b'"');
                c.raw.push(b);
                self.in_string = b == b'"';
                true
            }
            Some(true) => {
                if c.raw.len() <= MAX_MEMBER {
                    c.raw.push(b);
                }
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == b'"' {
                    self.in_string = false;
                    self.finish();
                }
                true
            }
            Some(false) if matches!(b, b',' | b'}' | b']') || b.is_ascii_whitespace() => {
                self.finish();
                false
            }
            Some(false) => {
                if c.raw.len() <= MAX_MEMBER {
                    c.raw.push(b);
                }
                true
            }
        }
    }

    fn finish(&mut self) {
        let Some(c) = self.capture.take() else { return };
        if c.raw.len() > MAX_MEMBER {
            return;
        }
        match (
            c.member,
            serde_json::from_slice::<serde_json::Value>(&c.raw),
        ) {
            (Member::Id, Ok(v @ (serde_json::Value::String(_) | serde_json::Value::Number(_)))) => {
                self.id = Some(v)
            }
            (Member::Method, Ok(serde_json::Value::String(m))) => self.method = Some(m),
            _ => {}
        }
    }

    /// The request's id; None for a notification or an id not read.
    pub fn id(&self) -> Option<&serde_json::Value> {
        self.id.as_ref()
    }

    pub fn method(&self) -> Option<&str> {
        self.method.as_deref()
    }

    /// Reads a whole message at once.
    pub fn of(bytes: &[u8]) -> Envelope {
        let mut e = Envelope::default();
        e.feed(bytes);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shaping::nesting::nesting;

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

    #[test]
    fn the_envelope_of_what_cannot_be_parsed() {
        let deep = format!(
            r#"{{"jsonrpc":"2.0","method":"tools/call","params":{{"arguments":{}1{}}},"id":"a\"b"}}"#,
            "[".repeat(500),
            "]".repeat(500)
        );
        let e = Envelope::of(deep.as_bytes());
        assert_eq!(e.id(), Some(&serde_json::json!("a\"b")));
        assert_eq!(e.method(), Some("tools/call"));
        // In pieces, the id first, a number; a key named id below the top
        // level does not count.
        let mut e = Envelope::default();
        for part in [
            &b"{ \"id\" : 4"[..],
            b"2, \"params\": {\"id\": 7, \"x\": \"",
            b"]}\"}, \"method\":\"ping\"}",
        ] {
            e.feed(part);
        }
        assert_eq!(e.id(), Some(&serde_json::json!(42)));
        assert_eq!(e.method(), Some("ping"));
        assert_eq!(
            Envelope::of(br#"{"method":"notifications/x","params":{"id":3}}"#).id(),
            None
        );
        assert_eq!(Envelope::of(br#"{"id":null,"method":"x"}"#).id(), None);
        assert_eq!(Envelope::of(br#"{"id":{"a":1},"method":"x"}"#).id(), None);
    }
}
