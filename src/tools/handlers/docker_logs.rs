//! Container logs as text, demultiplexed, optionally filtered by a regular
//! expression with context (the filter runs here, on the lines Docker sent:
//! Docker itself cannot filter logs). One container, or several at once
//! (a list, Docker filters such as a compose project's label, or every
//! running one), answered per container (logs_many.rs).

use super::log_args::{check_container, check_streams, log_query, Containers, Logs};
use super::logs_many;
use crate::error::ToolError;
use crate::portainer::docker_log::demultiplex;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::log_filter::{self, Filter};
use crate::shaping::log_window;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use serde_json::Value;

handler!(DOCKER_CONTAINER_LOGS, Logs, logs);

async fn logs(call: &Call, a: Logs) -> Result<Value, ToolError> {
    let grep = log_filter::filter(a.grep.as_deref(), a.context)?;
    check_streams(a.stdout, a.stderr)?;
    let id = match (&a.id, &a.filters) {
        (Some(Containers::One(id)), None) if id != "*" => id.clone(),
        (None, None) => {
            return Err(ToolError::BadArguments(
                "give `id` (a container, a list, or \"*\" for all running) or `filters`".into(),
            ))
        }
        _ => return logs_many::logs(call, &a, grep).await,
    };
    check_container(&id)?;
    let query = log_query(&a, a.tail.unwrap_or_default());
    read_one(
        call,
        a.environment_id,
        &format!("containers/{id}/logs"),
        &query,
        grep,
    )
    .await
}

/// One Docker log (a container's, or a Swarm service's tasks'), read as it
/// arrives: the end of it (or its matches), not all of it.
pub async fn read_one(
    call: &Call,
    environment_id: u64,
    path: &str,
    query: &[(String, String)],
    grep: Option<Filter>,
) -> Result<Value, ToolError> {
    call.record().expect_log(true, grep.clone());
    let x = passthrough(
        call.http(),
        Backend::Docker,
        environment_id,
        Method::GET,
        path,
        query,
        None,
    )
    .await?;
    if !(200..300).contains(&x.status) {
        return x.into_json();
    }
    if let Some(read) = call.record().take_text_read() {
        let text = String::from_utf8_lossy(&x.body).into_owned();
        return Ok(log_window::answer(text, &read, grep.is_some()));
    }
    let text =
        demultiplex(&x.body).unwrap_or_else(|| String::from_utf8_lossy(&x.body).into_owned());
    Ok(log_filter::filtered(text, grep.as_ref()))
}
