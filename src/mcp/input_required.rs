//! Confirmation for MCP 2026-07-28 clients, which may not be sent requests
//! of their own: a held call answers `input_required` with a form asking
//! the user, and the client calls again with the answer and the sealed
//! state. The state is signed (HMAC) with a key every replica shares, so
//! any replica can take the second round; it binds the caller, the tool,
//! the arguments and the exact requests the user was shown.

use crate::tools::args::{CONFIRM, DRY_RUN};
use rmcp::model::{
    ElicitRequest, InputRequest, InputRequiredResult, InputResponses, RequestStateCodec,
    SealOptions,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// The key of the one question a held call asks.
const QUESTION: &str = "confirm";

/// How long the user has to answer.
const ANSWER_WITHIN: Duration = Duration::from_secs(600);

/// The shortest key accepted for sealing states.
pub const MIN_KEY_BYTES: usize = 32;

/// What the sealed state carries back.
#[derive(Serialize, Deserialize)]
struct Ticket {
    /// The call id of the first round, so the audit trail reads as one call.
    call: String,
    /// Digest of the requests the user was shown.
    shown: String,
}

/// Seals and opens confirmation states.
pub struct Sealer {
    codec: RequestStateCodec,
}

/// The second round of a held call, once its state was checked.
pub struct Answer {
    /// The first round's call id.
    pub call: String,
    pub shown: String,
    pub accepted: bool,
}

impl Sealer {
    /// `key`: shared by every replica (PORTAINER_MCP_STATE_KEY), or random
    /// for this process alone.
    pub fn new(key: Option<&[u8]>) -> Result<Sealer, String> {
        let key = match key {
            Some(k) if k.len() < MIN_KEY_BYTES => {
                return Err(format!(
                    "PORTAINER_MCP_STATE_KEY: at least {MIN_KEY_BYTES} bytes are needed (e.g. `openssl rand -hex 32`)"
                ))
            }
            Some(k) => k.to_vec(),
            None => random_key()?,
        };
        let codec = RequestStateCodec::try_new(key).map_err(|e| format!("state key: {e}"))?;
        Ok(Sealer { codec })
    }

    /// The input_required answer for a held call.
    pub fn ask(
        &self,
        caller: &str,
        tool: &str,
        args: &Map<String, Value>,
        call: &str,
        would_send: &[Value],
    ) -> InputRequiredResult {
        let ticket = Ticket {
            call: call.to_string(),
            shown: shown_digest(would_send),
        };
        let bound = binding(caller, tool, args);
        let payload = serde_json::to_vec(&ticket).unwrap_or_default();
        let sealed = self.codec.seal_with(
            &payload,
            &SealOptions::new()
                .associated_data(bound.as_bytes())
                .ttl(ANSWER_WITHIN),
        );
        let mut asks = std::collections::BTreeMap::new();
        asks.insert(
            QUESTION.to_string(),
            InputRequest::Elicitation(ElicitRequest::new(super::elicitation::form(
                tool, would_send,
            ))),
        );
        InputRequiredResult::new(Some(asks), Some(sealed))
    }

    /// The answer of a second round; an error says why it cannot be used.
    pub fn answer(
        &self,
        caller: &str,
        tool: &str,
        args: &Map<String, Value>,
        state: &str,
        responses: Option<&InputResponses>,
    ) -> Result<Answer, String> {
        let bound = binding(caller, tool, args);
        let opened = self
            .codec
            .open_with(state, bound.as_bytes())
            .map_err(|e| match e {
                rmcp::model::RequestStateError::Expired => {
                    "the confirmation expired; call again to be asked again".to_string()
                }
                _ => "the confirmation state does not belong to this call (other arguments, \
                      caller or server key); call again without it"
                    .to_string(),
            })?;
        let ticket: Ticket = serde_json::from_slice(&opened)
            .map_err(|_| "the confirmation state cannot be read; call again without it")?;
        let reply = responses.and_then(|r| r.get(QUESTION));
        let accepted = reply.is_some_and(super::elicitation::is_yes);
        Ok(Answer {
            call: ticket.call,
            shown: ticket.shown,
            accepted,
        })
    }
}

/// What a state is bound to: who calls, which tool, which arguments
/// (confirm and dry_run aside: they do not change what is sent).
fn binding(caller: &str, tool: &str, args: &Map<String, Value>) -> String {
    let mut args = args.clone();
    args.remove(CONFIRM);
    args.remove(DRY_RUN);
    let canonical = canonical(&Value::Object(args));
    format!("{caller}\n{tool}\n{}", hex(&Sha256::digest(canonical)))
}

/// Digest of the requests a user was shown (method and path, as the
/// question lists them); a second round whose requests differ (the system
/// changed meanwhile) asks again. Bodies are left out: they follow from the
/// arguments, which the state binds, and some carry the time of the call.
pub fn shown_digest(would_send: &[Value]) -> String {
    let shown: Vec<Value> = would_send
        .iter()
        .map(|r| Value::Array(vec![r["method"].clone(), r["path"].clone()]))
        .collect();
    hex(&Sha256::digest(canonical(&Value::Array(shown))))
}

/// JSON text with object keys sorted, so equal values give equal digests.
fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let mut out = Map::new();
                for k in keys {
                    out.insert(k.clone(), sorted(&m[k]));
                }
                Value::Object(out)
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn random_key() -> Result<Vec<u8>, String> {
    use std::io::Read;
    let mut key = vec![0u8; MIN_KEY_BYTES];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut key))
        .map_err(|e| format!("cannot read /dev/urandom for a state key: {e}"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    fn yes() -> InputResponses {
        let mut r = InputResponses::new();
        r.insert(
            QUESTION.into(),
            json!({"action": "accept", "content": {"confirm": true}}),
        );
        r
    }

    #[test]
    fn a_state_opens_only_for_its_own_call() {
        let s = Sealer::new(Some(&[7u8; 32])).unwrap();
        let a = args(json!({"id": "web", "environment_id": 1}));
        let sent = vec![json!({"method": "DELETE", "path": "/x"})];
        let asked = s.ask("user:1", "docker_remove", &a, "c1", &sent);
        let state = asked.request_state.clone().unwrap();
        assert!(asked.input_requests.unwrap().contains_key(QUESTION));

        // Same call, keys in another order, confirm added: accepted.
        let again = args(json!({"environment_id": 1, "id": "web", "confirm": true}));
        let ok = s
            .answer("user:1", "docker_remove", &again, &state, Some(&yes()))
            .unwrap();
        assert!(ok.accepted);
        assert_eq!(ok.call, "c1");
        assert_eq!(ok.shown, shown_digest(&sent));

        // Another caller, tool, argument, or key: refused.
        assert!(s
            .answer("user:2", "docker_remove", &a, &state, Some(&yes()))
            .is_err());
        assert!(s
            .answer("user:1", "docker_stop", &a, &state, Some(&yes()))
            .is_err());
        let other = args(json!({"id": "db", "environment_id": 1}));
        assert!(s
            .answer("user:1", "docker_remove", &other, &state, Some(&yes()))
            .is_err());
        let s2 = Sealer::new(Some(&[8u8; 32])).unwrap();
        assert!(s2
            .answer("user:1", "docker_remove", &a, &state, Some(&yes()))
            .is_err());
        assert!(s
            .answer("user:1", "docker_remove", &a, "garbage", Some(&yes()))
            .is_err());
    }

    #[test]
    fn only_an_explicit_yes_is_consent() {
        let s = Sealer::new(None).unwrap();
        let a = args(json!({"id": "web"}));
        let state = s.ask("u", "t", &a, "c", &[]).request_state.unwrap();
        for reply in [
            json!({"action": "decline"}),
            json!({"action": "cancel"}),
            json!({"action": "accept", "content": {"confirm": false}}),
            json!({"action": "accept"}),
        ] {
            let mut r = InputResponses::new();
            r.insert(QUESTION.into(), reply.clone());
            let got = s.answer("u", "t", &a, &state, Some(&r)).unwrap();
            assert!(!got.accepted, "{reply}");
        }
        assert!(!s.answer("u", "t", &a, &state, None).unwrap().accepted);
    }

    #[test]
    fn what_was_shown_is_method_and_path() {
        let at = |t: &str, path: &str| {
            vec![json!({"method": "PATCH", "path": path, "body": {"restartedAt": t}})]
        };
        assert_eq!(
            shown_digest(&at("10:00:01", "/a")),
            shown_digest(&at("10:00:02", "/a"))
        );
        assert_ne!(
            shown_digest(&at("10:00:01", "/a")),
            shown_digest(&at("10:00:01", "/b"))
        );
    }

    #[test]
    fn short_keys_are_refused() {
        assert!(Sealer::new(Some(b"short")).is_err());
    }
}
