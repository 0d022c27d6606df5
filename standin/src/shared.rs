//! What every connection of one stand-in shares: its version, the request
//! log, the bench lists and the answers and delays a test registered.

use crate::answer::Answer;
use crate::bench::Prepared;
use crate::recording::Log;
use crate::{Options, TOKEN};
use std::collections::HashMap;
use std::sync::Mutex;

/// Everything a request may need, shared by all connections.
pub struct Shared {
    pub(crate) version: String,
    pub(crate) edition: String,
    pub(crate) log: Log,
    pub(crate) keys: Vec<String>,
    pub(crate) bench: Prepared,
    pub(crate) fleet: bool,
    pub(crate) env_latency: std::time::Duration,
    /// Answers registered by [`crate::StandIn::answer`], by (method, path).
    pub(crate) overrides: Mutex<HashMap<(String, String), Answer>>,
    /// Delays registered by [`crate::StandIn::delay`], by (method, path).
    pub(crate) delays: Mutex<HashMap<(String, String), std::time::Duration>>,
    /// Delayed requests as they ended: (method, path, answered); false when
    /// the client went away first (the request was aborted).
    pub(crate) delayed: Mutex<Vec<(String, String, bool)>>,
}

impl Shared {
    /// Prepares the bench lists once, here, not per request.
    pub fn new(options: &Options) -> Shared {
        Shared {
            version: options.version.clone(),
            edition: options.edition.clone(),
            log: Log::new(options.record),
            keys: options.keys.clone(),
            bench: Prepared::new(options),
            fleet: options.fleet,
            env_latency: options.env_latency,
            overrides: Mutex::new(HashMap::new()),
            delays: Mutex::new(HashMap::new()),
            delayed: Mutex::new(vec![]),
        }
    }

    pub(crate) fn admin_key(&self, key: &str) -> bool {
        key == TOKEN || self.keys.iter().any(|k| k == key)
    }
}
