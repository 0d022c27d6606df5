//! What a tool is, as the generated registry (catalogue.rs) spells it:
//! the types only, so a handler may read tool definitions handed to it
//! without depending on the registry that points back at it.

use crate::tools::handler::Handler;
use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// A Portainer API description in spec/; the catalogue says which tools and
/// arguments each one has (generated/compatibility.md).
#[derive(Debug, PartialEq, Eq)]
pub struct Description {
    /// "CE", "EE", or "" when unknown.
    pub edition: &'static str,
    pub version: &'static str,
}

impl std::fmt::Display for Description {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.edition {
            "" => write!(f, "{}", self.version),
            e => write!(f, "{e} {}", self.version),
        }
    }
}

/// An argument that some descriptions lack: not offered and not sent there.
#[derive(Debug)]
pub struct Gap {
    /// Its name in the request.
    pub wire: &'static str,
    /// Its name in the tool's arguments; None when hidden.
    pub exposed: Option<&'static str>,
    /// Bit i set: DESCRIPTIONS[i] lacks it.
    pub missing_in: u32,
}

#[derive(Debug)]
pub struct ToolsetDef {
    pub name: &'static str,
    pub default: bool,
    pub description: &'static str,
}

#[derive(Debug)]
pub struct ToolDef {
    pub name: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub toolset: &'static str,
    pub access: Access,
    pub destructive: bool,
    pub idempotent: bool,
    /// For a passthrough: the argument holding the HTTP method, which
    /// decides whether a call writes (see policy.rs).
    pub method_argument: Option<&'static str>,
    /// For api_call: the argument naming the operation, whose method
    /// decides whether a call writes (see policy.rs).
    pub operation_argument: Option<&'static str>,
    /// operationId, or the handler module for hand-written tools.
    pub operation: &'static str,
    /// HTTP method and API path; empty for hand-written tools.
    pub method: &'static str,
    pub path: &'static str,
    /// The arguments: a generated JSON Schema, or a handler's typed arguments.
    pub input: Input,
    /// How results are shaped: default projection, omissions, cutting.
    pub shape: crate::shaping::Rules,
    /// Bit i set: DESCRIPTIONS[i] lacks the tool's route(s).
    pub missing_in: u32,
    /// Arguments that some descriptions lack.
    pub gaps: &'static [Gap],
    /// More words api_find answers with this tool than its name's.
    pub find: &'static [&'static str],
    /// A generated write whose change the server waits for when the call
    /// gives `wait` (tools/converge.rs): "stack" or "helm_release".
    pub converge: Option<&'static str>,
}

/// Where a tool's arguments are declared.
#[derive(Debug)]
pub enum Input {
    /// Generated from the operation's parameters in spec/ (JSON text).
    Schema(&'static str),
    /// A hand-written handler, whose argument type gives the schema.
    Handler(&'static Handler),
}

impl ToolDef {
    /// The JSON Schema of the tool's own arguments.
    pub fn input_schema(&self) -> Value {
        match self.input {
            Input::Schema(text) => serde_json::from_str(text).expect("generated schemas are JSON"),
            Input::Handler(h) => (h.schema)(),
        }
    }
}

impl ToolDef {
    /// Whether the Portainer that DESCRIPTIONS[index] describes has the tool.
    pub fn exists_in(&self, index: usize) -> bool {
        self.missing_in & (1 << index) == 0
    }

    /// The arguments DESCRIPTIONS[index] lacks.
    pub fn gaps_in(&self, index: usize) -> impl Iterator<Item = &'static Gap> {
        self.gaps
            .iter()
            .filter(move |g| g.missing_in & (1 << index) != 0)
    }
}
