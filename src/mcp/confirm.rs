//! Confirmation and dry runs for write tools. Every write tool takes
//! `dry_run: true` (return what would be sent, send nothing); tools the
//! --confirm policy covers also need `confirm: true`, and without it behave
//! as a dry run that says so.

use crate::error::ToolError;
use crate::tools::args::{Args, CONFIRM, DRY_RUN};
use crate::tools::policy::Mode;
use serde_json::{json, Value};

/// Adds dry_run (and confirm where the policy asks) to the schema of a tool
/// that can write.
pub fn add_args(input: &mut Value, mode: Mode) {
    if !mode.can_write() {
        return;
    }
    let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    // What dry_run means is in the server's instructions, told once. Not
    // every client shows those to the model, and a call without confirm
    // does nothing, so confirm says so where it is taken.
    props.insert(DRY_RUN.into(), json!({"type": "boolean"}));
    if mode.needs_confirm() {
        props.insert(
            CONFIRM.into(),
            json!({"type": "boolean", "description": "true to act; without it, a preview."}),
        );
    }
}

/// How one call of a write tool is to run.
#[derive(Debug, Default, Clone, Copy)]
pub struct Plan {
    /// Changes requests would make; false for a proxy GET.
    pub writes: bool,
    /// Hold writes back: a dry run, or confirmation missing.
    pub hold: bool,
    pub unconfirmed: bool,
    /// The user was asked (elicitation) and said no.
    pub declined: bool,
}

pub fn plan(mode: Mode, args: &Args) -> Result<Plan, ToolError> {
    if !mode.call_writes(args)? {
        return Ok(Plan::default());
    }
    let dry_run: bool = args.get(DRY_RUN, Some("false"))?;
    let confirmed: bool = args.get(CONFIRM, Some("false"))?;
    let unconfirmed = mode.needs_confirm() && !confirmed;
    Ok(Plan {
        writes: true,
        hold: dry_run || unconfirmed,
        // A dry run is asked for; only a real call waits on confirmation.
        unconfirmed: unconfirmed && !dry_run,
        declined: false,
    })
}

/// The answer of a held call: what would have been sent.
pub fn held_answer(
    plan: &Plan,
    would_send: Vec<Value>,
    preview: Vec<Value>,
    would_change: Option<Value>,
) -> Value {
    // Reads on the way (the stack, the object to patch) may have gone
    // out; what the notes promise is about the writes.
    let checked = !preview.is_empty();
    let note = match (plan.declined, plan.unconfirmed, checked) {
        (true, _, _) => "Not done: the user declined. No write was sent.",
        (_, true, false) => "Not done: this tool changes things and needs confirmation. Check the requests below, then call again with confirm: true.",
        (_, true, true) => "Not done: this tool changes things and needs confirmation. The API server checked the writes below with its own dry run (dryRun=All: nothing stored; its answers are in server_preview); call again with confirm: true to apply them.",
        (_, false, false) => "Dry run: nothing was changed; the writes below were not sent.",
        (_, false, true) => "Dry run: nothing was changed. The writes below were sent only as the API server's own dry run (dryRun=All: checked, nothing stored); its answers are in server_preview.",
    };
    let mut answer = json!({"dry_run": true, "note": note, "would_send": would_send});
    if !preview.is_empty() {
        // The API server validated the writes and answered as it would
        // store them (Kubernetes dryRun=All); nothing was stored.
        answer["server_preview"] = Value::Array(preview);
    }
    if let Some(change) = would_change {
        answer["would_change"] = change;
    }
    answer
}
