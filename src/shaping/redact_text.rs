//! Secrets inside free text: `KEY=value` and `key: value` pairs whose key
//! names a secret, passwords in URLs (`scheme://user:pass@host`), every
//! variable of a process command line (`ps e` prints the environment after
//! the command), and the data of Kubernetes Secrets written as YAML (Helm
//! manifests). Each function returns how many values it hid.

use super::secret_names::{is_secret_key, MARKER};

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

/// Secret pairs and URL passwords anywhere in `s`.
pub fn redact_text(s: &mut String) -> usize {
    let bytes = s.as_bytes();
    // Cheap exit for the great majority of strings.
    if !bytes.iter().any(|b| matches!(b, b'=' | b':' | b'@')) {
        return 0;
    }
    let mut spans = secret_pairs(s);
    spans.extend(url_passwords(s));
    if s.contains("kind: Secret") {
        spans.extend(yaml_secret_data(s));
    }
    replace_spans(s, spans)
}

/// A command line: every `NAME=value` word with a variable-like name that is
/// not harmless, and then what `redact_text` finds.
pub fn redact_command_line(s: &mut String) -> usize {
    let mut spans = vec![];
    let mut start = 0;
    for word in s.split(char::is_whitespace) {
        if let Some((name, value)) = word.split_once('=') {
            let var_like = name.bytes().enumerate().all(|(i, b)| {
                b == b'_' || b.is_ascii_alphabetic() || (i > 0 && b.is_ascii_digit())
            });
            if var_like && !name.is_empty() && !value.is_empty() && !is_harmless_env(name) {
                let v = start + name.len() + 1;
                spans.push((v, start + word.len()));
            }
        }
        start += word.len() + 1;
    }
    let n = replace_spans(s, spans);
    n + redact_text(s)
}

/// Replaces byte ranges (values) by the marker; overlapping ranges merge.
fn replace_spans(s: &mut String, mut spans: Vec<(usize, usize)>) -> usize {
    spans.retain(|(a, b)| a < b && &s[*a..*b] != MARKER);
    if spans.is_empty() {
        return 0;
    }
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = vec![];
    for (a, b) in spans {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    let mut out = String::with_capacity(s.len());
    let mut at = 0;
    for (a, b) in &merged {
        out.push_str(&s[at..*a]);
        out.push_str(MARKER);
        at = *b;
    }
    out.push_str(&s[at..]);
    *s = out;
    merged.len()
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// `key=value`, `key: value`, `"key": "value"` where the key names a secret.
fn secret_pairs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut spans = vec![];
    for (i, &c) in b.iter().enumerate() {
        if c != b'=' && c != b':' {
            continue;
        }
        // The key ends here, or just before a closing quote.
        let mut end = i;
        if end > 0 && matches!(b[end - 1], b'"' | b'\'') {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && is_key_byte(b[start - 1]) {
            start -= 1;
        }
        if start == end || !is_secret_key(&s[start..end]) {
            continue;
        }
        if let Some(span) = value_span(b, i + 1, c == b':') {
            spans.push(span);
        }
    }
    spans
}

/// Where the value after a separator lies. After `:` a value may follow a
/// space and runs to the end of the line; after `=` it is one word.
fn value_span(b: &[u8], mut i: usize, colon: bool) -> Option<(usize, usize)> {
    if colon {
        // `https://` and `12:30` are not pairs.
        if b.get(i) == Some(&b'/') {
            return None;
        }
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
    }
    let first = *b.get(i)?;
    if first == b'"' || first == b'\'' {
        let start = i + 1;
        let mut j = start;
        while j < b.len() && b[j] != first {
            j += if b[j] == b'\\' { 2 } else { 1 };
        }
        return Some((start, j.min(b.len())));
    }
    let stop = |c: u8| {
        if colon {
            matches!(c, b'\n' | b'\r' | b',' | b'}' | b'"')
        } else {
            c.is_ascii_whitespace() || matches!(c, b'&' | b';' | b',' | b'"' | b'\'' | b'}')
        }
    };
    let mut j = i;
    while j < b.len() && !stop(b[j]) {
        j += 1;
    }
    // A YAML block (`password: |`) or an empty value hides nothing here.
    let v = &b[i..j];
    if v.is_empty() || v == b"|" || v == b">" {
        return None;
    }
    // Keep trailing spaces out of the span.
    while j > i && b[j - 1] == b' ' {
        j -= 1;
    }
    Some((i, j))
}

/// The password part of `scheme://user:password@host`; a user part without
/// a password is hidden when it looks like a token (long).
fn url_passwords(s: &str) -> Vec<(usize, usize)> {
    let mut spans = vec![];
    let mut from = 0;
    while let Some(pos) = s[from..].find("://") {
        let auth_start = from + pos + 3;
        let rest = &s[auth_start..];
        let auth_len = rest
            .find(|c: char| matches!(c, '/' | '?' | '#' | '"' | '\'' | '\\') || c.is_whitespace())
            .unwrap_or(rest.len());
        let authority = &rest[..auth_len];
        if let Some(at) = authority.rfind('@') {
            let userinfo = &authority[..at];
            match userinfo.find(':') {
                Some(colon) => spans.push((auth_start + colon + 1, auth_start + at)),
                None if userinfo.len() >= 16 => spans.push((auth_start, auth_start + at)),
                None => {}
            }
        }
        from = auth_start;
    }
    spans
}

/// Values under `data:`/`stringData:` of the Secret documents of a YAML text.
fn yaml_secret_data(s: &str) -> Vec<(usize, usize)> {
    let mut spans = vec![];
    let mut doc: Vec<(usize, usize)> = vec![];
    let mut secret = false;
    let mut block: Option<usize> = None; // indentation of the `data:` line
    let mut offset = 0;
    for line in s.split_inclusive('\n') {
        let text = line.trim_end_matches(['\n', '\r']);
        let body = text.trim_start();
        let indent = text.len() - body.len();
        if body.starts_with("---") {
            if secret {
                spans.append(&mut doc);
            }
            doc.clear();
            (secret, block) = (false, None);
        } else if indent == 0 && body == "kind: Secret" {
            secret = true;
        }
        match block {
            Some(d) if indent > d && !body.is_empty() => {
                if let Some(colon) = body.find(':') {
                    let after = &text[indent + colon + 1..];
                    let value = after.trim();
                    if !value.is_empty() {
                        let v =
                            offset + indent + colon + 1 + (after.len() - after.trim_start().len());
                        doc.push((v, v + value.len()));
                    }
                }
            }
            Some(_) if !body.is_empty() => block = None,
            _ => {}
        }
        if block.is_none() && matches!(body, "data:" | "stringData:") {
            block = Some(indent);
        }
        offset += line.len();
    }
    if secret {
        spans.append(&mut doc);
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> (String, usize) {
        let mut s = s.to_string();
        let n = redact_text(&mut s);
        (s, n)
    }

    #[test]
    fn pairs_with_secret_names() {
        assert_eq!(
            r("DB_PASSWORD=hunter2 LOG=debug").0,
            "DB_PASSWORD=<redacted> LOG=debug"
        );
        assert_eq!(
            r("password: \"two words\"\nuser: bob").0,
            "password: \"<redacted>\"\nuser: bob"
        );
        assert_eq!(
            r(r#"{"apiToken":"abc","name":"x"}"#).0,
            r#"{"apiToken":"<redacted>","name":"x"}"#
        );
        assert_eq!(
            r("--db-password=s3 --port=80").0,
            "--db-password=<redacted> --port=80"
        );
        assert_eq!(r("at 12:30 token is set").1, 0);
        assert_eq!(r("secret: |").1, 0);
    }

    #[test]
    fn url_passwords_are_hidden() {
        assert_eq!(
            r("postgres://app:hunter2@db:5432/x").0,
            "postgres://app:<redacted>@db:5432/x"
        );
        assert_eq!(
            r("https://ghp_0123456789abcdef0123@github.com/o/r.git").0,
            "https://<redacted>@github.com/o/r.git"
        );
        assert_eq!(r("ssh://git@github.com/o/r").1, 0);
        assert_eq!(r("https://portainer:9443/api").1, 0);
    }

    #[test]
    fn command_lines_hide_every_variable_but_harmless_ones() {
        let mut s =
            "sleep 1000 PATH=/bin HOSTNAME=web API=xyz DB_PASSWORD=hunter2 --x=1".to_string();
        assert_eq!(redact_command_line(&mut s), 2);
        assert_eq!(
            s,
            "sleep 1000 PATH=/bin HOSTNAME=web API=<redacted> DB_PASSWORD=<redacted> --x=1"
        );
    }

    #[test]
    fn yaml_secrets_in_manifests() {
        let m = "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  pw: aHVudGVyMg==\n  user: YWRtaW4=\n---\nkind: ConfigMap\n";
        let (out, n) = r(m);
        assert_eq!(n, 2, "{out}");
        assert!(
            !out.contains("aHVudGVyMg==") && !out.contains("YWRtaW4="),
            "{out}"
        );
        assert!(out.contains("name: db"));
    }
}
