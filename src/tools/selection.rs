//! Which catalogue tools this server instance serves, and why any other
//! tool is not available. Every switch is applied here and only here.

use crate::tools::catalogue::{ToolDef, TOOLS, TOOLSETS};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Default)]
pub struct Choice {
    pub read_only: bool,
    pub toolsets: Option<Vec<String>>,
    pub tools: Option<Vec<String>>,
    pub deny_tools: Option<Vec<String>>,
}

#[derive(Debug)]
pub struct Selection {
    pub served: Vec<&'static ToolDef>,
    /// Catalogue tools left out, with the reason, for clear call errors.
    pub left_out: BTreeMap<&'static str, String>,
}

pub fn select(c: &Choice) -> Result<Selection, String> {
    let toolsets: BTreeSet<&str> = match &c.toolsets {
        None => TOOLSETS
            .iter()
            .filter(|t| t.default)
            .map(|t| t.name)
            .collect(),
        Some(names) => {
            let mut set = BTreeSet::new();
            for n in names.iter().map(|n| n.trim()).filter(|n| !n.is_empty()) {
                match n {
                    "all" => set.extend(TOOLSETS.iter().map(|t| t.name)),
                    "default" => set.extend(TOOLSETS.iter().filter(|t| t.default).map(|t| t.name)),
                    _ => match TOOLSETS.iter().find(|t| t.name == n) {
                        Some(t) => {
                            set.insert(t.name);
                        }
                        None => {
                            let known: Vec<&str> = TOOLSETS.iter().map(|t| t.name).collect();
                            return Err(format!(
                                "--toolsets: unknown toolset `{n}` (known: {}, default, all)",
                                known.join(", ")
                            ));
                        }
                    },
                }
            }
            set
        }
    };
    let named = known_names("--tools", &c.tools)?;
    let denied = known_names("--deny-tools", &c.deny_tools)?;
    // --tools alone serves just those tools; with --toolsets it adds to them.
    let only_named = c.tools.is_some() && c.toolsets.is_none();
    let mut served = vec![];
    let mut left_out = BTreeMap::new();
    for t in TOOLS {
        let why = if denied.contains(t.name) {
            Some("it is denied by --deny-tools".to_string())
        } else if c.read_only && !t.available_read_only() {
            Some("the server runs in read-only mode and this tool writes".to_string())
        } else if named.contains(t.name) {
            None
        } else if only_named {
            Some("it is not listed in --tools".to_string())
        } else if !toolsets.contains(t.toolset) {
            Some(format!(
                "its toolset `{}` is not enabled (see --toolsets)",
                t.toolset
            ))
        } else {
            None
        };
        match why {
            None => served.push(t),
            Some(w) => {
                left_out.insert(t.name, w);
            }
        }
    }
    Ok(Selection { served, left_out })
}

fn known_names<'a>(
    flag: &str,
    names: &'a Option<Vec<String>>,
) -> Result<BTreeSet<&'a str>, String> {
    let mut out = BTreeSet::new();
    for n in names
        .iter()
        .flatten()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
    {
        if !TOOLS.iter().any(|t| t.name == n) {
            return Err(format!("{flag}: unknown tool `{n}` (run `portainer-mcp tools --toolsets all` to list them)"));
        }
        out.insert(n);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::catalogue::Access;

    fn names(s: &Selection) -> Vec<&str> {
        s.served.iter().map(|t| t.name).collect()
    }

    #[test]
    fn defaults_serve_default_toolsets() {
        let s = select(&Choice::default()).unwrap();
        for t in &s.served {
            assert!(
                TOOLSETS.iter().any(|ts| ts.name == t.toolset && ts.default),
                "{}",
                t.name
            );
        }
        assert!(s.left_out.values().all(|w| w.contains("toolset")));
    }

    #[test]
    fn read_only_drops_every_write_tool() {
        let s = select(&Choice {
            read_only: true,
            toolsets: Some(vec!["all".into()]),
            ..Default::default()
        })
        .unwrap();
        for t in &s.served {
            assert!(
                t.access == Access::Read || t.available_read_only(),
                "{}",
                t.name
            );
        }
        assert!(!names(&s).contains(&"stack_stop"));
        assert!(names(&s).contains(&"docker_proxy"));
        assert!(s.left_out["stack_stop"].contains("read-only"));
    }

    #[test]
    fn tools_and_deny_lists() {
        let s = select(&Choice {
            tools: Some(vec!["stack_list".into()]),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(names(&s), vec!["stack_list"]);
        let s = select(&Choice {
            toolsets: Some(vec!["stacks".into()]),
            tools: Some(vec!["user_list".into()]),
            deny_tools: Some(vec!["stack_stop".into()]),
            ..Default::default()
        })
        .unwrap();
        assert!(names(&s).contains(&"user_list") && names(&s).contains(&"stack_list"));
        assert!(!names(&s).contains(&"stack_stop"));
        assert!(select(&Choice {
            tools: Some(vec!["nope".into()]),
            ..Default::default()
        })
        .unwrap_err()
        .contains("unknown tool `nope`"));
        assert!(select(&Choice {
            toolsets: Some(vec!["nope".into()]),
            ..Default::default()
        })
        .unwrap_err()
        .contains("unknown toolset `nope`"));
    }
}
