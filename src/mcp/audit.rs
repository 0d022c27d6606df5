//! The audit log: JSON lines, appended and flushed per record. A write call
//! is logged before anything is sent (`intent`) and after (`outcome`).

use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

pub struct Audit {
    file: Mutex<File>,
}

impl Audit {
    pub fn open(path: &Path) -> Result<Audit, String> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| format!("--audit-log {}: {e}", path.display()))?;
        Ok(Audit {
            file: Mutex::new(file),
        })
    }

    /// Writes one record; a failure to write is logged, and the call goes on.
    pub fn write(&self, mut record: Value) {
        record["time"] = json!(crate::clock::now_rfc3339());
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
