//! A container's logs as text, demultiplexed, optionally filtered by a
//! regular expression with context (the filter runs here, on the lines
//! Docker sent: Docker itself cannot filter logs).

use super::handler;
use crate::error::ToolError;
use crate::portainer::docker_log::demultiplex;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::{log_filter, log_window};
use crate::tools::call::Call;
use reqwest::Method;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;

/// How many lines from the end: a number, or "all". A number given as text
/// ("50") is taken too, as Docker's own API spells it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Tail {
    Lines(u64),
    All,
}

impl Default for Tail {
    fn default() -> Self {
        Tail::Lines(200)
    }
}

impl<'de> Deserialize<'de> for Tail {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        let n = match &v {
            Value::String(s) if s.eq_ignore_ascii_case("all") => return Ok(Tail::All),
            Value::String(s) => s.trim().parse::<u64>().ok(),
            Value::Number(n) => n.as_u64(),
            _ => None,
        };
        match n {
            Some(n) if n > 0 => Ok(Tail::Lines(n)),
            _ => Err(serde::de::Error::custom(format!(
                "`tail` is a number of lines (1 or more) or \"all\", not {}",
                crate::error::cap_text(v.to_string(), 80)
            ))),
        }
    }
}

impl JsonSchema for Tail {
    fn schema_name() -> Cow<'static, str> {
        "Tail".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["integer", "string"], "default": 200,
            "description": "Lines from the end, or \"all\"."})
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Logs {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Container id or name.
    id: String,
    #[serde(default)]
    tail: Tail,
    /// Unix time.
    since: Option<i64>,
    /// Unix time.
    until: Option<i64>,
    /// Prefix timestamps.
    #[serde(default)]
    timestamps: bool,
    #[serde(default = "yes")]
    stdout: bool,
    #[serde(default = "yes")]
    stderr: bool,
    /// Regular expression: matching lines only.
    grep: Option<String>,
    /// Lines shown around each grep match.
    #[serde(default)]
    #[schemars(range(max = 20))]
    context: usize,
}

fn yes() -> bool {
    true
}

handler!(DOCKER_CONTAINER_LOGS, Logs, logs);

async fn logs(call: &Call, a: Logs) -> Result<Value, ToolError> {
    let http = call.http();
    check_container(&a.id)?;
    let grep = log_filter::filter(a.grep.as_deref(), a.context)?;
    if !a.stdout && !a.stderr {
        return Err(ToolError::BadArguments(
            "`stdout` and `stderr` are both false: nothing to read".into(),
        ));
    }
    let mut query = vec![
        ("stdout".to_string(), a.stdout.to_string()),
        ("stderr".to_string(), a.stderr.to_string()),
        (
            "tail".to_string(),
            match a.tail {
                Tail::All => "all".to_string(),
                Tail::Lines(n) => n.to_string(),
            },
        ),
    ];
    for (k, v) in [("since", a.since), ("until", a.until)] {
        if let Some(v) = v {
            query.push((k.to_string(), v.to_string()));
        }
    }
    if a.timestamps {
        query.push(("timestamps".into(), "true".into()));
    }
    let path = format!("containers/{}/logs", a.id);
    // Read as it arrives: the end of the log (or its matches), not all of it.
    call.record().expect_log(true, grep.clone());
    let x = passthrough(
        http,
        Backend::Docker,
        a.environment_id,
        Method::GET,
        &path,
        &query,
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

pub(super) fn check_container(id: &str) -> Result<(), ToolError> {
    let ok = crate::portainer::passthrough::is_docker_name(id)
        && id.len() <= 256
        && id != "."
        && id != "..";
    if ok {
        Ok(())
    } else {
        Err(ToolError::BadArguments(format!(
            "`id` `{}` is not a container id or name",
            crate::error::cap_text(id.to_string(), 80)
        )))
    }
}
