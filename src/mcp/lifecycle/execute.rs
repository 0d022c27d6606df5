//! Running a checked call: a `Call` value built for it (its own record, the
//! caller's token, held or not, the connected Portainer), the tool
//! dispatched with it under the client's cancel and progress watch, and
//! what it did taken back from the record.

use super::checked::Checked;
use super::{dispatch, fan_out};
use crate::error::ToolError;
use crate::mcp::confirm::Plan;
use crate::portainer::record::{CallState, Record, Watch};
use crate::shaping::Got;
use crate::tools::call::{Call, Connected, Writes};
use crate::tools::team_access;
use serde_json::json;
use std::sync::Arc;

/// A call that ran (or was held): what came back, and what it sent.
pub struct Ran {
    pub got: Result<Got, ToolError>,
    pub state: CallState,
}

/// Runs the call under `plan` (a confirmed second run passes its own).
pub async fn execute(c: &Checked<'_>, plan: &Plan, watch: &Watch) -> Ran {
    let s = c.s;
    if plan.writes && !plan.hold {
        c.audit(json!({"phase": "intent"}));
    }
    if let Some(m) = &s.options.metrics {
        m.in_flight.inc();
    }
    let writes = match (plan.hold, plan.unconfirmed) {
        (false, _) => Writes::Go,
        (true, true) => Writes::Unconfirmed,
        (true, false) => Writes::DryRun,
    };
    let token = c.user.as_ref().map(|u| u.token.clone());
    let connected = c.menu.target.as_ref().map(|t| Connected {
        index: t.index,
        portainer: t.portainer.clone(),
    });
    let serving = match &c.narrow {
        Some(n) => Arc::new(c.menu.serving.narrowed(|name| c.menu.allows(n, name))),
        None => c.menu.serving.clone(),
    };
    // What every record of the call carries (a fan-out's one per environment).
    let read_only = c.narrow.as_ref().is_some_and(|n| n.read_only());
    let bind = |record: &Record| {
        record.set_tool(c.def.name, c.def.destructive);
        if read_only {
            record.set_read_only();
        }
        if let Some(t) = c.trace {
            record.set_trace(t);
        }
    };
    let call = Call::new(&s.client, token.clone(), writes, connected.clone())
        .serving(serving)
        .watching(watch.clone());
    let record = call.record();
    bind(record);
    // Confirmed: a write going out that its mode made ask (by confirm:
    // true, elicitation or a second round), or one given confirm: true.
    let said_yes = c
        .args
        .get::<bool>(crate::tools::args::CONFIRM, Some("false"))
        .unwrap_or(false);
    record.set_confirmed(!plan.hold && (c.mode.needs_confirm() || said_yes));
    dispatch::prepare(c, &call, &c.req, &s.options.shaping);
    let team = s
        .options
        .team
        .filter(|_| team_access::creates_stack(c.def.name, &c.args));
    // Boxed: the dispatch future holds every tool's locals and is large.
    let dispatch = Box::pin(async {
        if let Some(sel) = &c.fleet {
            let each = || {
                let one = Call::new(&s.client, token.clone(), writes, connected.clone());
                bind(one.record());
                one
            };
            return fan_out::fan_out(c, &call, sel, each).await;
        }
        let out = dispatch::run_one(c, &call, &c.args, &c.req).await;
        let out = match (out, team) {
            (Ok(created), Some(team)) => team_access::restrict(&call, team, created.value)
                .await
                .map(Got::from),
            (out, _) => out,
        };
        // The team's access is set before any wait: a cancelled wait
        // leaves the stack restricted.
        match out {
            Ok(made) => dispatch::converge(c, &call, made).await,
            e => e,
        }
    });
    let out = record.run(call.watch(), dispatch).await;
    let mut state = record.take();
    let got = match (out, state.failure.take()) {
        (None, _) => Err(cancelled(&state)),
        // The body was too large, or a select's list over its budget.
        (Some(_), Some(e)) => Err(e),
        (Some(got), None) => got,
    };
    if let Some(m) = &s.options.metrics {
        m.in_flight.dec();
    }
    Ran { got, state }
}

/// What a cancelled call reports: whether a write had left (its outcome
/// then unknown) and which were done.
fn cancelled(state: &CallState) -> ToolError {
    let done: Vec<String> = state
        .sent
        .iter()
        .filter(|x| x.method != "GET")
        .map(|x| format!("{} {} (HTTP {})", x.method, x.path, x.status))
        .collect();
    let mut text = String::from("the client cancelled the call");
    match state.in_flight.as_ref().filter(|(m, _, _)| m != "GET") {
        Some((m, p, _)) => text.push_str(&format!(
            "; a write had already left and its outcome is unknown: {m} {p} \
             (Portainer may have applied it: check before calling again)"
        )),
        None if done.is_empty() => text.push_str("; no write had been sent"),
        None => {}
    }
    if !done.is_empty() {
        text.push_str(&format!("; writes done before: {}", done.join(", ")));
    }
    if let Some(status) = &state.waiting {
        text.push_str(&format!(
            "; the change was made and only the wait for it stopped (last seen: {status})"
        ));
    }
    ToolError::Cancelled(text)
}
