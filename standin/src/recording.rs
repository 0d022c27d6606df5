//! The request log the tests read back.

use serde_json::Value;
use std::sync::Mutex;

/// What the stand-in saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    /// The body when it parses as JSON.
    pub body: Option<Value>,
    /// The body as text when it is not JSON (forms), else None.
    pub text: Option<String>,
    /// The `Content-Type` header.
    pub content_type: Option<String>,
    /// The `Accept` header.
    pub accept: Option<String>,
    /// The `X-Registry-Auth` header (image pulls).
    pub registry_auth: Option<String>,
    /// The `X-API-Key` header.
    pub api_key: Option<String>,
}

/// Every request in arrival order, or nothing at all when recording is off.
pub(crate) struct Log {
    on: bool,
    entries: Mutex<Vec<Seen>>,
}

impl Log {
    pub fn new(on: bool) -> Log {
        Log {
            on,
            entries: Mutex::new(vec![]),
        }
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    pub fn push(&self, seen: Seen) {
        if self.on {
            self.lock().push(seen);
        }
    }

    pub fn all(&self) -> Vec<Seen> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    // A test that panicked while holding the lock must not hide the log
    // from the next assertion.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Seen>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}
