//! The tool run once with its arguments (one call, or one environment of a
//! fan-out): dispatched with its `Call`, and its rows filled when the call
//! asks for `fields`.

use super::checked::Checked;
use crate::error::ToolError;
use crate::shaping::{self, Got};
use crate::tools::args::Args;
use crate::tools::call::Call;
use crate::tools::{catalogue, converge, fill};

/// How the call's record reads what comes back: a list shaped as it
/// arrives, a log into a window a few times the cap (log_window.rs; a
/// generated log tool's one GET is its log).
pub fn prepare(c: &Checked<'_>, call: &Call, req: &shaping::Request, opts: &shaping::Limits) {
    let record = call.record();
    record.set_list_plan(shaping::list_plan(&c.def.shape, req, opts));
    record.set_text_window(4 * opts.max_chars);
    if c.def.shape.keep_tail && matches!(c.def.input, catalogue::Input::Schema(_)) {
        record.expect_log(true, None);
    }
}

/// The tool run once with `args`: dispatched, and its rows filled when the
/// call asks for `fields` (the list came back whole: no list plan then).
pub async fn run_one(
    c: &Checked<'_>,
    call: &Call,
    args: &Args,
    req: &shaping::Request,
) -> Result<Got, ToolError> {
    match catalogue::dispatch(call, c.def.name, args).await? {
        Got {
            value,
            shaped: false,
            total,
            log: false,
        } if !req.fields.is_empty() => {
            fill::fill(call, &c.def.shape, req, args, value)
                .await
                .map(|value| Got {
                    value,
                    shaped: false,
                    total,
                    log: false,
                })
        }
        got => Ok(got),
    }
}

/// A `converge` write given `wait`, once made (and handed to its team):
/// its change awaited. The reads of the wait are the call's own, not the
/// tool's one answer: no list plan is left to take them.
pub async fn converge(c: &Checked<'_>, call: &Call, made: Got) -> Result<Got, ToolError> {
    match (c.def.converge, c.wait) {
        (Some(kind), Some(w)) if !call.held() => {
            call.record().set_list_plan(None);
            converge::after(call, kind, &c.args, made.value, w)
                .await
                .map(Got::from)
        }
        _ => Ok(made),
    }
}
