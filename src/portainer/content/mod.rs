//! Content rules (`[content]` of the `--policy` file): what is about to be
//! deployed, read from the request that deploys it (a compose file, a
//! Kubernetes object, a container or service spec, Helm values), checked
//! for privileged containers, host namespaces, the Docker socket, host
//! paths, added capabilities, untagged or `latest` images, no memory limit
//! and root users. Each check is off, warn or deny; the HTTP layer refuses
//! a request with any denied finding before it leaves, and a call's
//! warnings come with its answer (and its preview). Pure: no I/O here.

mod compose;
mod engine;
mod finding;
mod kube;
mod route;
mod values;

pub use finding::{Check, Finding, MAX_FINDINGS};
pub use route::{fold, of_request, Content};

use serde::Deserialize;
use serde_json::{json, Value};

/// What a check does when it finds something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Off,
    Warn,
    Deny,
}

/// Each check's level as a file sets it; unset is inherited (a rule's from
/// `[content]`, `[content]`'s is off, but `unseen`, which is warn once
/// any other check is on).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Levels {
    privileged: Option<Level>,
    host_namespaces: Option<Level>,
    docker_socket: Option<Level>,
    host_path: Option<Level>,
    capabilities: Option<Level>,
    image_tag: Option<Level>,
    memory_limit: Option<Level>,
    root_user: Option<Level>,
    unseen: Option<Level>,
}

impl Levels {
    fn slot(&self, c: Check) -> Option<Level> {
        match c {
            Check::Privileged => self.privileged,
            Check::HostNamespaces => self.host_namespaces,
            Check::DockerSocket => self.docker_socket,
            Check::HostPath => self.host_path,
            Check::Capabilities => self.capabilities,
            Check::ImageTag => self.image_tag,
            Check::MemoryLimit => self.memory_limit,
            Check::RootUser => self.root_user,
            Check::Unseen => self.unseen,
        }
    }

    /// Each check's level as `f` gives it.
    fn from_fn(f: impl Fn(Check) -> Option<Level>) -> Levels {
        Levels {
            privileged: f(Check::Privileged),
            host_namespaces: f(Check::HostNamespaces),
            docker_socket: f(Check::DockerSocket),
            host_path: f(Check::HostPath),
            capabilities: f(Check::Capabilities),
            image_tag: f(Check::ImageTag),
            memory_limit: f(Check::MemoryLimit),
            root_user: f(Check::RootUser),
            unseen: f(Check::Unseen),
        }
    }

    /// `self` where set, else `base`.
    pub fn over(&self, base: &Levels) -> Levels {
        Levels::from_fn(|c| self.slot(c).or(base.slot(c)))
    }

    /// The level a check has here.
    pub fn level(&self, c: Check) -> Level {
        match (c, self.slot(c)) {
            (_, Some(l)) => l,
            // What cannot be read might hold anything the other checks
            // look for: it meets the strictest of them.
            (Check::Unseen, None) => Check::ALL
                .iter()
                .filter(|c| **c != Check::Unseen)
                .filter_map(|c| self.slot(*c))
                .max()
                .unwrap_or(Level::Off),
            _ => Level::Off,
        }
    }

    /// Whether any check looks at content at all.
    pub fn any_on(&self) -> bool {
        Check::ALL
            .iter()
            .filter(|c| **c != Check::Unseen)
            .any(|c| self.slot(*c).is_some_and(|l| l > Level::Off))
    }

    /// The strictest of both, check by check (a request reaching two
    /// environments meets both rules).
    pub fn strictest(&self, other: &Levels) -> Levels {
        Levels::from_fn(|c| Some(self.level(c).max(other.level(c))))
    }

    /// One line per check that is on.
    pub fn explain(&self) -> String {
        let on: Vec<String> = Check::ALL
            .iter()
            .filter(|c| self.level(**c) > Level::Off)
            .map(|c| {
                let l = if self.level(*c) == Level::Deny {
                    "deny"
                } else {
                    "warn"
                };
                format!("{} {l}", c.key())
            })
            .collect();
        if on.is_empty() {
            "no content rules".into()
        } else {
            format!("content rules: {}", on.join(", "))
        }
    }
}

/// Findings kept in one answer; the rest are counted.
const MAX_SHOWN: usize = 50;

/// Everything the checks find in `content`, whatever the levels (at most
/// MAX_FINDINGS, then one saying how far it went).
pub fn findings(content: &Content) -> Vec<Finding> {
    let mut out = vec![];
    match content {
        Content::Compose { text, env } => compose::check(text, env, &mut out),
        Content::Manifests { text, full, kind } => {
            kube::check(text, *full, kind.as_deref(), &mut out)
        }
        // Read both ways: a compose file has no kinds, manifests no services.
        Content::EitherStack { text, env }
        | Content::StackUpdate {
            text: Some(text),
            env,
            ..
        } => {
            compose::check(text, env, &mut out);
            kube::check(text, true, None, &mut out);
        }
        Content::StackUpdate { text: None, .. } => out.push(Finding::new(
            Check::Unseen,
            "request",
            "",
            "content rules cannot read the stack's stored file",
        )),
        Content::Container(v) => engine::container(v, "container", "", &mut out),
        Content::Service(v) => engine::service(v, &mut out),
        Content::HelmValues(text) => values::check(text, &mut out),
        Content::Unseen(why) => out.push(Finding::new(
            Check::Unseen,
            "request",
            "",
            format!("content rules cannot read {why}"),
        )),
    }
    if out.len() > MAX_FINDINGS {
        out.truncate(MAX_FINDINGS);
        out.push(Finding::new(
            Check::Unseen,
            "request",
            "",
            format!("more than {MAX_FINDINGS} findings: the rest were not read"),
        ));
    }
    out
}

/// The verdict on findings under `levels`: those denied and those warned
/// about, each as JSON, at most MAX_SHOWN of each.
pub fn sort(found: &[Finding], levels: &Levels) -> (Vec<Value>, Vec<Value>) {
    let (mut deny, mut warn) = (vec![], vec![]);
    for f in found {
        match levels.level(f.check) {
            Level::Deny => deny.push(f.to_json(true)),
            Level::Warn => warn.push(f.to_json(false)),
            Level::Off => {}
        }
    }
    for list in [&mut deny, &mut warn] {
        if list.len() > MAX_SHOWN {
            let more = list.len() - MAX_SHOWN;
            list.truncate(MAX_SHOWN);
            list.push(json!({"more": more}));
        }
    }
    (deny, warn)
}

/// How many findings a sorted list stands for (its `more` marker counted).
fn count(list: &[Value]) -> u64 {
    list.iter()
        .map(|f| f.get("more").and_then(Value::as_u64).unwrap_or(1))
        .sum()
}

/// The refusal of a denied deploy: every denied finding, one a line.
pub fn refusal(deny: &[Value]) -> String {
    let lines: Vec<String> = deny
        .iter()
        .map(|f| match f.get("more") {
            Some(n) => format!("- and {n} more"),
            None => format!(
                "- {}: {} {}: {}",
                f["rule"].as_str().unwrap_or_default(),
                f["document"].as_str().unwrap_or_default(),
                f["path"].as_str().unwrap_or_default(),
                f["what"].as_str().unwrap_or_default()
            ),
        })
        .collect();
    format!(
        "content rules of the policy deny this deploy ({} finding(s)):\n{}",
        count(deny),
        lines.join("\n")
    )
}

#[cfg(test)]
mod tests;
