//! Confirmation and dry runs for write tools. Every write tool takes
//! `dry_run: true` (return what would be sent, send nothing); tools the
//! --confirm policy covers also need `confirm: true`, and without it behave
//! as a dry run that says so.

use crate::error::ToolError;
use crate::tools::args::Args;
use crate::tools::catalogue::{Access, ReadOnlyMode, ToolDef};
use serde_json::{json, Value};

pub const DRY_RUN: &str = "dry_run";
pub const CONFIRM: &str = "confirm";

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Confirm {
    /// Destructive tools (deletes, removals) need confirm: true.
    Destructive,
    /// Every write tool needs confirm: true.
    Writes,
    /// No confirmation.
    None,
}

/// Whether the tool can write at all (proxies only with a non-GET method).
pub fn writes(def: &ToolDef) -> bool {
    def.access == Access::Write
}

pub fn needs_confirm(def: &ToolDef, policy: Confirm) -> bool {
    writes(def)
        && match policy {
            Confirm::Destructive => def.destructive,
            Confirm::Writes => true,
            Confirm::None => false,
        }
}

/// Adds dry_run (and confirm where the policy asks) to a write tool's schema.
pub fn add_args(input: &mut Value, def: &ToolDef, policy: Confirm) {
    if !writes(def) {
        return;
    }
    let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    props.insert(
        DRY_RUN.into(),
        json!({"type": "boolean", "description": "Only show what would be sent"}),
    );
    if needs_confirm(def, policy) {
        props.insert(CONFIRM.into(), json!({"type": "boolean", "description": "true to do it; else only shows what it would do"}));
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

pub fn plan(def: &ToolDef, args: &Args, policy: Confirm) -> Result<Plan, ToolError> {
    if !writes(def) {
        return Ok(Plan::default());
    }
    // A raw proxy call with GET reads; only its other methods write.
    if def.read_only_mode == ReadOnlyMode::GetOnly {
        let method: Option<String> = args.get("method", None)?;
        if method
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case("GET"))
        {
            return Ok(Plan::default());
        }
    }
    let dry_run: bool = args.get(DRY_RUN, Some("false"))?;
    let confirmed: bool = args.get(CONFIRM, Some("false"))?;
    let unconfirmed = needs_confirm(def, policy) && !confirmed;
    Ok(Plan {
        writes: true,
        hold: dry_run || unconfirmed,
        // A dry run is asked for; only a real call waits on confirmation.
        unconfirmed: unconfirmed && !dry_run,
        declined: false,
    })
}

/// The answer of a held call: what would have been sent.
pub fn held_answer(plan: &Plan, would_send: Vec<Value>) -> Value {
    let note = if plan.declined {
        "Not done: the user declined. Nothing was sent."
    } else if plan.unconfirmed {
        "Not done: this tool changes things and needs confirmation. Check the requests below, then call again with confirm: true."
    } else {
        "Dry run: nothing was sent."
    };
    json!({"dry_run": true, "note": note, "would_send": would_send})
}
