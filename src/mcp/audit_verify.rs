//! `portainer-mcp audit verify`: the audit log's chain checked line by
//! line, in bounded memory (one line at a time), naming the first line
//! that breaks it; with `--head`, also that the file still holds the seal
//! a server published, so records cut off the end are found.

use super::audit_chain::{split, Key};
use std::io::BufRead;

/// A line longer than this is not read (and breaks the chain).
pub const MAX_LINE: usize = 64 << 20;

const UNSEALED_RECORD: &str = "a whole record without a seal: added by someone other than a server";
const NO_SEAL: &str =
    "no seal: the record was edited or torn, or written by a server that does not seal";

/// A published head names a seal by its hex, whole or its first 16 or
/// more digits, with or without the algorithm.
fn head_matches(head: &str, seal: &str) -> bool {
    let hex = |s: &str| s.rsplit(':').next().unwrap_or_default().to_string();
    let (h, s) = (hex(head), hex(seal));
    h.len() >= 16 && s.starts_with(&h)
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Default, PartialEq)]
pub struct Verdict {
    pub lines: u64,
    pub sealed: u64,
    /// Lines before the first sealed one (a log begun before the chain).
    pub unsealed_before: u64,
    /// The first line that breaks the chain, and why.
    pub first_bad: Option<(u64, String)>,
    /// Lines a stop cut short, each named by the sealed record after it.
    pub torn: Vec<u64>,
    /// The last seal read: the head to publish or compare.
    pub head: Option<String>,
    /// With `--head`: where the published seal is, and how many sealed
    /// records came after it.
    pub head_found: Option<(u64, u64)>,
}

impl Verdict {
    pub fn ok(&self) -> bool {
        self.first_bad.is_none()
    }
}

/// Checks every line of `r` against the chain under `key`; `head`: a seal
/// (or its first 16 or more characters) the file must hold.
pub fn verify<R: BufRead>(
    mut r: R,
    key: &Key,
    head: Option<&str>,
    allow_prefix: bool,
) -> std::io::Result<Verdict> {
    let mut v = Verdict::default();
    let mut prev: Option<String> = None;
    // An unsealed line waiting for the torn record after it.
    let mut torn: Option<(u64, u64, String)> = None;
    let mut line = Vec::new();
    let head = head.map(str::trim).filter(|h| !h.is_empty());
    loop {
        line.clear();
        let read = std::io::Read::take(&mut r, MAX_LINE as u64 + 1).read_until(b'\n', &mut line)?;
        if read == 0 {
            break;
        }
        v.lines += 1;
        let n = v.lines;
        let Some(text) = line.strip_suffix(b"\n") else {
            let why = if line.len() > MAX_LINE {
                format!("longer than {} MiB", MAX_LINE >> 20)
            } else {
                "the last line ends without a newline: a write cut short (torn)".to_string()
            };
            v.first_bad = Some((n, why));
            break;
        };
        let Some((body, seal)) = split(text) else {
            if prev.is_none() {
                v.unsealed_before += 1;
                continue;
            }
            if torn.is_some() {
                break; // the unsealed line before this one is the first bad
            }
            // A torn line is the start of a record and never parses; a whole
            // record without a seal was written by someone else.
            if serde_json::from_slice::<serde::de::IgnoredAny>(text).is_ok() {
                v.first_bad = Some((n, UNSEALED_RECORD.into()));
                break;
            }
            // Fine only if the next record, sealed, names it as torn.
            torn = Some((n, text.len() as u64, sha256_hex(text)));
            continue;
        };
        if let Some((at, bytes, digest)) = torn.take() {
            let named: Option<serde_json::Value> = serde_json::from_slice(&body).ok();
            let says = named.as_ref().is_some_and(|r| {
                r["phase"] == "torn" && r["bytes"] == bytes && r["sha256"] == digest.as_str()
            });
            if !says {
                v.first_bad = Some((at, NO_SEAL.into()));
                break;
            }
            v.torn.push(at);
        }
        let keyed = seal.starts_with("hmac-sha256:");
        match (key, keyed) {
            (Key::Plain, true) => {
                v.first_bad = Some((n, "sealed with a key: verify with --audit-key-file".into()));
                break;
            }
            (Key::Hmac(_), false) => {
                v.first_bad = Some((
                    n,
                    "sealed without a key where the key's HMAC was expected: records were rewritten by someone without the key".into(),
                ));
                break;
            }
            _ => {}
        }
        let expected = key.seal(prev.as_deref().unwrap_or_default(), &body);
        if expected != seal {
            let why = if prev.is_none() {
                "the first sealed record does not start the chain: records before it were removed, or it was edited"
            } else {
                "the seal does not match: this record was edited, or one before it was removed, added or moved (or the key is not the one it was sealed with)"
            };
            v.first_bad = Some((n, why.into()));
            break;
        }
        v.sealed += 1;
        if let Some(h) = head {
            if head_matches(h, seal) {
                v.head_found = Some((n, 0));
            } else if let Some((at, after)) = v.head_found {
                v.head_found = Some((at, after + 1));
            }
        }
        prev = Some(seal.to_string());
    }
    if let (Some((at, _, _)), None) = (&torn, &v.first_bad) {
        v.first_bad = Some((*at, NO_SEAL.into()));
    }
    v.head = prev;
    if let (Some(h), None, true) = (head, v.head_found, v.ok()) {
        v.first_bad = Some((
            v.lines,
            format!(
                "the published head {} is not in the file: records were cut off its end, or the file was replaced",
                crate::error::cap_text(h.to_string(), 90)
            ),
        ));
    }
    if v.ok() && v.unsealed_before > 0 && v.sealed > 0 && !allow_prefix {
        v.first_bad = Some((
            1,
            format!(
                "{} line(s) before the first sealed record are not covered by the chain (lines added at its top, \
                 or a log begun before the chain: then pass --allow-unsealed-prefix)",
                v.unsealed_before
            ),
        ));
    }
    if v.ok() && v.sealed == 0 && v.lines > 0 {
        v.first_bad = Some((1, "no sealed record: nothing to verify".into()));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(key: &Key, n: usize) -> Vec<u8> {
        let mut out = vec![];
        let mut prev = String::new();
        for i in 0..n {
            let body = json!({"phase": "outcome", "call": format!("c-{i}"), "tool": "stack_update", "time": "2026-12-07T00:00:00Z"}).to_string();
            let (line, seal) = key.sealed_line(&prev, &body);
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
            prev = seal;
        }
        out
    }

    fn check(bytes: &[u8], key: &Key) -> Verdict {
        verify(bytes, key, None, false).unwrap()
    }

    fn key() -> Key {
        Key::Hmac(b"0123456789abcdef-secret".to_vec())
    }

    #[test]
    fn a_whole_chain_verifies_and_any_byte_edit_is_found() {
        let k = key();
        let good = chain(&k, 5);
        let v = check(&good, &k);
        assert!(v.ok(), "{v:?}");
        assert_eq!((v.lines, v.sealed), (5, 5));
        // Every single-byte change anywhere is found.
        for i in 0..good.len() {
            let mut bad = good.clone();
            bad[i] ^= 0x01;
            let v = check(&bad, &k);
            assert!(!v.ok(), "a change at byte {i} went unseen");
        }
    }

    #[test]
    fn removed_reordered_and_torn_lines_are_named() {
        let k = key();
        let good = chain(&k, 4);
        let lines: Vec<&[u8]> = good.split_inclusive(|b| *b == b'\n').collect();
        let join = |ls: &[&[u8]]| ls.concat();
        let removed = join(&[lines[0], lines[2], lines[3]]);
        assert_eq!(check(&removed, &k).first_bad.unwrap().0, 2);
        let first_gone = join(&[lines[1], lines[2], lines[3]]);
        let (n, why) = check(&first_gone, &k).first_bad.unwrap();
        assert_eq!(n, 1);
        assert!(why.contains("first sealed record"), "{why}");
        let swapped = join(&[lines[0], lines[2], lines[1], lines[3]]);
        assert_eq!(check(&swapped, &k).first_bad.unwrap().0, 2);
        let torn = &good[..good.len() - 10];
        let (n, why) = check(torn, &k).first_bad.unwrap();
        assert_eq!(n, 4);
        assert!(why.contains("torn"), "{why}");
    }

    #[test]
    fn the_key_and_the_head_matter() {
        let k = key();
        let good = chain(&k, 3);
        assert!(!check(&good, &Key::Hmac(b"another key, 16 bytes+".to_vec())).ok());
        assert!(check(&good, &Key::Plain)
            .first_bad
            .unwrap()
            .1
            .contains("--audit-key-file"));
        // Resealed without the key: a plain chain where an HMAC one was.
        let plain = chain(&Key::Plain, 3);
        assert!(check(&plain, &Key::Plain).ok());
        assert!(check(&plain, &k)
            .first_bad
            .unwrap()
            .1
            .contains("without a key"));
        // The head a server published: still there, or cut off.
        let v = check(&good, &k);
        let head = v.head.clone().unwrap();
        let v = verify(&good[..], &k, Some(&head), false).unwrap();
        assert!(v.ok() && v.head_found == Some((3, 0)), "{v:?}");
        let lines: Vec<&[u8]> = good.split_inclusive(|b| *b == b'\n').collect();
        let cut = lines[..2].concat();
        let v = verify(&cut[..], &k, Some(&head), false).unwrap();
        assert!(v.first_bad.unwrap().1.contains("cut off"));
        // Lines from before the chain began are counted, not judged.
        let mut older = b"{\"phase\":\"outcome\"}\n".to_vec();
        older.extend_from_slice(&good);
        let v = verify(&older[..], &k, None, true).unwrap();
        assert!(v.ok() && v.unsealed_before == 1, "{v:?}");
        // Unless told the log predates the chain, they fail it: lines
        // added at the top would go unseen otherwise.
        assert_eq!(check(&older, &k).first_bad.map(|(n, _)| n), Some(1));
        // A whole unsealed record after the chain began fails at once.
        let mut added = good.clone();
        added.extend_from_slice(b"{\"phase\":\"outcome\",\"tool\":\"stack_delete\"}\n");
        let (n, why) = check(&added, &k).first_bad.unwrap();
        assert_eq!(n, 4);
        assert!(why.contains("without a seal"), "{why}");
    }
}
