//! A tool's entry in tools/list: its input schema with the arguments every
//! tool (or every write tool) adds, its description, and its hints.

use crate::mcp::confirm;
use crate::shaping;
use crate::tools::catalogue::ToolDef;
use crate::tools::policy::Mode;
use crate::tools::selection::Served;
use rmcp::model::{Tool, ToolAnnotations};
use serde_json::{json, Value};
use std::sync::Arc;

/// Adds the shaping arguments every tool (or every client-paged tool) takes.
fn add_shaping_args(input: &mut Value, def: &ToolDef) {
    let Some(props) = input.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    props.insert(
        shaping::SELECT.into(),
        json!({"type": "string", "description": "JMESPath filter"}),
    );
    if def.shape.client_paging {
        props.insert(shaping::LIMIT.into(), json!({"type": "integer", "minimum": 0, "description": "Return at most this many items."}));
        props.insert(
            shaping::OFFSET.into(),
            json!({"type": "integer", "minimum": 0, "description": "Skip this many items first."}),
        );
    }
}

/// The tools/list entry of a served tool, as its mode allows it to act.
pub fn mcp_tool(served: &Served) -> Tool {
    let Served { def, mode, .. } = *served;
    let mut input = served.input_schema();
    add_shaping_args(&mut input, def);
    confirm::add_args(&mut input, mode);
    let mut description = def.description.to_string();
    if let Mode::GetOnly { method_arg } = mode {
        if let Some(m) = input.pointer_mut(&format!("/properties/{method_arg}")) {
            m["enum"] = json!(["GET"]);
        }
        description.push_str(" Read-only mode: GET only.");
    }
    let reads = !mode.can_write();
    // The title is the tool's own field; repeating it here costs context.
    // Only the hints that carry information: destructive and idempotent
    // mean nothing for a read, and openWorldHint defaults to true.
    let annotations = if reads {
        ToolAnnotations::new().read_only(true)
    } else {
        ToolAnnotations::new()
            .read_only(false)
            .destructive(def.destructive)
            .idempotent(def.idempotent)
    };
    let Value::Object(input) = input else {
        unreachable!("input schemas are objects")
    };
    let mut tool = Tool::new(def.name, description, Arc::new(input))
        .with_title(def.title)
        .with_annotations(annotations);
    if let Some(out) = def.output_schema {
        if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(out) {
            tool = tool.with_raw_output_schema(Arc::new(o));
        }
    }
    tool
}
