//! A tool's entry in tools/list: its input schema with the arguments every
//! tool (or every write tool) adds, its description, and its hints.

use crate::mcp::confirm::{self, Confirm};
use crate::shaping;
use crate::tools::catalogue::{Access, ReadOnlyMode, ToolDef};
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

pub fn mcp_tool(def: &ToolDef, read_only: bool, confirm: Confirm) -> Tool {
    let mut input: Value =
        serde_json::from_str(def.input_schema).expect("generated input schema is JSON");
    add_shaping_args(&mut input, def);
    if !read_only {
        confirm::add_args(&mut input, def, confirm);
    }
    let get_only = read_only && def.read_only_mode == ReadOnlyMode::GetOnly;
    let mut description = def.description.to_string();
    if get_only {
        if let Some(m) = input.pointer_mut("/properties/method") {
            m["enum"] = json!(["GET"]);
        }
        description.push_str(" Read-only mode: GET only.");
    }
    let reads = def.access == Access::Read || get_only;
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
