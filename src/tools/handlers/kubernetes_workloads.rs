//! Kubernetes workload writes: scaling, and what `kubectl rollout restart`
//! does (a new restartedAt annotation on the pod template makes the
//! controller replace every pod, rolling); each can wait for the rollout.

use super::kubernetes_rollout::{await_rollout, Workload};
use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::wait::Wait;
use reqwest::Method;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Deserialize, Serialize, JsonSchema, Default, Clone, Copy)]
pub enum Scalable {
    #[default]
    Deployment,
    StatefulSet,
}

#[derive(Deserialize, JsonSchema)]
pub struct Scale {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    /// Workload name.
    name: String,
    #[serde(default)]
    kind: Scalable,
    /// Desired replicas; 0 stops every pod.
    replicas: u32,
    wait: Option<Wait>,
}

handler!(KUBERNETES_SCALE, Scale, scale);

async fn scale(call: &Call, a: Scale) -> Result<Value, ToolError> {
    let http = call.http();
    let plural = match a.kind {
        Scalable::Deployment => "deployments",
        Scalable::StatefulSet => "statefulsets",
    };
    kube::check_name("namespace", &a.namespace)?;
    kube::check_name("name", &a.name)?;
    let path = format!(
        "apis/apps/v1/namespaces/{}/{plural}/{}/scale",
        a.namespace, a.name
    );
    let patch = json!({"spec": {"replicas": a.replicas}});
    let body = Some((patch, "application/merge-patch+json"));
    let mut out = kube::request(http, a.environment_id, Method::PATCH, &path, &[], body).await?;
    if let Some(w) = a.wait {
        let workload = path.trim_end_matches("/scale");
        out["rollout"] = await_rollout(call, a.environment_id, workload, w).await?;
    }
    Ok(out)
}

#[derive(Deserialize, JsonSchema)]
pub struct RolloutRestart {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    /// Workload name.
    name: String,
    #[serde(default)]
    kind: Workload,
    wait: Option<Wait>,
}

handler!(KUBERNETES_ROLLOUT_RESTART, RolloutRestart, rollout_restart);

async fn rollout_restart(call: &Call, a: RolloutRestart) -> Result<Value, ToolError> {
    let http = call.http();
    let path = a.kind.path(&a.namespace, &a.name)?;
    // As kubectl: a paused Deployment would take the new template and roll
    // nothing out, so restarting it is refused, not reported as done.
    if a.kind == Workload::Deployment {
        let current = kube::request(http, a.environment_id, Method::GET, &path, &[], None).await?;
        if current["spec"]["paused"] == json!(true) {
            return Err(ToolError::BadArguments(format!(
                "Deployment `{}` is paused: it would roll nothing out; resume it first (kubernetes_proxy PATCH spec.paused=false)",
                a.name
            )));
        }
    }
    let at = crate::clock::now_rfc3339();
    let patch = json!({"spec": {"template": {"metadata": {"annotations": {"kubectl.kubernetes.io/restartedAt": at}}}}});
    let body = Some((patch, "application/strategic-merge-patch+json"));
    let updated = kube::request(http, a.environment_id, Method::PATCH, &path, &[], body).await?;
    let mut out = json!({
        "restartedAt": at,
        "kind": a.kind,
        "name": updated["metadata"]["name"],
        "namespace": updated["metadata"]["namespace"],
        "generation": updated["metadata"]["generation"],
        "replicas": updated["spec"]["replicas"]
    });
    if let Some(w) = a.wait {
        out["rollout"] = await_rollout(call, a.environment_id, &path, w).await?;
    }
    Ok(out)
}
