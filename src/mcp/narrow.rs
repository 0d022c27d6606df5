//! Per-request narrowing over Streamable HTTP: a request's headers may ask
//! for fewer tools than the server serves (`X-MCP-Toolsets`,
//! `X-MCP-Tools`, `X-MCP-Readonly`), as one shared server serves several
//! agents. Headers only ever narrow: a name the server does not serve
//! adds nothing, and read-only is held by the HTTP layer for the call.

use crate::tools::catalogue::{ToolDef, TOOLS};
use crate::tools::policy::{Confirm, Mode};
use http::HeaderMap;
use std::collections::BTreeSet;

pub const TOOLSETS_HEADER: &str = "x-mcp-toolsets";
pub const TOOLS_HEADER: &str = "x-mcp-tools";
pub const READONLY_HEADER: &str = "x-mcp-readonly";

/// Names one header may list.
const MAX_NAMES: usize = 200;

/// What a request's headers leave of the served tools.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Narrowing {
    toolsets: Option<All>,
    tools: Option<BTreeSet<String>>,
    read_only: bool,
}

/// What X-MCP-Toolsets leaves: every toolset, or those named.
#[derive(Debug, Clone, PartialEq)]
enum All {
    Every,
    Only(BTreeSet<String>),
}

impl Narrowing {
    /// The narrowing the headers ask for; None when they ask for none. A
    /// header naming a toolset or tool that does not exist is an error
    /// (a typo would otherwise narrow to nothing, silently).
    pub fn from_headers(h: &HeaderMap) -> Result<Option<Narrowing>, String> {
        let toolsets = names(h, TOOLSETS_HEADER, |n| {
            n == "all" || TOOLS.iter().any(|t| t.toolset == n)
        })?;
        let tools = names(h, TOOLS_HEADER, |n| TOOLS.iter().any(|t| t.name == n))?;
        // Every value counts, as a gateway may add its own beside the
        // client's: read-only when any says so.
        let mut read_only = false;
        for v in h.get_all(READONLY_HEADER) {
            let v = v.to_str().unwrap_or("?").trim().to_ascii_lowercase();
            read_only |= match v.as_str() {
                "false" | "0" | "no" | "off" => false,
                "true" | "1" | "yes" | "on" | "" => true,
                _ => {
                    return Err(format!(
                        "`X-MCP-Readonly: {}` is not true or false",
                        crate::error::cap_text(v, 40)
                    ))
                }
            };
        }
        let n = Narrowing {
            // `all`: every toolset (tools named beside it add nothing).
            toolsets: toolsets.map(|s| {
                if s.contains("all") {
                    All::Every
                } else {
                    All::Only(s)
                }
            }),
            tools,
            read_only,
        };
        Ok((n != Narrowing::default()).then_some(n))
    }

    /// Whether a tool the server serves is left to this request. Tools
    /// named with toolsets add to them, as --tools does to --toolsets.
    pub fn allows(&self, def: &ToolDef) -> bool {
        let by_set = self.toolsets.as_ref().map(|s| match s {
            All::Every => true,
            All::Only(s) => s.contains(def.toolset),
        });
        let by_name = self.tools.as_ref().map(|s| s.contains(def.name));
        let named = match (by_set, by_name) {
            (None, None) => true,
            (Some(a), None) | (None, Some(a)) => a,
            (Some(a), Some(b)) => a || b,
        };
        named && (!self.read_only || read_tool(def))
    }

    /// Whether the request may only read: the call's HTTP layer refuses
    /// every other request, whatever the tool tries.
    pub fn read_only(&self) -> bool {
        self.read_only
    }

    /// How the audit log records it.
    pub fn describe(&self) -> serde_json::Value {
        let list = |s: &Option<BTreeSet<String>>| {
            s.as_ref().map(|s| s.iter().cloned().collect::<Vec<_>>())
        };
        let toolsets = match &self.toolsets {
            None => None,
            Some(All::Every) => Some(vec!["all".to_string()]),
            Some(All::Only(s)) => list(&Some(s.clone())),
        };
        serde_json::json!({
            "toolsets": toolsets,
            "tools": list(&self.tools),
            "read_only": self.read_only,
        })
    }
}

/// What a read-only server serves: reads, and api_call (whose writes its
/// guard refuses); no proxy.
fn read_tool(def: &ToolDef) -> bool {
    Mode::of(def, true, Confirm::None).is_some() && def.method_argument.is_none()
}

/// A comma-separated header's names, each checked with `known`.
fn names(
    h: &HeaderMap,
    header: &str,
    known: impl Fn(&str) -> bool,
) -> Result<Option<BTreeSet<String>>, String> {
    let mut out = BTreeSet::new();
    let mut seen = false;
    // Lines would add up: a client's own could widen a gateway's.
    if h.get_all(header).iter().count() > 1 {
        return Err(format!(
            "`{header}` is given more than once: give one comma-separated list"
        ));
    }
    for v in h.get_all(header) {
        seen = true;
        let text = v
            .to_str()
            .map_err(|_| format!("`{header}` is not plain text"))?;
        for n in text.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !known(n) {
                return Err(format!(
                    "`{header}` names `{}`, which this server does not have",
                    crate::error::cap_text(n.to_string(), 60)
                ));
            }
            out.insert(n.to_string());
            if out.len() > MAX_NAMES {
                return Err(format!("`{header}` names more than {MAX_NAMES}"));
            }
        }
    }
    Ok(seen.then_some(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn tool(name: &str) -> &'static ToolDef {
        TOOLS.iter().find(|t| t.name == name).unwrap()
    }

    #[test]
    fn headers_narrow_and_never_widen() {
        assert_eq!(Narrowing::from_headers(&headers(&[])).unwrap(), None);
        let n = Narrowing::from_headers(&headers(&[("x-mcp-toolsets", "docker, stacks")]))
            .unwrap()
            .unwrap();
        assert!(n.allows(tool("docker_container_list")) && n.allows(tool("stack_update")));
        assert!(!n.allows(tool("environment_list")));
        // Tools add to toolsets; alone, they are all.
        let n = Narrowing::from_headers(&headers(&[
            ("x-mcp-toolsets", "docker"),
            ("x-mcp-tools", "environment_list"),
        ]))
        .unwrap()
        .unwrap();
        assert!(n.allows(tool("environment_list")) && n.allows(tool("docker_info")));
        let n = Narrowing::from_headers(&headers(&[("x-mcp-tools", "environment_list")]))
            .unwrap()
            .unwrap();
        assert!(!n.allows(tool("docker_info")));
        // Read only: reads and api_call, no write tool, no proxy.
        let n = Narrowing::from_headers(&headers(&[("x-mcp-readonly", "true")]))
            .unwrap()
            .unwrap();
        assert!(n.read_only() && n.allows(tool("docker_info")) && n.allows(tool("api_call")));
        assert!(!n.allows(tool("stack_update")) && !n.allows(tool("docker_proxy")));
        assert_eq!(
            Narrowing::from_headers(&headers(&[("x-mcp-readonly", "false")])).unwrap(),
            None
        );
        // A gateway's `true` beside a client's `false` keeps it read-only.
        let n = Narrowing::from_headers(&headers(&[
            ("x-mcp-readonly", "false"),
            ("x-mcp-readonly", "true"),
        ]))
        .unwrap()
        .unwrap();
        assert!(n.read_only());
        // `all` leaves every toolset, tools beside it add nothing.
        let n = Narrowing::from_headers(&headers(&[
            ("x-mcp-toolsets", "all"),
            ("x-mcp-tools", "environment_list"),
        ]))
        .unwrap()
        .unwrap();
        assert!(n.allows(tool("docker_info")) && n.allows(tool("environment_list")));
    }

    #[test]
    fn unknown_names_and_values_are_errors() {
        for (k, v, says) in [
            ("x-mcp-toolsets", "dockre", "dockre"),
            ("x-mcp-tools", "docker_list,rm_rf", "rm_rf"),
            ("x-mcp-readonly", "perhaps", "perhaps"),
        ] {
            let e = Narrowing::from_headers(&headers(&[(k, v)])).unwrap_err();
            assert!(e.contains(says), "{e}");
        }
        let e = Narrowing::from_headers(&headers(&[
            ("x-mcp-tools", "environment_list"),
            ("x-mcp-tools", "docker_info"),
        ]))
        .unwrap_err();
        assert!(e.contains("more than once"), "{e}");
    }
}
