//! Response shaping, applied to every tool's result in this order:
//! secrets redacted (unless --show-secrets), wrapped as an object, paged
//! (tools that page client-side), projected (`select`, or the tool's default
//! omissions and projection), then cut to the size cap.

pub mod cost;
pub mod redact;
pub mod truncate;

use crate::outcome::ToolError;
use crate::registry::ToolDef;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub struct Options {
    pub show_secrets: bool,
    pub max_chars: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
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
}

/// Argument names the shaping layer adds to tools' input schemas.
pub const SELECT: &str = "select";
pub const LIMIT: &str = "limit";
pub const OFFSET: &str = "offset";

pub fn shape(v: Value, def: &ToolDef, req: &Request, opts: &Options) -> Result<Value, ToolError> {
    let mut v = v;
    if !opts.show_secrets {
        redact::redact(&mut v);
    }
    let mut v = as_object(v);
    if def.client_paging {
        page(&mut v, req.limit, req.offset);
    }
    let v = match &req.select {
        Some(expr) => json!({"selected": search(SELECT, expr, &v)?}),
        None => {
            for path in def.omit {
                omit(&mut v, path);
            }
            match def.project {
                Some(expr) => as_object(search("the tool's default projection", expr, &v)?),
                None => v,
            }
        }
    };
    Ok(truncate::cap(v, opts.max_chars, def.keep_tail))
}

/// Structured content must be an object: arrays become {"items": [...]},
/// an empty body {"ok": true}, anything else {"result": ...}.
pub fn as_object(v: Value) -> Value {
    match v {
        Value::Object(_) => v,
        Value::Array(_) => json!({"items": v}),
        Value::Null => json!({"ok": true}),
        other => json!({"result": other}),
    }
}

/// Checks a JMESPath expression without running it.
pub fn check_expression(what: &str, expr: &str) -> Result<(), ToolError> {
    jmespath::compile(expr).map(|_| ()).map_err(|e| {
        ToolError::BadArguments(format!("{what}: not a valid JMESPath expression: {e}"))
    })
}

/// The most a `select` result may take, as its input's size times the
/// expression's growth bound (see cost.rs).
const SELECT_BUDGET: f64 = 32.0 * 1024.0 * 1024.0;

fn search(what: &str, expr: &str, data: &Value) -> Result<Value, ToolError> {
    let compiled = jmespath::compile(expr).map_err(|e| {
        ToolError::BadArguments(format!("{what}: not a valid JMESPath expression: {e}"))
    })?;
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

/// Removes a dotted path; `name[]` steps into every element of a list.
pub fn omit(v: &mut Value, path: &str) {
    let steps: Vec<&str> = path.split('.').collect();
    omit_steps(v, &steps);
}

fn omit_steps(v: &mut Value, steps: &[&str]) {
    let Some((first, rest)) = steps.split_first() else {
        return;
    };
    let (key, each) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let Value::Object(o) = v else { return };
    if rest.is_empty() && !each {
        o.remove(key);
        return;
    }
    let Some(child) = o.get_mut(key) else { return };
    match (each, child) {
        (true, Value::Array(items)) => items.iter_mut().for_each(|i| omit_steps(i, rest)),
        (false, child) => omit_steps(child, rest),
        _ => {}
    }
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
    use crate::registry::{Access, ReadOnlyMode};

    fn def(
        project: Option<&'static str>,
        omit: &'static [&'static str],
        client_paging: bool,
    ) -> ToolDef {
        ToolDef {
            name: "t",
            title: "t",
            description: "t",
            toolset: "t",
            access: Access::Read,
            destructive: false,
            idempotent: true,
            read_only_mode: ReadOnlyMode::Hidden,
            operation: "t",
            method: "GET",
            path: "/t",
            input_schema: "{}",
            output_schema: None,
            project,
            omit,
            keep_tail: false,
            client_paging,
        }
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
            shape(v, &d, &req, &Options::default()).unwrap(),
            json!({"selected": ["/a"]})
        );
        let bad = Request {
            select: Some("items[".into()),
            ..Default::default()
        };
        let e = shape(json!([]), &d, &bad, &Options::default())
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
        let out = shape(v.clone(), &d, &Request::default(), &Options::default()).unwrap();
        assert_eq!(
            out,
            json!({"items": [{"Id": 1, "Kubernetes": {"Flags": {}}}]})
        );
        let req = Request {
            select: Some("items[0].Snapshots".into()),
            ..Default::default()
        };
        assert_eq!(
            shape(v, &d, &req, &Options::default()).unwrap(),
            json!({"selected": [1]})
        );
        let d = def(Some("{Name: Name}"), &[], false);
        assert_eq!(
            shape(
                json!({"Name": "x", "Big": 1}),
                &d,
                &Request::default(),
                &Options::default()
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
        let e = shape(json!({"items": [1, 2, 3]}), &d, &req, &Options::default())
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
        assert!(shape(Value::Array(big), &d, &req, &Options::default()).is_ok());
    }

    #[test]
    fn redaction_comes_before_select() {
        let d = def(None, &[], false);
        let req = Request {
            select: Some("Password".into()),
            ..Default::default()
        };
        let out = shape(
            json!({"Password": "hunter2"}),
            &d,
            &req,
            &Options::default(),
        )
        .unwrap();
        assert_eq!(out, json!({"selected": "<redacted>"}));
        let shown = Options {
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
        let out = shape(json!([1, 2, 3, 4]), &d, &req, &Options::default()).unwrap();
        assert_eq!(
            out,
            json!({"items": [2, 3], "total": 4, "offset": 1, "returned": 2})
        );
        let out = shape(json!([1, 2]), &d, &Request::default(), &Options::default()).unwrap();
        assert_eq!(out, json!({"items": [1, 2], "total": 2}));
    }
}
