//! The tool registry: every tool as generated from tools.toml (the table
//! and the dispatch to generated operations and handlers). The types the
//! table is made of live in tool_def.rs, so code the table points at (a
//! handler) can read tool definitions without depending on the table.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/registry.rs"));
}

pub use crate::tools::tool_def::{Access, Description, Gap, Input, ToolDef, ToolsetDef};
pub use generated::{dispatch, DESCRIPTIONS, TOOLS, TOOLSETS};

pub fn find(name: &str) -> Option<&'static ToolDef> {
    TOOLS.iter().find(|t| t.name == name)
}
