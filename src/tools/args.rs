//! Decoding of MCP tool arguments into the typed client's parameters.
//! Everything here runs before any request is built, so bad arguments never
//! reach Portainer.

use crate::error::ToolError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Arguments the confirmation layer adds to tools that can write.
pub const DRY_RUN: &str = "dry_run";
pub const CONFIRM: &str = "confirm";

/// The arguments object of one tools/call.
#[derive(Debug, Default)]
pub struct Args {
    map: Map<String, Value>,
    /// Request parameters the connected Portainer lacks: never sent.
    lacking: Vec<&'static str>,
}

/// One body field flattened into the arguments (see codegen/src/schema.rs).
pub struct Field {
    pub exposed: &'static str,
    pub wire: &'static str,
    pub hidden: bool,
    pub default: Option<&'static str>,
}

impl Args {
    pub fn new(map: Map<String, Value>) -> Self {
        Args {
            map,
            lacking: vec![],
        }
    }

    /// Marks request parameters (by their API names) as absent from the
    /// connected Portainer, so that no default fills them in.
    pub fn lacking(mut self, wire: Vec<&'static str>) -> Self {
        self.lacking = wire;
        self
    }

    /// Whether the connected Portainer lacks request parameter `wire`.
    pub fn lacks(&self, wire: &str) -> bool {
        self.lacking.contains(&wire)
    }

    /// The same arguments with `name` set to `value` (one environment of a
    /// fan-out).
    pub fn with_arg(&self, name: &str, value: Value) -> Args {
        let mut map = self.map.clone();
        map.insert(name.to_string(), value);
        Args {
            map,
            lacking: self.lacking.clone(),
        }
    }

    /// All the arguments, as given.
    pub fn as_value(&self) -> Value {
        Value::Object(self.map.clone())
    }

    pub fn raw(&self, name: &str) -> Option<&Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    /// Argument `name` as `T`; `default` (JSON text) when it is absent.
    pub fn get<T: DeserializeOwned>(
        &self,
        name: &str,
        default: Option<&str>,
    ) -> Result<T, ToolError> {
        decode(name, self.raw(name).cloned(), default)
    }

    /// A path parameter: as `get`, and a text value must stay one segment
    /// of the route (`.` and `..` would climb when the URL is parsed; the
    /// client encodes `/` itself).
    pub fn get_segment<T: DeserializeOwned>(
        &self,
        name: &str,
        default: Option<&str>,
    ) -> Result<T, ToolError> {
        if let Some(Value::String(v)) = self.raw(name) {
            if v.is_empty() || v == "." || v == ".." {
                return Err(ToolError::BadArguments(format!(
                    "`{name}` may not be empty, `.` or `..`"
                )));
            }
        }
        self.get(name, default)
    }

    /// All the arguments as a handler's typed arguments. Shaping and
    /// confirmation arguments are not fields of those types and are ignored;
    /// unknown ones were already refused by `check_against`.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, ToolError> {
        // A null argument is an absent one (as `raw` reads it), so that
        // its default applies, as for generated tools.
        let given = self.map.iter().filter(|(_, v)| !v.is_null());
        let value = Value::Object(given.map(|(k, v)| (k.clone(), v.clone())).collect());
        serde_path_to_error::deserialize(&value).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            match path.as_str() {
                "." | "" => ToolError::BadArguments(inner.to_string()),
                _ => ToolError::BadArguments(format!("argument `{path}`: {inner}")),
            }
        })
    }

    /// A parameter the API takes as JSON text: a string is passed as is, an
    /// object or array is encoded (Docker's `filters`).
    pub fn get_json_text<T: DeserializeOwned>(&self, name: &str) -> Result<T, ToolError> {
        let given = self.raw(name).map(|v| match v {
            Value::String(_) => v.clone(),
            other => Value::String(other.to_string()),
        });
        decode(name, given, None)
    }

    /// For a tool whose `selector` argument picks one of several operations:
    /// refuses arguments that operation does not take.
    pub fn only(&self, allowed: &[&str], selector: &str, choice: &str) -> Result<(), ToolError> {
        let shaping = [
            crate::shaping::SELECT,
            crate::shaping::LIMIT,
            crate::shaping::OFFSET,
            crate::shaping::FIELDS,
            DRY_RUN,
            CONFIRM,
            crate::tools::wait::WAIT,
            crate::tools::change_ref::CHANGE_REF,
        ];
        let extra: Vec<&str> = self
            .map
            .keys()
            .map(String::as_str)
            .filter(|k| !allowed.contains(k) && !shaping.contains(k) && self.raw(k).is_some())
            .collect();
        if extra.is_empty() {
            Ok(())
        } else {
            // Name what this choice does take, so that the next call is
            // right (e.g. `volumes` only for a container).
            let takes: Vec<&str> = allowed.iter().copied().filter(|a| *a != selector).collect();
            Err(ToolError::BadArguments(format!(
                "{} not used when {selector} is `{choice}`; it takes {}",
                quoted(&extra),
                quoted(&takes)
            )))
        }
    }

    /// A parameter the model cannot set: always its default (or absent).
    pub fn fixed<T: DeserializeOwned>(wire: &str, default: Option<&str>) -> Result<T, ToolError> {
        decode(wire, None, default)
    }

    /// Builds an object body from flattened fields.
    pub fn body<T: DeserializeOwned>(&self, fields: &[Field]) -> Result<T, ToolError> {
        let mut body = Map::new();
        for f in fields.iter().filter(|f| !self.lacks(f.wire)) {
            let given = if f.hidden {
                None
            } else {
                self.raw(f.exposed).cloned()
            };
            let value = match (given, f.default) {
                (Some(v), _) => Some(v),
                (None, Some(d)) => Some(parse_default(f.wire, d)?),
                (None, None) => None,
            };
            if let Some(v) = value {
                body.insert(f.wire.to_string(), v);
            }
        }
        serde_json::from_value(Value::Object(body))
            .map_err(|e| ToolError::BadArguments(format!("request body: {e}")))
    }

    /// Refuses arguments the tool's schema does not declare, and declared
    /// required arguments that are missing, naming each.
    pub fn check_against(&self, schema: &Value) -> Result<(), ToolError> {
        let props = schema.get("properties").and_then(Value::as_object);
        let unknown: Vec<&str> = self
            .map
            .keys()
            .filter(|k| !props.is_some_and(|p| p.contains_key(*k)))
            .map(String::as_str)
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&str> = props
                .map(|p| p.keys().map(String::as_str).collect())
                .unwrap_or_default();
            return Err(ToolError::BadArguments(format!(
                "unknown argument{} {}; this tool takes: {}",
                if unknown.len() > 1 { "s" } else { "" },
                quoted(&unknown),
                if known.is_empty() {
                    "no arguments".to_string()
                } else {
                    known.join(", ")
                }
            )));
        }
        let missing: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|r| self.raw(r).is_none())
            .collect();
        if !missing.is_empty() {
            return Err(ToolError::BadArguments(format!(
                "missing required argument{} {}",
                if missing.len() > 1 { "s" } else { "" },
                quoted(&missing)
            )));
        }
        for (name, value) in &self.map {
            if let Some(p) = props.and_then(|p| p.get(name)) {
                check_bounds(name, value, p)?;
            }
        }
        Ok(())
    }
}

/// A number's `minimum`/`maximum` from its schema (ids start at 1).
fn check_bounds(name: &str, value: &Value, schema: &Value) -> Result<(), ToolError> {
    let Some(n) = value.as_f64() else {
        return Ok(());
    };
    let bound = |k: &str| schema.get(k).and_then(Value::as_f64);
    if let Some(min) = bound("minimum").filter(|m| n < *m) {
        return Err(ToolError::BadArguments(format!(
            "`{name}` must be at least {min}, not {value}"
        )));
    }
    if let Some(max) = bound("maximum").filter(|m| n > *m) {
        return Err(ToolError::BadArguments(format!(
            "`{name}` must be at most {max}, not {value}"
        )));
    }
    Ok(())
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn parse_default(name: &str, text: &str) -> Result<Value, ToolError> {
    serde_json::from_str(text)
        .map_err(|e| ToolError::Internal(format!("default of `{name}` is not JSON: {e}")))
}

fn decode<T: DeserializeOwned>(
    name: &str,
    given: Option<Value>,
    default: Option<&str>,
) -> Result<T, ToolError> {
    let absent = given.is_none();
    let value = match (given, default) {
        (Some(v), _) => v,
        (None, Some(d)) => parse_default(name, d)?,
        (None, None) => Value::Null,
    };
    serde_json::from_value(value).map_err(|e| {
        if absent {
            ToolError::BadArguments(format!("missing required argument `{name}`"))
        } else {
            ToolError::BadArguments(format!("argument `{name}`: {e}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn args(v: Value) -> Args {
        Args::new(v.as_object().unwrap().clone())
    }

    #[test]
    fn parameters_the_portainer_lacks_are_never_sent_even_as_defaults() {
        let fields = [
            Field {
                exposed: "name",
                wire: "Name",
                hidden: false,
                default: None,
            },
            Field {
                exposed: "Webhook",
                wire: "Webhook",
                hidden: true,
                default: Some("\"w\""),
            },
            Field {
                exposed: "prune",
                wire: "Prune",
                hidden: false,
                default: Some("true"),
            },
        ];
        let full: Value = args(json!({"name": "a"})).body(&fields).unwrap();
        assert_eq!(full, json!({"Name": "a", "Webhook": "w", "Prune": true}));
        let a = args(json!({"name": "a"})).lacking(vec!["Webhook", "Prune"]);
        let body: Value = a.body(&fields).unwrap();
        assert_eq!(body, json!({"Name": "a"}));
        assert!(a.lacks("Prune") && !a.lacks("Name"));
    }

    #[test]
    fn decodes_with_defaults_and_names_errors() {
        let a = args(json!({"id": 3, "name": "x"}));
        assert_eq!(a.get::<i64>("id", None).unwrap(), 3);
        assert_eq!(
            a.get::<Option<bool>>("flag", Some("true")).unwrap(),
            Some(true)
        );
        assert_eq!(a.get::<Option<i64>>("other", None).unwrap(), None);
        let e = a.get::<i64>("name", None).unwrap_err().to_string();
        assert!(
            e.contains("argument `name`") && e.contains("expected i64"),
            "{e}"
        );
        let e = a.get::<i64>("missing", None).unwrap_err().to_string();
        assert!(e.contains("missing required argument `missing`"), "{e}");
    }

    #[test]
    fn typed_decoding_reads_null_as_absent_and_names_the_argument() {
        #[derive(serde::Deserialize, Debug)]
        struct A {
            #[serde(default)]
            flag: bool,
            n: Option<u32>,
        }
        let a: A = args(json!({"flag": null, "n": null, "select": "x"}))
            .decode()
            .unwrap();
        assert!(!a.flag && a.n.is_none());
        let e = args(json!({"n": "three"}))
            .decode::<A>()
            .unwrap_err()
            .to_string();
        assert!(e.contains("argument `n`"), "{e}");
    }

    #[test]
    fn checks_unknown_and_required() {
        let schema = json!({"properties": {"id": {}, "q": {}}, "required": ["id"]});
        assert!(args(json!({"id": 1})).check_against(&schema).is_ok());
        let e = args(json!({"id": 1, "idd": 2}))
            .check_against(&schema)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown argument `idd`") && e.contains("id, q"),
            "{e}"
        );
        let e = args(json!({"q": 1}))
            .check_against(&schema)
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing required argument `id`"), "{e}");
    }

    #[test]
    fn builds_bodies_from_fields() {
        #[derive(serde::Deserialize, Debug, PartialEq)]
        struct B {
            #[serde(rename = "Name")]
            name: String,
            #[serde(rename = "Prune", default)]
            prune: Option<bool>,
        }
        let fields = [
            Field {
                exposed: "name",
                wire: "Name",
                hidden: false,
                default: None,
            },
            Field {
                exposed: "Prune",
                wire: "Prune",
                hidden: true,
                default: Some("false"),
            },
        ];
        let b: B = args(json!({"name": "web", "Prune": true}))
            .body(&fields)
            .unwrap();
        assert_eq!(
            b,
            B {
                name: "web".into(),
                prune: Some(false)
            }
        );
    }
}
