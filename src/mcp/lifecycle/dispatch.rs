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

/// The tool run once with `args`: dispatched, its rows filled when the
/// call asks for `fields` (the list came back whole: no list plan then),
/// and its change awaited when a `converge` write is given `wait`.
pub async fn run_one(
    c: &Checked<'_>,
    call: &Call,
    args: &Args,
    req: &shaping::Request,
) -> Result<Got, ToolError> {
    let got = catalogue::dispatch(call, c.def.name, args).await?;
    if let (Some(kind), Some(w), false) = (c.def.converge, c.wait, call.held()) {
        return converge::after(call, kind, args, got.value, w)
            .await
            .map(Got::from);
    }
    match got {
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
