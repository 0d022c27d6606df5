//! One imported description of spec/: lookups by operationId and route,
//! $ref resolution, pruning.

use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

pub struct Spec {
    pub doc: Value,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    /// "path" or "query".
    pub location: String,
    pub required: bool,
    pub schema: Value,
}

#[derive(Debug, Clone)]
pub struct Operation {
    pub id: String,
    pub method: String,
    pub path: String,
    pub params: Vec<Param>,
    /// Schema of the request body, if any.
    pub body: Option<Value>,
    pub body_required: bool,
    /// Schema of the success response, if it has a JSON body.
    pub success: Option<Value>,
}

/// `METHOD /path/{}/...`: a route, whatever its path parameters are called
/// (editions spell them differently: `{name}` in one, `{release}` in another).
pub fn route_key(method: &str, path: &str) -> String {
    let segments: Vec<&str> = path
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                "{}"
            } else {
                s
            }
        })
        .collect();
    format!("{} {}", method.to_ascii_uppercase(), segments.join("/"))
}

/// A parameter's name as tools.toml and the model see it: Portainer's
/// array parameters travel as `name[]` (see the importer), shown as `name`.
pub fn plain(name: &str) -> &str {
    name.strip_suffix("[]").unwrap_or(name)
}

impl Operation {
    pub fn route(&self) -> String {
        route_key(&self.method, &self.path)
    }

    pub fn param_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .params
            .iter()
            .map(|p| plain(&p.name).to_string())
            .collect();
        if let Some(body) = &self.body {
            names.extend(self.body_fields(body).into_iter().map(|(n, _)| n));
        }
        names
    }

    pub fn is_required(&self, name: &str) -> bool {
        self.params
            .iter()
            .any(|p| plain(&p.name) == name && p.required)
            || self
                .body
                .as_ref()
                .and_then(|b| b.get("required"))
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == name))
    }

    /// Top-level fields of an object body (after $ref resolution by the caller).
    pub fn body_fields(&self, body: &Value) -> Vec<(String, Value)> {
        body.get("properties")
            .and_then(Value::as_object)
            .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }
}

impl Spec {
    pub fn parse(text: &str) -> Result<Spec, String> {
        let doc: Value =
            serde_json::from_str(text).map_err(|e| format!("a document of spec/: {e}"))?;
        Ok(Spec { doc })
    }

    /// Adds another imported document (the Docker Engine API, mounted under
    /// Portainer's passthrough) to this one: paths and schemas are disjoint
    /// by construction (see the importer), so a clash is an error.
    pub fn merge(&mut self, other: Spec) -> Result<(), String> {
        for section in ["/paths", "/components/schemas"] {
            let Some(Value::Object(theirs)) = other.doc.pointer(section).cloned() else {
                continue;
            };
            let ours = self
                .doc
                .pointer_mut(section)
                .and_then(Value::as_object_mut)
                .ok_or_else(|| format!("spec has no {section}"))?;
            for (k, v) in theirs {
                match ours.get(&k) {
                    Some(existing) if existing != &v => {
                        return Err(format!(
                            "spec/: `{k}` is defined differently in two documents"
                        ));
                    }
                    _ => {
                        ours.insert(k, v);
                    }
                }
            }
        }
        Ok(())
    }

    pub fn version(&self) -> &str {
        self.doc
            .pointer("/info/version")
            .and_then(Value::as_str)
            .unwrap_or("0.0.0")
    }

    fn operations_raw(&self) -> impl Iterator<Item = (&str, &str, &Value)> {
        self.doc["paths"]
            .as_object()
            .into_iter()
            .flat_map(|paths| paths.iter())
            .flat_map(|(path, item)| {
                item.as_object()
                    .into_iter()
                    .flat_map(|m| m.iter())
                    .map(move |(method, op)| (path.as_str(), method.as_str(), op))
            })
    }

    pub fn operation(&self, id: &str) -> Option<Operation> {
        let (path, method, op) = self
            .operations_raw()
            .find(|(_, _, op)| op["operationId"] == id)?;
        self.read_operation(path, method, op)
    }

    /// The operation at this route (see [`route_key`]), whatever its id.
    pub fn operation_at(&self, key: &str) -> Option<Operation> {
        let (path, method, op) = self
            .operations_raw()
            .find(|(path, method, _)| route_key(method, path) == key)?;
        self.read_operation(path, method, op)
    }

    fn read_operation(&self, path: &str, method: &str, op: &Value) -> Option<Operation> {
        let id = op["operationId"].as_str()?;
        let params = op["parameters"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| Param {
                        name: p["name"].as_str().unwrap_or_default().to_string(),
                        location: p["in"].as_str().unwrap_or_default().to_string(),
                        required: p["required"].as_bool().unwrap_or(false),
                        schema: self.resolve(&p["schema"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let body_media = op
            .pointer("/requestBody/content")
            .and_then(Value::as_object)
            .and_then(|c| c.values().next());
        let body = body_media.map(|m| self.resolve(&m["schema"]));
        let success = op["responses"].as_object().and_then(|rs| {
            rs.iter()
                .find(|(code, _)| code.starts_with('2'))
                .and_then(|(_, r)| r.pointer("/content/application~1json/schema"))
                .map(|s| self.resolve(s))
        });
        let id = id.to_string();
        Some(Operation {
            id,
            method: method.to_string(),
            path: path.to_string(),
            params,
            body,
            body_required: op.pointer("/requestBody/required") == Some(&json!(true)),
            success,
        })
    }

    /// Follows a `#/components/schemas/...` reference one step.
    pub fn resolve(&self, schema: &Value) -> Value {
        let mut s = schema.clone();
        let mut hops = 0;
        while let Some(r) = s.get("$ref").and_then(Value::as_str) {
            hops += 1;
            match self.lookup(r) {
                Some(t) if hops < 16 => s = t.clone(),
                _ => return json!({}),
            }
        }
        s
    }

    pub fn lookup(&self, reference: &str) -> Option<&Value> {
        self.doc.pointer(reference.strip_prefix('#')?)
    }

    /// A copy holding only the given operations and the schemas they reach,
    /// so that generation and compilation cost scale with the catalogue.
    pub fn pruned(&self, ids: &BTreeSet<String>) -> Value {
        let mut paths = Map::new();
        for (path, method, op) in self.operations_raw() {
            if op["operationId"]
                .as_str()
                .is_some_and(|id| ids.contains(id))
            {
                let item = paths.entry(path.to_string()).or_insert_with(|| json!({}));
                item[method] = op.clone();
            }
        }
        let paths = Value::Object(paths);
        let mut reached = BTreeSet::new();
        let mut queue = vec![];
        collect_refs(&paths, &mut queue);
        let mut schemas = Map::new();
        while let Some(r) = queue.pop() {
            if !reached.insert(r.clone()) {
                continue;
            }
            if let Some(s) = self.lookup(&r) {
                collect_refs(s, &mut queue);
                if let Some(name) = r.strip_prefix("#/components/schemas/") {
                    schemas.insert(name.to_string(), s.clone());
                }
            }
        }
        json!({
            "openapi": self.doc["openapi"],
            "info": self.doc["info"],
            "paths": paths,
            "components": {"schemas": schemas},
        })
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get("$ref") {
                out.push(r.clone());
            }
            o.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}
