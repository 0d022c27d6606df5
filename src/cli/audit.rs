//! `portainer-mcp audit verify` and `portainer-mcp audit report`: the
//! audit log's chain checked, and its records filtered and summed up (by
//! tool and outcome, caller, environment), each read a line at a time.

use crate::mcp::audit_chain::Key;
use crate::mcp::audit_verify::{verify, MAX_LINE};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

/// The verdict on the chain of `path`, as printed; Err when it is broken.
pub fn run_verify(
    path: &Path,
    key: &Key,
    head: Option<&str>,
    allow_prefix: bool,
) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let v = verify(
        std::io::BufReader::with_capacity(1 << 20, file),
        key,
        head,
        allow_prefix,
    )
    .map_err(|e| format!("{}: {e}", path.display()))?;
    let kind = match key {
        Key::Hmac(_) => "HMAC-SHA256 (keyed)",
        Key::Plain => {
            "SHA-256 (no key: finds accidents, not edits by whoever can rewrite the file)"
        }
    };
    let mut out = format!(
        "{}: {} lines, {} sealed; chain {kind}\n",
        path.display(),
        v.lines,
        v.sealed
    );
    if v.unsealed_before > 0 {
        out.push_str(&format!(
            "{} line(s) before the first sealed record (written before the chain began) are not covered\n",
            v.unsealed_before
        ));
    }
    if !v.torn.is_empty() {
        let lines: Vec<String> = v.torn.iter().map(u64::to_string).collect();
        out.push_str(&format!(
            "line(s) {} were cut short by a stop mid-write; the server named each at its next start\n",
            lines.join(", ")
        ));
    }
    if let Some((at, after)) = v.head_found {
        out.push_str(&format!(
            "the published head is at line {at}; {after} sealed record(s) after it\n"
        ));
    }
    if let Some(h) = &v.head {
        out.push_str(&format!("head: {h}\n"));
    }
    match v.first_bad {
        None => {
            out.push_str("ok\n");
            Ok(out)
        }
        Some((line, why)) => Err(format!("{out}line {line}: {why}")),
    }
}

/// Which records a report keeps.
#[derive(Debug, Default)]
pub struct Filter {
    pub user: Option<String>,
    pub tool: Option<String>,
    pub environment: Option<u64>,
    pub outcome: Option<String>,
    pub change_ref: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl Filter {
    fn keeps(&self, r: &Value) -> bool {
        let caller = match &r["caller"] {
            Value::Object(o) => o
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string(),
            Value::String(s) => s.clone(),
            _ => String::new(),
        };
        let time = r["time"].as_str().unwrap_or_default();
        self.user.as_ref().is_none_or(|u| *u == caller)
            && self.tool.as_ref().is_none_or(|t| r["tool"] == t.as_str())
            && self
                .outcome
                .as_ref()
                .is_none_or(|o| r["outcome"] == o.as_str())
            && self
                .environment
                .is_none_or(|e| environment_of(r) == Some(e))
            && self
                .change_ref
                .as_ref()
                .is_none_or(|c| r["change_ref"] == c.as_str())
            && self.since.as_ref().is_none_or(|s| time >= s.as_str())
            && self.until.as_ref().is_none_or(|u| time < u.as_str())
    }
}

/// The environment a record's arguments name (a tool's or api_call's).
fn environment_of(r: &Value) -> Option<u64> {
    let a = &r["arguments"];
    [
        &a["environment_id"],
        &a["arguments"]["environmentId"],
        &a["arguments"]["endpointId"],
        &a["arguments"]["id"],
    ]
    .iter()
    .find_map(|v| v.as_u64())
}

fn caller_of(r: &Value) -> String {
    match &r["caller"] {
        Value::Object(o) => o
            .get("name")
            .and_then(Value::as_str)
            .unwrap_or("?")
            .to_string(),
        Value::String(s) => s.clone(),
        _ => "?".into(),
    }
}

/// Outcome records matching `f`, summed up by tool and outcome, caller and
/// environment (JSON or a table), or listed whole (`records`).
pub fn run_report(path: &Path, f: &Filter, as_json: bool, records: bool) -> Result<String, String> {
    for (flag, t) in [("--since", &f.since), ("--until", &f.until)] {
        if let Some(t) = t.as_deref().filter(|t| !is_utc_time(t)) {
            return Err(format!(
                "{flag} {t}: a UTC time as the log writes it: 2026-12-01, 2026-12-01T08:00 or 2026-12-01T08:00:00Z"
            ));
        }
    }
    let file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut r = std::io::BufReader::with_capacity(1 << 20, file);
    let mut by_tool: BTreeMap<(String, String), u64> = BTreeMap::new();
    let mut by_caller: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_env: BTreeMap<String, u64> = BTreeMap::new();
    let (mut matched, mut unreadable) = (0u64, 0u64);
    let (mut first, mut last) = (String::new(), String::new());
    let mut listed = String::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = std::io::Read::take(&mut r, MAX_LINE as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if n == 0 {
            break;
        }
        // Only sealed records count (audit verify says whether they hold);
        // a line without a seal may be anyone's.
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let Some((body, _)) = crate::mcp::audit_chain::split(text) else {
            unreadable += 1;
            continue;
        };
        let Ok(rec) = serde_json::from_slice::<Value>(&body) else {
            unreadable += 1;
            continue;
        };
        // A call is counted once, by its outcome; listing keeps every phase.
        let counted = rec["phase"] == "outcome";
        if !(counted || records) || !f.keeps(&rec) {
            continue;
        }
        if records {
            listed.push_str(&rec.to_string());
            listed.push('\n');
            continue;
        }
        matched += 1;
        let time = rec["time"].as_str().unwrap_or_default().to_string();
        if first.is_empty() {
            first = time.clone();
        }
        last = time;
        let tool = rec["tool"].as_str().unwrap_or("?").to_string();
        let outcome = rec["outcome"].as_str().unwrap_or("?").to_string();
        *by_tool.entry((tool, outcome)).or_default() += 1;
        *by_caller.entry(caller_of(&rec)).or_default() += 1;
        let env = environment_of(&rec).map_or("none".to_string(), |e| e.to_string());
        *by_env.entry(env).or_default() += 1;
    }
    if records {
        return Ok(listed);
    }
    if as_json {
        let tools: Vec<Value> = by_tool
            .iter()
            .map(|((t, o), n)| json!({"tool": t, "outcome": o, "calls": n}))
            .collect();
        return Ok(format!(
            "{}\n",
            json!({"calls": matched, "from": first, "to": last, "unreadable_lines": unreadable,
                   "by_tool": tools, "by_caller": by_caller, "by_environment": by_env})
        ));
    }
    let mut out = format!(
        "{matched} call(s) from {first} to {last}\n\ntool | outcome | calls\n--- | --- | ---:\n"
    );
    for ((t, o), n) in &by_tool {
        out.push_str(&format!("{t} | {o} | {n}\n"));
    }
    out.push_str("\ncaller | calls\n--- | ---:\n");
    for (c, n) in &by_caller {
        out.push_str(&format!("{c} | {n}\n"));
    }
    out.push_str("\nenvironment | calls\n--- | ---:\n");
    for (e, n) in &by_env {
        out.push_str(&format!("{e} | {n}\n"));
    }
    if unreadable > 0 {
        out.push_str(&format!(
            "\n{unreadable} line(s) without a seal (or not JSON) were skipped\n"
        ));
    }
    Ok(out)
}

/// A UTC date or date and time the records' `time` compares with as text.
fn is_utc_time(t: &str) -> bool {
    let b = t.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let date = b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10);
    let rest = &t[t.len().min(10)..];
    date && (rest.is_empty()
        || rest.len() >= 6
            && rest.starts_with('T')
            && rest[1..]
                .trim_end_matches('Z')
                .chars()
                .all(|c| c.is_ascii_digit() || c == ':'))
}
