//! MCP input JSON Schemas built from the spec's own JSON, with references
//! inlined (clients do not follow $ref into our spec). No output schemas:
//! the result convention is told once in the server's instructions, which
//! costs less context than field lists on every tool.

use crate::catalogue::ToolEntry;
use crate::spec::{Operation, Spec};
use serde_json::{json, Map, Value};

/// Deepest nesting spelled out in an input schema; deeper values are `{}`.
const INPUT_DEPTH: usize = 6;

/// One argument the model sees, and where it goes in the request.
#[derive(Debug, Clone)]
pub struct Arg {
    /// Name in the MCP arguments object.
    pub exposed: String,
    /// Name in the API (parameter or body field).
    pub wire: String,
    pub location: Location,
    pub hidden: bool,
    /// JSON text of the default, if any.
    pub default: Option<String>,
    /// Sent as JSON text; the model may give an object (see ParamOverride::json).
    pub json_text: bool,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Location {
    Path,
    Query,
    /// A field of an object body, flattened into the arguments.
    BodyField,
    /// The whole body, as one argument named `body`.
    Body,
}

/// The arguments of a generated tool, in spec order.
pub fn args(tool: &ToolEntry, op: &Operation) -> Result<Vec<Arg>, String> {
    let mut out = vec![];
    let mut push = |wire: &str, location: Location, read_only: bool| -> Result<(), String> {
        let name = crate::spec::plain(wire);
        let o = tool.params.get(name);
        let exposed = o
            .and_then(|o| o.rename.clone())
            .unwrap_or_else(|| name.to_string());
        let default = match o.and_then(|o| o.default.as_ref()) {
            Some(d) => Some(serde_json::to_string(d).map_err(|e| e.to_string())?),
            None => None,
        };
        out.push(Arg {
            exposed,
            wire: wire.to_string(),
            location,
            // Fields the API marks readOnly are never sent.
            hidden: read_only || o.is_some_and(|o| o.hide),
            default,
            json_text: o.is_some_and(|o| o.json),
        });
        Ok(())
    };
    for p in &op.params {
        let loc = if p.location == "path" {
            Location::Path
        } else {
            Location::Query
        };
        push(&p.name, loc, false)?;
    }
    if let Some(body) = &op.body {
        let fields = op.body_fields(body);
        if fields.is_empty() {
            push("body", Location::Body, false)?;
        } else {
            for (f, schema) in fields {
                push(&f, Location::BodyField, is_readonly(&schema))?;
            }
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for a in &out {
        if !seen.insert(a.exposed.clone()) {
            return Err(crate::catalogue::problem(
                &tool.name,
                format!(
                    "argument `{}` appears twice (a parameter and a body field share it); rename one under [tool.params.{}]",
                    a.exposed, a.wire
                ),
            ));
        }
    }
    Ok(out)
}

pub fn input_schema(spec: &Spec, tool: &ToolEntry, op: &Operation, args: &[Arg]) -> Value {
    let mut props = Map::new();
    let mut required = vec![];
    let body = op.body.as_ref();
    let body_required: Vec<&str> = body
        .and_then(|b| b.get("required"))
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for a in args.iter().filter(|a| !a.hidden) {
        let (schema, is_required) = match a.location {
            Location::Path | Location::Query => {
                let p = op
                    .params
                    .iter()
                    .find(|p| p.name == a.wire)
                    .expect("arg from params");
                (p.schema.clone(), p.required)
            }
            Location::BodyField => {
                let s = body.and_then(|b| b.pointer(&format!("/properties/{}", a.wire)));
                (
                    s.cloned().unwrap_or_default(),
                    body_required.contains(&a.wire.as_str()),
                )
            }
            Location::Body => (body.cloned().unwrap_or_default(), op.body_required),
        };
        if is_readonly(&schema) {
            continue;
        }
        let mut s = if a.json_text {
            json!({"type": ["object", "string"]})
        } else {
            convert(spec, &schema, 0, &mut vec![])
        };
        // Portainer and Docker ids in paths start at 1: refuse 0 and
        // negatives before anything is sent.
        if a.location == Location::Path && s.get("type") == Some(&json!("integer")) {
            s["minimum"] = json!(1);
        }
        let o = tool.params.get(crate::spec::plain(&a.wire));
        if let (Some(obj), Some(text)) = (s.as_object_mut(), o.and_then(|o| o.description.as_ref()))
        {
            obj.insert("description".into(), Value::String(text.trim().to_string()));
        }
        if let (Some(obj), Some(d)) = (s.as_object_mut(), &a.default) {
            obj.insert(
                "default".into(),
                serde_json::from_str(d).unwrap_or(Value::Null),
            );
        }
        let forced = o.is_some_and(|o| o.required);
        if (is_required || forced) && a.default.is_none() {
            required.push(Value::String(a.exposed.clone()));
        }
        props.insert(a.exposed.clone(), s);
    }
    object_schema(props, required)
}

/// The input schema of a multi-operation tool: the selector, plus every
/// operation's arguments; an argument only some operations take says which.
pub fn union_input(
    selector: &str,
    default: Option<&str>,
    choices: &[String],
    inputs: &[Value],
) -> Value {
    let mut props = Map::new();
    // The enum says it all; the tool's description says what each does.
    let mut choice = json!({"type": "string", "enum": choices});
    if let Some(d) = default {
        choice["default"] = json!(d);
    }
    props.insert(selector.to_string(), choice);
    let mut users: Vec<(String, Vec<&str>)> = vec![];
    for (choice, input) in choices.iter().zip(inputs) {
        for (name, schema) in input["properties"].as_object().into_iter().flatten() {
            match users.iter_mut().find(|(n, _)| n == name) {
                Some((_, who)) => who.push(choice),
                None => {
                    users.push((name.clone(), vec![choice]));
                    props.insert(name.clone(), schema.clone());
                }
            }
        }
    }
    for (name, who) in &users {
        if who.len() < choices.len() {
            let note = format!("Only for {selector} {}.", who.join(", "));
            let entry = &mut props[name];
            let text = match entry.get("description").and_then(Value::as_str) {
                Some(d) => format!("{d} {note}"),
                None => note,
            };
            entry["description"] = Value::String(text);
        }
    }
    // Required: what every operation requires.
    let required_by = |input: &Value, n: &str| {
        input["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|x| x == n))
    };
    let mut required = match default {
        Some(_) => vec![],
        None => vec![Value::String(selector.to_string())],
    };
    for (name, _) in &users {
        if inputs.iter().all(|i| required_by(i, name)) {
            required.push(Value::String(name.clone()));
        }
    }
    object_schema(props, required)
}

pub fn object_schema(props: Map<String, Value>, required: Vec<Value>) -> Value {
    // No additionalProperties: the server refuses undeclared arguments by name
    // (Args::check_against), and the keyword on every tool cost 1.4 KB of
    // every tools/list.
    let mut s = json!({"type": "object", "properties": props});
    if !required.is_empty() {
        s["required"] = Value::Array(required);
    }
    s
}

/// A request schema with references inlined (a few levels deep), as tool
/// input schemas spell it.
pub fn inline_input(spec: &Spec, schema: &Value) -> Value {
    convert(spec, schema, 0, &mut vec![])
}

fn is_readonly(s: &Value) -> bool {
    s.get("readOnly") == Some(&Value::Bool(true))
}

fn convert(spec: &Spec, schema: &Value, depth: usize, stack: &mut Vec<String>) -> Value {
    let limit = INPUT_DEPTH;
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        if stack.iter().any(|s| s == r) {
            return json!({}); // recursive type: leave it open
        }
        let Some(target) = spec.lookup(r) else {
            return json!({});
        };
        stack.push(r.to_string());
        let out = convert(spec, target, depth, stack);
        stack.pop();
        return out;
    }
    let Some(obj) = schema.as_object() else {
        return json!({});
    };
    // allOf with one member is how generators spell "this type, plus prose".
    if let Some(Value::Array(all)) = obj.get("allOf") {
        if all.len() == 1 {
            return convert(spec, &all[0], depth, stack);
        }
        if depth >= limit {
            return json!({});
        }
        let parts: Vec<Value> = all
            .iter()
            .map(|p| convert(spec, p, depth + 1, stack))
            .collect();
        return json!({"allOf": parts});
    }
    let mut out = Map::new();
    if let Some(t) = obj.get("type").and_then(Value::as_str) {
        out.insert("type".into(), Value::String(t.to_string()));
    }
    if depth >= limit {
        return Value::Object(out);
    }
    if let Some(items) = obj.get("items") {
        out.insert("items".into(), convert(spec, items, depth + 1, stack));
    }
    if let Some(Value::Object(props)) = obj.get("properties") {
        let mut p = Map::new();
        for (k, v) in props {
            if is_readonly(v) {
                continue;
            }
            p.insert(k.clone(), convert(spec, v, depth + 1, stack));
        }
        out.insert("properties".into(), Value::Object(p));
        if let Some(req) = obj.get("required") {
            out.insert("required".into(), req.clone());
        }
    }
    if let Some(ap) = obj.get("additionalProperties") {
        if ap.is_object() {
            out.insert(
                "additionalProperties".into(),
                convert(spec, ap, depth + 1, stack),
            );
        }
    }
    {
        for k in [
            "default",
            "minimum",
            "maximum",
            "minItems",
            "maxItems",
            "minLength",
            "maxLength",
        ] {
            if let Some(v) = obj.get(k) {
                out.insert(k.into(), v.clone());
            }
        }
    }
    Value::Object(out)
}
