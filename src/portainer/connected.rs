//! A Portainer as it reported itself at start-up (version_check.rs reads
//! it; the HTTP layer keeps it, error messages name it).

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
