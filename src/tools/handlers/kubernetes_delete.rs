//! kubernetes_delete: one object by name, or the objects a label selector
//! matches, listed first and then deleted one by one by name, each with its
//! uid as a precondition, so that what goes is exactly what the answer lists
//! (an object re-created under the same name since is left alone). A held
//! call sends each delete as the API server's dry run.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::kubernetes as kube;
use crate::portainer::passthrough::{check_allowed, Backend};
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// Most objects one selector may delete; a wider selector is refused.
const MAX_SELECTED: usize = 50;

#[derive(Deserialize, JsonSchema, Default, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Propagation {
    /// Dependents are removed after the object (kubectl's default).
    #[default]
    Background,
    Foreground,
    /// Dependents are kept.
    Orphan,
}

#[derive(Deserialize, JsonSchema)]
pub struct Delete {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. v1, apps/v1, batch/v1.
    #[serde(default = "super::kubernetes::v1")]
    api_version: String,
    /// e.g. Pod, Deployment, ConfigMap.
    kind: String,
    /// One object; or give label_selector.
    name: Option<String>,
    /// e.g. app=web,tier=cache: every match (at most 50), listed in the answer.
    label_selector: Option<String>,
    /// For namespaced kinds.
    namespace: Option<String>,
    #[serde(default)]
    propagation: Propagation,
}

handler!(KUBERNETES_DELETE, Delete, delete);

async fn delete(call: &Call, a: Delete) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let ns = a.namespace.as_deref();
    let targets = match (&a.name, &a.label_selector) {
        (Some(name), None) => {
            let path = kube::object_path(http, env, &a.api_version, &a.kind, ns, name).await?;
            vec![(path, None)]
        }
        (None, Some(selector)) => selected(http, &a, selector).await?,
        _ => {
            return Err(ToolError::BadArguments(
                "give either `name` or `label_selector`".into(),
            ))
        }
    };
    let policy = match a.propagation {
        Propagation::Background => "Background",
        Propagation::Foreground => "Foreground",
        Propagation::Orphan => "Orphan",
    };
    // The guard (--deny-kinds, --disable-destructive) refuses before the
    // first delete rather than part way through a selection.
    for (path, _) in &targets {
        check_allowed(http, Backend::Kubernetes, env, &Method::DELETE, path, None).await?;
    }
    let held = call.held();
    let mut items = vec![];
    for (path, uid) in &targets {
        let query = vec![("propagationPolicy".to_string(), policy.to_string())];
        let body = uid.as_ref().map(|uid| {
            let options =
                json!({"kind": "DeleteOptions", "apiVersion": "v1", "preconditions": {"uid": uid}});
            (options, "application/json")
        });
        let name = path.rsplit('/').next().unwrap_or_default();
        let answer =
            match kube::send_write(http, env, Method::DELETE, path, query, body, held).await {
                Ok(x) => x.into_json(),
                Err(e) => Err(e),
            };
        let answer = match (answer, a.label_selector.is_some()) {
            (Ok(v), _) => v,
            (Err(e), false) => return Err(e),
            // One object of a selection: its outcome, and on to the next,
            // so that the answer names what went and what did not.
            (Err(ToolError::Upstream { status: 404, .. }), true) => {
                items.push(json!({"name": name, "status": "already gone"}));
                continue;
            }
            (Err(e), true) => {
                items.push(json!({"name": name, "status": "failed", "error": e.to_string()}));
                continue;
            }
        };
        // One object's preview is the API server's answer; a selection's is
        // the list of what would go (below), not 50 whole objects.
        if held && a.label_selector.is_none() {
            call.record().add_preview(answer.clone());
        }
        // A Status when the object is gone at once; the object itself,
        // marked for deletion, while finalizers or a grace period hold it.
        let status = if held {
            json!("would be deleted")
        } else if answer["kind"] == "Status" {
            answer["status"].clone()
        } else {
            json!("deleting")
        };
        items.push(json!({"name": name, "status": status,
                          "deletionTimestamp": answer["metadata"]["deletionTimestamp"]}));
    }
    let mut out = json!({"kind": a.kind, "namespace": a.namespace, "propagation": policy});
    match a.label_selector {
        Some(selector) => {
            out["label_selector"] = json!(selector);
            out["total"] = json!(items.len());
            out["items"] = json!(items);
            if held {
                call.record().add_preview(out.clone());
            }
        }
        None => {
            let one = items.pop().unwrap_or_default();
            for k in ["name", "status", "deletionTimestamp"] {
                out[k] = one[k].clone();
            }
        }
    }
    Ok(out)
}

/// The paths and uids of the objects `selector` matches now, at most
/// MAX_SELECTED.
async fn selected(
    http: &Http,
    a: &Delete,
    selector: &str,
) -> Result<Vec<(String, Option<String>)>, ToolError> {
    // An empty selector matches every object of the kind.
    if selector.trim().is_empty() {
        return Err(ToolError::BadArguments(
            "label_selector is empty, which would match every object: give a selector such as app=web"
                .into(),
        ));
    }
    let env = a.environment_id;
    let resource = kube::resolve(http, env, &a.api_version, &a.kind).await?;
    let ns = a.namespace.as_deref();
    if resource.namespaced && ns.is_none() {
        return Err(ToolError::BadArguments(format!(
            "kind `{}` is namespaced: give `namespace` (a selector deletes in one namespace)",
            a.kind
        )));
    }
    let path = kube::resource_path(&a.api_version, &resource, ns, None)?;
    let query = [
        ("labelSelector".to_string(), selector.to_string()),
        ("limit".to_string(), (MAX_SELECTED + 1).to_string()),
    ];
    let list = kube::request(http, env, Method::GET, &path, &query, None).await?;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    let more = list["metadata"]["continue"]
        .as_str()
        .is_some_and(|c| !c.is_empty());
    if items.len() > MAX_SELECTED || more {
        return Err(ToolError::BadArguments(format!(
            "label_selector `{selector}` matches more than {MAX_SELECTED} objects: narrow it"
        )));
    }
    if items.is_empty() {
        return Err(ToolError::BadArguments(format!(
            "label_selector `{selector}` matches no {} here: nothing to delete",
            a.kind
        )));
    }
    items
        .iter()
        .map(|o| {
            let name = o["metadata"]["name"].as_str().unwrap_or_default();
            let uid = o["metadata"]["uid"].as_str().map(str::to_string);
            Ok((
                kube::resource_path(&a.api_version, &resource, ns, Some(name))?,
                uid,
            ))
        })
        .collect()
}
