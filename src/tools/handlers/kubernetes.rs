//! Kubernetes reads through Portainer's passthrough: any resource found by
//! discovery, one object, events (pod logs: kubernetes_logs.rs).

use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::portainer::passthrough::{request, Backend};
use crate::shaping::kube_table;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// The core group's version: every Kubernetes tool's default api_version.
pub(super) fn v1() -> String {
    "v1".into()
}

#[derive(Deserialize, JsonSchema)]
pub struct ResourceList {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// e.g. v1, apps/v1.
    #[serde(default = "v1")]
    api_version: String,
    /// e.g. Pod, Deployment.
    kind: String,
    /// All when left out.
    namespace: Option<String>,
    /// e.g. app=web
    label_selector: Option<String>,
    /// e.g. status.phase=Running
    field_selector: Option<String>,
    /// Page size; metadata.continue goes on.
    #[schemars(range(min = 1))]
    limit: Option<u64>,
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
    /// e.g. v1, apps/v1.
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
pub enum EventType {
    Normal,
    Warning,
}

#[derive(Deserialize, JsonSchema)]
pub struct Events {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// All when left out.
    namespace: Option<String>,
    /// Only those of the object so named.
    object: Option<String>,
    /// Only those of this kind, e.g. Pod.
    object_kind: Option<String>,
    // The enum says it all (tools/list bytes go to fan_out instead).
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
