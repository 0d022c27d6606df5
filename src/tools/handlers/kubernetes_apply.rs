//! Kubernetes writes the API server itself can preview: server-side apply
//! of manifests (delete is in kubernetes_delete.rs). In a held call (dry_run, or confirmation
//! missing) the requests go with `dryRun=All`, so the API server validates,
//! defaults and admission-checks them and stores nothing; its answers are
//! the call's preview, and the requests a confirmed call would send are
//! listed as for every write.

use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::portainer::passthrough::Backend;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// The field manager our applies own their fields as.
const FIELD_MANAGER: &str = "portainer-mcp";
/// Server-side apply: the whole object as the caller means it.
const APPLY_PATCH: &str = "application/apply-patch+yaml";
/// Most documents one call applies.
const MAX_DOCUMENTS: usize = 50;

#[derive(Deserialize, JsonSchema)]
pub struct Apply {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// YAML or JSON; several documents separated by `---`.
    manifest: String,
    /// For namespaced objects that name none.
    namespace: Option<String>,
    /// Take over fields another manager owns (kubectl apply --force-conflicts).
    #[serde(default)]
    force: bool,
    /// Seconds to await the rollout of the Deployments, StatefulSets and DaemonSets applied.
    wait: Option<crate::tools::wait::Wait>,
}

handler!(KUBERNETES_APPLY, Apply, apply);

/// One object of the manifest, checked before anything is sent.
struct Doc {
    api_version: String,
    kind: String,
    name: String,
    namespace: Option<String>,
    body: Value,
}

fn documents(manifest: &str, namespace: Option<&str>) -> Result<Vec<Doc>, ToolError> {
    let bad = |i: usize, why: String| {
        ToolError::BadArguments(format!("`manifest` document {}: {why}", i + 1))
    };
    let mut out = vec![];
    for (i, de) in serde_yaml_ng::Deserializer::from_str(manifest).enumerate() {
        // Through YAML's own value first, so merge keys (`<<: *defaults`)
        // expand as kubectl expands them.
        let mut y = serde_yaml_ng::Value::deserialize(de)
            .map_err(|e| bad(i, format!("not YAML or JSON: {e}")))?;
        y.apply_merge()
            .map_err(|e| bad(i, format!("merge key: {e}")))?;
        let v = serde_json::to_value(&y)
            .map_err(|e| bad(i, format!("not representable as JSON: {e}")))?;
        if v.is_null() {
            continue; // an empty document (a trailing `---`)
        }
        if out.len() == MAX_DOCUMENTS {
            return Err(bad(
                i,
                format!("more than {MAX_DOCUMENTS} documents; apply them in parts"),
            ));
        }
        let text = |k: &str| v.pointer(k).and_then(Value::as_str).map(str::to_string);
        let (Some(api_version), Some(kind), Some(name)) =
            (text("/apiVersion"), text("/kind"), text("/metadata/name"))
        else {
            return Err(bad(i, "needs apiVersion, kind and metadata.name".into()));
        };
        if kind == "List" || (kind.ends_with("List") && v.get("items").is_some_and(Value::is_array))
        {
            return Err(bad(i, format!("a {kind}: give its items as documents")));
        }
        kube::check_name("metadata.name", &name)?;
        let namespace = text("/metadata/namespace").or(namespace.map(str::to_string));
        out.push(Doc {
            api_version,
            kind,
            name,
            namespace,
            body: v,
        });
    }
    if out.is_empty() {
        return Err(ToolError::BadArguments("`manifest` holds no object".into()));
    }
    Ok(out)
}

/// How many objects a manifest holds, or why it is refused: the parsing a
/// call does before anything is sent (the fuzz target reads it).
pub fn count_documents(manifest: &str) -> Result<usize, ToolError> {
    documents(manifest, Some("default")).map(|d| d.len())
}

async fn apply(call: &Call, a: Apply) -> Result<Value, ToolError> {
    let http = call.http();
    let docs = documents(&a.manifest, a.namespace.as_deref())?;
    let held = call.held();
    // Every kind resolved (and every path built) before the first write, so
    // that a bad document leaves nothing half applied.
    let mut planned = vec![];
    let mut refused: Vec<String> = vec![];
    for d in &docs {
        let resource = kube::resolve(http, a.environment_id, &d.api_version, &d.kind).await?;
        if resource.namespaced && d.namespace.is_none() {
            return Err(ToolError::BadArguments(format!(
                "{} `{}` is namespaced: give metadata.namespace or `namespace`",
                d.kind, d.name
            )));
        }
        let ns = if resource.namespaced {
            d.namespace.as_deref()
        } else {
            None
        };
        let path = kube::resource_path(&d.api_version, &resource, ns, Some(&d.name))?;
        // A document the guard or the policy's content rules refuse
        // (--deny-kinds, read-only, a privileged pod) fails the call here,
        // before any other is written.
        let body = serde_json::to_vec(&d.body).unwrap_or_default();
        let allowed = crate::portainer::passthrough::check_allowed(
            http,
            Backend::Kubernetes,
            a.environment_id,
            &Method::PATCH,
            &path,
            Some((&body, APPLY_PATCH)),
        )
        .await;
        // Every document's refusal is told, not only the first one's.
        match allowed {
            Err(ToolError::Refused(why)) if !refused.contains(&why) => refused.push(why),
            Err(ToolError::Refused(_)) | Ok(()) => {}
            Err(other) => return Err(other),
        }
        planned.push((path, resource.namespaced));
    }
    if !refused.is_empty() {
        return Err(ToolError::Refused(refused.join("\n")));
    }
    let mut results = vec![];
    for (d, (path, namespaced)) in docs.iter().zip(&planned) {
        let namespace = if *namespaced {
            d.namespace.clone()
        } else {
            None
        };
        let mut query = vec![("fieldManager".to_string(), FIELD_MANAGER.to_string())];
        if a.force {
            query.push(("force".into(), "true".into()));
        }
        let mut body = d.body.clone();
        if let (Some(ns), true) = (&namespace, body["metadata"].get("namespace").is_none()) {
            body["metadata"]["namespace"] = json!(ns);
        }
        let x = kube::send_write(
            http,
            a.environment_id,
            Method::PATCH,
            path,
            query,
            Some((body, APPLY_PATCH)),
            held,
        )
        .await?;
        let status = x.status;
        let stored = x.into_json()?;
        results.push(json!({
            "kind": d.kind, "name": d.name, "namespace": namespace,
            // The API server answers 201 to an apply that created the object.
            "result": if status == 201 { "created" } else { "configured" },
            "resourceVersion": stored["metadata"]["resourceVersion"],
            "generation": stored["metadata"]["generation"],
        }));
        if held {
            call.record().add_preview(stored);
        }
    }
    if let (Some(w), false) = (a.wait, held) {
        await_workloads(call, a.environment_id, &docs, &planned, &mut results, w).await?;
    }
    Ok(json!({"items": results, "field_manager": FIELD_MANAGER}))
}

/// The rollout of each workload applied, awaited in turn within one
/// deadline, under its item's `rollout`.
async fn await_workloads(
    call: &Call,
    env: u64,
    docs: &[Doc],
    planned: &[(String, bool)],
    results: &mut [Value],
    w: crate::tools::wait::Wait,
) -> Result<(), ToolError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(w.0);
    for (i, (d, (path, _))) in docs.iter().zip(planned).enumerate() {
        let rolls = d.api_version == "apps/v1"
            && matches!(d.kind.as_str(), "Deployment" | "StatefulSet" | "DaemonSet");
        if !rolls {
            continue;
        }
        let left = deadline
            .saturating_duration_since(std::time::Instant::now())
            .as_secs()
            .max(1);
        let wait = crate::tools::wait::Wait(left);
        results[i]["rollout"] =
            super::kubernetes_rollout::await_rollout(call, env, path, wait).await?;
    }
    Ok(())
}
