//! The arguments of docker_container_logs and what reading them needs,
//! shared by one container's read (docker_logs.rs) and several at once
//! (logs_many.rs): the tail, the containers named, Docker's query.

use crate::error::ToolError;
use crate::shaping::log_filter::{self, Filter};
use crate::tools::when::When;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde_json::{json, Map, Value};
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
    pub environment_id: u64,
    /// Id or name; a list; "*": all running.
    pub id: Option<Containers>,
    /// Several: Docker filters.
    pub filters: Option<serde_json::Map<String, Value>>,
    pub tail: Option<Tail>,
    pub since: Option<When>,
    pub until: Option<When>,
    #[serde(default)]
    pub timestamps: bool,
    #[serde(default = "yes")]
    pub stdout: bool,
    #[serde(default = "yes")]
    pub stderr: bool,
    /// Regular expression: matching lines only.
    pub grep: Option<String>,
    /// Lines around each match.
    #[serde(default)]
    #[schemars(range(max = 20))]
    pub context: usize,
}

/// One container, or several.
#[derive(Deserialize, Debug, Clone)]
#[serde(untagged)]
pub enum Containers {
    One(String),
    Many(Vec<String>),
}

impl JsonSchema for Containers {
    fn schema_name() -> Cow<'static, str> {
        "Containers".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({"type": ["string", "array"], "items": {"type": "string"}})
    }
}

pub fn yes() -> bool {
    true
}

/// Docker's query for a log request: streams, tail, time bounds.
pub fn log_query(a: &Logs, tail: Tail) -> Vec<(String, String)> {
    docker_log_query([a.stdout, a.stderr], tail, [a.since, a.until], a.timestamps)
}

/// Docker's log query, for a container's log or a Swarm service's
/// (which has no `until`).
pub fn docker_log_query(
    [stdout, stderr]: [bool; 2],
    tail: Tail,
    [since, until]: [Option<When>; 2],
    timestamps: bool,
) -> Vec<(String, String)> {
    let mut query = vec![
        ("stdout".to_string(), stdout.to_string()),
        ("stderr".to_string(), stderr.to_string()),
        (
            "tail".to_string(),
            match tail {
                Tail::All => "all".to_string(),
                Tail::Lines(n) => n.to_string(),
            },
        ),
    ];
    for (k, v) in [("since", since), ("until", until)] {
        if let Some(When { at, .. }) = v {
            query.push((k.to_string(), at.to_string()));
        }
    }
    if timestamps {
        query.push(("timestamps".into(), "true".into()));
    }
    query
}

/// Both streams off would read nothing: said rather than sent.
pub fn check_streams(stdout: bool, stderr: bool) -> Result<(), ToolError> {
    if stdout || stderr {
        Ok(())
    } else {
        Err(ToolError::BadArguments(
            "`stdout` and `stderr` are both false: nothing to read".into(),
        ))
    }
}

pub fn check_container(id: &str) -> Result<(), ToolError> {
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

/// Lines per source when several logs share one answer: 50 unless the call
/// names a tail, and at most 1,000 ("all" included).
pub fn tail_for_many(tail: Option<Tail>) -> Tail {
    const DEFAULT: u64 = 50;
    const MAX: u64 = 1_000;
    match tail {
        None => Tail::Lines(DEFAULT),
        Some(Tail::Lines(n)) => Tail::Lines(n.min(MAX)),
        Some(Tail::All) => Tail::Lines(MAX),
    }
}

/// One source's read as a row of a several-log answer (`row` names the
/// source): its log, its grep matches, or its error; None when grep matched
/// nothing (the answer names such sources under `no_match`).
pub fn source_row(
    mut row: Map<String, Value>,
    text: Result<String, ToolError>,
    grep: Option<&Filter>,
) -> Option<Value> {
    match (text, grep) {
        (Err(e), _) => {
            row.insert("error".into(), json!(e.to_string()));
        }
        (Ok(t), None) => {
            row.insert("log".into(), json!(t));
        }
        (Ok(t), Some(f)) => {
            let (lines, hits) = log_filter::grep(&t, f);
            if hits == 0 {
                return None;
            }
            row.insert("matches".into(), json!(hits));
            row.insert("lines".into(), json!(lines));
        }
    }
    Some(Value::Object(row))
}
