//! `fields` on a fillable list (`fill` in tools.toml): inspect paths the
//! server fills in each row shown, by inspecting those rows concurrently
//! through the call's own HTTP layer, so every request passes the same
//! guard and record as the list's, and the filled values the same
//! redaction and cap as the rest of the answer.

use crate::error::ToolError;
use crate::portainer::passthrough::{passthrough, Backend};
use crate::shaping::{as_object, Request, Rules};
use crate::tools::args::Args;
use crate::tools::call::Call;
use futures_util::{stream, StreamExt};
use reqwest::Method;
use serde_json::{json, Map, Value};

/// Paths one call may ask for.
pub const MAX_FIELDS: usize = 32;
const MAX_PATH_CHARS: usize = 200;
const MAX_SEGMENTS: usize = 16;
/// Rows filled in one call: each costs one inspect request upstream.
pub const MAX_ROWS: usize = 250;
/// Inspect requests in flight at once.
const AT_ONCE: usize = 16;
/// `fill = "."`: the paths are read from the row itself (a list whose rows
/// are whole objects; `fields` reaches what the list omits by default).
pub const ROW: &str = ".";
/// Where a row's filled values go: under the argument's own name.
const KEY: &str = crate::shaping::FIELDS;

/// Refuses what cannot be an inspect path, before anything is sent.
pub fn check(fields: &[String]) -> Result<(), ToolError> {
    let bad = |why: String| Err(ToolError::BadArguments(format!("fields: {why}")));
    if fields.len() > MAX_FIELDS {
        return bad(format!(
            "{} paths; at most {MAX_FIELDS} in one call",
            fields.len()
        ));
    }
    for f in fields {
        let shown = crate::error::cap_text(f.clone(), 60);
        if f.chars().count() > MAX_PATH_CHARS {
            return bad(format!(
                "`{shown}` is longer than {MAX_PATH_CHARS} characters"
            ));
        }
        let segments: Vec<&str> = f.split('.').collect();
        if segments.len() > MAX_SEGMENTS {
            return bad(format!("`{shown}` has more than {MAX_SEGMENTS} parts"));
        }
        let part_ok = |p: &&str| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '/'))
        };
        if !segments.iter().all(part_ok) {
            return bad(format!(
                "`{shown}` is not an inspect path: names joined by dots, e.g. HostConfig.RestartPolicy.Name"
            ));
        }
    }
    Ok(())
}

/// Fills `req.fields` into the rows of `value` the answer will show (the
/// page limit/offset select, at most MAX_ROWS), each under `fields` as a
/// nested object mirroring the inspect paths. A row whose inspect fails
/// keeps the error in `fields._error`; the list is never failed for it.
pub async fn fill(
    call: &Call,
    rules: &Rules,
    req: &Request,
    args: &Args,
    value: Value,
) -> Result<Value, ToolError> {
    let Some(template) = rules.fill else {
        return Ok(value);
    };
    if req.fields.is_empty() {
        return Ok(value);
    }
    let mut v = as_object(value);
    let Some(Value::Array(rows)) = v.get_mut("items") else {
        return Ok(v);
    };
    let total = rows.len();
    let (from, to) = shown_window(rules, req, total);
    if template == ROW {
        // The row is the whole object: nothing to send, no cost to cap.
        for row in &mut rows[from..to] {
            let picked = pick(row, &req.fields);
            if let Value::Object(o) = row {
                o.insert(KEY.into(), picked);
            }
        }
        return Ok(v);
    }
    let env: u64 = args.get("environment_id", None)?;
    let (field, before, after) = split_template(template);
    let last = to.min(from + MAX_ROWS);
    let targets: Vec<(usize, Option<String>)> = (from..last)
        .map(|i| (i, rows[i][field].as_str().map(str::to_string)))
        .collect();
    let http = call.http();
    let filled: Vec<(usize, Value)> = stream::iter(targets)
        .map(|(i, id)| async move {
            let Some(id) = id else {
                return (i, json!({"_error": format!("the row has no {field}")}));
            };
            let path = format!("{before}{id}{after}");
            let got = passthrough(http, Backend::Docker, env, Method::GET, &path, &[], None)
                .await
                .and_then(|x| x.into_json());
            match got {
                Ok(inspect) => (i, pick(&inspect, &req.fields)),
                Err(e) => (i, json!({"_error": e.to_string()})),
            }
        })
        .buffer_unordered(AT_ONCE)
        .collect()
        .await;
    for (i, f) in filled {
        if let Value::Object(row) = &mut rows[i] {
            row.insert(KEY.into(), f);
        }
    }
    if last < to {
        v["_fields_note"] = json!(format!(
            "fields filled in rows {} to {last} of the {} shown (at most {MAX_ROWS} per call); \
             page with limit and offset for the rest",
            from + 1,
            to - from
        ));
    }
    Ok(v)
}

/// ("Id", "containers/", "/json") from "containers/{Id}/json".
fn split_template(t: &'static str) -> (&'static str, &'static str, &'static str) {
    let (before, rest) = t.split_once('{').unwrap_or((t, ""));
    let (field, after) = rest.split_once('}').unwrap_or(("", rest));
    (field, before, after)
}

/// The rows shaping will keep: the client-side page, or all of them.
fn shown_window(rules: &Rules, req: &Request, total: usize) -> (usize, usize) {
    if !rules.client_paging {
        return (0, total);
    }
    let from = req.offset.unwrap_or(0).min(total);
    let to = req
        .limit
        .map_or(total, |l| from.saturating_add(l).min(total));
    (from, to)
}

/// The asked paths of one inspect, as a nested object; a path the inspect
/// lacks is null, so every row has the same shape.
pub fn pick(inspect: &Value, fields: &[String]) -> Value {
    let mut out = Value::Object(Map::new());
    for f in fields {
        let parts: Vec<&str> = f.split('.').collect();
        let found = lookup(inspect, &parts).cloned().unwrap_or(Value::Null);
        insert(&mut out, &parts, found);
    }
    out
}

/// Walks `parts`; at each object the longest run of parts that names a key
/// wins, so label keys with dots (`com.docker.compose.project`) are found.
fn lookup<'a>(v: &'a Value, parts: &[&str]) -> Option<&'a Value> {
    if parts.is_empty() {
        return Some(v);
    }
    let o = v.as_object()?;
    for n in (1..=parts.len()).rev() {
        if let Some(next) = o.get(&parts[..n].join(".")) {
            if let Some(found) = lookup(next, &parts[n..]) {
                return Some(found);
            }
        }
    }
    None
}

fn insert(out: &mut Value, parts: &[&str], value: Value) {
    let Some((last, path)) = parts.split_last() else {
        return;
    };
    let mut at = out;
    for p in path {
        if !at.get(*p).is_some_and(Value::is_object) {
            at[*p] = Value::Object(Map::new());
        }
        at = &mut at[*p];
    }
    at[*last] = value;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn picks_nested_paths_and_dotted_keys() {
        let inspect = json!({
            "RestartCount": 3,
            "HostConfig": {"RestartPolicy": {"Name": "always"}, "Privileged": false, "Memory": 0},
            "Config": {"Labels": {"com.docker.compose.project": "shop"}}
        });
        let got = pick(
            &inspect,
            &paths(&[
                "RestartCount",
                "HostConfig.RestartPolicy.Name",
                "HostConfig.Privileged",
                "Config.Labels.com.docker.compose.project",
                "State.OOMKilled",
            ]),
        );
        assert_eq!(
            got,
            json!({
                "RestartCount": 3,
                "HostConfig": {"RestartPolicy": {"Name": "always"}, "Privileged": false},
                "Config": {"Labels": {"com": {"docker": {"compose": {"project": "shop"}}}}},
                "State": {"OOMKilled": null}
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_path() {
        assert!(check(&paths(&["HostConfig.Memory", "Mounts"])).is_ok());
        let many: Vec<String> = (0..1000).map(|i| format!("F{i}")).collect();
        let e = check(&many).unwrap_err().to_string();
        assert!(e.contains("1000 paths") && e.contains("at most 32"), "{e}");
        for bad in ["", "a..b", "a[0]", "$(x)", "a b", ".a"] {
            let e = check(&paths(&[bad])).unwrap_err().to_string();
            assert!(e.starts_with("invalid arguments: fields:"), "{bad}: {e}");
        }
        let long = "a".repeat(10_000);
        let e = check(&[long]).unwrap_err().to_string();
        assert!(e.len() < 300, "the error stays small: {e}");
        let deep = vec!["a"; 100].join(".");
        assert!(check(&[deep]).unwrap_err().to_string().contains("parts"));
    }

    #[test]
    fn the_window_is_the_page_shown() {
        let rules = Rules {
            client_paging: true,
            ..Rules::default()
        };
        let req = Request {
            limit: Some(10),
            offset: Some(5),
            ..Request::default()
        };
        assert_eq!(shown_window(&rules, &req, 100), (5, 15));
        assert_eq!(shown_window(&rules, &req, 8), (5, 8));
        assert_eq!(shown_window(&Rules::default(), &req, 100), (0, 100));
        assert_eq!(
            split_template("containers/{Id}/json"),
            ("Id", "containers/", "/json")
        );
    }
}
