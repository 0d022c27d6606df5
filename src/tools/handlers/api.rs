//! The whole API at little context cost: find an operation by words,
//! describe its exact arguments, call it. Calls go through the same layers
//! as every tool (policy, confirmation, the one HTTP layer and its guard,
//! redaction, shaping, audit); arguments are checked against the
//! operation's schema before anything is sent.

use crate::error::ToolError;
use crate::shaping::Got;
use crate::tools::call::{Call, ToolCard};
use crate::tools::handler::handler;
use crate::tools::operations::{self, Access, OperationDef};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

#[derive(Deserialize, JsonSchema)]
pub struct Find {
    /// What to do, e.g. "create environment", "helm rollback".
    query: String,
    /// Default 8.
    #[schemars(range(min = 1, max = 50))]
    limit: Option<usize>,
}

handler!(API_FIND, Find, find);

async fn find(call: &Call, a: Find) -> Result<Value, ToolError> {
    let hits = operations::search(&a.query, a.limit.unwrap_or(8).clamp(1, 50));
    let items: Vec<Value> = hits
        .into_iter()
        .map(|op| {
            let mut v = summary(call, op);
            if let Some(why) = unavailable(call, op) {
                v["unavailable"] = json!(why);
            }
            v
        })
        .collect();
    let total = items.len();
    let mut out = json!({"items": items, "total": total});
    // Hand-written tools some operations lack (a form body, several
    // requests): found by their name's words, ahead of the raw operations.
    let (served, off): (Vec<&ToolCard>, Vec<&ToolCard>) = call
        .tools()
        .iter()
        .filter(|t| t.curated)
        .filter(|t| operations::tool_matches(t.name, t.find, &a.query))
        .partition(|t| call.serves(t.name));
    if !served.is_empty() {
        out["curated_tools"] = json!(served.iter().map(|t| t.name).collect::<Vec<_>>());
    }
    // Never a tool the caller cannot call: the toolset that would serve it.
    if !off.is_empty() {
        out["not_served"] = json!(off.iter().map(|t| off_here(t)).collect::<Vec<_>>());
    }
    Ok(out)
}

/// How a tool this server does not serve is named, under `not_served`:
/// with the toolset that would serve it.
fn off_here(t: &ToolCard) -> String {
    format!("{} (toolset {})", t.name, t.toolset)
}

/// One operation as api_find and api_describe show it; a curated tool is
/// named only when this server serves it, else under `not_served` with its
/// toolset (the operation itself stays callable through api_call).
fn summary(call: &Call, op: &OperationDef) -> Value {
    let mut v = operations::summary(op);
    if let Some(t) = v["curated_tool"].as_str() {
        if !call.serves(t) {
            let def = call.tools().iter().find(|d| d.name == t);
            v.as_object_mut().map(|o| o.remove("curated_tool"));
            if let Some(def) = def {
                v["not_served"] = json!(off_here(def));
            }
        }
    }
    v
}

#[derive(Deserialize, JsonSchema)]
pub struct Describe {
    /// Operation id, from api_find.
    operation: String,
}

handler!(API_DESCRIBE, Describe, describe);

async fn describe(call: &Call, a: Describe) -> Result<Value, ToolError> {
    let op = operations::lookup(&a.operation)?;
    let mut v = summary(call, op);
    if let Some(why) = op.denied {
        return Err(denied(op, why));
    }
    // The arguments the connected Portainer takes, not every version's.
    let connected = call.target();
    v["arguments"] = op.input_schema_in(connected.map(|t| t.index));
    if let Some(t) = connected {
        let lacking = op.params_missing_in(t.index);
        if !lacking.is_empty() {
            v["not_in_this_version"] = json!({"portainer": t.portainer, "arguments": lacking});
        }
    }
    v["result"] = json!(op.result);
    if let Some(why) = unavailable(call, op) {
        v["unavailable"] = json!(why);
    }
    Ok(v)
}

#[derive(Deserialize, JsonSchema)]
pub struct ApiCall {
    /// Operation id, from api_find.
    operation: String,
    /// Parameters by name; the body as `body`.
    #[serde(default)]
    arguments: Map<String, Value>,
}

handler!(API_CALL, ApiCall, call_operation);

async fn call_operation(call: &Call, a: ApiCall) -> Result<Got, ToolError> {
    let http = call.http();
    let op = operations::lookup(&a.operation)?;
    if let Some(why) = op.denied {
        return Err(denied(op, why));
    }
    if let Some(why) = unavailable(call, op) {
        return Err(ToolError::Refused(format!("{}: {why}", op.id)));
    }
    let connected = call.target();
    if let Some(t) = connected {
        let given: Vec<&str> = op
            .params_missing_in(t.index)
            .into_iter()
            .filter(|n| a.arguments.get(*n).is_some_and(|v| !v.is_null()))
            .collect();
        if !given.is_empty() {
            return Err(ToolError::BadArguments(format!(
                "{}: the connected Portainer ({}) does not take {}; leave {} out",
                op.id,
                t.portainer,
                given
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                if given.len() == 1 { "it" } else { "them" }
            )));
        }
    }
    check(op, &a.arguments, connected.map(|t| t.index))?;
    let r = operations::request(op, &a.arguments)?;
    let method = Method::from_bytes(r.method.as_bytes())
        .map_err(|e| ToolError::Internal(format!("method {}: {e}", r.method)))?;
    // A list answer is shaped as it arrives (the exchange carries it).
    http.portainer_send(method, &r.path, r.body.as_ref())
        .await?
        .into_got()
}

/// Why this operation cannot be called here, if it cannot.
fn unavailable(call: &Call, op: &OperationDef) -> Option<String> {
    let http = call.http();
    if let Some(t) = call.target() {
        if !op.exists_in(t.index) {
            return Some(format!(
                "the connected Portainer ({}) does not have this route",
                t.portainer
            ));
        }
    }
    if http.is_read_only() && op.access() != Access::Read {
        return Some("the server runs in read-only mode and this operation writes".into());
    }
    if http.destructive_disabled() && op.access() == Access::Destructive {
        return Some(
            "the server runs with --disable-destructive and this operation removes things".into(),
        );
    }
    None
}

fn denied(op: &OperationDef, why: &str) -> ToolError {
    ToolError::Refused(format!(
        "{} is not available through api_call: {why}",
        op.id
    ))
}

/// Largest part of a schema quoted in an error.
const QUOTE_CHARS: usize = 600;

/// Validates the arguments against the operation's schema; the error names
/// each problem and quotes the part of the schema it broke, so that the
/// next call can be right.
fn check(
    op: &OperationDef,
    args: &Map<String, Value>,
    description: Option<usize>,
) -> Result<(), ToolError> {
    let schema = op.input_schema_in(description);
    let validator = jsonschema::validator_for(&schema)
        .map_err(|e| ToolError::Internal(format!("schema of {}: {e}", op.id)))?;
    let instance = Value::Object(args.clone());
    let problems: Vec<String> = validator
        .iter_errors(&instance)
        .take(5)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() {
                "arguments".to_string()
            } else {
                format!("arguments{at}")
            };
            let rule = schema_at(&schema, &e.schema_path().to_string());
            format!("{at}: {e}; schema: {rule}")
        })
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(ToolError::BadArguments(format!(
        "{} does not take these arguments: {}",
        op.id,
        problems.join(" | ")
    )))
}

/// The subschema that holds the failed keyword, compact and capped.
fn schema_at(schema: &Value, keyword_path: &str) -> String {
    let parent = keyword_path
        .rsplit_once('/')
        .map(|(p, _)| p)
        .unwrap_or_default();
    let part = schema.pointer(parent).unwrap_or(schema);
    crate::error::cap_text(part.to_string(), QUOTE_CHARS)
}
