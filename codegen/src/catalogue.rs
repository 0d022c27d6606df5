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

/// What a tool still does when the server runs with --read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReadOnlyMode {
    /// Left out entirely (the default for write tools).
    Hidden,
    /// Kept, but the HTTP method is pinned to GET (the raw proxies).
    GetOnly,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolEntry {
    pub name: String,
    /// operationId in spec/portainer.json (generated tools).
    pub operation: Option<String>,
    /// Module under src/handlers (hand-written tools).
    pub handler: Option<String>,
    pub access: Access,
    #[serde(default)]
    pub destructive: bool,
    /// Overrides the idempotentHint derived from the HTTP method.
    pub idempotent: Option<bool>,
    /// Why a non-GET operation is safe to class as read.
    pub read_reason: Option<String>,
    pub read_only_mode: Option<ReadOnlyMode>,
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
        let op = match (&t.operation, &t.handler) {
            (Some(id), None) => match spec.operation(id) {
                Some(op) => Some(op),
                None => {
                    err(format!(
                        "operation `{id}` is not in spec/ (portainer.json, docker.json)"
                    ));
                    None
                }
            },
            (None, Some(h)) => {
                if !handlers.contains(&h.as_str()) {
                    err(format!(
                        "handler `{h}` is not a hand-written handler (known: {})",
                        handlers.join(", ")
                    ));
                }
                None
            }
            _ => {
                err(
                    "give exactly one of `operation` (generated) or `handler` (hand-written)"
                        .into(),
                );
                None
            }
        };
        if let Some(op) = op {
            check_access(t, &op, &mut err);
            check_params(t, &op, &mut err);
            check_reserved(t, &op, &mut err);
        }
        if let Some(p) = &t.project {
            if let Err(e) = jmespath::compile(p) {
                err(format!("project is not a valid JMESPath expression: {e}"));
            }
        }
        if t.read_only_mode == Some(ReadOnlyMode::GetOnly) && t.handler.is_none() {
            err("read_only_mode = \"get-only\" needs a handler that can pin its method".into());
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
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

fn check_params(t: &ToolEntry, op: &Operation, err: &mut impl FnMut(String)) {
    let known = op.param_names();
    for (p, o) in &t.params {
        if !known.iter().any(|k| k == p) {
            err(format!(
                "params.{p} is not a parameter of `{}` (it has: {})",
                op.id,
                known.join(", ")
            ));
            continue;
        }
        if o.hide && o.default.is_none() && op.is_required(p) {
            err(format!(
                "params.{p} is required by the API, so hiding it needs a default"
            ));
        }
        if let Some(r) = &o.rename {
            if !is_snake_case(r) && !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                err(format!("params.{p}.rename `{r}` is not a plain identifier"));
            }
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

fn is_snake_case(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
