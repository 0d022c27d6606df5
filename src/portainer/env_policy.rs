//! Policy per environment (`--policy FILE`, TOML): rules that pick
//! environments by id, name, Portainer tag or group and say what agents may
//! do there (nothing, read, write, or also destructive writes), with tools
//! excepted by name. The first rule that picks an environment decides;
//! `[default]` decides for the rest and for requests that name no
//! environment. The HTTP layer asks `judge` before every request leaves.

use super::content::Levels;
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
    /// Content rules for these environments, over `[content]`'s.
    #[serde(default)]
    pub content: Option<Levels>,
    /// Kubernetes kinds no request may touch in these environments, as
    /// --deny-kinds takes them (Secret, apps/Deployment, group/*).
    #[serde(default)]
    pub deny_kinds: Vec<String>,
    #[serde(skip)]
    denied: super::deny_kinds::DenyKinds,
    /// Writes here need the user's confirmation (`confirm: true`) whatever
    /// the server's --confirm: "writes" or "destructive".
    #[serde(default)]
    pub confirm: Option<ConfirmHere>,
}

/// Which writes a rule asks the user to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConfirmHere {
    Writes,
    Destructive,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Default {
    access: Option<Access>,
    /// What a write that names no environment may do (Portainer-wide
    /// routes, edge stacks and jobs, tags and groups themselves); the
    /// strictest access in the file when left out.
    no_environment: Option<Access>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    default: Option<Default>,
    #[serde(default, rename = "rule")]
    rules: Vec<Rule>,
    /// Content rules for every environment (content/mod.rs).
    #[serde(default)]
    content: Levels,
}

#[derive(Debug)]
pub struct Policy {
    default: Access,
    no_environment: Access,
    pub rules: Vec<Rule>,
    content: Levels,
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
        let mut file = file;
        for r in &mut file.rules {
            r.denied = super::deny_kinds::DenyKinds::parse(&r.deny_kinds).map_err(|e| {
                format!(
                    "rule \"{}\": {}",
                    r.name,
                    e.replace("--deny-kinds: ", "deny_kinds: ")
                )
            })?;
        }
        for r in &file.rules {
            if r.ids.is_empty() && r.names.is_empty() && r.tags.is_empty() && r.groups.is_empty() {
                return Err(format!(
                    "rule \"{}\" picks no environment: give ids, names, tags or groups",
                    r.name
                ));
            }
            // These send any request: excepting one would undo the rule.
            let open = ["api_call", "docker_proxy", "kubernetes_proxy"];
            if let Some(t) = r.allow_tools.iter().find(|t| open.contains(&t.as_str())) {
                return Err(format!(
                    "rule \"{}\" excepts {t}, which sends any request: the rule would hold nothing",
                    r.name
                ));
            }
        }
        let default = file
            .default
            .as_ref()
            .and_then(|d| d.access)
            .unwrap_or(Access::Destructive);
        let strictest = file
            .rules
            .iter()
            .map(|r| r.access)
            .fold(default, Access::min);
        Ok(Policy {
            default,
            no_environment: file
                .default
                .and_then(|d| d.no_environment)
                .unwrap_or(strictest),
            rules: file.rules,
            content: file.content,
        })
    }

    /// Whether any content rule is on, here or in some rule.
    pub fn has_content(&self) -> bool {
        self.content.any_on()
            || self.rules.iter().any(|r| {
                r.content
                    .as_ref()
                    .is_some_and(|c| c.over(&self.content).any_on())
            })
    }

    /// Whether content levels differ by environment (so facts are read).
    pub fn content_varies(&self) -> bool {
        self.rules.iter().any(|r| r.content.is_some())
    }

    /// The content rules for the environment of `f` (None: a request that
    /// names no environment, which gets `[content]`'s).
    pub fn content_for(&self, f: Option<&Facts>) -> Levels {
        let Some(f) = f else {
            // It may reach any environment (an edge stack's are in its
            // body): the strictest of every rule's, as for access.
            return self
                .rules
                .iter()
                .filter_map(|r| r.content.as_ref())
                .fold(self.content.clone(), |l, own| {
                    l.strictest(&own.over(&self.content))
                });
        };
        match self.rule_for(f).and_then(|(r, _)| r.content.as_ref()) {
            Some(own) => own.over(&self.content),
            None => self.content.clone(),
        }
    }

    /// Whether a request needing `need` can be refused anywhere: reads
    /// need no look at the environment unless some rule forbids them.
    pub fn can_refuse(&self, need: Access) -> bool {
        self.rules
            .iter()
            .any(|r| !r.denied.is_empty() || (need > Access::Read && r.confirm.is_some()))
            || self.default < need
            || self.no_environment < need
            || self.rules.iter().any(|r| r.access < need)
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

    /// Whether a request needing `need` may go to the environment of `f`
    /// for `tool`; the refusal names the rule.
    pub fn judge(&self, f: &Facts, need: Access, tool: Option<&str>) -> Result<(), String> {
        let (access, allowed, who) = match self.rule_for(f) {
            Some((r, why)) => (
                r.access,
                &r.allow_tools[..],
                format!(
                    "policy rule \"{}\" (environment {} {}: {why})",
                    r.name, f.id, f.name
                ),
            ),
            None => (
                self.default,
                &[][..],
                format!("policy default (environment {} {})", f.id, f.name),
            ),
        };
        if need <= access || tool.is_some_and(|t| allowed.iter().any(|a| a == t)) {
            return Ok(());
        }
        Err(format!("{who}: {} here", access.says()))
    }

    /// Whether some rule asks for confirmations (write tools then take
    /// `confirm` everywhere).
    pub fn asks_confirmation(&self) -> bool {
        self.rules.iter().any(|r| r.confirm.is_some())
    }

    /// The refusal of an unconfirmed write the rule picking `f` wants
    /// confirmed.
    pub fn unconfirmed(&self, f: &Facts, need: Access) -> Option<String> {
        let (r, why) = self.rule_for(f)?;
        let asks = match r.confirm? {
            ConfirmHere::Writes => need >= Access::Write,
            ConfirmHere::Destructive => need == Access::Destructive,
        };
        asks.then(|| {
            format!(
                "policy rule \"{}\" (environment {} {}: {why}) asks for the user's confirmation here: \
                 show the user what will change (dry_run: true), then call again with confirm: true",
                r.name, f.id, f.name
            )
        })
    }

    /// A kind the rule picking `f` denies, touched by this request
    /// (`path` below the API root), named with the rule.
    pub fn kinds_refused(&self, f: &Facts, path: &str, query: Option<&str>) -> Option<String> {
        let (r, why) = self.rule_for(f)?;
        let refused = r.denied.refuses(path, query)?;
        Some(format!(
            "policy rule \"{}\" (environment {} {}: {why}): {refused}",
            r.name, f.id, f.name
        ))
    }

    /// What the policy lets agents do in the environment of `f`, in a line.
    pub fn explain(&self, f: &Facts) -> String {
        let (what, access, except) = match self.rule_for(f) {
            Some((r, why)) => (
                format!("rule \"{}\" ({why})", r.name),
                r.access,
                r.allow_tools.join(", "),
            ),
            None => ("the default".to_string(), self.default, String::new()),
        };
        let tags = if f.tags.is_empty() {
            "none".to_string()
        } else {
            f.tags.join(", ")
        };
        let mut line = format!(
            "environment {} {} (group {}; tags {tags}): {what}: {}",
            f.id,
            f.name,
            if f.group.is_empty() { "none" } else { &f.group },
            access.says()
        );
        if !except.is_empty() {
            line.push_str(&format!("; except the tools {except}"));
        }
        if let Some((r, _)) = self.rule_for(f).filter(|(r, _)| !r.deny_kinds.is_empty()) {
            line.push_str(&format!("; kinds denied: {}", r.deny_kinds.join(", ")));
        }
        if self.has_content() {
            line.push_str(&format!("; {}", self.content_for(Some(f)).explain()));
        }
        line
    }

    /// What writes that name no environment may do, in a line.
    pub fn explain_unnamed(&self) -> String {
        format!(
            "writes that name no environment: {}",
            self.no_environment.says()
        )
    }

    /// A request that names no environment: reads pass (Portainer-wide
    /// lists), writes get `no_environment` (the strictest access in the
    /// file unless set), since they may reach any environment.
    pub fn judge_unnamed(&self, need: Access) -> Result<(), String> {
        if need == Access::Read || need <= self.no_environment {
            return Ok(());
        }
        Err(format!(
            "policy for writes that name no environment (they may reach any; see no_environment): {} here",
            self.no_environment.says()
        ))
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

/// What a request needs: GET reads; DELETE, the websocket routes (exec),
/// a POST that removes (`.../delete`, `prune`, `kill`, `drain`, `leave`, a
/// stack's `stop`, which takes its containers down) and any write of a
/// tool marked destructive (a prune, an uninstall) are destructive; any
/// other method writes.
pub fn needed(
    method: &reqwest::Method,
    path: &str,
    runs_commands: bool,
    destructive_tool: bool,
) -> Access {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let removes = method == reqwest::Method::POST
        && (matches!(
            segs.last(),
            Some(&("delete" | "prune" | "kill" | "drain" | "leave"))
        ) || matches!(segs.as_slice(), ["stacks", _, "stop"]));
    if runs_commands || method == reqwest::Method::DELETE || removes {
        Access::Destructive
    } else if method == reqwest::Method::GET {
        Access::Read
    } else if destructive_tool {
        Access::Destructive
    } else {
        Access::Write
    }
}

/// The environments a request reaches, as Portainer's router reads it.
#[derive(Debug, PartialEq, Eq)]
pub enum Touches {
    /// These, from the path or an `endpointId` query.
    Envs(Vec<u64>),
    /// A stack's: the environment Portainer keeps it in (which it acts
    /// on, whatever the query says), and the one the query names.
    Stack { id: u64, named: Option<u64> },
    /// None that can be told from the request: Portainer-wide routes, edge
    /// stacks and jobs (their environments are in the body), a stack's
    /// migration, or a path or query that could be read two ways.
    Unknown,
}

/// An id as Portainer's router takes it: plain ASCII digits.
fn id(s: &str) -> Option<u64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// What `path` (below the API root) and `query` reach.
pub fn touches(path: &str, query: Option<&str>) -> Touches {
    let q = query.unwrap_or("");
    let named: Vec<String> = url::form_urlencoded::parse(q.as_bytes())
        .filter(|(k, _)| k.eq_ignore_ascii_case("endpointId"))
        .map(|(_, v)| v.into_owned())
        .collect();
    // `;` splits pairs for some readers and not others; a second value or
    // one that is no id could be read either way: no guess is made.
    let query_env = match named.as_slice() {
        [] => None,
        [v] if !q.contains(';') => match id(v) {
            Some(n) => Some(n),
            None => return Touches::Unknown,
        },
        _ => return Touches::Unknown,
    };
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let from_path = match segs.as_slice() {
        ["endpoints" | "kubernetes" | "docker", x, ..] | ["cloud", "endpoints", x, ..] => {
            match id(x) {
                Some(n) => Some(n),
                // `/endpoints/delete`, `/endpoints/relations`, `%31`.
                None => return Touches::Unknown,
            }
        }
        ["stacks", x, "migrate", ..] if id(x).is_some() => return Touches::Unknown,
        ["stacks", x, ..] if id(x).is_some() => {
            return Touches::Stack {
                id: id(x).unwrap_or_default(),
                named: query_env,
            }
        }
        _ => None,
    };
    let envs: Vec<u64> = from_path.into_iter().chain(query_env).collect();
    if envs.is_empty() {
        Touches::Unknown
    } else {
        Touches::Envs(envs)
    }
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
            .judge(&prod, Access::Write, Some("docker_container_action"))
            .unwrap_err();
        assert!(
            e.contains("\"prod is read only\"") && e.contains("tag prod"),
            "{e}"
        );
        assert!(p.judge(&prod, Access::Read, None).is_ok());
        assert!(p
            .judge(&prod, Access::Write, Some("kubernetes_scale"))
            .is_ok());
        let dev = env(2, "dev", &[]);
        assert!(p.judge(&dev, Access::Destructive, None).is_ok());
        let other = env(3, "ops", &[]);
        assert!(p.judge(&other, Access::Write, None).is_ok());
        let e = p.judge(&other, Access::Destructive, None).unwrap_err();
        assert!(e.contains("policy default"), "{e}");
        // Naming no environment: reads pass, writes get the strictest.
        assert!(p.judge_unnamed(Access::Read).is_ok());
        let e = p.judge_unnamed(Access::Write).unwrap_err();
        assert!(
            e.contains("name no environment") && e.contains("only reads"),
            "{e}"
        );
        let open = FILE.replace(
            "access = \"write\"\n",
            "access = \"write\"\nno_environment = \"write\"\n",
        );
        let open = Policy::parse(&open).unwrap();
        assert!(open.judge_unnamed(Access::Write).is_ok());
        assert!(open.judge_unnamed(Access::Destructive).is_err());
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
        let e = Policy::parse(
            "[[rule]]\nname = \"x\"\nids = [1]\naccess = \"read\"\nallow_tools = [\"api_call\"]\n",
        )
        .unwrap_err();
        assert!(e.contains("api_call"), "{e}");
    }

    #[test]
    fn requests_name_their_environment_or_none_for_sure() {
        use Touches::*;
        let t = touches;
        assert_eq!(
            t("/endpoints/3/kubernetes/api/v1/pods", None),
            Envs(vec![3])
        );
        assert_eq!(t("/kubernetes/4/namespaces", None), Envs(vec![4]));
        assert_eq!(t("/docker/2/containers", None), Envs(vec![2]));
        assert_eq!(t("/cloud/endpoints/5/upgrade", None), Envs(vec![5]));
        assert_eq!(
            t("/websocket/exec", Some("id=x&endpointId=2")),
            Envs(vec![2])
        );
        assert_eq!(
            t("/endpoints/1/docker/x", Some("endpointId=2")),
            Envs(vec![1, 2])
        );
        assert_eq!(
            t("/stacks/7/stop", Some("endpointId=1")),
            Stack {
                id: 7,
                named: Some(1)
            }
        );
        assert_eq!(
            t("/stacks/create/standalone/string", Some("endpointId=1")),
            Envs(vec![1])
        );
        for (path, query) in [
            ("/users/2", None),
            ("/endpoints", None),
            ("/endpoints/delete", None),
            ("/endpoints/%31/docker/x", None),
            ("/stacks/7/migrate", Some("endpointId=1")),
            ("/stacks/webhooks/abc", None),
            ("/websocket/exec", Some("endpointId=9;&endpointId=1")),
            ("/websocket/exec", Some("endpointId=1&endpointId=2")),
            ("/websocket/exec", Some("endpointId=1x")),
        ] {
            assert_eq!(t(path, query), Unknown, "{path} {query:?}");
        }
    }

    #[test]
    fn removing_posts_and_destructive_tools_are_destructive() {
        use reqwest::Method;
        let post = |p: &str, tool: bool| needed(&Method::POST, p, false, tool);
        assert_eq!(
            post("/endpoints/1/docker/containers/prune", false),
            Access::Destructive
        );
        assert_eq!(
            post("/kubernetes/1/namespaces/delete", false),
            Access::Destructive
        );
        assert_eq!(post("/stacks/7/stop", false), Access::Destructive);
        assert_eq!(
            post("/endpoints/1/docker/containers/x/stop", false),
            Access::Write
        );
        assert_eq!(
            post("/endpoints/1/docker/images/create", true),
            Access::Destructive
        );
        let get = needed(
            &Method::GET,
            "/endpoints/1/docker/containers/json",
            false,
            true,
        );
        assert_eq!(get, Access::Read);
        let exec = needed(&Method::GET, "/websocket/exec", true, false);
        assert_eq!(exec, Access::Destructive);
    }
}
