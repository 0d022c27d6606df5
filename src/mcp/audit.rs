//! The audit log: JSON lines, appended and flushed per record. A write call
//! is logged before anything is sent (`intent`) and after (`outcome`); one
//! that never finished (the process was stopped or killed) gets an
//! `interrupted` outcome at shutdown or when the next server starts.

use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Audit {
    file: Mutex<File>,
    /// Writes whose intent is logged and whose outcome is not yet: what a
    /// shutdown past its deadline reports as interrupted.
    open: Mutex<HashMap<String, Value>>,
    /// Calls reported interrupted: an outcome they still reach later is
    /// marked `late`.
    interrupted: Mutex<HashSet<String>>,
}

impl Audit {
    /// Opens (appends to) the log. A log no other running server has open
    /// is first read for writes a previous process logged the intent of
    /// but never finished (it was killed): each gets an `interrupted`
    /// outcome, written while no other server can write. Every server
    /// holds a shared lock on the file while it runs.
    pub fn open(path: &Path) -> Result<Audit, String> {
        let fail = |e: std::io::Error| format!("--audit-log {}: {e}", path.display());
        let mut file = OpenOptions::new()
            .create(true)
            .append(true)
            .read(true)
            .open(path)
            .map_err(fail)?;
        if file.try_lock().is_ok() {
            recover(&mut file).map_err(fail)?;
            let _ = file.unlock();
        }
        // A lock that cannot be had (a file system without locks) only
        // costs the start-up recovery of the next server.
        let _ = file.lock_shared();
        Ok(Audit {
            file: Mutex::new(file),
            open: Mutex::new(HashMap::new()),
            interrupted: Mutex::new(HashSet::new()),
        })
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
        let mut line = record.to_string();
        line.push('\n');
        let result = self
            .file
            .lock()
            .map_err(|_| std::io::Error::other("audit log lock poisoned"))
            .and_then(|mut f| f.write_all(line.as_bytes()).and_then(|()| f.flush()));
        if let Err(e) = result {
            tracing::error!("cannot write the audit log: {e}");
        }
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

/// Start-up, alone on the file: ends a last line a crash left torn, and
/// gives every intent without an outcome an `interrupted` one.
fn recover(file: &mut File) -> std::io::Result<()> {
    use std::io::{Read, Seek, SeekFrom};
    let len = file.metadata()?.len();
    if len > 0 {
        let mut last = [0u8];
        file.seek(SeekFrom::Start(len - 1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            file.write_all(b"\n")?;
        }
    }
    file.seek(SeekFrom::Start(0))?;
    let why = "the server stopped before the outcome was known (found at start-up)";
    for intent in unfinished(file)? {
        let mut record = interrupted(&intent, why);
        record["time"] = json!(crate::clock::now_rfc3339());
        file.write_all(format!("{record}\n").as_bytes())?;
    }
    file.flush()
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
    })
}

/// Intents in the log with no outcome after them, oldest first. Only the
/// open ones are kept while reading, so memory follows what is unfinished,
/// not the length of the log.
fn unfinished(file: &File) -> std::io::Result<Vec<Value>> {
    use std::io::BufRead;
    let mut open: HashMap<String, (usize, Value)> = HashMap::new();
    for (n, line) in std::io::BufReader::new(file).split(b'\n').enumerate() {
        let line = line?;
        // Only lines that can be a record are parsed; others are skipped.
        let Ok(v) = serde_json::from_slice::<Value>(&line) else {
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
            let a = Audit::open(&path).unwrap();
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
        let b = Audit::open(&path).unwrap();
        let l = lines(&path);
        let last = &l[l.len() - 1];
        assert_eq!(last["call"], "a-2");
        assert_eq!(last["outcome"], "interrupted");
        assert_eq!(last["tool"], "t");

        // While b runs, another server on the same file leaves b's open
        // write alone.
        b.write(json!({"phase": "intent", "call": "b-1", "tool": "t"}));
        let before = lines(&path).len();
        let c = Audit::open(&path).unwrap();
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
        drop(c);
    }
}
