//! Secrets in free text (logs, command lines, error messages, file
//! contents of unknown form). Only values are hidden: the value of a key
//! that names a secret (`KEY=v`, `key: v`, `"key": "v"`, `--password v`),
//! the password of a URL, the credentials of an `Authorization` header or
//! a `Bearer` token, the body of a PEM private key, a JWT, tokens whose
//! form gives them away (GitHub, GitLab, Slack, Stripe, AWS, Google, npm,
//! Portainer), and the password flags clients document (flags.rs). One
//! pass of one automaton finds every candidate.

use super::flags;
use super::names::{is_authorization, is_secret_key};
use super::spans::{self, Span};
use super::value::{self, Extent};
use aho_corasick::{AhoCorasick, Input, MatchKind};
use std::sync::LazyLock;

#[derive(Clone, Copy)]
enum Hit {
    /// A fragment of a secret name: the key around it decides.
    Key,
    Url,
    Pem,
    Jwt,
    Bearer,
    /// A token prefix, how many token characters must follow, and whether
    /// the prefix is matched in its own case only.
    Token {
        min: usize,
        exact_case: bool,
    },
    /// A client program with documented password flags.
    Program,
}

const PATTERNS: [(&str, Hit); 28] = [
    ("pass", Hit::Key),
    ("secret", Hit::Key),
    ("token", Hit::Key),
    ("key", Hit::Key),
    ("credential", Hit::Key),
    ("jwt", Hit::Key),
    ("auth", Hit::Key),
    ("pwd", Hit::Key),
    ("://", Hit::Url),
    ("-----begin ", Hit::Pem),
    ("eyJ", Hit::Jwt),
    ("bearer ", Hit::Bearer),
    (
        "ghp_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "gho_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "ghu_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "ghs_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "ghr_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "github_pat_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "glpat-",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
    (
        "xoxb-",
        Hit::Token {
            min: 10,
            exact_case: true,
        },
    ),
    (
        "xoxp-",
        Hit::Token {
            min: 10,
            exact_case: true,
        },
    ),
    (
        "xoxa-",
        Hit::Token {
            min: 10,
            exact_case: true,
        },
    ),
    (
        "sk_live_",
        Hit::Token {
            min: 10,
            exact_case: true,
        },
    ),
    (
        "rk_live_",
        Hit::Token {
            min: 10,
            exact_case: true,
        },
    ),
    (
        "AKIA",
        Hit::Token {
            min: 16,
            exact_case: true,
        },
    ),
    (
        "AIza",
        Hit::Token {
            min: 30,
            exact_case: true,
        },
    ),
    (
        "npm_",
        Hit::Token {
            min: 30,
            exact_case: true,
        },
    ),
    (
        "ptr_",
        Hit::Token {
            min: 20,
            exact_case: true,
        },
    ),
];

/// Every pattern: the fixed ones, then the program names, longest first
/// (`mysqldump` before `mysql`).
static ALL: LazyLock<Vec<(&'static str, Hit)>> = LazyLock::new(|| {
    let mut programs: Vec<&str> = flags::names().collect();
    programs.sort_by_key(|p| std::cmp::Reverse(p.len()));
    PATTERNS
        .iter()
        .copied()
        .chain(programs.into_iter().map(|p| (p, Hit::Program)))
        .collect()
});

/// A DFA: built once (at the first redaction, not at start-up), then the
/// fastest search per byte.
static FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostFirst)
        .kind(Some(aho_corasick::AhoCorasickKind::DFA))
        .build(ALL.iter().map(|(p, _)| p))
        .expect("fixed patterns")
});

/// Whether `s` can hold anything `scan_plain` finds: every finding needs a
/// separator (`=`, `:`, white space, `-`, `_`, `.`), but for the AWS and
/// Google keys, which start `AKIA`/`AIza` and are 20 characters or more.
/// Most strings of a result (ids, states, names) have none, and skip the
/// automaton.
fn may_hold_secret(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter()
        .any(|c| matches!(c, b'=' | b':' | b' ' | b'\t' | b'\n' | b'-' | b'_' | b'.'))
        || (b.len() >= 20
            && (memchr::memmem::find(b, b"AKIA").is_some()
                || memchr::memmem::find(b, b"AIza").is_some()))
}

/// The value spans of every secret in `s`, read as it is and, when it
/// holds percent escapes (a request path, a URL's query), decoded: a value
/// found there hides its encoded bytes.
pub fn scan(s: &str, out: &mut Vec<Span>) {
    scan_plain(s, out);
    if let Some((decoded, table)) = percent_decoded(s) {
        let mut found = vec![];
        scan_plain(&decoded, &mut found);
        out.extend(found.into_iter().map(|(a, b)| (table[a], table[b])));
    }
}

/// `s` with its `%XX` escapes decoded, and for each decoded byte where it
/// came from (the last entry is the end); None without escapes or when
/// the result is not UTF-8.
fn percent_decoded(s: &str) -> Option<(String, Vec<usize>)> {
    let b = s.as_bytes();
    let hex = |c: u8| (c as char).to_digit(16).map(|d| d as u8);
    let first = memchr::memchr(b'%', b)?;
    let escape = |i: usize| Some((hex(*b.get(i + 1)?)? << 4) | hex(*b.get(i + 2)?)?);
    escape(first).or_else(|| memchr::memchr_iter(b'%', b).find_map(escape))?;
    let mut out = Vec::with_capacity(b.len());
    let mut table = Vec::with_capacity(b.len() + 1);
    let mut i = 0;
    while i < b.len() {
        match (b[i], escape(i)) {
            (b'%', Some(c)) => {
                out.push(c);
                table.push(i);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                table.push(i);
                i += 1;
            }
        }
    }
    table.push(b.len());
    Some((String::from_utf8(out).ok()?, table))
}

fn scan_plain(s: &str, out: &mut Vec<Span>) {
    if !may_hold_secret(s) {
        return;
    }
    let mut at = 0;
    while at < s.len() {
        let Some(m) = FINDER.find(Input::new(s).span(at..s.len())) else {
            return;
        };
        let (pattern, hit) = ALL[m.pattern().as_usize()];
        let next = match hit {
            Hit::Key => key(s, m.start(), m.end(), out),
            Hit::Url => url(s, m.start(), out),
            Hit::Pem => pem(s, m.start(), out),
            Hit::Jwt => jwt(s, m.start(), out),
            Hit::Bearer => bearer(s, m.end(), out),
            Hit::Token { min, exact_case } => token(s, m.start(), pattern, min, exact_case, out),
            Hit::Program => program(s, m.start(), m.end(), out),
        };
        at = next.max(m.start() + 1);
    }
}

/// A program's name as a word of its own (`/usr/bin/mysql` too): the
/// password flags of its command.
fn program(s: &str, m0: usize, m1: usize, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    let opens = |c: u8| {
        c.is_ascii_whitespace() || matches!(c, b'"' | b'\'' | b';' | b'(' | b'`' | b'|' | b'&')
    };
    let before = m0 == 0 || opens(b[m0 - 1]) || b[m0 - 1] == b'/';
    let after = b
        .get(m1)
        .is_none_or(|c| c.is_ascii_whitespace() || matches!(c, b'"' | b'\''));
    if !(before && after) {
        return m1;
    }
    // From the start of the word, so `/usr/bin/mysql` names the program.
    let start = b[..m0].iter().rposition(|c| opens(*c)).map_or(0, |i| i + 1);
    // The rest of the line is still read for everything else.
    flags::after_program(s, start, out);
    m1
}

/// Bytes a key may hold.
pub fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')
}

/// A secret-name fragment at `[m0, m1)`: the whole key around it, then a
/// separator and the value. Returns where scanning goes on.
fn key(s: &str, m0: usize, m1: usize, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    let mut ks = m0;
    while ks > 0 && is_key_byte(b[ks - 1]) {
        ks -= 1;
    }
    let mut ke = m1;
    while ke < b.len() && is_key_byte(b[ke]) {
        ke += 1;
    }
    let name = s[ks..ke].trim_end_matches(['.', '-']);
    let ke = ks + name.len();
    // `$NAME` and `${NAME}` name a variable: a reference, not a key; but
    // the default of `${DB_PASSWORD:-changeme}` is a password all the same.
    if ks > 0 && b[ks - 1] == b'$' {
        return ke;
    }
    if ks > 1 && b[ks - 1] == b'{' && b[ks - 2] == b'$' {
        let op = [":-", "-"].iter().find(|op| s[ke..].starts_with(**op));
        if let (Some(op), true) = (op, is_secret_key(name)) {
            let from = ke + op.len();
            if let Some(close) = memchr::memchr(b'}', &b[from..]) {
                spans::value(s, from, from + close, out);
                return from + close;
            }
        }
        return ke;
    }
    let authorization = is_authorization(name);
    if !authorization && !is_secret_key(name) {
        return ke;
    }
    // A closing quote of the key, at any escape level.
    let mut j = ke;
    let quoted_key = {
        let k = b[j..].iter().take_while(|c| **c == b'\\').count();
        match b.get(j + k) {
            Some(b'"' | b'\'') => {
                j += k + 1;
                true
            }
            _ => false,
        }
    };
    let spaces_before = b[j..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    j += spaces_before;
    let Some(&sep) = b.get(j) else { return j };
    if sep == b':' || sep == b'=' {
        // `https://`, `Token::new`, `a == b` are not pairs.
        if sep == b':' && matches!(b.get(j + 1), Some(b'/' | b':')) {
            return j + 1;
        }
        if sep == b'=' && b.get(j + 1) == Some(&b'=') {
            return j + 2;
        }
        if authorization {
            return credentials(s, j + 1, out);
        }
        // `key: two words` starting a line, `key = value` (INI): the rest
        // of the line; else one word.
        let line = (sep == b':' && !quoted_key && starts_line(b, ks))
            || (sep == b'=' && spaces_before > 0);
        let extent = if line { Extent::Line } else { Extent::Word };
        return value::after(s, j + 1, extent, out);
    }
    // `--password value`, `-token value`: a flag and its next word.
    if b[ks] == b'-' && spaces_before > 0 && sep != b'-' && sep != b'\n' && sep != b'\r' {
        return value::after(s, j, Extent::Word, out);
    }
    j
}

/// Whether only indentation, list dashes or quotes stand before `at` on
/// its line: a YAML-like `key: value` whose value runs to the line's end.
fn starts_line(b: &[u8], at: usize) -> bool {
    b[..at]
        .iter()
        .rev()
        .take_while(|c| **c != b'\n')
        .all(|c| matches!(c, b' ' | b'\t' | b'-'))
}

/// An authorization value: a scheme word is kept, the credentials after it
/// hidden.
fn credentials(s: &str, i: usize, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    let mut j = i;
    while j < b.len() && matches!(b[j], b' ' | b'\t' | b'"' | b'\'' | b'\\') {
        j += 1;
    }
    let word = b[j..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    let after_word = j + word;
    let gap = b[after_word..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    let start = if word > 0 && gap > 0 {
        after_word + gap
    } else {
        j
    };
    let end = start
        + b[start..]
            .iter()
            .take_while(|c| {
                !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'' | b'\\' | b',' | b';')
            })
            .count();
    spans::value(s, start, end, out);
    end
}

/// `scheme://user:password@host`: the password; a user part without one
/// is hidden when it is long enough to be a token. A password with an
/// unescaped `/` (which ends an authority) is still found when an `@`
/// follows in the same word and what precedes it is no port or path.
fn url(s: &str, at: usize, out: &mut Vec<Span>) -> usize {
    let auth_start = at + 3;
    let rest = &s[auth_start..];
    let ends_word = |c: char| matches!(c, '"' | '\'' | '\\' | '<' | '>') || c.is_whitespace();
    let auth_len = rest
        .find(|c: char| matches!(c, '/' | '?' | '#') || ends_word(c))
        .unwrap_or(rest.len());
    let authority = &rest[..auth_len];
    if let Some(at_sign) = authority.rfind('@') {
        let userinfo = &authority[..at_sign];
        match userinfo.find(':') {
            Some(colon) => spans::value(s, auth_start + colon + 1, auth_start + at_sign, out),
            None if userinfo.len() >= 16 && spans::references(userinfo).is_empty() => {
                out.push((auth_start, auth_start + at_sign))
            }
            None => {}
        }
        return auth_start + auth_len;
    }
    let word = &rest[..rest.find(ends_word).unwrap_or(rest.len())];
    if let (Some(colon), Some(at_sign)) = (word.find(':'), word.find('@')) {
        let password = &word[colon + 1..at_sign.max(colon + 1)];
        let port = password.bytes().take_while(u8::is_ascii_digit).count();
        let path_like = port > 0 && password[port..].starts_with('/');
        if colon < at_sign && !word[..colon].contains(['/', '?', '#']) && !path_like {
            spans::value(s, auth_start + colon + 1, auth_start + at_sign, out);
            return auth_start + at_sign;
        }
    }
    auth_start + auth_len
}

/// A PEM private key: its body, between the BEGIN and END lines.
fn pem(s: &str, at: usize, out: &mut Vec<Span>) -> usize {
    let header_from = at + "-----BEGIN ".len();
    let Some(close) = s[header_from..].find("-----") else {
        return header_from;
    };
    let label = &s[header_from..header_from + close];
    let body_start = header_from + close + 5;
    if !label.contains("PRIVATE KEY") || label.contains('\n') {
        return body_start;
    }
    let body_end = s[body_start..]
        .find("-----END")
        .map_or(s.len(), |e| body_start + e);
    let inner = &s[body_start..body_end];
    let lead = inner.len() - inner.trim_start().len();
    let trail = inner.len() - inner.trim_end().len();
    if body_start + lead < body_end - trail {
        out.push((body_start + lead, body_end - trail));
    }
    body_end
}

/// `header.payload.signature`, each base64url; the header and payload
/// start `eyJ` (`{"`).
fn jwt(s: &str, at: usize, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    if &b[at..at + 3] != b"eyJ" || (at > 0 && is_token_byte(b[at - 1])) {
        return at + 3;
    }
    let part = |from: usize| {
        b[from..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
            .count()
    };
    let h = part(at);
    let p_at = at + h + 1;
    if h < 10 || b.get(at + h) != Some(&b'.') || !b[p_at..].starts_with(b"eyJ") {
        return at + 3;
    }
    let p = part(p_at);
    let s_at = p_at + p + 1;
    if p < 10 || b.get(p_at + p) != Some(&b'.') {
        return at + 3;
    }
    let end = s_at + part(s_at);
    out.push((at, end));
    end
}

/// `Bearer <token>` anywhere.
fn bearer(s: &str, at: usize, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    let start = at + b[at..].iter().take_while(|c| **c == b' ').count();
    let len = b[start..]
        .iter()
        .take_while(|c| {
            c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'~' | b'+' | b'/' | b'=' | b'-')
        })
        .count();
    if len >= 8 {
        spans::value(s, start, start + len, out);
    }
    start + len
}

/// A token known by its prefix: the prefix stays (it says what kind of
/// token was there), the rest is hidden.
fn token(s: &str, at: usize, prefix: &str, min: usize, exact: bool, out: &mut Vec<Span>) -> usize {
    let b = s.as_bytes();
    let end_prefix = at + prefix.len();
    if (exact && &s[at..end_prefix] != prefix) || (at > 0 && is_token_byte(b[at - 1])) {
        return end_prefix;
    }
    let len = b[end_prefix..]
        .iter()
        .take_while(|c| is_token_byte(**c))
        .count();
    if len >= min {
        out.push((end_prefix, end_prefix + len));
    }
    end_prefix + len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        let mut spans = vec![];
        scan(s, &mut spans);
        let mut s = s.to_string();
        spans::apply(&mut s, spans);
        s
    }

    #[test]
    fn pairs_keep_every_byte_but_the_value() {
        assert_eq!(
            r("DB_PASSWORD=hunter2 LOG=debug"),
            "DB_PASSWORD=<redacted> LOG=debug"
        );
        assert_eq!(
            r("password: two words\nuser: bob"),
            "password: <redacted>\nuser: bob"
        );
        assert_eq!(
            r(r#"{"apiToken":"abc","name":"x"}"#),
            r#"{"apiToken":"<redacted>","name":"x"}"#
        );
        assert_eq!(
            r("--db-password=s3 --port=80"),
            "--db-password=<redacted> --port=80"
        );
        assert_eq!(
            r("--password s3 --port 80"),
            "--password <redacted> --port 80"
        );
        assert_eq!(r("at 12:30 token is set"), "at 12:30 token is set");
        assert_eq!(r("secret: |"), "secret: |");
        assert_eq!(
            r("PAYMENT_API_KEY=${PAYMENT_API_KEY}"),
            "PAYMENT_API_KEY=${PAYMENT_API_KEY}"
        );
        assert_eq!(r("- API_KEY=${API_KEY}\n"), "- API_KEY=${API_KEY}\n");
        assert_eq!(r("TOKEN=abc;echo"), "TOKEN=<redacted>;echo");
        assert_eq!(
            r("password = hunter 2 # old\n"),
            "password = <redacted> # old\n"
        );
    }

    #[test]
    fn json_inside_a_shell_string() {
        let cmd = r#"echo "{\"api_token\": \"X-SECRET\"}"; while true; do sleep 1; done"#;
        assert_eq!(
            r(cmd),
            r#"echo "{\"api_token\": \"<redacted>\"}"; while true; do sleep 1; done"#
        );
        assert_eq!(
            r(r#"{"api_token": "X-SECRET"}"#),
            r#"{"api_token": "<redacted>"}"#
        );
    }

    #[test]
    fn urls_headers_pem_jwt_tokens() {
        assert_eq!(
            r("postgres://app:hunter2@db:5432/x"),
            "postgres://app:<redacted>@db:5432/x"
        );
        assert_eq!(r("postgres://app:${PW}@db"), "postgres://app:${PW}@db");
        assert_eq!(r("ssh://git@github.com/o/r"), "ssh://git@github.com/o/r");
        assert_eq!(
            r("redis://:pa/ss@cache:6379"),
            "redis://:<redacted>@cache:6379"
        );
        assert_eq!(
            r("http://localhost:4873/@scope/pkg"),
            "http://localhost:4873/@scope/pkg"
        );
        assert_eq!(r("http://host:8080/a/b@c"), "http://host:8080/a/b@c");
        assert_eq!(
            r("curl -H \"Authorization: Bearer abcdefgh123\" x"),
            "curl -H \"Authorization: Bearer <redacted>\" x"
        );
        assert_eq!(r("using bearer abcdefgh123"), "using bearer <redacted>");
        let pem = "k: |\n  -----BEGIN RSA PRIVATE KEY-----\n  MIIEow\n  abc\n  -----END RSA PRIVATE KEY-----\n";
        assert_eq!(
            r(pem),
            "k: |\n  -----BEGIN RSA PRIVATE KEY-----\n  <redacted>\n  -----END RSA PRIVATE KEY-----\n"
        );
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
        assert_eq!(r(cert), cert);
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        assert_eq!(r(&format!("got {jwt} ok")), "got <redacted> ok");
        assert_eq!(
            r("GH=x ghp_0123456789abcdefghijABCDEFGHIJ012345 and AKIAIOSFODNN7EXAMPLE"),
            "GH=x ghp_<redacted> and AKIA<redacted>"
        );
        assert_eq!(r("akiak is a word"), "akiak is a word");
        assert_eq!(
            r("/api/endpoints/1/docker/containers/postgres:%2F%2Fapp:S3CRET@db/json"),
            "/api/endpoints/1/docker/containers/postgres:%2F%2Fapp:<redacted>@db/json"
        );
        assert_eq!(r("q=password%3Dhunter2&x=1"), "q=password%3D<redacted>&x=1");
        assert_eq!(r("100% done"), "100% done");
    }
}
