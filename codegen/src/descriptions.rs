//! The Portainer descriptions in spec/, one per edition and version, and the
//! one document the typed client is generated from.

use crate::spec::{route_key, Spec};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One imported Portainer description, with the Docker Engine API merged
/// in: Portainer's passthrough carries it in every edition and version.
pub struct Description {
    /// "CE", "EE", or "" when the title names neither.
    pub edition: String,
    pub version: String,
    pub spec: Spec,
}

impl Description {
    /// "CE 2.39.0", as tables and messages name it.
    pub fn label(&self) -> String {
        match self.edition.as_str() {
            "" => self.version.clone(),
            e => format!("{e} {}", self.version),
        }
    }

    fn order(&self) -> (Vec<u64>, String) {
        (version_numbers(&self.version), self.edition.clone())
    }
}

/// "2.45.3-rc1" -> [2, 45, 3].
pub fn version_numbers(v: &str) -> Vec<u64> {
    v.trim_start_matches('v')
        .split('.')
        .map_while(|part| {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            digits.parse().ok()
        })
        .collect()
}

/// Parses the Portainer documents, merges `others` (Docker's) into each, and
/// orders them oldest first (CE before EE at the same version).
pub fn parse(portainer: &[&str], others: &[&str]) -> Result<Vec<Description>, String> {
    let mut out = vec![];
    for text in portainer {
        let mut spec = Spec::parse(text)?;
        for other in others {
            spec.merge(Spec::parse(other)?)?;
        }
        let title = spec
            .doc
            .pointer("/info/title")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let edition = ["EE", "CE"]
            .into_iter()
            .find(|e| title.contains(e))
            .unwrap_or_default()
            .to_string();
        let version = spec.version().to_string();
        out.push(Description {
            edition,
            version,
            spec,
        });
    }
    if out.is_empty() {
        return Err("spec/ holds no Portainer description (portainer-*.json)".into());
    }
    out.sort_by_key(Description::order);
    for pair in out.windows(2) {
        if pair[0].label() == pair[1].label() {
            return Err(format!(
                "spec/ holds two descriptions of Portainer {}",
                pair[0].label()
            ));
        }
    }
    Ok(out)
}

/// The newest description, plus every operation only older ones have (with
/// the schemas it reaches), so that one client can call every route of
/// every description. Where an older schema differs from the newest one's
/// of the same name, it is copied under a name suffixed with its version.
pub fn union(descriptions: &[Description]) -> Result<Spec, String> {
    let newest = descriptions.last().ok_or("no description")?;
    let mut doc = newest.spec.doc.clone();
    for older in descriptions.iter().rev().skip(1) {
        let suffix = format!("_{}", older.label().replace([' ', '.'], "_").to_lowercase());
        let (ids, routes) = index(&doc);
        for (path, method, op) in operations(&older.spec.doc) {
            let id = op["operationId"].as_str().unwrap_or_default();
            if ids.contains(id) || routes.contains(&route_key(&method, &path)) {
                continue;
            }
            let mut op = op.clone();
            let renames = copy_schemas(&older.spec.doc, &mut doc, &op, &suffix)?;
            rename_refs(&mut op, &renames);
            let item = doc["paths"]
                .as_object_mut()
                .ok_or("spec has no paths")?
                .entry(path)
                .or_insert_with(|| Value::Object(Map::new()));
            item[method.as_str()] = op;
        }
    }
    Ok(Spec { doc })
}

fn operations(doc: &Value) -> Vec<(String, String, Value)> {
    let mut out = vec![];
    for (path, item) in doc["paths"].as_object().into_iter().flatten() {
        for (method, op) in item.as_object().into_iter().flatten() {
            if op.get("operationId").is_some() {
                out.push((path.clone(), method.clone(), op.clone()));
            }
        }
    }
    out
}

fn index(doc: &Value) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut ids = BTreeSet::new();
    let mut routes = BTreeSet::new();
    for (path, method, op) in operations(doc) {
        ids.insert(op["operationId"].as_str().unwrap_or_default().to_string());
        routes.insert(route_key(&method, &path));
    }
    (ids, routes)
}

const SCHEMAS: &str = "#/components/schemas/";

/// Copies the schemas `op` reaches in `from` into `to`; returns the ones
/// copied under a new name. A schema counts as different when its text
/// differs or it reaches one that does.
fn copy_schemas(
    from: &Value,
    to: &mut Value,
    op: &Value,
    suffix: &str,
) -> Result<BTreeMap<String, String>, String> {
    let mut reached = BTreeSet::new();
    let mut queue = refs(op);
    while let Some(name) = queue.pop() {
        if reached.insert(name.clone()) {
            if let Some(s) = from.pointer(&format!("/components/schemas/{name}")) {
                queue.extend(refs(s));
            }
        }
    }
    let theirs = |n: &str| from.pointer(&format!("/components/schemas/{n}")).cloned();
    let ours = |to: &Value, n: &str| to.pointer(&format!("/components/schemas/{n}")).cloned();
    let mut differs: BTreeSet<String> = reached
        .iter()
        .filter(|n| ours(to, n).is_some_and(|o| Some(o) != theirs(n)))
        .cloned()
        .collect();
    loop {
        let more: Vec<String> = reached
            .iter()
            .filter(|n| !differs.contains(*n))
            .filter(|n| theirs(n).is_some_and(|s| refs(&s).iter().any(|r| differs.contains(r))))
            .cloned()
            .collect();
        if more.is_empty() {
            break;
        }
        differs.extend(more);
    }
    let renames: BTreeMap<String, String> = differs
        .iter()
        .filter(|n| ours(to, n).is_some())
        .map(|n| (n.clone(), format!("{n}{suffix}")))
        .collect();
    let schemas = to
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .ok_or("spec has no components.schemas")?;
    for name in &reached {
        let Some(mut s) = theirs(name) else { continue };
        let target = renames.get(name).unwrap_or(name);
        if !schemas.contains_key(target) {
            rename_refs(&mut s, &renames);
            schemas.insert(target.clone(), s);
        }
    }
    Ok(renames)
}

fn refs(v: &Value) -> Vec<String> {
    let mut out = vec![];
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(o) => {
                if let Some(name) = o
                    .get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| r.strip_prefix(SCHEMAS))
                {
                    out.push(name.to_string());
                }
                stack.extend(o.values());
            }
            Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    out
}

fn rename_refs(v: &mut Value, renames: &BTreeMap<String, String>) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                if let Some(new) = r.strip_prefix(SCHEMAS).and_then(|n| renames.get(n)) {
                    *r = format!("{SCHEMAS}{new}");
                }
            }
            o.values_mut().for_each(|c| rename_refs(c, renames));
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rename_refs(c, renames)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(title: &str, version: &str, paths: Value, schemas: Value) -> String {
        json!({"openapi": "3.0.3", "info": {"title": title, "version": version},
               "paths": paths, "components": {"schemas": schemas}})
        .to_string()
    }

    #[test]
    fn orders_by_version_then_edition() {
        let a = doc("PortainerEE API", "2.45.3", json!({}), json!({}));
        let b = doc("PortainerCE API", "2.39.0", json!({}), json!({}));
        let c = doc("PortainerCE API", "2.45.3", json!({}), json!({}));
        let d = parse(&[&a, &b, &c], &[]).unwrap();
        let labels: Vec<String> = d.iter().map(Description::label).collect();
        assert_eq!(labels, ["CE 2.39.0", "CE 2.45.3", "EE 2.45.3"]);
        assert!(parse(&[&a, &a], &[]).is_err_and(|e| e.contains("two descriptions")));
    }

    #[test]
    fn union_keeps_the_newest_and_adds_older_routes_with_their_own_schemas() {
        let thing =
            |field: &str| json!({"type": "object", "properties": {field: {"type": "string"}}});
        let get = |id: &str| json!({"get": {"operationId": id, "responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}});
        let old = doc(
            "PortainerCE API",
            "2.39.0",
            json!({"/things/{id}": get("ThingInspect"), "/old": get("OldThing")}),
            json!({"Thing": thing("a")}),
        );
        let new = doc(
            "PortainerEE API",
            "2.45.3",
            json!({"/things/{thingId}": get("ThingGet")}),
            json!({"Thing": thing("b")}),
        );
        let d = parse(&[&old, &new], &[]).unwrap();
        let u = union(&d).unwrap();
        // Same route under another name: the newest's id and path win.
        assert!(u.operation("ThingGet").is_some());
        assert!(u.operation("ThingInspect").is_none());
        // A route only the older one has comes with its own Thing.
        let r = &u.doc["paths"]["/old"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"]["$ref"];
        assert_eq!(r, "#/components/schemas/Thing_ce_2_39_0");
        assert_eq!(
            u.doc["components"]["schemas"]["Thing_ce_2_39_0"],
            thing("a")
        );
        assert_eq!(u.doc["components"]["schemas"]["Thing"], thing("b"));
    }

    #[test]
    fn reads_version_numbers() {
        assert_eq!(version_numbers("2.45.3-rc1"), vec![2, 45, 3]);
        assert_eq!(version_numbers("v2.39"), vec![2, 39]);
        assert!(version_numbers("latest").is_empty());
    }
}
