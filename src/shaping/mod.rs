//! Response shaping, applied to every tool's result in this order:
//! secrets redacted (unless --show-secrets), wrapped as an object, paged
//! (tools that page client-side), projected (`select`, or the tool's default
//! omissions and projection), then cut to the size cap.

pub mod cost;
pub mod docker_df;
pub mod docker_stats;
pub mod expression_limits;
pub mod kube_table;
pub mod log_filter;
pub mod log_window;
pub mod nesting;
pub mod notes;
pub mod omit;
pub mod redact;
pub mod stream_list;
pub mod truncate;

pub use notes::{redaction_note, REDACTED_KEY};
pub use omit::omit;

use crate::error::ToolError;
use serde_json::{json, Map, Value};

#[derive(Debug, Clone)]
pub struct Limits {
    pub show_secrets: bool,
    pub max_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            show_secrets: false,
            max_chars: 20_000,
        }
    }
}

/// The shaping arguments of one call (present on every tool).
#[derive(Debug, Default)]
pub struct Request {
    pub select: Option<String>,
    pub limit: Option<usize>,
    pub offset: Option<usize>,
    /// Inspect paths to fill in each row (tools with `Rules::fill`).
    pub fields: Vec<String>,
}

/// How one tool's results are shaped, from its tools.toml entry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// Default JMESPath projection of the wrapped result.
    pub project: Option<&'static str>,
    /// Paths removed from the result by default.
    pub omit: &'static [&'static str],
    /// Keep the end of long lists and strings when cutting (logs).
    pub keep_tail: bool,
    /// The API cannot page: limit/offset are ours.
    pub client_paging: bool,
    /// One request per call, so a list answer can be shaped as it arrives.
    pub single_request: bool,
    /// The Docker passthrough path of a row's inspect (`containers/{Id}/json`):
    /// the tool takes `fields`, filled per row (tools/fill.rs).
    pub fill: Option<&'static str>,
    /// The kind of environment ("docker", "kubernetes") a read may run over
    /// several of at once (tools/fleet.rs).
    pub fan_out: Option<&'static str>,
}

/// A call's result as the way back gave it: a value still to shape, or a
/// list shaped as it arrived (`shaped`: final, shaping it again would cut
/// twice); with the list's count in all when the API gave one.
#[derive(Debug, Clone)]
pub struct Got {
    pub value: Value,
    pub shaped: bool,
    pub total: Option<u64>,
    /// A log read by a tool that is not a log tool (a proxy GET of one):
    /// cut keeping its end, as the log tools' results are.
    pub log: bool,
}

impl From<Value> for Got {
    fn from(value: Value) -> Got {
        Got {
            value,
            shaped: false,
            total: None,
            log: false,
        }
    }
}

/// The one way a call's result is shaped: the list's total added, then,
/// unless it was shaped as it arrived, `shape`.
pub fn finish(got: Got, def: &Rules, req: &Request, opts: &Limits) -> Result<Value, ToolError> {
    let mut v = got.value;
    if let Some(total) = got.total {
        add_total(&mut v, total);
    }
    if got.shaped {
        return Ok(v);
    }
    if got.log && !def.keep_tail {
        let tail = Rules {
            keep_tail: true,
            ..*def
        };
        return shape(v, &tail, req, opts);
    }
    shape(v, def, req, opts)
}

/// Argument names the shaping layer adds to tools' input schemas.
pub const SELECT: &str = "select";
pub const LIMIT: &str = "limit";
pub const OFFSET: &str = "offset";
/// Inspect paths filled per row, on tools with `Rules::fill`.
pub const FIELDS: &str = "fields";

pub fn shape(v: Value, def: &Rules, req: &Request, opts: &Limits) -> Result<Value, ToolError> {
    let mut v = v;
    // A text far over the cap is cut (at a line) before redaction, which
    // then reads a few times what can be shown rather than all of it.
    let precut = match &req.select {
        None => precut(&mut v, PRECUT_FACTOR * opts.max_chars, def.keep_tail),
        Some(_) => None,
    };
    let hidden = if opts.show_secrets {
        0
    } else {
        redact::redact(&mut v)
    };
    let mut v = as_object(v);
    let v = match &req.select {
        // A list's total stays beside what was selected: the page the
        // expression saw may be a small part of it.
        Some(expr) => {
            if def.client_paging {
                page(&mut v, req.limit, req.offset);
            }
            let selected = search(SELECT, expr, &v)?;
            let note = found_nothing(expr, &selected, &v, def);
            let mut out = json!({"selected": selected});
            if let Some(total) = v.get("total").filter(|t| t.is_u64()) {
                out["total"] = total.clone();
            }
            if let Some(note) = note {
                out["_note"] = json!(note);
            }
            out
        }
        None => {
            for path in def.omit.iter() {
                omit(&mut v, path);
            }
            // A body that was not JSON (or too deep to parse) came back as
            // text: the projection, written for the JSON, would lose it.
            let mut v = match def.project {
                Some(expr) if text_result(&v).is_none() => {
                    as_object(search("the tool's default projection", expr, &v)?)
                }
                _ => v,
            };
            // After the projection, which may be what makes the list
            // {items} (Docker's volume list).
            if def.client_paging {
                page(&mut v, req.limit, req.offset);
            }
            v
        }
    };
    let mut v = v;
    // Only what the answer still shows: a select may have left them out.
    let shown = if hidden > 0 {
        redact::count_marked(&v)
    } else {
        0
    };
    if shown > 0 {
        if let Value::Object(o) = &mut v {
            o.insert(REDACTED_KEY.into(), json!(redaction_note(shown)));
        }
    }
    let mut v = truncate::cap(v, opts.max_chars, def.keep_tail);
    if let (Some(len), Value::Object(o)) = (precut, &mut v) {
        if !o.contains_key(truncate::NOTE_KEY) {
            let kept = if def.keep_tail { "end" } else { "start" };
            o.insert(
                truncate::NOTE_KEY.into(),
                json!(format!(
                    "the text is {len} bytes; this answer is its {kept}"
                )),
            );
        }
    }
    Ok(v)
}

/// A select over a non-empty list that found nothing in any row (null,
/// nothing, only nulls, or a column null in every row) most often names a
/// field the rows do not carry: say so, and name `fields` where the tool
/// can fill it.
fn found_nothing(expr: &str, selected: &Value, v: &Value, def: &Rules) -> Option<String> {
    let rows = v.get("items")?.as_array().map_or(0, Vec::len);
    if rows == 0 {
        return None;
    }
    let what = match selected {
        Value::Null => "the expression found nothing".to_string(),
        // A filter matching no row is an answer, not a missing field.
        Value::Array(a) if a.is_empty() && expr.contains("[?") => return None,
        Value::Array(a) if a.iter().all(Value::is_null) => {
            "the expression found nothing".to_string()
        }
        Value::Array(a) => {
            let objects: Vec<&Map<String, Value>> = a.iter().filter_map(Value::as_object).collect();
            if objects.len() != a.len() {
                return None;
            }
            let null_everywhere: Vec<String> = objects[0]
                .keys()
                .filter(|k| objects.iter().all(|o| o.get(*k).is_none_or(Value::is_null)))
                .map(|k| format!("`{k}`"))
                .collect();
            if null_everywhere.is_empty() {
                return None;
            }
            format!("{} is null", null_everywhere.join(", "))
        }
        _ => return None,
    };
    let mut note =
        format!("{what} in every one of the {rows} rows: they hold only what the list gives");
    if def.fill.is_some() {
        note.push_str(
            "; `fields` fills inspect paths per row (e.g. HostConfig.RestartPolicy.Name), read as items[].fields",
        );
    }
    Some(note)
}

/// How many times the cap a text may be before redaction reads it.
const PRECUT_FACTOR: usize = 4;

/// Cuts a text result (a string, or `{"result": string}`) over `max` bytes
/// to `max` at a line break, its end or start; returns its length before.
fn precut(v: &mut Value, max: usize, keep_tail: bool) -> Option<usize> {
    let s = match v {
        Value::String(s) => s,
        Value::Object(o) => match o.get_mut("result") {
            Some(Value::String(s)) => s,
            _ => return None,
        },
        _ => return None,
    };
    let len = s.len();
    if len <= max {
        return None;
    }
    if keep_tail {
        let mut from = len - max;
        while !s.is_char_boundary(from) {
            from += 1;
        }
        if let Some(i) = s[from..].find('\n') {
            if from + i + 1 < len {
                from += i + 1;
            }
        }
        s.drain(..from);
    } else {
        let mut to = max;
        while !s.is_char_boundary(to) {
            to -= 1;
        }
        if let Some(i) = s[..to].rfind('\n') {
            if i > 0 {
                to = i + 1;
            }
        }
        s.truncate(to);
    }
    Some(len)
}

/// How a list answer to this call is shaped while it arrives, if it is one:
/// for generated tools and the proxies (one request per call), when no
/// default projection needs the whole list.
pub fn list_plan(def: &Rules, req: &Request, opts: &Limits) -> Option<stream_list::ListPlan> {
    // Filling rows needs the list whole first (tools/fill.rs).
    if !def.single_request || def.project.is_some() || !req.fields.is_empty() {
        return None;
    }
    let select = req.select.is_some();
    let paged = def.client_paging && !select;
    Some(stream_list::ListPlan {
        offset: if paged { req.offset.unwrap_or(0) } else { 0 },
        limit: if paged { req.limit } else { None },
        report_total: paged,
        max_chars: opts.max_chars,
        keep_tail: def.keep_tail,
        // A select is shaped afterwards, by `shape`, on the collected list.
        redact: !opts.show_secrets && !select,
        omit: if select {
            vec![]
        } else {
            def.omit
                .iter()
                .filter_map(|p| p.strip_prefix("items[]."))
                .map(str::to_string)
                .collect()
        },
        keep_all: select,
    })
}

/// The text of a result that is one text (a log, a body that was not
/// JSON): `{"result": "..."}` with at most shaping notes (`_...`) beside it.
pub fn text_result(v: &Value) -> Option<&str> {
    let o = v.as_object()?;
    let text = o.get("result")?.as_str()?;
    o.keys()
        .all(|k| k == "result" || k.starts_with('_'))
        .then_some(text)
}

/// Structured content must be an object: arrays become {"items": [...]},
/// an empty body {"ok": true}, anything else {"result": ...}.
pub fn as_object(v: Value) -> Value {
    // Moved into the map, never copied: lists can be large.
    let (key, value) = match v {
        Value::Object(_) => return v,
        Value::Array(_) => ("items", v),
        Value::Null => ("ok", Value::Bool(true)),
        other => ("result", other),
    };
    let mut o = serde_json::Map::new();
    o.insert(key.into(), value);
    Value::Object(o)
}

/// A list's count in all, from the server (a page shows fewer): an array
/// becomes {items, total}; {items} gains total unless it has one.
pub fn add_total(v: &mut Value, total: u64) {
    match v {
        Value::Array(_) => *v = json!({"items": v.take(), "total": total}),
        Value::Object(o) if o.contains_key("items") && !o.contains_key("total") => {
            o.insert("total".into(), json!(total));
        }
        _ => {}
    }
}

/// Checks a JMESPath expression without running it.
pub fn check_expression(what: &str, expr: &str) -> Result<(), ToolError> {
    compile(what, expr).map(|_| ())
}

/// Parses an expression whose text is within the limits (see
/// expression_limits.rs: the parser recurses once per level).
fn compile(what: &str, expr: &str) -> Result<jmespath::Expression<'static>, ToolError> {
    expression_limits::check(expr).map_err(|e| ToolError::BadArguments(format!("{what} {e}")))?;
    jmespath::compile(expr).map_err(|e| {
        ToolError::BadArguments(format!("{what}: not a valid JMESPath expression: {e}"))
    })
}

/// The most a `select` result may take, as its input's size times the
/// expression's growth bound (see cost.rs).
const SELECT_BUDGET: f64 = 32.0 * 1024.0 * 1024.0;

fn search(what: &str, expr: &str, data: &Value) -> Result<Value, ToolError> {
    let compiled = compile(what, expr)?;
    let growth = cost::growth(compiled.as_ast());
    let input = truncate::size(data).max(1) as f64;
    if growth * input > SELECT_BUDGET {
        return Err(ToolError::BadArguments(format!(
            "{what}: this expression could make a result {growth:.0} times the size of the data; simplify it"
        )));
    }
    let found = compiled
        .search(data)
        .map_err(|e| ToolError::BadArguments(format!("{what}: {e}")))?;
    serde_json::to_value(&*found).map_err(|e| ToolError::Internal(format!("{what}: {e}")))
}

/// Client-side paging for APIs that cannot page: slices `items` and says
/// how many there were.
fn page(v: &mut Value, limit: Option<usize>, offset: Option<usize>) {
    let Some(Value::Array(items)) = v.get_mut("items") else {
        return;
    };
    let total = items.len();
    let offset = offset.unwrap_or(0).min(total);
    let end = limit.map_or(total, |l| offset.saturating_add(l).min(total));
    let kept: Vec<Value> = items.drain(offset..end).collect();
    *items = kept;
    v["total"] = json!(total);
    if offset > 0 || end < total {
        v["offset"] = json!(offset);
        v["returned"] = json!(end - offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(
        project: Option<&'static str>,
        omit: &'static [&'static str],
        client_paging: bool,
    ) -> Rules {
        Rules {
            project,
            omit,
            keep_tail: false,
            client_paging,
            single_request: true,
            fill: None,
            fan_out: None,
        }
    }

    fn req_select(expr: &str) -> Request {
        Request {
            select: Some(expr.into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_select_finding_nothing_says_so() {
        let plain = def(None, &[], false);
        let rows = || json!([{"Id": 1, "State": "running"}, {"Id": 2, "State": "exited"}]);
        let note = |d: &Rules, expr: &str| {
            shape(rows(), d, &req_select(expr), &Limits::default()).unwrap()["_note"].clone()
        };
        for expr in ["items[].Nope", "items[0].Nope", "items[].{a: Nope}"] {
            let n = note(&plain, expr);
            assert!(n.as_str().unwrap().contains("2 rows"), "{expr}: {n}");
            assert!(!n.as_str().unwrap().contains("fields"), "{expr}: {n}");
        }
        // A filter matching no row, or a select finding something: no note.
        for expr in [
            "items[?State=='gone']",
            "items[].Id",
            "items[].{id: Id, x: Nope}",
        ] {
            let n = note(&plain, expr);
            let named_x = n
                .as_str()
                .is_some_and(|t| t.contains("`x` is null") && !t.contains("`id`"));
            assert!(n.is_null() || named_x, "{expr}: {n}");
        }
        let fillable = Rules {
            fill: Some("containers/{Id}/json"),
            ..plain
        };
        assert!(note(&fillable, "items[].Nope")
            .as_str()
            .unwrap()
            .contains("`fields`"));
        // An empty list has nothing to miss.
        let empty = shape(
            json!([]),
            &plain,
            &req_select("items[].Id"),
            &Limits::default(),
        )
        .unwrap();
        assert!(empty.get("_note").is_none());
    }

    #[test]
    fn select_projects_the_wrapped_result() {
        let d = def(None, &[], false);
        let req = Request {
            select: Some("items[?State=='running'].Names[0]".into()),
            ..Default::default()
        };
        let v =
            json!([{"Names": ["/a"], "State": "running"}, {"Names": ["/b"], "State": "exited"}]);
        assert_eq!(
            shape(v, &d, &req, &Limits::default()).unwrap(),
            json!({"selected": ["/a"]})
        );
        // The server's total survives a select.
        let v = json!({"items": [{"Id": 1}, {"Id": 2}], "total": 40});
        assert_eq!(
            shape(v, &d, &req_select("items[].Id"), &Limits::default()).unwrap(),
            json!({"selected": [1, 2], "total": 40})
        );
        let bad = Request {
            select: Some("items[".into()),
            ..Default::default()
        };
        let e = shape(json!([]), &d, &bad, &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("select") && e.contains("JMESPath"), "{e}");
    }

    #[test]
    fn defaults_omit_and_project_unless_select_is_given() {
        let d = def(
            None,
            &["items[].Snapshots", "items[].Kubernetes.Snapshots"],
            false,
        );
        let v = json!([{"Id": 1, "Snapshots": [1], "Kubernetes": {"Snapshots": [2], "Flags": {}}}]);
        let out = shape(v.clone(), &d, &Request::default(), &Limits::default()).unwrap();
        assert_eq!(
            out,
            json!({"items": [{"Id": 1, "Kubernetes": {"Flags": {}}}]})
        );
        let req = Request {
            select: Some("items[0].Snapshots".into()),
            ..Default::default()
        };
        assert_eq!(
            shape(v, &d, &req, &Limits::default()).unwrap(),
            json!({"selected": [1]})
        );
        let d = def(Some("{Name: Name}"), &[], false);
        assert_eq!(
            shape(
                json!({"Name": "x", "Big": 1}),
                &d,
                &Request::default(),
                &Limits::default()
            )
            .unwrap(),
            json!({"Name": "x"})
        );
    }

    #[test]
    fn exploding_selects_are_refused_before_they_run() {
        // Found by fuzzing: each `[@, ...][]` step multiplies the data.
        let d = def(None, &[], false);
        let nasty = "[@,@,@,@]".to_string() + &"[][@,@,@,@]".repeat(12);
        let req = Request {
            select: Some(nasty),
            ..Default::default()
        };
        let e = shape(json!({"items": [1, 2, 3]}), &d, &req, &Limits::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("simplify"), "{e}");
        // A projection over a big list is fine.
        let big: Vec<Value> = (0..5000)
            .map(|i| json!({"Id": i, "Name": format!("n{i}")}))
            .collect();
        let req = Request {
            select: Some("items[].{id: Id, name: Name}".into()),
            ..Default::default()
        };
        assert!(shape(Value::Array(big), &d, &req, &Limits::default()).is_ok());
    }

    /// Runs `f` on a thread with a tokio worker's default stack (2 MiB).
    fn on_worker_stack(f: impl FnOnce() + Send + 'static) {
        std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(f)
            .unwrap()
            .join()
            .expect("no stack overflow");
    }

    #[test]
    fn the_deepest_admissible_selects_fit_a_worker_stack() {
        use expression_limits::{MAX_NESTING, MAX_OPERATORS};
        on_worker_stack(|| {
            let d = def(None, &[], false);
            let data = json!({"items": [{"a": {"a": 1}}]});
            let n = MAX_NESTING;
            let worst = [
                "!".repeat(MAX_OPERATORS) + "a",
                vec!["a"; MAX_OPERATORS].join("."),
                vec!["a"; MAX_OPERATORS].join("|"),
                "(".repeat(n) + "a" + &")".repeat(n),
                "[".repeat(n) + "@" + &"]".repeat(n),
                "{a:".repeat(n / 2) + "@" + &"}".repeat(n / 2),
                vec!["a"; MAX_OPERATORS / 2].join(" && "),
            ];
            for e in worst {
                let req = Request {
                    select: Some(e.clone()),
                    ..Default::default()
                };
                let out = shape(data.clone(), &d, &req, &Limits::default());
                assert!(out.is_ok(), "{e}: {out:?}");
            }
            // Past the limits: a clear error, before parsing.
            for e in [
                "(".repeat(3000) + "a" + &")".repeat(3000),
                "!".repeat(50_000) + "a",
            ] {
                let req = Request {
                    select: Some(e),
                    ..Default::default()
                };
                let err = shape(data.clone(), &d, &req, &Limits::default()).unwrap_err();
                assert!(err.to_string().contains("the limit is"), "{err}");
            }
        });
    }

    #[test]
    fn upstream_json_as_deep_as_the_parser_allows_is_safe() {
        // serde_json refuses input nested over 128 levels, so a 100,000-deep
        // body arrives as text; below that, every walk must fit the stack.
        on_worker_stack(|| {
            let deep = "[".repeat(100_000) + &"]".repeat(100_000);
            let v = outcome_body(deep.as_bytes());
            assert!(v.is_string());
            let limit = "[".repeat(120) + "{\"Password\": \"x\"}" + &"]".repeat(120);
            let v: Value = serde_json::from_str(&limit).unwrap();
            let d = def(None, &["items[].x"], true);
            let out = shape(
                v,
                &d,
                &Request::default(),
                &Limits {
                    max_chars: 1000,
                    ..Default::default()
                },
            )
            .unwrap();
            assert!(truncate::size(&out) <= 1000);
            let text = outcome_body(deep.as_bytes());
            let out = shape(text, &d, &Request::default(), &Limits::default()).unwrap();
            assert!(truncate::size(&out) <= Limits::default().max_chars);
        });
    }

    fn outcome_body(b: &[u8]) -> Value {
        crate::portainer::exchange::body_value(b)
    }

    #[test]
    fn redaction_comes_before_select() {
        let d = def(None, &[], false);
        let req = Request {
            select: Some("Password".into()),
            ..Default::default()
        };
        let out = shape(json!({"Password": "hunter2"}), &d, &req, &Limits::default()).unwrap();
        assert_eq!(out["selected"], json!("<redacted>"));
        assert_eq!(out[REDACTED_KEY], json!(redaction_note(1)));
        assert!(out[REDACTED_KEY]
            .as_str()
            .unwrap()
            .contains("--show-secrets"));
        let shown = Limits {
            show_secrets: true,
            ..Default::default()
        };
        assert_eq!(
            shape(json!({"Password": "hunter2"}), &d, &req, &shown).unwrap(),
            json!({"selected": "hunter2"})
        );
    }

    #[test]
    fn client_paging_reports_the_total() {
        let d = def(None, &[], true);
        let req = Request {
            limit: Some(2),
            offset: Some(1),
            ..Default::default()
        };
        let out = shape(json!([1, 2, 3, 4]), &d, &req, &Limits::default()).unwrap();
        assert_eq!(
            out,
            json!({"items": [2, 3], "total": 4, "offset": 1, "returned": 2})
        );
        let out = shape(json!([1, 2]), &d, &Request::default(), &Limits::default()).unwrap();
        assert_eq!(out, json!({"items": [1, 2], "total": 2}));
    }
}
