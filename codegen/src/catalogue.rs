//! tools.toml: the declarative catalogue, and the rules a good entry follows.

use crate::spec::{Operation, Spec};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(default)]
    pub toolsets: BTreeMap<String, Toolset>,
    #[serde(default, rename = "tool")]
    pub tools: Vec<ToolEntry>,
    /// Operations api_call must never reach, each with the reason.
    #[serde(default)]
    pub deny: Vec<Deny>,
    /// Our own words on arguments of operations api_describe shows, where
    /// no curated tool's parameter description says it.
    #[serde(default)]
    pub note: Vec<Note>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// An operationId of spec/.
    pub operation: String,
    /// A path or query parameter's name, or `body.NAME` for a body field.
    pub field: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deny {
    /// An operationId of spec/.
    pub operation: String,
    pub reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Toolset {
    /// Served unless the user picks toolsets explicitly.
    pub default: bool,
    pub description: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    Read,
    Write,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEntry {
    pub name: String,
    /// operationId in spec/ (generated tools).
    pub operation: Option<String>,
    /// Several operationIds, chosen by the `selector` argument's value
    /// (e.g. start/stop/restart of one resource as one tool).
    pub operations: Option<BTreeMap<String, String>>,
    /// Name of the argument choosing among `operations` (default "action").
    pub selector: Option<String>,
    /// The selector's value when the call leaves it out (the common case,
    /// such as a container among Docker objects).
    pub selector_default: Option<String>,
    /// A `handler!` declared in src/tools/handlers (hand-written tools).
    pub handler: Option<String>,
    /// For a handler: the Portainer operations it sends, so that it is only
    /// served where they exist (passthrough-only handlers name none).
    #[serde(default)]
    pub uses: Vec<String>,
    /// Why the tool exists in some Portainer editions or versions only
    /// (shown in generated/compatibility.md).
    pub edition_note: Option<String>,
    pub access: Access,
    #[serde(default)]
    pub destructive: bool,
    /// Overrides the idempotentHint derived from the HTTP method.
    pub idempotent: Option<bool>,
    /// Why a non-GET operation is safe to class as read.
    pub read_reason: Option<String>,
    /// For a passthrough: the argument that holds the HTTP method. A GET
    /// reads; other methods write; a read-only server pins it to GET.
    pub method_argument: Option<String>,
    /// For api_call: the argument naming the operation to call; its
    /// method decides (GET reads, DELETE is destructive).
    pub operation_argument: Option<String>,
    /// Calls and the requests they send (required for generated tools).
    #[serde(default)]
    pub example: Vec<Example>,
    pub toolset: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub params: BTreeMap<String, ParamOverride>,
    /// Default JMESPath projection of the (wrapped) result, unless `select` is given.
    pub project: Option<String>,
    /// Dotted paths removed from the result by default (`name[]` = each element).
    #[serde(default)]
    pub omit: Vec<String>,
    /// "tail" keeps the end of long lists and strings when cutting (logs).
    pub truncate: Option<Keep>,
    /// "client": the API cannot page, so we add limit/offset and slice.
    pub paging: Option<Paging>,
    /// A read list whose rows the server can fill from each row's own
    /// inspect: the Docker passthrough path with the row field naming it,
    /// e.g. `containers/{Id}/json`. The tool then takes `fields`.
    pub fill: Option<String>,
    /// A read that may run over many environments at once: "docker" or
    /// "kubernetes", the kind of environment it reads. Its environment_id
    /// then also takes [ids], "*", "tag:NAME" or "group:NAME".
    pub fan_out: Option<String>,
    /// A write whose change the server can wait for (`wait` seconds):
    /// "stack" (the created stack's containers running) or "helm_release"
    /// (the release deployed and its workloads rolled out).
    pub converge: Option<String>,
    /// More words api_find answers with this tool (a hand-written tool's
    /// name says what it is, not all it does: stack_update makes webhooks).
    #[serde(default)]
    pub find: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Keep {
    Head,
    Tail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Paging {
    Client,
}

/// Argument names the server adds to every tool (select) or to client-paged
/// tools (limit, offset); a tool's own arguments must not use them.
pub const SHAPING_ARGS: [&str; 3] = ["select", "limit", "offset"];

/// One call of the tool and the request it must send; the test suite runs
/// every example against the stand-in Portainer (tests/it/concerns/catalogue_examples.rs).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// The tool's arguments, as JSON text (TOML has no null).
    pub args: String,
    pub method: String,
    /// Path as sent, from /api on.
    pub path: String,
    /// Query pairs (`name=value`, URL-encoded) that must all be present.
    #[serde(default)]
    pub query: Vec<String>,
    /// The JSON body that must be sent, as JSON text.
    pub body: Option<String>,
    /// Whether the stand-in's answer is a success (default true).
    pub ok: Option<bool>,
    /// An answer for the stand-in to give to this request: `{"status": 200, "body": ...}`,
    /// for routes it does not know.
    pub answer: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamOverride {
    /// Not shown to the model; `default` (if any) is always sent.
    #[serde(default)]
    pub hide: bool,
    /// Name the model sees instead of the API's.
    pub rename: Option<String>,
    /// Value used when the model leaves the argument out.
    pub default: Option<toml::Value>,
    /// Description shown to the model.
    pub description: Option<String>,
    /// Required of the model although the API (in some description)
    /// makes it optional.
    #[serde(default)]
    pub required: bool,
    /// The API takes this string parameter as JSON text (Docker's filters):
    /// the model may give an object, which is encoded for it.
    #[serde(default)]
    pub json: bool,
}

impl ToolEntry {
    /// (selector value, operationId) of each operation; `None` for a
    /// single-operation tool.
    pub fn operation_ids(&self) -> Vec<(Option<&str>, &str)> {
        match (&self.operation, &self.operations) {
            (Some(id), _) => vec![(None, id.as_str())],
            (None, Some(map)) => map
                .iter()
                .map(|(k, v)| (Some(k.as_str()), v.as_str()))
                .collect(),
            (None, None) => vec![],
        }
    }

    pub fn selector(&self) -> &str {
        self.selector.as_deref().unwrap_or("action")
    }
}

/// A catalogue problem, always naming the tool it is about.
pub fn problem(tool: &str, what: impl std::fmt::Display) -> String {
    format!("tools.toml: tool `{tool}`: {what}")
}

pub fn parse(text: &str) -> Result<Catalogue, String> {
    toml::from_str(text).map_err(|e| format!("tools.toml: {e}"))
}

/// Checks every rule; returns all problems found, not just the first.
pub fn validate(cat: &Catalogue, spec: &Spec, handlers: &[&str]) -> Result<(), Vec<String>> {
    let mut errors = vec![];
    let mut names = BTreeSet::new();
    for t in &cat.tools {
        let name = t.name.as_str();
        let mut err = |what: String| errors.push(problem(name, what));
        if !names.insert(name) {
            err("the name is used by more than one tool".into());
        }
        if !is_snake_case(name) {
            err("the name must be snake_case (a-z, 0-9, _), starting with a letter".into());
        }
        if t.description.trim().is_empty() {
            err("description is missing or empty".into());
        }
        if t.title.trim().is_empty() {
            err("title is empty".into());
        }
        if !cat.toolsets.contains_key(&t.toolset) {
            err(format!(
                "toolset `{}` is not declared under [toolsets]",
                t.toolset
            ));
        }
        let sources = [
            t.operation.is_some(),
            t.operations.is_some(),
            t.handler.is_some(),
        ];
        if sources.iter().filter(|b| **b).count() != 1 {
            err("give exactly one of `operation` or `operations` (generated) or `handler` (hand-written)".into());
        }
        if let Some(h) = &t.handler {
            if !handlers.contains(&h.as_str()) {
                err(format!(
                    "handler `{h}` is not a hand-written handler (known: {})",
                    handlers.join(", ")
                ));
            }
        }
        if t.operations.as_ref().is_some_and(|m| m.len() < 2) {
            err("`operations` needs at least two entries (use `operation` for one)".into());
        }
        if !t.uses.is_empty() && t.handler.is_none() {
            err("`uses` is for handlers (a generated tool's operations are known)".into());
        }
        for id in &t.uses {
            if spec.operation(id).is_none() {
                err(format!("uses `{id}`, which no description in spec/ has"));
            }
        }
        let mut ops = vec![];
        for (_, id) in t.operation_ids() {
            match spec.operation(id) {
                Some(op) => ops.push(op),
                None => err(format!(
                    "operation `{id}` is in no description in spec/ (portainer-*.json, docker.json)"
                )),
            }
        }
        for op in &ops {
            check_access(t, op, &mut err);
            check_reserved(t, op, &mut err);
        }
        if let Some(fill) = &t.fill {
            check_fill(t, fill, &ops, &mut err);
        }
        if let Some(kind) = &t.fan_out {
            if t.access != Access::Read || !matches!(kind.as_str(), "docker" | "kubernetes") {
                err(format!(
                    "fan_out `{kind}`: a read tool's \"docker\" or \"kubernetes\""
                ));
            }
        }
        if let Some(kind) = &t.converge {
            check_converge(t, kind, &ops, &mut err);
        }
        if !ops.is_empty() {
            check_params(t, &ops, &mut err);
            if t.example.is_empty() {
                err("add an [[tool.example]]: arguments and the request they send".into());
            }
        }
        for (i, x) in t.example.iter().enumerate() {
            check_example(i + 1, x, &ops, &mut err);
        }
        if let Some(p) = &t.project {
            if let Err(e) = jmespath::compile(p) {
                err(format!("project is not a valid JMESPath expression: {e}"));
            }
        }
        if t.operation_argument.is_some() && (t.handler.is_none() || t.access != Access::Write) {
            err("operation_argument is for write handlers whose operation argument decides (api_call)".into());
        }
        if t.method_argument.is_some() && (t.handler.is_none() || t.access != Access::Write) {
            err("method_argument is for write handlers whose method argument decides (passthroughs)".into());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

fn check_example(n: usize, x: &Example, ops: &[Operation], err: &mut impl FnMut(String)) {
    let mut json = |what: &str, text: &str| {
        if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
            err(format!("example {n}: {what} is not JSON: {e}"));
        }
    };
    json("args", &x.args);
    if let Some(b) = &x.body {
        json("body", b);
    }
    if let Some(a) = &x.answer {
        json("answer", a);
    }
    // Generated tools: the request must be one of the tool's operations.
    if !ops.is_empty()
        && !ops
            .iter()
            .any(|op| op.method.eq_ignore_ascii_case(&x.method) && path_matches(&op.path, &x.path))
    {
        let known: Vec<String> = ops
            .iter()
            .map(|op| format!("{} /api{}", op.method.to_uppercase(), op.path))
            .collect();
        err(format!(
            "example {n}: {} {} is not a request of this tool's operations ({})",
            x.method,
            x.path,
            known.join(", ")
        ));
    }
}

/// Whether `path` (from /api on) fits the spec's template (below /api).
fn path_matches(template: &str, path: &str) -> bool {
    let Some(rest) = path.strip_prefix("/api") else {
        return false;
    };
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), rest.split('/').collect());
    t.len() == p.len()
        && t.iter().zip(&p).all(|(t, p)| {
            if t.starts_with('{') && t.ends_with('}') {
                !p.is_empty()
            } else {
                t == p
            }
        })
}

fn check_access(t: &ToolEntry, op: &Operation, err: &mut impl FnMut(String)) {
    let method = op.method.to_uppercase();
    if t.access == Access::Read
        && method != "GET"
        && t.read_reason.as_deref().is_none_or(|r| r.trim().is_empty())
    {
        err(format!(
            "operation `{}` is {method}, so access must be \"write\" (or give read_reason saying why it changes nothing)",
            op.id
        ));
    }
    if method == "DELETE" && !t.destructive {
        err(format!(
            "operation `{}` is DELETE, so it must be marked destructive = true",
            op.id
        ));
    }
    if t.access == Access::Read && t.destructive {
        err("a read tool cannot be destructive".into());
    }
}

fn check_params(t: &ToolEntry, ops: &[Operation], err: &mut impl FnMut(String)) {
    let ids: Vec<&str> = ops.iter().map(|o| o.id.as_str()).collect();
    for (p, o) in &t.params {
        if !ops.iter().any(|op| op.param_names().iter().any(|k| k == p)) {
            let mut known: Vec<String> = ops.iter().flat_map(|op| op.param_names()).collect();
            known.dedup();
            err(format!(
                "params.{p} is not a parameter of `{}` (it has: {})",
                ids.join("`, `"),
                known.join(", ")
            ));
            continue;
        }
        if o.hide && o.default.is_none() && ops.iter().any(|op| op.is_required(p)) {
            err(format!(
                "params.{p} is required by the API, so hiding it needs a default"
            ));
        }
        if let Some(r) = &o.rename {
            if !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                err(format!("params.{p}.rename `{r}` is not a plain identifier"));
            }
        }
    }
    if t.operations.is_some()
        && ops
            .iter()
            .any(|op| op.param_names().iter().any(|n| n == t.selector()))
    {
        err(format!(
            "selector `{}` clashes with an API parameter; choose another with `selector`",
            t.selector()
        ));
    }
    if let Some(d) = &t.selector_default {
        match &t.operations {
            Some(ops) if ops.contains_key(d) => {}
            Some(ops) => err(format!(
                "selector_default `{d}` is not one of: {}",
                ops.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
            None => err("selector_default needs operations".into()),
        }
    }
}

fn check_reserved(t: &ToolEntry, op: &Operation, err: &mut impl FnMut(String)) {
    let reserved: &[&str] = if t.paging.is_some() {
        &SHAPING_ARGS
    } else {
        &SHAPING_ARGS[..1]
    };
    for r in reserved {
        let renamed_away = t
            .params
            .get(*r)
            .is_some_and(|o| o.hide || o.rename.is_some());
        if op.param_names().iter().any(|n| n == r) && !renamed_away {
            err(format!(
                "argument `{r}` is reserved for response shaping; rename or hide the API's `{r}` under [tool.params.{r}]"
            ));
        }
    }
}

/// The argument a write with `converge` adds.
pub const WAIT_ARG: &str = "wait";

fn check_converge(t: &ToolEntry, kind: &str, ops: &[Operation], err: &mut impl FnMut(String)) {
    if t.access != Access::Write || !matches!(kind, "stack" | "helm_release") {
        err(format!(
            "converge `{kind}`: a write tool's \"stack\" or \"helm_release\""
        ));
    }
    let hidden = t
        .params
        .get(WAIT_ARG)
        .is_some_and(|o| o.hide || o.rename.is_some());
    if ops
        .iter()
        .any(|op| op.param_names().iter().any(|n| n == WAIT_ARG))
        && !hidden
    {
        err(format!(
            "argument `{WAIT_ARG}` is reserved for converge; hide or rename the API's `{WAIT_ARG}` under [tool.params.{WAIT_ARG}]"
        ));
    }
}

/// The argument a fillable list adds.
pub const FIELDS_ARG: &str = "fields";

fn check_fill(t: &ToolEntry, fill: &str, ops: &[Operation], err: &mut impl FnMut(String)) {
    if t.access != Access::Read || ops.len() != 1 {
        err("fill goes with a generated read tool of one operation (a list)".into());
    }
    // "." reads the paths from the row itself: lists whose rows are already
    // the whole object (Swarm's), where `fields` reaches what omit hides.
    let holes = if fill == "." {
        1
    } else {
        fill.matches('{').count()
    };
    let named = fill == "."
        || fill
            .split_once('{')
            .and_then(|(_, rest)| rest.split_once('}'))
            .is_some_and(|(field, _)| {
                !field.is_empty() && field.chars().all(|c| c.is_ascii_alphanumeric())
            });
    if holes != 1 || !named || fill.starts_with('/') {
        err(format!(
            "fill `{fill}` must be a passthrough path with one {{Field}} of the row, e.g. containers/{{Id}}/json, or \".\" (the row itself)"
        ));
    }
    if ops
        .iter()
        .any(|op| op.param_names().iter().any(|n| n == FIELDS_ARG))
    {
        err(format!(
            "argument `{FIELDS_ARG}` is reserved for fill; the API has one too"
        ));
    }
}

fn is_snake_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
