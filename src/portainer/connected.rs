//! The Portainer this process talks to, as it reported itself at start-up
//! (version_check.rs reads it; error messages name it).

use std::sync::OnceLock;

/// A Portainer as it reports itself.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerInfo {
    pub version: String,
    /// "CE" or "EE"; None where the route does not say (the public status).
    pub edition: Option<String>,
}

impl std::fmt::Display for ServerInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.edition {
            Some(e) => write!(f, "{} {e}", self.version),
            None => write!(f, "{}", self.version),
        }
    }
}

static CONNECTED: OnceLock<ServerInfo> = OnceLock::new();

/// Records the Portainer found at start-up (once).
pub fn remember(info: &ServerInfo) {
    let _ = CONNECTED.set(info.clone());
}

/// The Portainer this process found at start-up, for error messages.
pub fn get() -> Option<&'static ServerInfo> {
    CONNECTED.get()
}
