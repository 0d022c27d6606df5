//! Policy per environment (`--policy FILE`, TOML): rules that pick
//! environments by id, name, Portainer tag or group and say what agents may
//! do there (nothing, read, write, or also destructive writes), with tools
//! excepted by name. The first rule that picks an environment decides;
//! `[default]` decides for the rest and for requests that name no
//! environment. The HTTP layer asks `judge` before every request leaves.

use serde::Deserialize;

/// What a rule lets agents do, each level including the ones before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Access {
    None,
    Read,
    Write,
    Destructive,
}

impl Access {
    fn says(self) -> &'static str {
        match self {
            Access::None => "nothing may be sent",
            Access::Read => "only reads",
            Access::Write => "no destructive writes (deletes, exec)",
            Access::Destructive => "everything",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub name: String,
    #[serde(default)]
    pub ids: Vec<u64>,
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    pub access: Access,
    /// Tools whose requests pass whatever `access` says (e.g. read only
    /// except kubernetes_scale).
    #[serde(default)]
    pub allow_tools: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Default {
    access: Access,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    default: Option<Default>,
    #[serde(default, rename = "rule")]
    rules: Vec<Rule>,
}

#[derive(Debug)]
pub struct Policy {
    default: Access,
    pub rules: Vec<Rule>,
}

/// What a rule can pick an environment by, as Portainer has it.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    pub id: u64,
    pub name: String,
    pub group: String,
    pub tags: Vec<String>,
}

impl Policy {
    /// The policy a file's text gives; an error names the line and why.
    pub fn parse(text: &str) -> Result<Policy, String> {
        let file: PolicyFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| format!("line {}: ", line_of(text, e.message(), s)))
                .unwrap_or_default();
            format!("{at}{}", e.message())
        })?;
        for r in &file.rules {
            if r.ids.is_empty() && r.names.is_empty() && r.tags.is_empty() && r.groups.is_empty() {
                return Err(format!(
                    "rule \"{}\" picks no environment: give ids, names, tags or groups",
                    r.name
                ));
            }
        }
        Ok(Policy {
            default: file.default.map_or(Access::Destructive, |d| d.access),
            rules: file.rules,
        })
    }

    /// Whether a request needing `need` can be refused anywhere: reads
    /// need no look at the environment unless some rule forbids them.
    pub fn can_refuse(&self, need: Access) -> bool {
        self.default < need || self.rules.iter().any(|r| r.access < need)
    }

    /// Whether judging needs the environment's name, tags and group.
    pub fn needs_facts(&self) -> bool {
        self.rules
            .iter()
            .any(|r| !r.names.is_empty() || !r.tags.is_empty() || !r.groups.is_empty())
    }

    /// The first rule that picks the environment, and what in it did.
    pub fn rule_for(&self, f: &Facts) -> Option<(&Rule, String)> {
        self.rules.iter().find_map(|r| {
            let why = if r.ids.contains(&f.id) {
                format!("id {}", f.id)
            } else if r.names.contains(&f.name) {
                format!("name {}", f.name)
            } else if let Some(t) = f.tags.iter().find(|t| r.tags.contains(t)) {
                format!("tag {t}")
            } else if r.groups.contains(&f.group) {
                format!("group {}", f.group)
            } else {
                return None;
            };
            Some((r, why))
        })
    }

    /// Whether a request needing `need` may go to the environment of
    /// `facts` (None: it names none) for `tool`; the refusal names the rule.
    pub fn judge(
        &self,
        facts: Option<&Facts>,
        need: Access,
        tool: Option<&str>,
    ) -> Result<(), String> {
        let picked = facts.and_then(|f| self.rule_for(f));
        let (access, allowed, who) = match (&picked, facts) {
            (Some((r, why)), Some(f)) => (
                r.access,
                &r.allow_tools[..],
                format!(
                    "policy rule \"{}\" (environment {} {}: {why})",
                    r.name, f.id, f.name
                ),
            ),
            (_, Some(f)) => (
                self.default,
                &[][..],
                format!("policy default (environment {} {})", f.id, f.name),
            ),
            (_, None) => (
                self.default,
                &[][..],
                "policy default (no environment named)".into(),
            ),
        };
        if need <= access || tool.is_some_and(|t| allowed.iter().any(|a| a == t)) {
            return Ok(());
        }
        Err(format!("{who}: {} here", access.says()))
    }
}

/// The line an error is on: where its span starts, or, for a key the
/// file should not have (whose span is its whole table), that key's line.
fn line_of(text: &str, message: &str, span: std::ops::Range<usize>) -> usize {
    let mut at = span.start.min(text.len());
    if let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
    {
        let table = &text[at..span.end.min(text.len())];
        let mut offset = 0;
        for line in table.split_inclusive('\n') {
            if line.trim_start().starts_with(key) {
                at += offset + (line.len() - line.trim_start().len());
                break;
            }
            offset += line.len();
        }
    }
    text[..at].matches('\n').count() + 1
}

/// What a request needs: GET reads; DELETE and the websocket routes (exec)
/// are destructive; any other method writes.
pub fn needed(method: &reqwest::Method, runs_commands: bool) -> Access {
    if runs_commands || method == reqwest::Method::DELETE {
        Access::Destructive
    } else if method == reqwest::Method::GET {
        Access::Read
    } else {
        Access::Write
    }
}

/// The environment a request to Portainer names (`path` below the API
/// root): `/endpoints/{id}/...`, `/kubernetes/{id}/...`, or an
/// `endpointId` in the query (stacks, the websocket routes).
pub fn environment_of(path: &str, query: Option<&str>) -> Option<u64> {
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    if let ["endpoints" | "kubernetes", id, ..] = segs.as_slice() {
        if let Ok(id) = id.parse() {
            return Some(id);
        }
    }
    url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
        .find(|(k, _)| k == "endpointId")
        .and_then(|(_, v)| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[default]
access = "write"

[[rule]]
name = "prod is read only"
tags = ["prod"]
access = "read"
allow_tools = ["kubernetes_scale"]

[[rule]]
name = "dev"
groups = ["dev"]
access = "destructive"
"#;

    fn env(id: u64, group: &str, tags: &[&str]) -> Facts {
        Facts {
            id,
            name: format!("env-{id}"),
            group: group.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn the_first_rule_that_picks_decides_and_names_itself() {
        let p = Policy::parse(FILE).unwrap();
        let prod = env(1, "dev", &["prod"]);
        let e = p
            .judge(Some(&prod), Access::Write, Some("docker_container_action"))
            .unwrap_err();
        assert!(
            e.contains("\"prod is read only\"") && e.contains("tag prod"),
            "{e}"
        );
        assert!(p.judge(Some(&prod), Access::Read, None).is_ok());
        assert!(p
            .judge(Some(&prod), Access::Write, Some("kubernetes_scale"))
            .is_ok());
        let dev = env(2, "dev", &[]);
        assert!(p.judge(Some(&dev), Access::Destructive, None).is_ok());
        let other = env(3, "ops", &[]);
        assert!(p.judge(Some(&other), Access::Write, None).is_ok());
        let e = p
            .judge(Some(&other), Access::Destructive, None)
            .unwrap_err();
        assert!(e.contains("policy default"), "{e}");
        assert!(p.judge(None, Access::Destructive, None).is_err());
    }

    #[test]
    fn a_bad_file_names_the_line() {
        let e = Policy::parse("[[rule]]\nname = \"x\"\ntags = [\"a\"]\naccess = \"sometimes\"\n")
            .unwrap_err();
        assert!(e.starts_with("line 4"), "{e}");
        let e = Policy::parse("[[rule]]\nname = \"x\"\naccess = \"read\"\n").unwrap_err();
        assert!(e.contains("picks no environment"), "{e}");
        let e = Policy::parse("[default]\naccess = \"read\"\nmood = 1\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("mood"), "{e}");
    }

    #[test]
    fn requests_name_their_environment() {
        assert_eq!(
            environment_of("/endpoints/3/kubernetes/api/v1/pods", None),
            Some(3)
        );
        assert_eq!(environment_of("/kubernetes/4/namespaces", None), Some(4));
        assert_eq!(environment_of("/stacks/7", Some("endpointId=1")), Some(1));
        assert_eq!(
            environment_of("/websocket/exec", Some("id=x&endpointId=2")),
            Some(2)
        );
        assert_eq!(environment_of("/users/2", None), None);
        assert_eq!(environment_of("/endpoints", None), None);
    }
}
