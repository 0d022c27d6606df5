//! A tool's entry in tools/list: its input schema with the arguments every
//! tool (or every write tool) adds, its description, and its hints.

use crate::mcp::confirm;
use crate::shaping;
use crate::tools::catalogue::{Access, ToolDef};
use crate::tools::policy::Mode;
use crate::tools::selection::Served;
use crate::tools::wait;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{json, Value};
use std::sync::Arc;

/// Adds the shaping arguments: `select` to every tool that reads (and to
/// the proxies and api_call, whose GETs are reads) but logs, limit/offset to
/// client-paged lists.
/// Their meaning is told once in the server's instructions, not per tool.
fn add_shaping_args(input: &mut Value, def: &ToolDef) {
    let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    // api_call and the proxies read too (GET operations, GET requests).
    let may_read = def.method_argument.is_some() || def.operation_argument.is_some();
    // A log comes back as text, which a JMESPath select cannot search.
    if (def.access == Access::Read || may_read) && !def.shape.keep_tail {
        props.insert(
            shaping::SELECT.into(),
            json!({"type": "string", "description": "JMESPath"}),
        );
    }
    // A read over several environments: environment_id names them too.
    if def.shape.fan_out.is_some() {
        props.insert(
            "environment_id".into(),
            json!({"type": ["integer", "string", "array"],
                   "description": "Or [ids], \"*\", \"tag:X\", \"group:X\""}),
        );
    }
    if let Some(fill) = def.shape.fill {
        // Rows that are whole objects are not inspected again: their paths,
        // hidden ones too, are read from the row.
        let description = if fill == crate::tools::fill::ROW {
            "Paths per row, hidden ones too, e.g. Spec.TaskTemplate.ContainerSpec.Env"
        } else {
            "Inspect paths per row, e.g. RestartCount"
        };
        props.insert(
            shaping::FIELDS.into(),
            json!({"type": "array", "items": {"type": "string"}, "description": description}),
        );
    }
    // A write the server can wait for (tools/converge.rs): the same
    // argument as the handlers' (tools/wait.rs).
    if def.converge.is_some() {
        props.insert(
            wait::WAIT.into(),
            json!({"type": "integer", "maximum": wait::MAX_SECONDS,
                   "description": wait::DESCRIPTION}),
        );
    }
    if def.shape.client_paging {
        for name in [shaping::LIMIT, shaping::OFFSET] {
            props.insert(name.into(), json!({"type": "integer", "minimum": 0}));
        }
    }
}

/// The tools/list entry of a served tool, as its mode allows it to act.
pub fn mcp_tool(served: &Served) -> Tool {
    let Served { def, mode, .. } = *served;
    let mut input = served.input_schema();
    add_shaping_args(&mut input, def);
    confirm::add_args(&mut input, mode);
    if served.change_ref {
        add_change_ref(&mut input);
    }
    // A policy may ask for confirmation in some environments.
    if served.offer_confirm && !mode.needs_confirm() {
        if let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) {
            props.insert(
                crate::tools::args::CONFIRM.into(),
                json!({"type": "boolean", "description": "true once the user agreed, where the policy asks"}),
            );
        }
    }
    let mut description = served.text.to_string();
    if let Mode::GetOnly { method_arg } = mode {
        if let Some(m) = input.pointer_mut(&format!("/properties/{method_arg}")) {
            m["enum"] = json!(["GET"]);
        }
        description.push_str(" Read-only mode: GET only.");
    }
    // Only the hints that differ from MCP's defaults (readOnly false,
    // destructive true, idempotent false, openWorld true): the others cost
    // tools/list space and say nothing. A read carries readOnlyHint alone.
    let mut annotations = ToolAnnotations::new();
    if !mode.can_write() {
        annotations = annotations.read_only(true);
    } else {
        if !def.destructive {
            annotations = annotations.destructive(false);
        }
        if def.idempotent {
            annotations = annotations.idempotent(true);
        }
    }
    unsaid_false_defaults(&mut input);
    let Value::Object(input) = input else {
        unreachable!("input schemas are objects")
    };
    let tool = Tool::new(def.name, description, Arc::new(input)).with_title(served.title);
    // No hint differs from MCP's defaults: `annotations: {}` would say nothing.
    if annotations == ToolAnnotations::new() {
        tool
    } else {
        tool.with_annotations(annotations)
    }
}

/// --require-change-ref: a write names its change (tools/change_ref.rs).
/// Not `required` in the schema: the proxies and api_call read too, and a
/// read needs none; the check is the server's, on every call that writes.
fn add_change_ref(input: &mut Value) {
    use crate::tools::change_ref::CHANGE_REF;
    if let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) {
        props.insert(
            CHANGE_REF.into(),
            json!({"type": "string", "description": "Required to write: the change ticket"}),
        );
    }
}

/// A flag left out is off: `"default": false` on a boolean argument says
/// nothing a model does not assume, and costs tools/list space.
fn unsaid_false_defaults(input: &mut Value) {
    let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for p in props.values_mut().filter_map(Value::as_object_mut) {
        if p.get("type") == Some(&json!("boolean")) && p.get("default") == Some(&json!(false)) {
            p.remove("default");
        }
    }
}
