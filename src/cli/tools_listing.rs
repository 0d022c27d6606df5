//! `portainer-mcp tools`: the catalogue this configuration would serve.

use crate::tools::policy::Mode;
use crate::tools::selection::Selection;
use serde_json::json;

/// Access and confirmation as served (see tools/policy.rs).
pub fn render(sel: &Selection, as_json: bool) -> String {
    if as_json {
        let rows: Vec<_> = sel
            .served
            .iter()
            .map(|s| {
                let t = s.def;
                json!({
                    "name": t.name,
                    "title": t.title,
                    "toolset": t.toolset,
                    "access": s.mode.label(),
                    "get_only": matches!(s.mode, Mode::GetOnly { .. }),
                    "confirm": s.mode.needs_confirm(),
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
    for s in &sel.served {
        let t = s.def;
        out += &format!(
            "{:<26} {:<13} {:<6} {:<12} {}\n",
            t.name,
            t.toolset,
            s.mode.label(),
            if t.destructive { "yes" } else { "no" },
            t.title
        );
    }
    out
}
