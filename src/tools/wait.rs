//! Waiting for a change to converge after a write (`wait` on the writes
//! that roll something out): the state read again every few seconds until
//! it settles or the time is up, each reading reported as progress. The
//! change itself is made before; a client that cancels stops only the wait
//! (the call's record says so, lifecycle/execute.rs).

use crate::error::ToolError;
use crate::tools::call::Call;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use std::borrow::Cow;
use std::future::Future;
use std::time::{Duration, Instant};

/// The argument's name, on handlers and on `converge` writes alike.
pub const WAIT: &str = "wait";

/// What `wait` is, as every tool that takes it says.
pub const DESCRIPTION: &str = "Seconds to await rollout";

/// The longest wait a call may ask for.
pub const MAX_SECONDS: u64 = 600;
/// Between two readings.
const EVERY: Duration = Duration::from_secs(2);

/// `wait`: seconds, 1 to MAX_SECONDS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait(pub u64);

impl<'de> Deserialize<'de> for Wait {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        match v.as_u64() {
            Some(s) if (1..=MAX_SECONDS).contains(&s) => Ok(Wait(s)),
            _ => Err(serde::de::Error::custom(format!(
                "`wait` is a number of seconds from 1 to {MAX_SECONDS}, not {}",
                crate::error::cap_text(v.to_string(), 40)
            ))),
        }
    }
}

impl JsonSchema for Wait {
    fn schema_name() -> Cow<'static, str> {
        "Wait".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": "integer", "maximum": MAX_SECONDS, "description": DESCRIPTION})
    }
}

/// A reading: where the change stands, and whether waiting longer could
/// change it (a failure, or a success).
pub struct Reading<T> {
    pub value: T,
    pub settled: bool,
    /// Settled as a success.
    pub ok: bool,
    pub status: String,
}

/// How a wait ended: the last reading, whether it settled, and the time
/// taken (whole seconds).
pub struct Waited<T> {
    pub last: T,
    pub settled: bool,
    pub seconds: u64,
}

/// Reads with `read` until a reading settles or `wait` is up; the first
/// reading is taken at once. With `twice`, a success counts once two
/// readings in a row say so (a first look right after a change can see the
/// old state still running: a swarm stack's services before the
/// orchestrator acts). A held call (a dry run, confirmation missing)
/// made no change, so nothing is awaited: the one reading is returned.
pub async fn until<T, F, Fut>(
    call: &Call,
    wait: Wait,
    twice: bool,
    mut read: F,
) -> Result<Waited<T>, ToolError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Reading<T>, ToolError>>,
{
    let started = Instant::now();
    let deadline = started + Duration::from_secs(wait.0);
    let mut ok_before = false;
    let failed_before = call.record().has_failure();
    loop {
        let r = read().await;
        // A reading over the size cap: no later one will fare better.
        if let Some(e) = failure_since(call, failed_before) {
            return Err(e);
        }
        let r = r?;
        // A held call changed nothing: no wait for a cancel to speak of.
        if !call.held() {
            call.record().waiting(&r.status);
        }
        let now = Instant::now();
        let confirmed = !r.ok || !twice || ok_before;
        ok_before = r.settled && r.ok;
        if (r.settled && confirmed) || call.held() || now + EVERY > deadline {
            return Ok(Waited {
                last: r.value,
                settled: r.settled,
                seconds: started.elapsed().as_secs(),
            });
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// A wait's outcome for the answer: when reading how a made change goes
/// fails (Portainer down, an answer over the size cap), the answer says
/// so and the change stands; the call is not an error. A held call made
/// no change, and a cancelled one ends as cancelled: their errors stay.
pub async fn settle<F>(call: &Call, wait: F) -> Result<serde_json::Value, ToolError>
where
    F: Future<Output = Result<serde_json::Value, ToolError>>,
{
    let failed_before = call.record().has_failure();
    let r = wait.await;
    // An answer over the cap marks the whole call failed; here it is the
    // wait's failure, not the change's. A wait that still reached its
    // verdict (a read after it failed: pods' warnings) keeps the verdict,
    // the failed read beside it.
    let r = match (r, failure_since(call, failed_before)) {
        (Ok(mut v), Some(e)) => {
            if let Some(o) = v.as_object_mut() {
                o.insert("reading_error".into(), serde_json::json!(e.to_string()));
            }
            Ok(v)
        }
        (Err(_), Some(e)) => Err(e),
        (r, None) => r,
    };
    match r {
        Err(e) if !call.held() && !matches!(e, ToolError::Cancelled(_)) => Ok(unread(e)),
        other => other,
    }
}

/// A failure marked on the call since a wait began (`before`: one was
/// marked already, and stays the call's), taken off the call: the wait's.
fn failure_since(call: &Call, before: bool) -> Option<ToolError> {
    if before {
        None
    } else {
        call.record().take_failure()
    }
}

/// What an answer says when the change was made but reading how it goes
/// failed: the caller must not take the error for the change's.
pub fn unread(e: ToolError) -> serde_json::Value {
    serde_json::json!({
        "status": "unknown",
        "error": format!("the change was made; reading how it goes failed: {e}"),
    })
}
