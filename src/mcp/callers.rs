//! Per-user access in HTTP mode: each request carries its caller's own
//! Portainer token, checked once against GET /api/users/me and remembered
//! for a short time, so Portainer's RBAC applies to every call.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::record::{CallState, Record};
use progenitor_client::ClientInfo;
use reqwest::Method;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const TOKEN_HEADER: &str = "x-portainer-api-key";
const REMEMBER: Duration = Duration::from_secs(60);

#[derive(Clone)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub token: String,
}

/// Names the user, never the token.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User")
            .field("id", &self.id)
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

#[derive(Default)]
pub struct Users {
    known: Mutex<HashMap<String, (User, Instant)>>,
}

impl Users {
    /// Whether `token` was accepted within the time it is remembered.
    pub fn knows(&self, token: &str) -> bool {
        self.known
            .lock()
            .ok()
            .and_then(|k| k.get(token.trim()).map(|(_, at)| at.elapsed() < REMEMBER))
            .unwrap_or(false)
    }

    pub async fn verify(&self, client: &Client, token: Option<&str>) -> Result<User, ToolError> {
        let token = token
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ToolError::Refused(
                    "send your Portainer access token in the X-Portainer-API-Key header".into(),
                )
            })?;
        if let Some((user, at)) = self.known.lock().ok().and_then(|k| k.get(token).cloned()) {
            if at.elapsed() < REMEMBER {
                return Ok(user);
            }
        }
        // A call of its own, with the caller's token.
        let record = Record::new(CallState {
            token: Some(token.to_string()),
            ..CallState::default()
        });
        let http = client.inner().for_call(record);
        let me = http
            .portainer_json(Method::GET, "users/me?noEndpointAuthorizations=true", None)
            .await;
        let me = me.map_err(|e| match e {
            ToolError::Upstream {
                status: 401 | 403, ..
            } => ToolError::Refused("Portainer refused the token in X-Portainer-API-Key".into()),
            other => other,
        })?;
        let user = User {
            id: me["Id"].as_i64().unwrap_or(0),
            name: me["Username"].as_str().unwrap_or("?").to_string(),
            token: token.to_string(),
        };
        if let Ok(mut k) = self.known.lock() {
            k.retain(|_, (_, at)| at.elapsed() < REMEMBER);
            k.insert(token.to_string(), (user.clone(), Instant::now()));
        }
        Ok(user)
    }
}
