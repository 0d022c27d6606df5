//! Which requests deploy what: the content a write carries, read from its
//! route and body as Portainer and the engines behind it read them (Go's
//! JSON decoding matches keys whatever their case, so Docker and Portainer
//! bodies are read with keys folded; Kubernetes and compose match exactly).

use reqwest::Method;
use serde_json::{Map, Value};

/// Bodies larger than this are not parsed: an Unseen finding instead.
const MAX_BODY: usize = 8 << 20;

/// What a request would deploy.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// A compose file, and the variables it is deployed with.
    Compose {
        text: String,
        env: Vec<(String, String)>,
    },
    /// Kubernetes objects (YAML or JSON, one or several documents).
    Manifests {
        text: String,
        full: bool,
        kind: Option<String>,
    },
    /// A stack file whose kind is not said: read both ways.
    EitherStack {
        text: String,
        env: Vec<(String, String)>,
    },
    /// A stack update: its kind (and, when the body carries none, its
    /// file) are Portainer's, read before judging.
    StackUpdate {
        id: u64,
        text: Option<String>,
        env: Vec<(String, String)>,
    },
    /// Docker bodies, keys folded to lower case.
    Container(Value),
    Service(Value),
    HelmValues(String),
    /// Something is deployed that the rules cannot read, and why.
    Unseen(String),
}

/// The content of a write to `path` (below the API root), if it deploys
/// anything. `content_type` tells a Kubernetes patch from a whole object.
pub fn of_request(
    method: &Method,
    path: &str,
    content_type: Option<&str>,
    body: Option<&[u8]>,
) -> Option<Content> {
    if matches!(
        *method,
        Method::GET | Method::HEAD | Method::DELETE | Method::OPTIONS
    ) {
        return None;
    }
    // The engines route the decoded path (`%63ontainers` is `containers`).
    let decoded = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let segs: Vec<&str> = decoded.trim_matches('/').split('/').collect();
    let deploys = deploy_route(&segs, method)?;
    let body = body.unwrap_or_default();
    if body.len() > MAX_BODY {
        return Some(Content::Unseen(format!(
            "a body of {} bytes (at most {MAX_BODY} are read)",
            body.len()
        )));
    }
    let unseen = |why: &str| Some(Content::Unseen(why.to_string()));
    // A Go-decoded body: keys folded; two keys Go would read as one, or no
    // JSON at all, cannot be judged.
    let folded = || serde_json::from_slice::<Value>(body).ok().and_then(fold);
    Some(match deploys {
        Route::Stack { kubernetes, update } => {
            let Some(v) = folded() else {
                return unseen("a stack body that is not plain JSON (a form, an upload, or keys differing only in case)");
            };
            let text = v["stackfilecontent"].as_str().map(str::to_string);
            let env = env_of(&v["env"]);
            if let Some(id) = update {
                return Some(Content::StackUpdate { id, text, env });
            }
            let Some(text) = text else {
                return unseen(
                    "a stack whose file is not in the request (a URL, a template, a Helm chart)",
                );
            };
            // Edge stacks say which in DeploymentType (0 compose, 1 Kubernetes).
            match (kubernetes, v["deploymenttype"].as_u64()) {
                (true, _) | (_, Some(1)) => Content::Manifests {
                    text,
                    full: true,
                    kind: None,
                },
                (false, Some(0)) => Content::Compose { text, env },
                _ => Content::EitherStack { text, env },
            }
        }
        Route::Git => Content::Unseen("a stack deployed from a git repository".into()),
        Route::Upload => Content::Unseen("a stack file sent as an upload".into()),
        Route::Container => match folded() {
            Some(v) => Content::Container(v),
            None => return unseen("a container spec that is not plain JSON"),
        },
        Route::Service => match folded() {
            Some(v) => Content::Service(v),
            None => return unseen("a service spec that is not plain JSON"),
        },
        Route::Helm => {
            let Some(v) = folded() else {
                return unseen("a Helm install body that is not plain JSON");
            };
            let values = v["values"].as_str().unwrap_or_default();
            if values.trim().is_empty() {
                return None;
            }
            Content::HelmValues(values.to_string())
        }
        Route::Kubernetes { kind, object } => {
            let Ok(text) = std::str::from_utf8(body) else {
                return unseen("a Kubernetes body that is not UTF-8");
            };
            let ct = content_type.unwrap_or_default().to_ascii_lowercase();
            if !object {
                return None; // a subresource (scale, status, eviction...)
            }
            if ct.contains("json-patch") {
                return unseen("a JSON patch (a list of operations, not an object)");
            }
            let full = *method != Method::PATCH || ct.contains("apply-patch");
            Content::Manifests {
                text: text.to_string(),
                full,
                kind: kind.map(str::to_string),
            }
        }
    })
}

/// A stack body's `Env` (`[{name, value}]`), for the compose file's
/// variables.
fn env_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| {
            Some((
                e["name"].as_str()?.to_string(),
                e["value"].as_str().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

/// Go's case-insensitive key matching, made explicit: every key folded
/// (lower case, and `ſ` as `s`; the Kelvin sign lowers to `k`). None when
/// two keys of one object fold alike: Go would take the later one, which
/// a reader of sorted keys cannot tell.
pub fn fold(v: Value) -> Option<Value> {
    Some(match v {
        Value::Object(o) => {
            let mut out = Map::new();
            for (k, child) in o {
                let key: String = k.to_lowercase().replace('ſ', "s");
                if out.insert(key, fold(child)?).is_some() {
                    return None;
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.into_iter().map(fold).collect::<Option<_>>()?),
        other => other,
    })
}

enum Route {
    Stack {
        kubernetes: bool,
        /// `PUT /stacks/{id}`: the stack updated.
        update: Option<u64>,
    },
    Git,
    Upload,
    Container,
    Service,
    Helm,
    Kubernetes {
        kind: Option<&'static str>,
        /// The object itself, not a subresource of it.
        object: bool,
    },
}

fn deploy_route(segs: &[&str], method: &Method) -> Option<Route> {
    match segs {
        ["stacks" | "edge_stacks", rest @ ..] => {
            let lower: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
            if lower.iter().any(|s| s == "git" || s == "repository") {
                return Some(Route::Git);
            }
            if lower.last().is_some_and(|s| s == "file") {
                return Some(Route::Upload);
            }
            let update = match (segs[0], rest, method) {
                ("stacks", [id], &Method::PUT) => id.parse().ok(),
                _ => None,
            };
            // Start, stop, migrate, associate and the like deploy nothing new.
            let deploys = matches!(rest, [] | ["create", ..] | [_])
                || lower.last().is_some_and(|s| s == "helmrepo");
            deploys.then_some(Route::Stack {
                kubernetes: lower.iter().any(|s| s == "kubernetes"),
                update,
            })
        }
        ["endpoints", _, "docker", rest @ ..] => {
            // The engine API takes an optional version prefix.
            let rest = match rest {
                [v, tail @ ..] if v.starts_with('v') && v[1..].contains('.') => tail,
                _ => rest,
            };
            match (method, rest) {
                (&Method::POST, ["containers", "create"]) => Some(Route::Container),
                (&Method::POST, ["services", "create"] | ["services", _, "update"]) => {
                    Some(Route::Service)
                }
                _ => None,
            }
        }
        ["endpoints", _, "kubernetes", "helm"] if method == Method::POST => Some(Route::Helm),
        ["endpoints", _, "kubernetes", api @ ("api" | "apis"), rest @ ..] => {
            let (kind, object) = resource_of(*api == "apis", rest);
            Some(Route::Kubernetes { kind, object })
        }
        _ => None,
    }
}

/// The kind a resource path names (for the kinds that run pods) and
/// whether it is the object or a subresource: `v1/[namespaces/NS/]RES[/NAME[/SUB]]`
/// under `api`, `GROUP/VERSION/...` under `apis`.
fn resource_of(grouped: bool, rest: &[&str]) -> (Option<&'static str>, bool) {
    let after_version = if grouped {
        rest.get(2..)
    } else {
        rest.get(1..)
    };
    let tail = after_version.unwrap_or_default();
    let tail = match tail {
        // `namespaces/NS/RES...`; `namespaces/NS` alone is the namespace.
        ["namespaces", _, res, more @ ..] => {
            let mut t = vec![*res];
            t.extend_from_slice(more);
            t
        }
        other => other.to_vec(),
    };
    match tail.as_slice() {
        [res] | [res, _] => (kind_of(res), true),
        [res, _, _sub, ..] => (kind_of(res), false),
        _ => (None, true),
    }
}

/// The kind a resource path names, for the kinds that run pods.
fn kind_of(plural: &str) -> Option<&'static str> {
    Some(match plural {
        "pods" => "Pod",
        "deployments" => "Deployment",
        "statefulsets" => "StatefulSet",
        "daemonsets" => "DaemonSet",
        "replicasets" => "ReplicaSet",
        "jobs" => "Job",
        "cronjobs" => "CronJob",
        "replicationcontrollers" => "ReplicationController",
        _ => return None,
    })
}
