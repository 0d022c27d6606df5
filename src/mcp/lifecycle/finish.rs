//! The last stages of a call: its result shaped (a held call's answer is
//! what it would have sent), then answered, audited and counted.

use super::checked::Checked;
use crate::error::ToolError;
use crate::mcp::confirm;
use crate::mcp::metrics::{CallLabels, StatusLabel, ToolLabel};
use crate::portainer::record::{CallState, Sent};
use crate::shaping::{self, Got};
use rmcp::model::{CallToolResult, ContentBlock};
use serde_json::{json, Value};

/// Shaping for a held call's answer: redaction and the cap, no projection.
const HELD: shaping::Rules = shaping::Rules {
    project: None,
    omit: &[],
    keep_tail: false,
    client_paging: false,
    single_request: false,
    fill: None,
    fan_out: None,
};

/// The result as the caller reads it.
pub fn shape(
    c: &Checked<'_>,
    got: Result<Got, ToolError>,
    st: &CallState,
) -> Result<Value, ToolError> {
    let opts = &c.s.options.shaping;
    let got = got?;
    let demo = c.s.options.demo;
    shape_result(c, got, st, opts).map(|v| marked(v, "_demo", demo))
}

fn shape_result(
    c: &Checked<'_>,
    got: Got,
    st: &CallState,
    opts: &shaping::Limits,
) -> Result<Value, ToolError> {
    if c.plan.hold {
        // What the call would have sent; a failed read on the way is an error.
        let held = confirm::held_answer(
            &c.plan,
            st.would_send.clone(),
            st.preview.clone(),
            st.would_change.clone(),
        );
        let shaped = shaping::shape(held, &HELD, &shaping::Request::default(), opts)?;
        return Ok(with_content_warnings(shaped, st));
    }
    shaping::finish(got, &c.def.shape, &c.req, opts).map(|v| with_content_warnings(v, st))
}

/// What the policy's content rules warn of in what the call deploys (or
/// would), beside the answer.
fn with_content_warnings(v: Value, st: &CallState) -> Value {
    let warnings = (!st.content_warnings.is_empty()).then(|| json!(st.content_warnings));
    marked(v, "content_warnings", warnings)
}

/// `v` with `note` under `key` beside the answer (an answer that is no
/// object goes under `result`); `v` itself when there is no note.
fn marked(mut v: Value, key: &str, note: Option<impl Into<Value>>) -> Value {
    let Some(note) = note else {
        return v;
    };
    match &mut v {
        Value::Object(o) => {
            o.insert(key.into(), note.into());
            v
        }
        _ => json!({"result": v, key: note.into()}),
    }
}

/// Answers the call: the result (or the error) as MCP content, one audit
/// record of its outcome, its metrics.
pub fn finish(
    c: &Checked<'_>,
    state: Option<&CallState>,
    result: Result<Value, ToolError>,
) -> CallToolResult {
    let ms = c.started.elapsed().as_millis() as u64;
    let ran = state;
    let sent: Vec<Value> = state
        .map(|st| {
            st.sent
                .iter()
                .map(|x| json!({"method": x.method, "path": x.path, "status": x.status}))
                .collect()
        })
        .unwrap_or_default();
    let held = ran.is_some() && c.plan.hold;
    let mut record = json!({"phase": "outcome", "requests": sent, "duration_ms": ms, "held": held});
    if let Some(w) = state.filter(|st| !st.content_warnings.is_empty()) {
        record["content_warnings"] = json!(w.content_warnings);
    }
    let def = c.def;
    let answer = match result {
        Ok(v) => {
            tracing::info!(tool = def.name, ms, held, "ok");
            record["outcome"] = json!("ok");
            match crate::mcp::results::as_text(&v) {
                Some(blocks) => {
                    CallToolResult::success(blocks.into_iter().map(ContentBlock::text).collect())
                }
                None => CallToolResult::structured(v),
            }
        }
        Err(e) => {
            let text = crate::mcp::results::error_text(&e);
            tracing::info!(tool = def.name, ms, error = %text, "failed");
            record["outcome"] = json!(match e {
                // Cut by a shutdown past its grace, not by the client.
                ToolError::Cancelled(_) if c.s.drain.is_draining() => "interrupted",
                ToolError::Cancelled(_) => "cancelled",
                _ => "error",
            });
            let left = state.and_then(|st| st.in_flight.as_ref());
            if let Some((m, p, _)) = left.filter(|(m, _, _)| m != "GET") {
                record["write_in_flight"] = json!({"method": m, "path": p});
            }
            record["error"] = json!(text);
            match c.s.options.demo {
                // A demo's errors say so too.
                Some(_) => {
                    CallToolResult::error(vec![ContentBlock::text(format!("[demo] {text}"))])
                }
                None => error_result(&e),
            }
        }
    };
    let outcome = if held {
        "held"
    } else {
        record["outcome"].as_str().unwrap_or("error")
    };
    let writes = ran.is_some() && c.plan.writes;
    let sent = state.map(|st| st.sent.as_slice()).unwrap_or_default();
    count(c, writes, outcome, sent);
    c.audit(record);
    answer
}

pub fn error_result(e: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(crate::mcp::results::error_text(e))])
}

/// The metrics of one finished (or held) call.
pub fn count(c: &Checked<'_>, writes: bool, outcome: &str, sent: &[Sent]) {
    let Some(m) = &c.s.options.metrics else {
        return;
    };
    let tool = c.def.name;
    let call = CallLabels {
        tool: tool.into(),
        access: if writes { "write" } else { "read" }.into(),
        outcome: outcome.into(),
    };
    m.calls.get_or_create(&call).inc();
    m.latency
        .get_or_create(&ToolLabel { tool: tool.into() })
        .observe(c.started.elapsed().as_secs_f64());
    for x in sent {
        let status = StatusLabel {
            status: x.status.to_string(),
        };
        m.upstream.get_or_create(&status).inc();
    }
}
