//! The audit log's chain: each record ends with a seal over the one before
//! it, so an edited, removed or reordered record breaks every seal after
//! it. Keyed (`--audit-key-file`), the seal is an HMAC-SHA256 that whoever
//! can edit the file but lacks the key cannot recompute; without a key it
//! is a SHA-256 chain, which finds accidents (a torn write, a bad copy)
//! and nothing done on purpose.
//!
//! A sealed line is the record's JSON with `"seal":"<alg>:<hex>"` as its
//! last member; the seal covers the previous seal, a newline, and the line
//! as it would read without that member. The first sealed record of a
//! file chains from the empty seal.

use hmac::{KeyInit, Mac};
use sha2::{Digest, Sha256};

const HMAC: &str = "hmac-sha256";
const PLAIN: &str = "sha256";
/// `,"seal":"` before the value, `"}` after.
const OPEN: &[u8] = b",\"seal\":\"";
const CLOSE: &[u8] = b"\"}";

/// How records are sealed.
#[derive(Clone)]
pub enum Key {
    Hmac(Vec<u8>),
    Plain,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key itself.
        f.write_str(match self {
            Key::Hmac(_) => "Key::Hmac(..)",
            Key::Plain => "Key::Plain",
        })
    }
}

impl Key {
    /// The key in a file (trimmed), at least 16 bytes.
    pub fn from_file(path: &std::path::Path) -> Result<Key, String> {
        let raw = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let key = raw.trim_ascii().to_vec();
        if key.len() < 16 {
            return Err(format!(
                "{}: an audit key needs at least 16 bytes, this one has {}",
                path.display(),
                key.len()
            ));
        }
        Ok(Key::Hmac(key))
    }

    fn alg(&self) -> &'static str {
        match self {
            Key::Hmac(_) => HMAC,
            Key::Plain => PLAIN,
        }
    }

    /// The seal of `body` (a record's JSON object without its seal) after
    /// `prev`.
    pub fn seal(&self, prev: &str, body: &[u8]) -> String {
        let hex = match self {
            Key::Hmac(k) => {
                let mut m =
                    hmac::Hmac::<Sha256>::new_from_slice(k).expect("HMAC takes any key length");
                m.update(prev.as_bytes());
                m.update(b"\n");
                m.update(body);
                to_hex(&m.finalize().into_bytes())
            }
            Key::Plain => {
                let mut d = Sha256::new();
                d.update(prev.as_bytes());
                d.update(b"\n");
                d.update(body);
                to_hex(&d.finalize())
            }
        };
        format!("{}:{hex}", self.alg())
    }

    /// `body` (a JSON object with at least one member: every record has
    /// its time) sealed after `prev`, as the line to write (without its
    /// newline), and its seal.
    pub fn sealed_line(&self, prev: &str, body: &str) -> (String, String) {
        let seal = self.seal(prev, body.as_bytes());
        let inner = body.strip_suffix('}').unwrap_or(body);
        let line = format!("{inner},\"seal\":\"{seal}\"}}");
        (line, seal)
    }
}

fn to_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A line's seal and the body it covers, if the line ends with one.
pub fn split(line: &[u8]) -> Option<(Vec<u8>, &str)> {
    let (at, seal) = seal_at_end(line)?;
    let mut body = line[..at].to_vec();
    body.push(b'}');
    Some((body, seal))
}

/// Where the seal member of a line ending in one starts, and the seal.
fn seal_at_end(line: &[u8]) -> Option<(usize, &str)> {
    let body_end = line.strip_suffix(CLOSE)?;
    // `<alg>:<64 hex>`: at most 11 + 1 + 64 bytes before the close.
    let from = body_end.len().saturating_sub(OPEN.len() + 80);
    let at = from + rfind(&body_end[from..], OPEN)?;
    let seal = std::str::from_utf8(&body_end[at + OPEN.len()..]).ok()?;
    let (alg, hex) = seal.split_once(':')?;
    let well_formed = matches!(alg, HMAC | PLAIN)
        && hex.len() == 64
        && hex
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    well_formed.then_some((at, seal))
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The seal of the last sealed line of `file` (None: no sealed line yet),
/// read backwards from the end in bounded chunks; a torn or unsealed
/// tail is passed over. A seal ends its line, and JSON escapes every
/// quote inside a string, so `"}` and a newline after a well-formed seal
/// can only be a sealed line's end.
pub fn last_seal(file: &mut std::fs::File) -> std::io::Result<Option<String>> {
    use std::io::{Read, Seek, SeekFrom};
    const CHUNK: u64 = 64 << 10;
    /// Enough to hold a whole seal member across a chunk's edge.
    const OVERLAP: u64 = 128;
    let len = file.metadata()?.len();
    let mut end = len;
    while end > 0 {
        let start = end.saturating_sub(CHUNK);
        let stop = (end + OVERLAP).min(len);
        let mut buf = vec![0u8; (stop - start) as usize];
        file.seek(SeekFrom::Start(start))?;
        file.read_exact(&mut buf)?;
        let mut upto = buf.len();
        while let Some(p) = rfind(&buf[..upto], b"\"}\n") {
            let line_end = p + 2;
            if let Some((_, seal)) = seal_at_end(&buf[..line_end]) {
                return Ok(Some(seal.to_string()));
            }
            upto = line_end;
        }
        end = start;
    }
    Ok(None)
}
