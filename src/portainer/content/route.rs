//! Which requests deploy what: the content a write carries, read from its
//! route and body, as Portainer and the engines behind it take them.

use reqwest::Method;
use serde_json::Value;

/// Bodies larger than this are not parsed: an Unseen finding instead.
const MAX_BODY: usize = 8 << 20;

/// What a request would deploy.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    Compose(String),
    /// Kubernetes objects (YAML or JSON, one or several documents).
    Manifests {
        text: String,
        full: bool,
        kind: Option<String>,
    },
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
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let deploys = deploy_route(&segs, method)?;
    let body = body.unwrap_or_default();
    if body.len() > MAX_BODY {
        return Some(Content::Unseen(format!(
            "a body of {} bytes (at most {MAX_BODY} are read)",
            body.len()
        )));
    }
    let json = || serde_json::from_slice::<Value>(body).ok();
    Some(match deploys {
        Route::Stack { kubernetes } => {
            let Some(v) = json() else {
                return Some(Content::Unseen(
                    "a stack file sent as a form or upload".into(),
                ));
            };
            let text = v["StackFileContent"]
                .as_str()
                .or(v["stackFileContent"].as_str())?;
            // Edge stacks say which in DeploymentType (1: Kubernetes).
            if kubernetes || v["DeploymentType"].as_u64() == Some(1) {
                Content::Manifests {
                    text: text.to_string(),
                    full: true,
                    kind: None,
                }
            } else {
                Content::Compose(text.to_string())
            }
        }
        Route::Git => Content::Unseen("a stack deployed from a git repository".into()),
        Route::Upload => Content::Unseen("a stack file sent as an upload".into()),
        Route::Container => Content::Container(json()?),
        Route::Service => Content::Service(json()?),
        Route::Helm => {
            let v = json()?;
            let values = v["values"].as_str().unwrap_or_default();
            if values.trim().is_empty() {
                return None;
            }
            Content::HelmValues(values.to_string())
        }
        Route::Kubernetes { kind } => {
            let text = std::str::from_utf8(body).ok()?.to_string();
            let ct = content_type.unwrap_or_default();
            // A JSON patch is a list of operations: no object to read.
            if ct.contains("json-patch") {
                return None;
            }
            let full = *method != Method::PATCH || ct.contains("apply-patch");
            Content::Manifests {
                text,
                full,
                kind: kind.map(str::to_string),
            }
        }
    })
}

enum Route {
    Stack { kubernetes: bool },
    Git,
    Upload,
    Container,
    Service,
    Helm,
    Kubernetes { kind: Option<&'static str> },
}

fn deploy_route(segs: &[&str], method: &Method) -> Option<Route> {
    match segs {
        ["stacks" | "edge_stacks", rest @ ..] => {
            if rest.iter().any(|s| *s == "git" || *s == "repository") {
                return Some(Route::Git);
            }
            if rest.last() == Some(&"file") {
                return Some(Route::Upload);
            }
            // Start, stop, migrate, associate and the like deploy nothing new.
            let bare = matches!(rest, [] | ["create", ..] | [_]);
            bare.then_some(Route::Stack {
                kubernetes: rest.contains(&"kubernetes"),
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
        ["endpoints", _, "kubernetes", "api" | "apis", rest @ ..] => {
            let kind = rest.iter().rev().find_map(|s| kind_of(s));
            Some(Route::Kubernetes { kind })
        }
        _ => None,
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
