//! Which Portainer user opened each MCP session: a session id alone is not
//! a credential, so every request on a session must come from its owner.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

/// Sessions remembered at most; the oldest is forgotten first (its id then
/// stops working, as after a restart: the client initializes again).
const MAX_SESSIONS: usize = 50_000;

#[derive(Default)]
pub struct Sessions {
    owners: Mutex<HashMap<String, (i64, Instant)>>,
}

impl Sessions {
    pub fn bind(&self, id: &str, user: i64) {
        let mut owners = self.owners.lock().unwrap_or_else(|p| p.into_inner());
        if owners.len() >= MAX_SESSIONS {
            let oldest = owners
                .iter()
                .min_by_key(|(_, (_, at))| *at)
                .map(|(k, _)| k.clone());
            if let Some(k) = oldest {
                owners.remove(&k);
            }
        }
        owners.insert(id.to_string(), (user, Instant::now()));
    }

    pub fn owned_by(&self, id: &str, user: i64) -> bool {
        let owners = self.owners.lock().unwrap_or_else(|p| p.into_inner());
        owners.get(id).is_some_and(|(owner, _)| *owner == user)
    }

    pub fn forget(&self, id: &str) {
        let mut owners = self.owners.lock().unwrap_or_else(|p| p.into_inner());
        owners.remove(id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_owner_may_use_a_session() {
        let s = Sessions::default();
        s.bind("abc", 1);
        assert!(s.owned_by("abc", 1));
        assert!(!s.owned_by("abc", 2));
        assert!(!s.owned_by("unknown", 1));
        s.forget("abc");
        assert!(!s.owned_by("abc", 1));
    }
}
