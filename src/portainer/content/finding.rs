//! What the checks find, and the readers they share: image references,
//! the Docker socket, root users, YAML documents with merge keys.

use serde_json::{json, Value};

/// One thing a deploy may do that an organisation wants to know about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Check {
    Privileged,
    HostNamespaces,
    DockerSocket,
    HostPath,
    Capabilities,
    ImageTag,
    MemoryLimit,
    RootUser,
    /// Content the rules cannot read: a git repository, an uploaded file,
    /// one that does not parse.
    Unseen,
}

impl Check {
    pub const ALL: [Check; 9] = [
        Check::Privileged,
        Check::HostNamespaces,
        Check::DockerSocket,
        Check::HostPath,
        Check::Capabilities,
        Check::ImageTag,
        Check::MemoryLimit,
        Check::RootUser,
        Check::Unseen,
    ];

    /// Its key in the policy file and in findings.
    pub fn key(self) -> &'static str {
        match self {
            Check::Privileged => "privileged",
            Check::HostNamespaces => "host_namespaces",
            Check::DockerSocket => "docker_socket",
            Check::HostPath => "host_path",
            Check::Capabilities => "capabilities",
            Check::ImageTag => "image_tag",
            Check::MemoryLimit => "memory_limit",
            Check::RootUser => "root_user",
            Check::Unseen => "unseen",
        }
    }
}

/// One thing found in what would be deployed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub check: Check,
    /// Which document: "compose file", "document 2 (Deployment shop/web)".
    pub document: String,
    /// Where in it, as dotted keys and [indexes].
    pub path: String,
    pub what: String,
}

impl Finding {
    pub fn new(check: Check, document: &str, path: &str, what: impl Into<String>) -> Finding {
        Finding {
            check,
            document: document.to_string(),
            path: path.to_string(),
            what: what.into(),
        }
    }

    pub fn to_json(&self, deny: bool) -> Value {
        json!({
            "rule": self.check.key(),
            "level": if deny { "deny" } else { "warn" },
            "document": self.document,
            "path": self.path,
            "what": self.what,
        })
    }
}

/// Findings kept from one request; past them the checks stop.
pub const MAX_FINDINGS: usize = 1_000;

/// What an image reference lacks: no tag or digest, or `latest`. An
/// interpolated tag (`${TAG}`) is not judged.
pub fn image_issue(image: &str) -> Option<String> {
    let image = image.trim();
    if image.is_empty() || image.contains("${") || image.contains('@') {
        return None;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        None => Some(format!(
            "image {image} has no tag (Docker reads it as latest)"
        )),
        Some((_, "latest")) => Some(format!("image {image} is on latest")),
        Some(_) => None,
    }
}

/// Whether a host path is the Docker socket.
pub fn is_docker_socket(path: &str) -> bool {
    let p = path.trim_end_matches('/');
    p.ends_with("/docker.sock") || p == "docker.sock"
}

/// Whether a user names root (uid 0), with or without a group.
pub fn is_root(user: &str) -> bool {
    let who = user.split(':').next().unwrap_or_default().trim();
    who == "root" || who == "0"
}

/// The YAML documents of `text`, merge keys (`<<`) applied, as JSON; a
/// document that does not parse is an Unseen finding for `what`.
pub fn yaml_documents(text: &str, what: &str, out: &mut Vec<Finding>) -> Vec<Value> {
    use serde::Deserialize as _;
    let mut docs = vec![];
    // The YAML parser's time grows with the square of flow nesting (100,000
    // brackets: most of a minute); no real file nests this deep.
    // Brackets in double-quoted strings do not count, as in JSON.
    if crate::shaping::nesting::nesting(text.as_bytes()) > MAX_FLOW_DEPTH {
        out.push(Finding::new(
            Check::Unseen,
            what,
            "",
            format!("nests brackets deeper than {MAX_FLOW_DEPTH}, so content rules do not read it"),
        ));
        return docs;
    }
    for (i, de) in serde_yaml_ng::Deserializer::from_str(text).enumerate() {
        let parsed = serde_yaml_ng::Value::deserialize(de).and_then(|mut v| {
            v.apply_merge()?;
            Ok(v)
        });
        let json = parsed
            .map_err(|e| e.to_string())
            .and_then(|v| serde_json::to_value(v).map_err(|e| e.to_string()));
        match json {
            Ok(Value::Null) => {}
            Ok(v) => docs.push(v),
            Err(e) => {
                out.push(Finding::new(
                    Check::Unseen,
                    &format!("{what} (document {})", i + 1),
                    "",
                    format!(
                        "does not parse, so content rules cannot read it: {}",
                        crate::error::cap_text(e, 200)
                    ),
                ));
                // A stream past a broken document cannot be trusted.
                break;
            }
        }
    }
    docs
}

const MAX_FLOW_DEPTH: usize = 256;

/// `v` at `key` is true: a boolean, or a string compose and YAML 1.1
/// read as one.
pub fn is_true(v: &Value, key: &str) -> bool {
    match v.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "true" | "yes" | "y" | "on"
        ),
        _ => false,
    }
}

/// A non-empty list at `key`, joined.
pub fn listed(v: &Value, key: &str) -> Option<String> {
    let items: Vec<String> = v
        .get(key)?
        .as_array()?
        .iter()
        .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
        .collect();
    (!items.is_empty()).then(|| items.join(", "))
}
