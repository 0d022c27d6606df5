//! Which names mark a value as secret (keys, flags, variables), and which
//! environment variables are harmless enough to show.

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::sync::LazyLock;

pub const MARKER: &str = "<redacted>";

/// Fragments of a normalised name (letters and digits, lower case) that
/// make it secret.
const SECRET_WORDS: [&str; 18] = [
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
    "accountkey",
    "secretkey",
    "edgekey",
    "jwt",
    "sessionkey",
    "registryauth",
];

/// Endings that make a secret-sounding name about a secret rather than the
/// secret itself: `secretName`, `secretKeyRef`, `POSTGRES_PASSWORD_FILE`,
/// `tokenType`, `PasswordSet` (a flag). Their values are names, paths and
/// kinds, shown as they are.
const ABOUT_ENDINGS: [&str; 7] = ["name", "ref", "file", "path", "type", "set", "enabled"];

/// One automaton over all words: it runs for every key of every result.
static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .kind(Some(AhoCorasickKind::DFA))
        .build(SECRET_WORDS)
        .expect("fixed patterns")
});

/// Whether a key names a secret: its letters and digits, lower-cased,
/// contain one of the words (or end in `pwd`, as `MYSQL_PWD`), and it does
/// not end in one of the words that make it a name, path or flag.
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
            return is_secret_normalised(&long);
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    is_secret_normalised(&buf[..len])
}

fn is_secret_normalised(k: &[u8]) -> bool {
    if ABOUT_ENDINGS.iter().any(|e| k.ends_with(e.as_bytes())) {
        return false;
    }
    // `PWD` and `OLDPWD` are directories; `MYSQL_PWD`, `DB_PWD` passwords.
    let pwd = k.len() > 3 && k.ends_with(b"pwd") && k != b"oldpwd";
    pwd || WORDS.is_match(k)
}

/// Whether a key is an HTTP authorization header (`Authorization`,
/// `Proxy-Authorization`): its value is a scheme and then credentials.
pub fn is_authorization(key: &str) -> bool {
    let k = key.trim_start_matches(['"', '\'', '-']);
    k.len() >= 13 && k[k.len() - 13..].eq_ignore_ascii_case("authorization")
}

/// Environment variable names whose values are kept: they say how a process
/// runs and never carry credentials. Everything else is hidden.
const HARMLESS: [&str; 12] = [
    "PATH",
    "HOME",
    "HOSTNAME",
    "TZ",
    "LANG",
    "LANGUAGE",
    "LC_ALL",
    "TERM",
    "USER",
    "PWD",
    "SHLVL",
    "container",
];

pub fn is_harmless_env(name: &str) -> bool {
    HARMLESS.contains(&name)
}

/// A shell variable name: `[A-Za-z_][A-Za-z0-9_]*`.
pub fn is_variable_name(name: &str) -> bool {
    let b = name.as_bytes();
    !b.is_empty()
        && (b[0] == b'_' || b[0].is_ascii_alphabetic())
        && b.iter().all(|c| *c == b'_' || c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_and_names_about_secrets() {
        for k in [
            "Password",
            "DB_PASSWORD",
            "api_key",
            "X-API-Key",
            "ClientSecret",
            "TLSKey",
            "MYSQL_PWD",
            "jwtSecret",
            "AccessToken",
            "storageAccountKey",
            "--db-password",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "Name",
            "secretName",
            "secretKeyRef",
            "POSTGRES_PASSWORD_FILE",
            "tokenType",
            "PasswordSet",
            "PWD",
            "OLDPWD",
            "monkey",
            "Authorization",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
        let long = "x".repeat(100) + "password";
        assert!(is_secret_key(&long));
        assert!(is_authorization("Proxy-Authorization"));
        assert!(is_authorization("\"authorization"));
    }
}
