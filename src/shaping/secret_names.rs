//! Which keys name secrets, and the marker that replaces a hidden value;
//! shared by the JSON walk (redact.rs) and the text scanner (redact_text.rs).

pub const MARKER: &str = "<redacted>";

/// Normalised key fragments that mark a value as secret.
const SECRET_WORDS: [&str; 17] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "privatekey",
    "credential",
    "tlskey",
    "sslkey",
    "authenticationkey",
    "accesskey",
    "secretkey",
    "edgekey",
    "jwt",
    "sessionkey",
    "registryauth",
];

/// Whether a key names a secret: its letters and digits, lower-cased,
/// contain one of the words. Runs for every key of every result, so short
/// keys are normalised on the stack.
pub fn is_secret_key(key: &str) -> bool {
    let mut buf = [0u8; 64];
    let mut len = 0;
    for b in key.bytes().filter(u8::is_ascii_alphanumeric) {
        if len == buf.len() {
            let long: Vec<u8> = key
                .bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| b.to_ascii_lowercase())
                .collect();
            return contains_word(&long);
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    contains_word(&buf[..len])
}

fn contains_word(k: &[u8]) -> bool {
    SECRET_WORDS
        .iter()
        .any(|w| k.windows(w.len()).any(|win| win == w.as_bytes()))
}
