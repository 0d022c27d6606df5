//! A client whose user answers every confirmation the same way, and the
//! audit log as records: what confirmation tests share.

use rmcp::model::{
    ClientCapabilities, ClientConfig, ElicitRequestParams, ElicitResult, ElicitationAction,
    Implementation,
};
use rmcp::service::RequestContext;
use rmcp::{ClientHandler, ErrorData as McpError, RoleClient};
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};

/// `forms`: whether the client can show the user a form (elicitation);
/// `yes`: what the user answers. `asked` keeps every question shown.
#[derive(Clone)]
pub struct User {
    pub forms: bool,
    pub yes: bool,
    pub asked: Arc<Mutex<Vec<String>>>,
}

impl User {
    pub fn new(forms: bool, yes: bool) -> User {
        User {
            forms,
            yes,
            asked: Arc::new(Mutex::new(vec![])),
        }
    }

    pub fn asked(&self) -> Vec<String> {
        self.asked.lock().unwrap().clone()
    }
}

impl ClientHandler for User {
    fn get_info(&self) -> ClientConfig {
        let caps = if self.forms {
            ClientCapabilities::builder().enable_elicitation().build()
        } else {
            ClientCapabilities::default()
        };
        ClientConfig::new(caps, Implementation::new("test", "1"))
    }

    async fn create_elicitation(
        &self,
        request: ElicitRequestParams,
        _context: RequestContext<RoleClient>,
    ) -> Result<ElicitResult, McpError> {
        if let ElicitRequestParams::FormElicitationParams { message, .. } = request {
            self.asked.lock().unwrap().push(message);
        }
        Ok(if self.yes {
            ElicitResult::new(ElicitationAction::Accept).with_content(json!({"confirm": true}))
        } else {
            ElicitResult::new(ElicitationAction::Decline)
        })
    }
}

/// The audit log's records, in order (none if there is no file yet).
pub fn audit_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}
