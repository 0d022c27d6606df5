//! The tool registry: what each tool is, as generated from tools.toml.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/registry.rs"));
}

pub use generated::{dispatch, SPEC_VERSION, TOOLS, TOOLSETS};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
}

/// What a tool does when the server runs with --read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadOnlyMode {
    /// Write tools are not served at all.
    Hidden,
    /// Served, with the HTTP method pinned to GET (the raw proxies).
    GetOnly,
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
    pub read_only_mode: ReadOnlyMode,
    /// operationId, or the handler module for hand-written tools.
    pub operation: &'static str,
    /// HTTP method and API path; empty for hand-written tools.
    pub method: &'static str,
    pub path: &'static str,
    /// JSON Schema of the arguments.
    pub input_schema: &'static str,
    /// JSON Schema of the structured result, when the API describes one.
    pub output_schema: Option<&'static str>,
    /// How results are shaped: default projection, omissions, cutting.
    pub shape: crate::shaping::Rules,
}

impl ToolDef {
    /// Whether this tool is served (and how) in read-only mode.
    pub fn available_read_only(&self) -> bool {
        self.access == Access::Read || self.read_only_mode == ReadOnlyMode::GetOnly
    }
}

pub fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.name == name)
}
