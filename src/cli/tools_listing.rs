//! `portainer-mcp tools`: the catalogue this configuration would serve.

use crate::tools::policy::Mode;
use crate::tools::selection::{Selection, Served};
use crate::tools::target::Target;
use serde_json::json;

/// Arguments of the tool that the chosen Portainer lacks (not offered).
fn not_offered(s: &Served) -> Vec<&'static str> {
    match s.description {
        Some(i) => s.def.gaps_in(i).filter_map(|g| g.exposed).collect(),
        None => vec![],
    }
}

/// Access and confirmation as served (see tools/policy.rs); with a
/// Portainer given, only what it has.
pub fn render(sel: &Selection, target: Option<&Target>, as_json: bool) -> String {
    if as_json {
        let rows: Vec<_> = sel
            .served
            .iter()
            .map(|s| {
                let t = s.def;
                json!({
                    "name": t.name,
                    "title": s.title,
                    "toolset": t.toolset,
                    "access": s.mode.label(),
                    "get_only": matches!(s.mode, Mode::GetOnly { .. }),
                    "confirm": s.mode.needs_confirm(),
                    "destructive": t.destructive,
                    "operation": t.operation,
                    "method": t.method,
                    "path": t.path,
                    "not_offered": not_offered(s),
                })
            })
            .collect();
        return serde_json::to_string_pretty(&rows).expect("plain JSON") + "\n";
    }
    let mut out = match target {
        Some(t) => format!(
            "# Portainer {}: the tools of its API description {}\n",
            t.portainer,
            t.description()
        ),
        None => String::new(),
    };
    out += &format!(
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
            s.title
        );
    }
    let lacking: Vec<String> = sel
        .served
        .iter()
        .flat_map(|s| {
            not_offered(s)
                .into_iter()
                .map(|a| format!("{}.{a}", s.def.name))
        })
        .collect();
    if !lacking.is_empty() {
        out += &format!(
            "\nArguments this Portainer lacks (not offered): {}\n",
            lacking.join(", ")
        );
    }
    let absent: Vec<&str> = sel
        .left_out
        .iter()
        .filter(|(_, why)| why.contains("does not have this tool"))
        .map(|(n, _)| *n)
        .collect();
    if !absent.is_empty() {
        out += &format!("Tools this Portainer lacks: {}\n", absent.join(", "));
    }
    out
}
