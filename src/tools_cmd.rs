//! `portainer-mcp tools`: the catalogue this configuration would serve.

use crate::registry::Access;
use crate::selection::Selection;
use serde_json::json;

pub fn render(sel: &Selection, as_json: bool) -> String {
    if as_json {
        let rows: Vec<_> = sel
            .served
            .iter()
            .map(|t| {
                json!({
                    "name": t.name,
                    "title": t.title,
                    "toolset": t.toolset,
                    "access": match t.access { Access::Read => "read", Access::Write => "write" },
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
        let access = match t.access {
            Access::Read => "read",
            Access::Write => "write",
        };
        out += &format!(
            "{:<26} {:<13} {:<6} {:<12} {}\n",
            t.name,
            t.toolset,
            access,
            if t.destructive { "yes" } else { "no" },
            t.title
        );
    }
    out
}
