//! Which catalogue tools this server instance serves, and why any other
//! tool is not available. Every switch is applied here and only here.

use crate::tools::catalogue::{ToolDef, TOOLS, TOOLSETS};
use crate::tools::overrides::Overrides;
use crate::tools::policy::{Confirm, Mode};
use crate::tools::target::Target;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The toolset served with the defaults when a policy has content rules.
pub const CONTENT_TOOLSET: &str = "policy";

#[derive(Debug, Clone)]
pub struct Choice {
    pub read_only: bool,
    /// --disable-destructive: destructive tools are not served (the
    /// proxies and api_call are, and the HTTP layer refuses their DELETEs).
    pub disable_destructive: bool,
    /// --read-only-proxies: in read-only mode, serve the passthroughs
    /// pinned to GET (they are not served there otherwise).
    pub read_only_proxies: bool,
    pub confirm: Confirm,
    pub toolsets: Option<Vec<String>>,
    pub tools: Option<Vec<String>>,
    pub deny_tools: Option<Vec<String>>,
    /// --tool-overrides: operators' titles and descriptions, hidden tools.
    /// Loaded once per process, hence 'static.
    pub overrides: Option<&'static Overrides>,
    /// The Portainer served, when known: only its tools and arguments.
    pub portainer: Option<Target>,
    /// The policy has content rules: their toolset (`policy`) is served
    /// with the default ones, so the agent can check a file before it
    /// deploys it.
    pub content_rules: bool,
    /// --require-change-ref: write tools take `change_ref`.
    pub change_ref: bool,
    /// A policy rule asks for confirmations: write tools take `confirm`.
    pub offer_confirm: bool,
}

impl Default for Choice {
    fn default() -> Self {
        Choice {
            read_only: false,
            disable_destructive: false,
            read_only_proxies: false,
            confirm: Confirm::Destructive,
            toolsets: None,
            tools: None,
            deny_tools: None,
            overrides: None,
            portainer: None,
            content_rules: false,
            change_ref: false,
            offer_confirm: false,
        }
    }
}

/// A tool this server serves, and how it may act here (see policy.rs).
#[derive(Debug, Clone, Copy)]
pub struct Served {
    pub def: &'static ToolDef,
    pub mode: Mode,
    /// As tools/list shows it: the catalogue's words or the operator's.
    pub title: &'static str,
    pub text: &'static str,
    /// The description (index into DESCRIPTIONS) its arguments follow;
    /// None: the Portainer is unknown and every argument is offered.
    pub description: Option<usize>,
    /// It writes, and writes need a change reference here.
    pub change_ref: bool,
    /// It writes, and takes `confirm` even where its mode does not ask.
    pub offer_confirm: bool,
}

impl Served {
    /// The tool's arguments as this Portainer has them.
    pub fn input_schema(&self) -> Value {
        let mut schema = self.def.input_schema();
        let Some(i) = self.description else {
            return schema;
        };
        for name in self.def.gaps_in(i).filter_map(|g| g.exposed) {
            if let Some(p) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                p.remove(name);
            }
            if let Some(r) = schema.get_mut("required").and_then(Value::as_array_mut) {
                r.retain(|n| n != name);
            }
        }
        schema
    }

    /// Request parameters this Portainer lacks: never sent.
    pub fn lacking(&self) -> Vec<&'static str> {
        match self.description {
            Some(i) => self.def.gaps_in(i).map(|g| g.wire).collect(),
            None => vec![],
        }
    }
}

#[derive(Debug)]
pub struct Selection {
    pub served: Vec<Served>,
    /// Catalogue tools left out, with the reason, for clear call errors.
    pub left_out: BTreeMap<&'static str, String>,
    /// The Portainer the tools were chosen for, when its version is known.
    pub target: Option<crate::tools::target::Target>,
}

pub fn select(c: &Choice) -> Result<Selection, String> {
    let mut toolsets: BTreeSet<&str> = match &c.toolsets {
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
    let defaults = c
        .toolsets
        .as_ref()
        .is_none_or(|n| n.iter().any(|n| n.trim() == "default"));
    if c.content_rules && defaults {
        toolsets.insert(CONTENT_TOOLSET);
    }
    let named = known_names("--tools", &c.tools)?;
    let denied = known_names("--deny-tools", &c.deny_tools)?;
    // --tools alone serves just those tools; with --toolsets it adds to them.
    let only_named = c.tools.is_some() && c.toolsets.is_none();
    let mut served = vec![];
    let mut left_out = BTreeMap::new();
    for t in TOOLS {
        let mode = Mode::of(t, c.read_only, c.confirm);
        let absent = c.portainer.as_ref().filter(|p| !t.exists_in(p.index));
        let why = if let Some(p) = absent {
            Some(format!(
                "the connected Portainer ({}) does not have this tool's API route",
                p.portainer
            ))
        } else if denied.contains(t.name) {
            Some("it is denied by --deny-tools".to_string())
        } else if c.overrides.is_some_and(|o| o.hidden(t.name)) {
            Some("it is hidden by --tool-overrides".to_string())
        } else if mode.is_none() {
            Some("the server runs in read-only mode and this tool writes".to_string())
        } else if c.read_only && t.method_argument.is_some() && !c.read_only_proxies {
            Some(
                "read-only mode serves no proxy tool (--read-only-proxies serves them GET-only)"
                    .to_string(),
            )
        } else if c.disable_destructive
            && t.destructive
            && t.method_argument.is_none()
            && t.operation_argument.is_none()
        {
            Some("the server runs with --disable-destructive and this tool can delete".to_string())
        } else if named.contains(t.name) {
            None
        } else if only_named {
            Some("it is not listed in --tools".to_string())
        } else if !toolsets.contains(t.toolset) {
            Some(format!(
                "its toolset `{}` is not enabled on this server (--toolsets)",
                t.toolset
            ))
        } else {
            None
        };
        let overridden = c.overrides.map(|o| o.text(t.name)).unwrap_or_default();
        match (why, mode) {
            (None, Some(mode)) => served.push(Served {
                def: t,
                mode,
                title: overridden.0.unwrap_or(t.title),
                text: overridden.1.unwrap_or(t.description),
                description: c.portainer.as_ref().map(|p| p.index),
                change_ref: c.change_ref && mode.can_write(),
                offer_confirm: c.offer_confirm && mode.can_write(),
            }),
            (why, _) => {
                left_out.insert(t.name, why.unwrap_or_default());
            }
        }
    }
    Ok(Selection {
        served,
        left_out,
        target: c.portainer.clone(),
    })
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
    use crate::tools::catalogue::{Access, Gap, Input};
    use serde_json::json;

    static GAPPY: ToolDef = ToolDef {
        name: "gappy",
        title: "t",
        description: "d",
        toolset: "stacks",
        access: Access::Write,
        destructive: false,
        idempotent: false,
        method_argument: None,
        operation_argument: None,
        operation: "X",
        method: "POST",
        path: "/x",
        input: Input::Schema(
            r#"{"type":"object","properties":{"id":{"type":"integer"},"remove_volumes":{"type":"boolean"}},"required":["id","remove_volumes"]}"#,
        ),
        shape: crate::shaping::Rules {
            project: None,
            omit: &[],
            keep_tail: false,
            client_paging: false,
            single_request: true,
            fill: None,
            fan_out: None,
        },
        missing_in: 0,
        find: &[],
        converge: None,
        gaps: &[
            Gap {
                wire: "removeVolumes",
                exposed: Some("remove_volumes"),
                missing_in: 0b01,
            },
            Gap {
                wire: "Webhook",
                exposed: None,
                missing_in: 0b11,
            },
        ],
    };

    #[test]
    fn a_served_tool_offers_and_sends_only_what_its_portainer_has() {
        let at = |description| Served {
            def: &GAPPY,
            mode: Mode::Write { confirm: false },
            title: GAPPY.title,
            text: GAPPY.description,
            description,
            change_ref: false,
            offer_confirm: false,
        };
        let older = at(Some(0));
        assert_eq!(
            older.input_schema(),
            json!({"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]})
        );
        assert_eq!(older.lacking(), ["removeVolumes", "Webhook"]);
        let newer = at(Some(1));
        assert!(newer.input_schema()["properties"]["remove_volumes"].is_object());
        assert_eq!(newer.lacking(), ["Webhook"]);
        // An unknown Portainer: everything offered, nothing held back.
        assert_eq!(at(None).input_schema(), GAPPY.input_schema());
        assert!(at(None).lacking().is_empty());
    }

    fn names(s: &Selection) -> Vec<&str> {
        s.served.iter().map(|t| t.def.name).collect()
    }

    #[test]
    fn defaults_serve_default_toolsets() {
        let s = select(&Choice::default()).unwrap();
        for t in &s.served {
            assert!(
                TOOLSETS
                    .iter()
                    .any(|ts| ts.name == t.def.toolset && ts.default),
                "{}",
                t.def.name
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
            assert!(!t.mode.can_write(), "{}", t.def.name);
        }
        assert!(!names(&s).contains(&"stack_action"));
        assert!(s.left_out["stack_action"].contains("read-only"));
        // The product description: read-only disables the proxy tools too.
        for p in ["docker_proxy", "kubernetes_proxy"] {
            assert!(!names(&s).contains(&p));
            assert!(
                s.left_out[p].contains("--read-only-proxies"),
                "{}",
                s.left_out[p]
            );
        }
    }

    #[test]
    fn proxies_default_in_write_mode_and_opt_in_get_only_when_read_only() {
        let s = select(&Choice::default()).unwrap();
        assert!(names(&s).contains(&"docker_proxy") && names(&s).contains(&"kubernetes_proxy"));
        // The flag only lifts read-only's exclusion: pinned to GET, and
        // served as their toolset and --tools decide.
        let s = select(&Choice {
            read_only: true,
            read_only_proxies: true,
            ..Default::default()
        })
        .unwrap();
        for p in ["docker_proxy", "kubernetes_proxy"] {
            let t = s.served.iter().find(|t| t.def.name == p).unwrap();
            assert!(matches!(t.mode, Mode::GetOnly { .. }), "{p}");
        }
        let s = select(&Choice {
            read_only: true,
            read_only_proxies: true,
            toolsets: Some(vec!["stacks".into()]),
            ..Default::default()
        })
        .unwrap();
        assert!(!names(&s).contains(&"docker_proxy"));
        assert!(s.left_out["docker_proxy"].contains("toolset `proxy`"));
        // --deny-tools still wins.
        let s = select(&Choice {
            read_only: true,
            read_only_proxies: true,
            deny_tools: Some(vec!["docker_proxy".into()]),
            ..Default::default()
        })
        .unwrap();
        assert!(!names(&s).contains(&"docker_proxy") && names(&s).contains(&"kubernetes_proxy"));
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
            deny_tools: Some(vec!["stack_action".into()]),
            ..Default::default()
        })
        .unwrap();
        assert!(names(&s).contains(&"user_list") && names(&s).contains(&"stack_list"));
        assert!(!names(&s).contains(&"stack_action"));
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
