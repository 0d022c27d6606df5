//! kubernetes_pod_logs: one pod's log, or the logs of a workload's pods
//! (deployment/web, statefulset/db, …) or of the pods a label selector
//! picks, answered per pod. A pod of several containers is read from its
//! default container (the `kubectl.kubernetes.io/default-container`
//! annotation, else the first), as kubectl does, and the answer says which.

use super::log_args::{source_row, tail_for_many, Tail};
use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::log_filter::{self, Filter};
use crate::shaping::log_window;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::when::When;
use futures_util::{stream, StreamExt};
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Map, Value};

/// Pods read in one call for a workload or a selector.
const MAX_PODS: usize = 20;
/// Logs read at once.
const AT_ONCE: usize = 6;
const DEFAULT_CONTAINER: &str = "kubectl.kubernetes.io/default-container";

#[derive(Deserialize, JsonSchema)]
pub struct PodLogs {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    /// Pod, kind/name (deployment/web) or selector (app=web).
    pod: String,
    /// Default: the pod's default.
    container: Option<String>,
    tail: Option<Tail>,
    since: Option<When>,
    timestamps: Option<bool>,
    previous: Option<bool>,
    /// Regular expression: matching lines only.
    grep: Option<String>,
    /// Lines around each match.
    #[serde(default)]
    #[schemars(range(max = 20))]
    context: usize,
}

handler!(KUBERNETES_POD_LOGS, PodLogs, pod_logs);

/// What `pod` names.
#[derive(Debug, PartialEq)]
enum Target {
    Pod(String),
    /// (API path of the workload's collection, name).
    Workload(&'static str, String),
    Selector(String),
}

fn target(pod: &str) -> Result<Target, ToolError> {
    if pod.contains('=') || pod.contains(' ') || pod.starts_with('!') {
        if pod.len() > 1_000 {
            return Err(ToolError::BadArguments(
                "`pod`: a label selector of more than 1000 characters".into(),
            ));
        }
        return Ok(Target::Selector(pod.to_string()));
    }
    let Some((kind, name)) = pod.split_once('/') else {
        kube::check_name("pod", pod)?;
        return Ok(Target::Pod(pod.to_string()));
    };
    kube::check_name("pod", name)?;
    let collection = match kind.to_ascii_lowercase().as_str() {
        "deployment" | "deployments" | "deploy" => "apis/apps/v1/namespaces/{ns}/deployments",
        "statefulset" | "statefulsets" | "sts" => "apis/apps/v1/namespaces/{ns}/statefulsets",
        "daemonset" | "daemonsets" | "ds" => "apis/apps/v1/namespaces/{ns}/daemonsets",
        "replicaset" | "replicasets" | "rs" => "apis/apps/v1/namespaces/{ns}/replicasets",
        "job" | "jobs" => "apis/batch/v1/namespaces/{ns}/jobs",
        "pod" | "pods" | "po" => return Ok(Target::Pod(name.to_string())),
        other => {
            return Err(ToolError::BadArguments(format!(
                "`pod`: `{}` is not a workload kind (deployment, statefulset, daemonset, replicaset, job)",
                crate::error::cap_text(other.to_string(), 40)
            )))
        }
    };
    Ok(Target::Workload(collection, name.to_string()))
}

async fn pod_logs(call: &Call, a: PodLogs) -> Result<Value, ToolError> {
    kube::check_name("namespace", &a.namespace)?;
    let grep = log_filter::filter(a.grep.as_deref(), a.context)?;
    match target(&a.pod)? {
        Target::Pod(pod) => one_pod(call, &a, &pod, grep).await,
        Target::Workload(collection, name) => {
            let path = format!("{}/{name}", collection.replace("{ns}", &a.namespace));
            let w =
                kube::request(call.http(), a.environment_id, Method::GET, &path, &[], None).await?;
            let selector = selector_of(&w["spec"]["selector"])
                .ok_or_else(|| ToolError::BadArguments(format!("{} has no pod selector", a.pod)))?;
            many_pods(call, &a, &selector, grep).await
        }
        Target::Selector(selector) => many_pods(call, &a, &selector, grep).await,
    }
}

/// A workload's `spec.selector` as a label selector string.
pub(super) fn selector_of(sel: &Value) -> Option<String> {
    let mut parts: Vec<String> = sel["matchLabels"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
        .collect();
    for e in sel["matchExpressions"].as_array().into_iter().flatten() {
        let key = e["key"].as_str()?;
        let values: Vec<&str> = e["values"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        parts.push(match e["operator"].as_str()? {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_string(),
            "DoesNotExist" => format!("!{key}"),
            _ => return None,
        });
    }
    (!parts.is_empty()).then(|| parts.join(","))
}

/// The query of one log read.
fn log_query(a: &PodLogs, container: Option<&str>, tail: Option<Tail>) -> Vec<(String, String)> {
    let mut query = vec![];
    if let Some(Tail::Lines(n)) = tail {
        query.push(("tailLines".to_string(), n.to_string()));
    }
    if let Some(c) = container {
        query.push(("container".into(), c.to_string()));
    }
    // The log endpoint's described parameter is sinceSeconds (Kubernetes'
    // OpenAPI has no sinceTime there): a span goes as given, a time as the
    // seconds since it on this server's clock.
    if let Some(w) = a.since {
        query.push(("sinceSeconds".into(), w.seconds_ago().to_string()));
    }
    for (flag, on) in [("timestamps", a.timestamps), ("previous", a.previous)] {
        if on == Some(true) {
            query.push((flag.into(), "true".into()));
        }
    }
    query
}

/// The container kubectl would read: the annotation's, else the first;
/// with the pod's container names, for the note.
fn default_container(pod: &Value) -> (Option<String>, Vec<String>) {
    let names: Vec<String> = pod["spec"]["containers"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    let annotated = pod["metadata"]["annotations"][DEFAULT_CONTAINER]
        .as_str()
        .filter(|c| names.iter().any(|n| n == c))
        .map(str::to_string);
    (annotated.or_else(|| names.first().cloned()), names)
}

async fn one_pod(
    call: &Call,
    a: &PodLogs,
    pod: &str,
    grep: Option<Filter>,
) -> Result<Value, ToolError> {
    let http = call.http();
    let path = format!("api/v1/namespaces/{}/pods/{pod}/log", a.namespace);
    let tail = Some(a.tail.unwrap_or_default());
    let mut container = a.container.clone();
    let mut chosen = None;
    // Read as it arrives (the end, or the matches); a log is text even
    // when its one line is JSON.
    let read_log = |container: Option<String>| {
        call.record().expect_log(false, grep.clone());
        let query = log_query(a, container.as_deref(), tail);
        let path = &path;
        async move {
            passthrough(
                http,
                Backend::Kubernetes,
                a.environment_id,
                Method::GET,
                path,
                &query,
                None,
            )
            .await
        }
    };
    let mut x = read_log(container.clone()).await?;
    // Several containers and none named: read the default one, as kubectl.
    if x.status == 400
        && container.is_none()
        && String::from_utf8_lossy(&x.body).contains("container name must be specified")
    {
        let p = format!("api/v1/namespaces/{}/pods/{pod}", a.namespace);
        let spec = kube::request(http, a.environment_id, Method::GET, &p, &[], None).await?;
        let (pick, names) = default_container(&spec);
        container = pick;
        chosen = container.clone().map(|c| (c, names));
        x = read_log(container.clone()).await?;
    }
    let read = call.record().take_text_read();
    let text = match (x.into_text()?, read) {
        (Value::String(t), Some(read)) => log_window::answer(t, &read, grep.is_some()),
        (Value::String(t), None) => log_filter::filtered(t, grep.as_ref()),
        (other, _) => other,
    };
    // The window's note stays beside the text.
    let (text, note) = match text {
        Value::Object(mut o) => (o.remove("result").unwrap_or_default(), o.remove("_log")),
        t => (t, None),
    };
    // Which run of the container the lines are from: after a crash the
    // current one may show nothing of what went wrong.
    let instance = match a.previous {
        Some(true) => "previous instance of the container (before its last restart)",
        _ => "current instance of the container; previous: true reads the one before its last restart",
    };
    let mut out = json!({"result": text, "_instance": instance});
    if let Some(note) = note {
        out["_log"] = note;
    }
    if let Some((c, names)) = chosen {
        out["_container"] = json!(format!(
            "container {c}, the pod's default; it has {}",
            names.join(", ")
        ));
    }
    Ok(out)
}

async fn many_pods(
    call: &Call,
    a: &PodLogs,
    selector: &str,
    grep: Option<Filter>,
) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let list_path = format!("api/v1/namespaces/{}/pods", a.namespace);
    let query = [("labelSelector".to_string(), selector.to_string())];
    let list = kube::request(http, env, Method::GET, &list_path, &query, None).await?;
    let mut pods: Vec<&Value> = list["items"].as_array().into_iter().flatten().collect();
    pods.sort_by_key(|p| {
        p["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    });
    let found = pods.len();
    pods.truncate(MAX_PODS);
    let tail = Some(tail_for_many(a.tail));
    let reads: Vec<(String, Option<String>)> = pods
        .iter()
        .filter_map(|p| {
            let name = p["metadata"]["name"].as_str()?.to_string();
            let container = a.container.clone().or_else(|| default_container(p).0);
            Some((name, container))
        })
        .collect();
    let read: Vec<(String, Option<String>, Result<String, ToolError>)> = stream::iter(reads)
        .map(|(pod, container)| async move {
            let path = format!("api/v1/namespaces/{}/pods/{pod}/log", a.namespace);
            let q = log_query(a, container.as_deref(), tail);
            let text = passthrough(http, Backend::Kubernetes, env, Method::GET, &path, &q, None)
                .await
                .and_then(|x| x.into_text())
                .map(|v| v.as_str().unwrap_or_default().to_string());
            (pod, container, text)
        })
        .buffered(AT_ONCE)
        .collect()
        .await;
    let mut items = vec![];
    let mut no_match = vec![];
    for (pod, container, text) in read {
        let row = Map::from_iter([
            ("pod".to_string(), json!(pod)),
            ("container".to_string(), json!(container)),
        ]);
        match source_row(row, text, grep.as_ref()) {
            Some(item) => items.push(item),
            None => no_match.push(pod),
        }
    }
    let mut out = json!({"items": items, "pods": found.min(MAX_PODS), "selector": selector});
    if grep.is_some() {
        out["no_match"] = json!(no_match);
    }
    if let Some(Tail::Lines(n)) = tail {
        out["tail"] = json!(n);
    }
    if found > MAX_PODS {
        out["note"] = json!(format!(
            "{found} pods matched; the first {MAX_PODS} by name were read: narrow the selector"
        ));
    }
    if found == 0 {
        out["note"] = json!(format!("no pod in {} matches {selector}", a.namespace));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_names_a_pod_a_workload_or_a_selector() {
        assert_eq!(
            target("web-7d4b9c-x2x").unwrap(),
            Target::Pod("web-7d4b9c-x2x".into())
        );
        assert_eq!(target("pod/web").unwrap(), Target::Pod("web".into()));
        assert!(
            matches!(target("deployment/web").unwrap(), Target::Workload(p, n) if p.ends_with("/deployments") && n == "web")
        );
        assert!(
            matches!(target("sts/db").unwrap(), Target::Workload(p, _) if p.ends_with("/statefulsets"))
        );
        assert_eq!(
            target("app=web,tier!=cache").unwrap(),
            Target::Selector("app=web,tier!=cache".into())
        );
        assert!(target("cronjob/x")
            .unwrap_err()
            .to_string()
            .contains("not a workload kind"));
        assert!(target("deployment/../x").is_err());
        assert!(target(&"a=".repeat(600)).is_err());
    }

    #[test]
    fn selectors_and_default_containers() {
        let sel = json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In", "values": ["a", "b"]},
            {"key": "canary", "operator": "DoesNotExist"}]});
        assert_eq!(selector_of(&sel).unwrap(), "app=web,tier in (a,b),!canary");
        assert_eq!(selector_of(&json!({})), None);
        let pod = json!({"metadata": {"annotations": {DEFAULT_CONTAINER: "app"}},
                         "spec": {"containers": [{"name": "istio-proxy"}, {"name": "app"}]}});
        assert_eq!(default_container(&pod).0.as_deref(), Some("app"));
        let pod = json!({"spec": {"containers": [{"name": "first"}, {"name": "second"}]}});
        assert_eq!(default_container(&pod).0.as_deref(), Some("first"));
        // An annotation naming no container of the pod is ignored.
        let pod = json!({"metadata": {"annotations": {DEFAULT_CONTAINER: "gone"}},
                         "spec": {"containers": [{"name": "only"}]}});
        assert_eq!(default_container(&pod).0.as_deref(), Some("only"));
    }
}
