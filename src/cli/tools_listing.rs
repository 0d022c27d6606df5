//! `portainer-mcp tools`: the catalogue this configuration would serve.

use crate::tools::catalogue::{Access, ReadOnlyMode, ToolDef};
use crate::tools::selection::Selection;
use serde_json::json;

/// Access as served: a get-only tool in read-only mode only reads.
fn access(t: &ToolDef, read_only: bool) -> &'static str {
    match t.access {
        Access::Read => "read",
        Access::Write if read_only && t.read_only_mode == ReadOnlyMode::GetOnly => "read",
        Access::Write => "write",
    }
}

pub fn render(sel: &Selection, read_only: bool, as_json: bool) -> String {
    if as_json {
        let rows: Vec<_> = sel
            .served
            .iter()
            .map(|t| {
                json!({
                    "name": t.name,
                    "title": t.title,
                    "toolset": t.toolset,
                    "access": access(t, read_only),
                    "get_only": read_only && t.read_only_mode == ReadOnlyMode::GetOnly,
                    "destructive": t.destructive,
                    "operation": t.operation,
                    "method": t.method,
                    "path": t.path,
                })
            })
            .collect();
        return serde_json::to_string_pretty(&rows).expect("plain JSON") + "\n";
    }
    let mut out = format!(
        "{:<26} {:<13} {:<6} {:<12} {}\n",
        "TOOL", "TOOLSET", "ACCESS", "DESTRUCTIVE", "TITLE"
    );
    for t in &sel.served {
        out += &format!(
            "{:<26} {:<13} {:<6} {:<12} {}\n",
            t.name,
            t.toolset,
            access(t, read_only),
            if t.destructive { "yes" } else { "no" },
            t.title
        );
    }
    out
}
