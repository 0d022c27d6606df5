//! A read over several environments: the ones the call names resolved from
//! Portainer's list (tools/fleet.rs), then the tool run on each with a
//! `Call` of its own (its own record, the same layer and guard), each
//! environment's answer shaped on its own (omissions, paging, `select`,
//! redaction, the cap), and the whole answer cut to the cap.

use super::checked::Checked;
use super::dispatch::{prepare, run_one};
use crate::error::ToolError;
use crate::shaping::{self, Got};
use crate::tools::call::Call;
use crate::tools::fleet::{self, Selector};
use serde_json::json;

/// The least of the answer one environment's rows may take.
const MIN_SHARE: usize = 1_000;

pub async fn fan_out(
    c: &Checked<'_>,
    call: &Call,
    sel: &Selector,
    each: impl Fn() -> Call,
) -> Result<Got, ToolError> {
    let backend = c.def.shape.fan_out.unwrap_or("docker");
    // The environment list is read whole: the tool's list plan is for the
    // environments' own lists.
    call.record().set_list_plan(None);
    let (targets, notes) = fleet::resolve(call, sel, backend).await?;
    let whole = &c.s.options.shaping;
    // Each environment gets its share of the answer, so one large one does
    // not crowd the others out (at least enough for a short list).
    let share = (whole.max_chars / targets.len().max(1)).max(MIN_SHARE);
    let opts = &shaping::Limits {
        max_chars: share,
        ..whole.clone()
    };
    // Everything, select included, applies to each environment's answer.
    let req = shaping::Request {
        select: c.req.select.clone(),
        limit: c.req.limit,
        offset: c.req.offset,
        fields: c.req.fields.clone(),
    };
    let req = &req;
    // Twice what the answer shows: enough to cut it cleanly.
    let value = fleet::run(targets, notes, 2 * whole.max_chars, |t| {
        let call = each();
        let args = c.args.with_arg("environment_id", json!(t.id));
        async move {
            let record = call.record();
            prepare(c, &call, req, opts);
            let got = run_one(c, &call, &args, req).await;
            if let Some(e) = record.take().failure {
                return Err(e);
            }
            shaping::finish(got?, &c.def.shape, req, opts)
        }
    })
    .await;
    // Shaped: each row was; a second select or redaction would read the
    // rows as one document.
    Ok(Got {
        value: shaping::truncate::cap(value, whole.max_chars, false),
        shaped: true,
        total: None,
        log: false,
    })
}
