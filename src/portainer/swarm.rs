//! Swarm services through the Docker passthrough: read a service with its
//! version, write its spec back at that version (Docker's optimistic lock).

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use reqwest::Method;
use serde_json::{json, Value};

pub async fn read_service(http: &Http, env: u64, id: &str) -> Result<(u64, Value), ToolError> {
    let service = read_whole(http, env, id).await?;
    Ok((version_of(&service)?, service["Spec"].clone()))
}

/// The service as Docker returns it (Spec, PreviousSpec, Version, UpdateStatus).
pub async fn read_whole(http: &Http, env: u64, id: &str) -> Result<Value, ToolError> {
    check_id(id)?;
    let x = passthrough(
        http,
        Backend::Docker,
        env,
        Method::GET,
        &format!("services/{id}"),
        &[],
        None,
    )
    .await?;
    x.into_json()
}

pub fn version_of(service: &Value) -> Result<u64, ToolError> {
    service["Version"]["Index"].as_u64().ok_or_else(|| {
        ToolError::Internal("Docker returned a service without Version.Index".into())
    })
}

pub async fn write_service(
    http: &Http,
    env: u64,
    id: &str,
    version: u64,
    spec: &Value,
) -> Result<Value, ToolError> {
    write_service_with(http, env, id, version, spec, &[]).await
}

/// `write_service` with more query parameters (Docker's `rollback=previous`).
pub async fn write_service_with(
    http: &Http,
    env: u64,
    id: &str,
    version: u64,
    spec: &Value,
    extra: &[(&str, &str)],
) -> Result<Value, ToolError> {
    let mut query = vec![("version".to_string(), version.to_string())];
    query.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let x = passthrough(
        http,
        Backend::Docker,
        env,
        Method::POST,
        &format!("services/{id}/update"),
        &query,
        Some((spec.clone(), "application/json")),
    )
    .await?;
    x.into_json()
}

fn check_id(id: &str) -> Result<(), ToolError> {
    if super::passthrough::is_docker_name(id) {
        Ok(())
    } else {
        Err(ToolError::BadArguments(format!(
            "service `{id}` is not a service id or name"
        )))
    }
}

/// Docker's ["K=V"] as Portainer-style [{"name", "value"}], and back.
pub fn env_to_pairs(env: &Value) -> Value {
    let pairs: Vec<Value> = env
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => json!({"name": k, "value": v}),
            None => json!({"name": kv, "value": ""}),
        })
        .collect();
    Value::Array(pairs)
}

pub fn pairs_to_env(pairs: &Value) -> Value {
    let env: Vec<Value> = pairs
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            json!(format!(
                "{}={}",
                p["name"].as_str().unwrap_or(""),
                p["value"].as_str().unwrap_or("")
            ))
        })
        .collect();
    Value::Array(env)
}
