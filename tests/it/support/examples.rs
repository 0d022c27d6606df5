//! The request examples of tools.toml (`[[tool.example]]`): each tool call
//! and the one request it must send. Read here so that adding a tool's test
//! is an edit of tools.toml alone.

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Catalogue {
    tool: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    name: String,
    #[serde(default)]
    example: Vec<Raw>,
}

#[derive(Deserialize)]
struct Raw {
    args: String,
    method: String,
    path: String,
    #[serde(default)]
    query: Vec<String>,
    body: Option<String>,
    ok: Option<bool>,
    answer: Option<String>,
}

/// One example, decoded.
#[derive(Debug, Clone)]
pub struct Example {
    pub tool: String,
    pub args: Value,
    pub method: String,
    pub path: String,
    pub query: Vec<String>,
    pub body: Option<Value>,
    pub ok: bool,
    /// What the stand-in answers, when its own routes do not know the path.
    pub answer: Option<(u16, Value)>,
}

/// Every example of every tool, in catalogue order.
pub fn all() -> Vec<Example> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tools.toml");
    let text = std::fs::read_to_string(path).expect("tools.toml");
    let cat: Catalogue = toml::from_str(&text).expect("tools.toml parses");
    let json = |tool: &str, what: &str, t: &str| -> Value {
        serde_json::from_str(t).unwrap_or_else(|e| panic!("{tool}: example {what}: {e}"))
    };
    cat.tool
        .into_iter()
        .flat_map(|e| {
            let tool = e.name;
            e.example.into_iter().map(move |x| Example {
                args: json(&tool, "args", &x.args),
                body: x.body.as_deref().map(|b| json(&tool, "body", b)),
                answer: x.answer.as_deref().map(|a| {
                    let a = json(&tool, "answer", a);
                    let status = a["status"].as_u64().unwrap_or(200) as u16;
                    (status, a["body"].clone())
                }),
                method: x.method,
                path: x.path,
                query: x.query,
                ok: x.ok.unwrap_or(true),
                tool: tool.clone(),
            })
        })
        .collect()
}

/// `args` with `confirm: true` where the default --confirm policy asks for
/// it (the server's own rule, tools/policy.rs).
pub fn confirmed(tool: &str, mut args: Value) -> Value {
    use portainer_mcp::tools::policy::{Confirm, Mode};
    let def = portainer_mcp::tools::catalogue::find(tool);
    let mode = def.and_then(|d| Mode::of(d, false, Confirm::Destructive));
    if mode.is_some_and(Mode::needs_confirm) {
        args["confirm"] = Value::Bool(true);
    }
    args
}
