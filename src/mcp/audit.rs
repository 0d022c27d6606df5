//! The audit log: JSON lines, appended and flushed per record. A write call
//! is logged before anything is sent (`intent`) and after (`outcome`).

use serde_json::{json, Value};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

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
