//! Kubernetes reads through Portainer's passthrough: any resource found by
//! discovery, one object, pod logs, events.

use super::handler;
use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::portainer::passthrough::{passthrough, request, Backend};
use crate::shaping::kube_table;
use crate::tools::call::Call;
use crate::tools::handlers::log_args::Tail;
use crate::tools::when::When;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

/// The core group's version: every Kubernetes tool's default api_version.
pub(super) fn v1() -> String {
    "v1".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct ResourceList {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. v1, apps/v1, batch/v1.
    #[serde(default = "v1")]
    api_version: String,
    /// e.g. Pod, Deployment, ConfigMap.
    kind: String,
    /// Namespace; all namespaces when left out.
    namespace: Option<String>,
    /// e.g. app=web,tier!=cache
    label_selector: Option<String>,
    /// e.g. status.phase=Running
    field_selector: Option<String>,
    /// Page size; metadata.continue goes on.
    #[schemars(range(min = 1))]
    limit: Option<u64>,
    /// A previous answer's metadata.continue.
    #[serde(rename = "continue")]
    continue_token: Option<String>,
    /// kubectl get's table, or -o wide's.
    #[serde(default)]
    output: ListOutput,
}

#[derive(Deserialize, JsonSchema, Default, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum ListOutput {
    #[default]
    Objects,
    Table,
    Wide,
}

handler!(KUBERNETES_RESOURCE_LIST, ResourceList, resource_list);

async fn resource_list(call: &Call, a: ResourceList) -> Result<Value, ToolError> {
    let http = call.http();
    let mut query = vec![];
    for (param, v) in [
        ("labelSelector", a.label_selector),
        ("fieldSelector", a.field_selector),
        ("continue", a.continue_token),
    ] {
        if let Some(v) = v {
            query.push((param.to_string(), v));
        }
    }
    if let Some(l) = a.limit {
        query.push(("limit".to_string(), l.to_string()));
    }
    let env = a.environment_id;
    let resource = kube::resolve(http, env, &a.api_version, &a.kind).await?;
    let path = kube::resource_path(&a.api_version, &resource, a.namespace.as_deref(), None)?;
    if a.output == ListOutput::Objects {
        return kube::request(http, env, Method::GET, &path, &query, None).await;
    }
    let mut req = request(
        http,
        Backend::Kubernetes,
        env,
        Method::GET,
        &path,
        &query,
        None,
    )?;
    req.headers_mut().insert(
        reqwest::header::ACCEPT,
        reqwest::header::HeaderValue::from_static(kube_table::ACCEPT),
    );
    let answer = http.send(req).await?.into_json()?;
    let across = resource.namespaced && a.namespace.is_none();
    Ok(kube_table::compact(
        answer,
        a.output == ListOutput::Wide,
        across,
    ))
}

#[derive(Deserialize, JsonSchema)]
pub struct ResourceGet {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. v1, apps/v1, batch/v1.
    #[serde(default = "v1")]
    api_version: String,
    /// Resource kind, e.g. Pod, Deployment, Service.
    kind: String,
    /// Namespace of a namespaced kind.
    namespace: Option<String>,
    /// Object name.
    name: String,
}

handler!(KUBERNETES_RESOURCE_GET, ResourceGet, resource_get);

async fn resource_get(call: &Call, a: ResourceGet) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    let ns = a.namespace.as_deref();
    let path = kube::object_path(http, env, &a.api_version, &a.kind, ns, &a.name).await?;
    kube::request(http, env, Method::GET, &path, &[], None).await
}

#[derive(Deserialize, JsonSchema)]
pub struct PodLogs {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    /// Pod name.
    pod: String,
    /// Needed when the pod has several containers.
    container: Option<String>,
    #[serde(default)]
    tail: Tail,
    since: Option<When>,
    timestamps: Option<bool>,
    /// The crashed previous instance.
    previous: Option<bool>,
    /// Regular expression: matching lines only.
    grep: Option<String>,
    /// Lines shown around each grep match.
    #[serde(default)]
    #[schemars(range(max = 20))]
    context: usize,
}

handler!(KUBERNETES_POD_LOGS, PodLogs, pod_logs);

async fn pod_logs(call: &Call, a: PodLogs) -> Result<Value, ToolError> {
    let http = call.http();
    kube::check_name("namespace", &a.namespace)?;
    kube::check_name("pod", &a.pod)?;
    let grep = crate::shaping::log_filter::filter(a.grep.as_deref(), a.context)?;
    let mut query = vec![];
    if let Tail::Lines(n) = a.tail {
        query.push(("tailLines".to_string(), n.to_string()));
    }
    if let Some(c) = a.container {
        query.push(("container".into(), c));
    }
    match a.since {
        // A span goes as a span: the API server counts it on its own clock.
        Some(When { ago: Some(s), .. }) => {
            query.push(("sinceSeconds".into(), s.max(1).to_string()))
        }
        Some(When { at, .. }) => query.push(("sinceTime".into(), crate::clock::rfc3339_at(at))),
        None => {}
    }
    for (flag, on) in [("timestamps", a.timestamps), ("previous", a.previous)] {
        if on == Some(true) {
            query.push((flag.into(), "true".into()));
        }
    }
    let path = format!("api/v1/namespaces/{}/pods/{}/log", a.namespace, a.pod);
    // Read as it arrives (the end, or the matches); a log is text even
    // when its one line is JSON.
    call.record().expect_log(false, grep.clone());
    let x = passthrough(
        http,
        Backend::Kubernetes,
        a.environment_id,
        Method::GET,
        &path,
        &query,
        None,
    )
    .await?;
    let read = call.record().take_text_read();
    let text = match (x.into_text()?, read) {
        (Value::String(t), Some(read)) => {
            crate::shaping::log_window::answer(t, &read, grep.is_some())
        }
        (Value::String(t), None) => crate::shaping::log_filter::filtered(t, grep.as_ref()),
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
    Ok(out)
}

#[derive(Deserialize, JsonSchema)]
pub enum EventType {
    Normal,
    Warning,
}

#[derive(Deserialize, JsonSchema)]
pub struct Events {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Namespace; all namespaces when left out.
    namespace: Option<String>,
    /// Only events about the object with this name.
    object: Option<String>,
    /// Only events about objects of this kind, e.g. Pod.
    object_kind: Option<String>,
    /// Only this event type.
    #[serde(rename = "type")]
    event_type: Option<EventType>,
}

handler!(KUBERNETES_EVENTS, Events, events);

async fn events(call: &Call, a: Events) -> Result<Value, ToolError> {
    let http = call.http();
    let event_type = a.event_type.map(|t| match t {
        EventType::Normal => "Normal".to_string(),
        EventType::Warning => "Warning".to_string(),
    });
    let mut selectors = vec![];
    for (arg, field, v) in [
        ("object", "involvedObject.name", a.object),
        ("object_kind", "involvedObject.kind", a.object_kind),
        ("type", "type", event_type),
    ] {
        if let Some(v) = v {
            kube::check_name(arg, &v)?;
            selectors.push(format!("{field}={v}"));
        }
    }
    let path = match &a.namespace {
        Some(ns) => {
            kube::check_name("namespace", ns)?;
            format!("api/v1/namespaces/{ns}/events")
        }
        None => "api/v1/events".to_string(),
    };
    let query = if selectors.is_empty() {
        vec![]
    } else {
        vec![("fieldSelector".to_string(), selectors.join(","))]
    };
    kube::request(http, a.environment_id, Method::GET, &path, &query, None).await
}
