//! A Swarm service's logs (every task's, interleaved, as `docker service
//! logs` shows them), read the way one container's are: the end of the
//! log, a time window, or the lines matching a regular expression.

use super::docker_logs::read_one;
use super::log_args::{self, check_container, check_streams, docker_log_query, Tail};
use crate::error::ToolError;
use crate::shaping::log_filter;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::when::When;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize, JsonSchema)]
pub struct ServiceLogs {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Service id or name.
    id: String,
    tail: Option<Tail>,
    since: Option<When>,
    #[serde(default)]
    timestamps: bool,
    #[serde(default = "log_args::yes")]
    stdout: bool,
    #[serde(default = "log_args::yes")]
    stderr: bool,
    /// Regular expression: matching lines only.
    grep: Option<String>,
    /// Lines around each match.
    #[serde(default)]
    #[schemars(range(max = 20))]
    context: usize,
}

handler!(SWARM_SERVICE_LOGS, ServiceLogs, logs);

async fn logs(call: &Call, a: ServiceLogs) -> Result<Value, ToolError> {
    let grep = log_filter::filter(a.grep.as_deref(), a.context)?;
    check_streams(a.stdout, a.stderr)?;
    // A service's name follows the same rule as a container's.
    check_container(&a.id).map_err(|_| {
        ToolError::BadArguments(format!(
            "`id` `{}` is not a service id or name",
            crate::error::cap_text(a.id.clone(), 80)
        ))
    })?;
    let streams = [a.stdout, a.stderr];
    let tail = a.tail.unwrap_or_default();
    let query = docker_log_query(streams, tail, [a.since, None], a.timestamps);
    let path = format!("services/{}/logs", a.id);
    read_one(call, a.environment_id, &path, &query, grep).await
}
