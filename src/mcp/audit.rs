//! The audit log: JSON lines, appended and flushed per record. A write call
//! is logged before anything is sent (`intent`) and after (`outcome`); one
//! that never finished (the process was stopped or killed) gets an
//! `interrupted` outcome at shutdown or when the next server starts. Every
//! record is sealed into a chain (audit_chain.rs), across restarts and the
//! servers sharing the file.

use super::audit_chain::{last_seal, Key};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Audit {
    file: Mutex<Sealing>,
    /// Writes whose intent is logged and whose outcome is not yet: what a
    /// shutdown past its deadline reports as interrupted.
    open: Mutex<HashMap<String, Value>>,
    /// Calls reported interrupted: an outcome they still reach later is
    /// marked `late`.
    interrupted: Mutex<HashSet<String>>,
    /// Where the chain head is published at each write, besides the log.
    metrics: Option<std::sync::Arc<super::metrics::Metrics>>,
}

impl Audit {
    /// Opens (appends to) the log. A log no other running server has open
    /// is first read for writes a previous process logged the intent of
    /// but never finished (it was killed): each gets an `interrupted`
    /// outcome, written while no other server can write. Every server
    /// holds a shared lock on the file while it runs.
    pub fn open(path: &Path, key: Key) -> Result<Audit, String> {
        let fail = |e: std::io::Error| format!("--audit-log {}: {e}", path.display());
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(fail)?;
        // Writers of one file take turns on a lock file beside it: each
        // seals over the last record, whoever wrote it. The log itself
        // carries the shared lock that says a server is running.
        let mut turns = path.as_os_str().to_owned();
        turns.push(".lock");
        let turns = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&turns)
            .map_err(fail)?;
        let mut sealing = Sealing {
            file,
            turns,
            key,
            prev: None,
            len: u64::MAX,
            records: 0,
        };
        if sealing.file.try_lock().is_ok() {
            recover(&mut sealing).map_err(fail)?;
            let _ = sealing.file.unlock();
        }
        // A lock that cannot be had (a file system without locks) only
        // costs the start-up recovery of the next server.
        let _ = sealing.file.lock_shared();
        Ok(Audit {
            file: Mutex::new(sealing),
            open: Mutex::new(HashMap::new()),
            interrupted: Mutex::new(HashSet::new()),
            metrics: None,
        })
    }

    /// Publishes the chain head as a metric too.
    pub fn with_metrics(mut self, m: std::sync::Arc<super::metrics::Metrics>) -> Audit {
        self.metrics = Some(m);
        self
    }

    /// Writes one record; a failure to write is logged, and the call goes on.
    /// Every record is redacted whole, whatever --show-secrets says: the
    /// arguments a caller typed, the paths they went into (percent-encoded
    /// there), error texts.
    pub fn write(&self, mut record: Value) {
        crate::shaping::redact::redact(&mut record);
        record["time"] = json!(crate::clock::now_rfc3339());
        if let Some(call) = record["call"].as_str() {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            match record["phase"].as_str() {
                Some("intent") => {
                    open.insert(call.to_string(), record.clone());
                }
                Some("outcome") => {
                    let reported = open.remove(call).is_none()
                        && self
                            .interrupted
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .contains(call);
                    if reported && record["outcome"] == "interrupted" {
                        // Cut at shutdown, and already said so.
                        return;
                    }
                    if reported {
                        record["late"] = json!(true);
                    }
                }
                _ => {}
            }
        }
        let result = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("audit log lock poisoned"))
            .and_then(|mut f| f.append(&record).map(|seal| (seal, f.records)));
        match result {
            // The chain head, published at each write: a log cut short
            // is found by `audit verify --head`.
            Ok((seal, records)) => {
                tracing::info!(target: "audit", head = %seal, records, "audit record sealed");
                if let Some(m) = &self.metrics {
                    m.set_audit_head(&seal, records);
                }
            }
            Err(e) => tracing::error!("cannot write the audit log: {e}"),
        }
    }

    /// The last seal this server wrote and how many records it sealed.
    pub fn head(&self) -> (Option<String>, u64) {
        let f = self.file.lock().unwrap_or_else(|p| p.into_inner());
        (f.prev.clone(), f.records)
    }

    /// Gives every write still running an `interrupted` outcome (shutdown
    /// past its deadline); returns how many there were.
    pub fn interrupt_open(&self, why: &str) -> usize {
        let open: Vec<Value> = {
            let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
            open.drain().map(|(_, v)| v).collect()
        };
        for intent in &open {
            self.write(interrupted(intent, why));
        }
        // Marked after writing: from now on their outcomes are late.
        let mut marked = self.interrupted.lock().unwrap_or_else(|p| p.into_inner());
        marked.extend(
            open.iter()
                .filter_map(|v| v["call"].as_str().map(String::from)),
        );
        open.len()
    }
}

/// The log file and its chain: what the next record seals over.
struct Sealing {
    file: File,
    /// Held exclusively while a record is sealed and written.
    turns: File,
    key: Key,
    /// The last seal in the file, as of `len`.
    prev: Option<String>,
    /// The file's length after this server's last write; another length
    /// means another server wrote since, so the last seal is read again.
    len: u64,
    records: u64,
}

impl Sealing {
    /// Seals `record` over the file's last seal and appends it; its seal.
    fn append(&mut self, record: &Value) -> std::io::Result<String> {
        let body = record.to_string();
        let _ = self.turns.lock();
        let written = self.append_locked(&body);
        let _ = self.turns.unlock();
        written
    }

    fn append_locked(&mut self, body: &str) -> std::io::Result<String> {
        let len = self.file.metadata()?.len();
        if len != self.len {
            // Written since by another server (or this one's first write):
            // a line it left torn is ended, and the last seal read again.
            self.end_torn(len)?;
            self.prev = last_seal(&mut self.file)?;
        }
        self.write_line(body)
    }

    fn write_line(&mut self, body: &str) -> std::io::Result<String> {
        let prev = self.prev.as_deref().unwrap_or_default();
        let (mut line, seal) = self.key.sealed_line(prev, body);
        line.push('\n');
        self.file.write_all(line.as_bytes())?;
        self.file.flush()?;
        self.len = self.file.metadata()?.len();
        self.prev = Some(seal.clone());
        self.records += 1;
        Ok(seal)
    }

    /// A last line without its newline (a writer stopped mid-record) is
    /// ended and named by a sealed `torn` record, so `audit verify` can
    /// tell it from an edit. (A whole record left unsealed is not torn:
    /// verify fails on it whatever follows.)
    fn end_torn(&mut self, len: u64) -> std::io::Result<()> {
        use std::io::{Read, Seek, SeekFrom};
        if len == 0 {
            return Ok(());
        }
        let mut last = [0u8];
        self.file.seek(SeekFrom::Start(len - 1))?;
        self.file.read_exact(&mut last)?;
        if last[0] == b'\n' {
            return Ok(());
        }
        let (bytes, digest) = torn_tail(&mut self.file, len)?;
        self.file.write_all(b"\n")?;
        self.prev = last_seal(&mut self.file)?;
        let record = json!({
            "phase": "torn",
            "bytes": bytes,
            "sha256": digest,
            "reason": "the line before was cut short by a writer stopped mid-record",
            "time": crate::clock::now_rfc3339(),
        });
        self.write_line(&record.to_string()).map(|_| ())
    }
}

/// Start-up, alone on the file: ends a last line a crash left torn, and
/// gives every intent without an outcome an `interrupted` one.
fn recover(s: &mut Sealing) -> std::io::Result<()> {
    use std::io::{Seek, SeekFrom};
    let len = s.file.metadata()?.len();
    s.end_torn(len)?;
    let file = &mut s.file;
    file.seek(SeekFrom::Start(0))?;
    let why = "the server stopped before the outcome was known (found at start-up)";
    for intent in unfinished(file)? {
        let mut record = interrupted(&intent, why);
        record["time"] = json!(crate::clock::now_rfc3339());
        s.append(&record)?;
    }
    Ok(())
}

/// The length and SHA-256 of the file's last line, which has no newline
/// (read backwards to its start, then forwards, in bounded chunks).
fn torn_tail(file: &mut File, len: u64) -> std::io::Result<(u64, String)> {
    use sha2::{Digest, Sha256};
    use std::io::{Read, Seek, SeekFrom};
    const CHUNK: u64 = 64 << 10;
    let mut start = len;
    'back: while start > 0 {
        let from = start.saturating_sub(CHUNK);
        let mut buf = vec![0u8; (start - from) as usize];
        file.seek(SeekFrom::Start(from))?;
        file.read_exact(&mut buf)?;
        if let Some(nl) = buf.iter().rposition(|b| *b == b'\n') {
            start = from + nl as u64 + 1;
            break 'back;
        }
        start = from;
    }
    file.seek(SeekFrom::Start(start))?;
    let mut d = Sha256::new();
    let mut rest = file.take(len - start);
    let mut buf = vec![0u8; CHUNK as usize];
    loop {
        let n = rest.read(&mut buf)?;
        if n == 0 {
            break;
        }
        d.update(&buf[..n]);
    }
    let hex: String = d.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok((len - start, hex))
}

/// The outcome record for a write whose end nobody saw: the caller may
/// check what it did (the requests may or may not have been applied).
fn interrupted(intent: &Value, why: &str) -> Value {
    json!({
        "phase": "outcome",
        "outcome": "interrupted",
        "reason": why,
        "call": intent["call"],
        "tool": intent["tool"],
        "caller": intent["caller"],
        "access": intent["access"],
        "arguments": intent["arguments"],
        "change_ref": intent["change_ref"],
    })
}

/// Intents in the log with no outcome after them, oldest first. Only the
/// open ones are kept while reading, so memory follows what is unfinished,
/// not the length of the log.
fn unfinished(file: &File) -> std::io::Result<Vec<Value>> {
    use std::io::{BufRead, Read};
    let mut open: HashMap<String, (usize, Value)> = HashMap::new();
    let mut r = std::io::BufReader::new(file);
    let mut line = Vec::new();
    for n in 0.. {
        line.clear();
        // Bounded: a line longer than a record can be is passed over.
        let max = super::audit_verify::MAX_LINE as u64;
        if (&mut r).take(max).read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // Only sealed records count: an unsealed line may be anyone's.
        let Some((body, _)) = super::audit_chain::split(line.strip_suffix(b"\n").unwrap_or(&line))
        else {
            continue;
        };
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        let Some(call) = v["call"].as_str().map(String::from) else {
            continue;
        };
        match v["phase"].as_str() {
            Some("intent") => {
                open.insert(call, (n, v));
            }
            Some("outcome") => {
                open.remove(&call);
            }
            _ => {}
        }
    }
    let mut left: Vec<(usize, Value)> = open.into_values().collect();
    left.sort_by_key(|(n, _)| *n);
    Ok(left.into_iter().map(|(_, v)| v).collect())
}

/// A new id for one call, unique across processes and restarts: its
/// records (intent, outcome, ask, answer) carry it.
pub fn new_call_id() -> String {
    static PREFIX: OnceLock<String> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let prefix = PREFIX.get_or_init(|| {
        use std::io::Read;
        let mut b = [0u8; 6];
        let _ = std::fs::File::open("/dev/urandom").and_then(|mut f| f.read_exact(&mut b));
        // Without randomness the pid and start time still part processes.
        let salt = u64::from(std::process::id())
            ^ std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(0);
        let mixed: u64 = b
            .iter()
            .fold(salt, |acc, x| acc.rotate_left(8) ^ u64::from(*x));
        format!("{:012x}", mixed & 0xffff_ffff_ffff)
    });
    format!("{prefix}-{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(path: &Path) -> Vec<Value> {
        std::fs::read_to_string(path)
            .unwrap()
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    #[test]
    fn writes_left_open_are_reported_interrupted() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        {
            let a = Audit::open(&path, Key::Plain).unwrap();
            a.write(json!({"phase": "intent", "call": "a-1", "tool": "t"}));
            a.write(json!({"phase": "outcome", "call": "a-1", "outcome": "ok"}));
            a.write(json!({"phase": "intent", "call": "a-2", "tool": "t"}));
            // Killed here: no outcome for a-2.
        }
        // A crash left a torn last line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap()
            .write_all(b"{\"phase\": \"outc")
            .unwrap();
        let b = Audit::open(&path, Key::Plain).unwrap();
        let l = lines(&path);
        let last = &l[l.len() - 1];
        assert_eq!(last["call"], "a-2");
        assert_eq!(last["outcome"], "interrupted");
        assert_eq!(last["tool"], "t");

        // While b runs, another server on the same file leaves b's open
        // write alone.
        b.write(json!({"phase": "intent", "call": "b-1", "tool": "t"}));
        let before = lines(&path).len();
        let c = Audit::open(&path, Key::Plain).unwrap();
        assert_eq!(lines(&path).len(), before);

        // A shutdown past its deadline closes b's own.
        assert_eq!(b.interrupt_open("deadline"), 1);
        assert_eq!(b.interrupt_open("deadline"), 0);
        let l = lines(&path);
        assert_eq!(l[l.len() - 1]["call"], "b-1");
        assert_eq!(l[l.len() - 1]["reason"], "deadline");
        // The call still ends afterwards: its outcome says it is late.
        b.write(json!({"phase": "outcome", "call": "b-1", "outcome": "ok"}));
        let l = lines(&path);
        assert_eq!(l[l.len() - 1]["late"], true);
        // Two servers on one file: each seals over the other's last record.
        c.write(json!({"phase": "outcome", "call": "c-1", "outcome": "ok"}));
        b.write(json!({"phase": "outcome", "call": "b-2", "outcome": "ok"}));
        drop(c);
        // The whole log verifies, the torn line named by the record after it.
        let file = std::io::BufReader::new(File::open(&path).unwrap());
        let v = super::super::audit_verify::verify(file, &Key::Plain, b.head().0.as_deref(), false)
            .unwrap();
        assert!(v.ok(), "{v:?}");
        assert_eq!(v.torn, [4], "{v:?}");
        assert_eq!(v.head_found.map(|(_, after)| after), Some(0));
    }

    #[test]
    fn a_keyed_chain_runs_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("audit.jsonl");
        let key = Key::Hmac(b"a key of sixteen bytes or more".to_vec());
        for round in 0..3 {
            let a = Audit::open(&path, key.clone()).unwrap();
            a.write(json!({"phase": "outcome", "call": format!("r-{round}"), "outcome": "ok"}));
        }
        let read = || std::io::BufReader::new(File::open(&path).unwrap());
        let v = super::super::audit_verify::verify(read(), &key, None, false).unwrap();
        assert!(v.ok() && v.sealed == 3, "{v:?}");
        // Rewritten by someone without the key: found.
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("r-1", "r-9")).unwrap();
        let v = super::super::audit_verify::verify(read(), &key, None, false).unwrap();
        assert_eq!(v.first_bad.map(|(n, _)| n), Some(2));
    }
}
