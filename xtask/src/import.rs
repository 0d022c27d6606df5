//! Spec importer: turns an upstream Portainer OpenAPI 3.0 description into
//! the project's own structural documents (spec/portainer-*.json, spec/docker.json).
//!
//! Only structure survives: paths, operations, parameters, bodies, responses
//! and schemas. Prose (descriptions, summaries, examples, titles) is dropped,
//! and a fixed set of mechanical fix-ups makes the result acceptable to
//! progenitor and tolerant of what real Portainer servers send.

use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Name under which Portainer's error body is declared on every 4xx/5xx.
pub const ERROR_SCHEMA: &str = "PortainerError";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Keys that carry prose or values that break generation; dropped wherever a
/// spec node (not a name map) has them.
const DROPPED_KEYS: [&str; 9] = [
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "title",
    "tags",
    // Closed enums reject values newer servers add, and the allOf+enum
    // pattern makes duplicate type definitions in typify.
    "enum",
    // Patterns pull in a regex engine for no benefit to a client.
    "pattern",
];

/// Keys whose object value maps names (property names, media types, status
/// codes...) to nodes: the names themselves are data and must survive.
const NAME_MAPS: [&str; 12] = [
    "properties",
    "paths",
    "schemas",
    "responses",
    "content",
    "headers",
    "securitySchemes",
    "requestBodies",
    "parameters",
    "encoding",
    "variables",
    "links",
];

/// What the importer did, for the record beside the document (.SOURCE.toml).
#[derive(Debug, Default)]
pub struct Report {
    pub version: String,
    /// "CE", "EE", or "" when the title names neither.
    pub edition: String,
    pub operations_in: usize,
    pub operations_kept: usize,
    /// operationId -> why it was left out.
    pub skipped: BTreeMap<String, String>,
    /// (route, operationId) of operations upstream left unnamed.
    pub named: Vec<(String, String)>,
}

/// Parses upstream YAML (or JSON) into a JSON value.
pub fn parse_upstream(text: &str) -> Result<Value, String> {
    let text = tame_huge_integers(text);
    let mut y: serde_yaml::Value = serde_yaml::from_str(&text)
        .map_err(|e| format!("cannot parse upstream description: {e}"))?;
    // Enums are dropped anyway, and some hold numbers outside i64 (CE's
    // time.Duration bounds, rounded by JavaScript) that JSON values refuse.
    drop_enums(&mut y);
    serde_json::to_value(y).map_err(|e| format!("cannot convert upstream description: {e}"))
}

/// CE 2.39's `time.Duration` enum lists +-9223372036854776000 (i64 bounds
/// rounded by JavaScript), which the YAML parser refuses. Such list items are
/// only ever enum members, which the importer drops, so they become 0 first.
fn tame_huge_integers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let item = line.trim_start().strip_prefix("- ").map(str::trim);
        let huge = item.is_some_and(|n| {
            let digits = n.strip_prefix('-').unwrap_or(n);
            digits.len() >= 19
                && digits.bytes().all(|b| b.is_ascii_digit())
                && n.parse::<i64>().is_err()
        });
        if huge {
            let indent = line.len() - line.trim_start().len();
            out.push_str(&line[..indent]);
            out.push_str("- 0");
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

fn drop_enums(v: &mut serde_yaml::Value) {
    match v {
        serde_yaml::Value::Mapping(m) => {
            if matches!(m.get("enum"), Some(serde_yaml::Value::Sequence(_))) {
                m.remove("enum");
            }
            m.values_mut().for_each(drop_enums);
        }
        serde_yaml::Value::Sequence(s) => s.iter_mut().for_each(drop_enums),
        _ => {}
    }
}

/// Portainer's edition, as its description's title names it.
pub fn edition_of(upstream: &Value) -> String {
    let title = upstream
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or_default();
    ["EE", "CE"]
        .into_iter()
        .find(|e| title.contains(e))
        .unwrap_or_default()
        .to_string()
}

/// Operation ids that other descriptions in spec/ give to a route, keyed by
/// [`route_key`]: an operation upstream left unnamed takes the id the same
/// route has elsewhere, so that one tool finds it in every edition.
pub type KnownIds = BTreeMap<String, String>;

pub use codegen::spec::route_key;

/// Runs every fix-up. `bracket_arrays`: the API reads array query parameters
/// as repeated `name[]` (Portainer's handlers do; Docker's do not).
pub fn import(
    upstream: &Value,
    bracket_arrays: bool,
    known: &KnownIds,
) -> Result<(Value, Report), String> {
    let openapi = upstream
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or("upstream description has no `openapi` version field")?;
    if !openapi.starts_with("3.0") {
        return Err(format!(
            "upstream description is OpenAPI {openapi}; the importer reads 3.0.x only"
        ));
    }
    let version = upstream
        .pointer("/info/version")
        .and_then(Value::as_str)
        .ok_or("upstream description has no info.version")?
        .to_string();
    let title = upstream
        .pointer("/info/title")
        .and_then(Value::as_str)
        .unwrap_or("Portainer API")
        .to_string();

    let mut report = Report {
        version: version.clone(),
        edition: edition_of(upstream),
        ..Report::default()
    };

    let mut components = upstream
        .get("components")
        .cloned()
        .unwrap_or_else(|| json!({}));
    strip_node(&mut components);
    let components = components
        .as_object_mut()
        .ok_or("components is not an object")?;
    components.remove("securitySchemes");
    let schemas = components
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or("components.schemas is not an object")?;
    schemas.insert(
        ERROR_SCHEMA.to_string(),
        json!({"type": "object", "properties": {
            "message": {"type": "string"},
            "details": {"type": "string"}
        }}),
    );
    let components = Value::Object(components.clone());

    let mut paths = Map::new();
    let mut used_ids = BTreeSet::new();
    let upstream_paths = upstream
        .get("paths")
        .and_then(Value::as_object)
        .ok_or("upstream description has no paths")?;
    // Ids first, so that made-up ids cannot take a name a later path uses.
    for item in upstream_paths.values() {
        for m in METHODS {
            if let Some(id) = item
                .pointer(&format!("/{m}/operationId"))
                .and_then(Value::as_str)
            {
                used_ids.insert(id.to_string());
            }
        }
    }
    for (path, item) in upstream_paths {
        let item = item
            .as_object()
            .ok_or_else(|| format!("path {path} is not an object"))?;
        let shared_params = item.get("parameters").cloned();
        let mut out_item = Map::new();
        for m in METHODS {
            let Some(op) = item.get(m) else { continue };
            report.operations_in += 1;
            let mut op = op.clone();
            let op_obj = op
                .as_object_mut()
                .ok_or_else(|| format!("{m} {path} is not an object"))?;
            if !op_obj.contains_key("operationId") {
                let id = match known.get(&route_key(m, path)) {
                    Some(id) if !used_ids.contains(id) => id.clone(),
                    _ => made_up_id(m, path, &used_ids),
                };
                used_ids.insert(id.clone());
                report.named.push((route_key(m, path), id.clone()));
                op_obj.insert("operationId".into(), Value::String(id));
            }
            let id = op_obj["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if let Some(Value::Array(shared)) = &shared_params {
                merge_shared_params(op_obj, shared);
            }
            // An operation's tags name its family (the operation index groups
            // by them); they are names, not prose, unlike the top-level list.
            let tags = op.get("tags").cloned();
            strip_node(&mut op);
            if let Some(Value::Array(tags)) = tags {
                let names: Vec<Value> = tags.into_iter().filter(Value::is_string).collect();
                if !names.is_empty() {
                    op["tags"] = Value::Array(names);
                }
            }
            match fix_operation(&mut op, path, &components, bracket_arrays) {
                Ok(()) => {
                    report.operations_kept += 1;
                    out_item.insert(m.to_string(), op);
                }
                Err(why) => {
                    report.skipped.insert(id, why);
                }
            }
        }
        if !out_item.is_empty() {
            paths.insert(path.clone(), Value::Object(out_item));
        }
    }

    let mut doc = json!({
        "openapi": "3.0.3",
        "info": {"title": title, "version": version},
        "servers": [{"url": "/api"}],
        "paths": paths,
        "components": components,
    });
    sort_keys(&mut doc);
    Ok((doc, report))
}

/// Drops prose and generation-breaking keys, marks lists and maps nullable.
fn strip_node(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            obj.retain(|k, _| !DROPPED_KEYS.contains(&k.as_str()) && !k.starts_with("x-"));
            if let Some(Value::String(f)) = obj.get("format") {
                if !matches!(
                    f.as_str(),
                    "int32" | "int64" | "float" | "double" | "binary"
                ) {
                    obj.remove("format");
                }
            }
            // Go encodes empty slices and maps as null; a plain Vec or map
            // field would reject a successful response.
            let is_list = obj.get("type").and_then(Value::as_str) == Some("array");
            let is_map = obj.get("type").and_then(Value::as_str) == Some("object")
                && !matches!(
                    obj.get("additionalProperties"),
                    None | Some(Value::Bool(false))
                );
            if is_list || is_map {
                obj.insert("nullable".into(), Value::Bool(true));
            }
            for (k, child) in obj.iter_mut() {
                match (k.as_str(), &mut *child) {
                    // Literal values: their keys are data, not spec fields.
                    ("default", _) => {}
                    (name, Value::Object(map)) if NAME_MAPS.contains(&name) => {
                        for node in map.values_mut() {
                            strip_node(node);
                        }
                    }
                    _ => strip_node(child),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_node),
        _ => {}
    }
}

fn merge_shared_params(op: &mut Map<String, Value>, shared: &[Value]) {
    let params = op
        .entry("parameters")
        .or_insert_with(|| Value::Array(vec![]));
    if let Value::Array(list) = params {
        for p in shared {
            let key = (p.get("name").cloned(), p.get("in").cloned());
            if !list
                .iter()
                .any(|q| (q.get("name").cloned(), q.get("in").cloned()) == key)
            {
                list.push(p.clone());
            }
        }
    }
}

/// Makes one operation acceptable to progenitor; Err(reason) leaves it out.
fn fix_operation(
    op: &mut Value,
    path: &str,
    components: &Value,
    bracket_arrays: bool,
) -> Result<(), String> {
    let op = op.as_object_mut().ok_or("operation is not an object")?;
    op.remove("security");
    fix_parameters(op, path, bracket_arrays);
    fix_request_body(op, components)?;
    fix_responses(op);
    Ok(())
}

fn fix_parameters(op: &mut Map<String, Value>, path: &str, bracket_arrays: bool) {
    let template: Vec<String> = path
        .split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
        .collect();
    let mut params: Vec<Value> = match op.remove("parameters") {
        Some(Value::Array(list)) => list,
        _ => vec![],
    };
    // Header and cookie parameters are the transport's business.
    params.retain(|p| matches!(p.get("in").and_then(Value::as_str), Some("path" | "query")));
    // Path parameters must match the template one to one.
    let mut unmatched_params: Vec<usize> = vec![];
    for (i, p) in params.iter().enumerate() {
        if p["in"] == "path" && !template.iter().any(|t| p["name"] == t.as_str()) {
            unmatched_params.push(i);
        }
    }
    let missing: Vec<&String> = template
        .iter()
        .filter(|t| {
            !params
                .iter()
                .any(|p| p["in"] == "path" && p["name"] == t.as_str())
        })
        .collect();
    for (slot, name) in unmatched_params.iter().zip(missing.iter()) {
        params[*slot]["name"] = Value::String((*name).clone());
    }
    for name in missing.iter().skip(unmatched_params.len()) {
        params.push(json!({"name": name, "in": "path", "schema": {"type": "string"}}));
    }
    let extra: BTreeSet<usize> = unmatched_params.into_iter().skip(missing.len()).collect();
    let mut i = 0;
    params.retain(|_| {
        i += 1;
        !extra.contains(&(i - 1))
    });
    let mut seen = BTreeSet::new();
    params.retain(|p| seen.insert((p["in"].to_string(), p["name"].to_string())));
    for p in params.iter_mut() {
        let obj = p.as_object_mut().expect("parameters are objects");
        if !obj.contains_key("schema") {
            obj.insert("schema".into(), json!({"type": "string"}));
        }
        // Portainer reads array query parameters only as repeated `name[]`
        // (libhttp's RetrieveArrayQueryParameter), whatever style the
        // description declares; progenitor repeats the name as given.
        let is_array = obj
            .get("schema")
            .and_then(|s| s.get("type"))
            .and_then(Value::as_str)
            == Some("array");
        if bracket_arrays && obj.get("in").and_then(Value::as_str) == Some("query") && is_array {
            obj.remove("style");
            obj.remove("explode");
            if let Some(Value::String(name)) = obj.get_mut("name") {
                if !name.ends_with("[]") {
                    name.push_str("[]");
                }
            }
        }
        if obj.get("in").and_then(Value::as_str) == Some("path") {
            obj.insert("required".into(), Value::Bool(true));
        }
    }
    if !params.is_empty() {
        op.insert("parameters".into(), Value::Array(params));
    }
}

fn fix_request_body(op: &mut Map<String, Value>, components: &Value) -> Result<(), String> {
    let Some(body) = op.get_mut("requestBody") else {
        return Ok(());
    };
    if let Some(r) = body.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or_default();
        *body = components
            .pointer(&format!("/requestBodies/{name}"))
            .cloned()
            .ok_or_else(|| format!("request body {r} is not defined"))?;
    }
    let content = body.get_mut("content").and_then(Value::as_object_mut);
    let Some(content) = content.filter(|c| !c.is_empty()) else {
        op.remove("requestBody");
        return Ok(());
    };
    if content.contains_key("application/json") {
        content.retain(|k, _| k == "application/json");
        return Ok(());
    }
    if let Some(form) = content.remove("multipart/form-data") {
        if mentions_binary(&form, components, &mut BTreeSet::new()) {
            return Err("multipart file upload".into());
        }
        content.clear();
        content.insert("application/x-www-form-urlencoded".into(), form);
        return Ok(());
    }
    let kinds: Vec<String> = content.keys().cloned().collect();
    Err(format!("request body media types {kinds:?}"))
}

fn mentions_binary(v: &Value, components: &Value, seen: &mut BTreeSet<String>) -> bool {
    match v {
        Value::Object(obj) => {
            if obj.get("format").and_then(Value::as_str) == Some("binary") {
                return true;
            }
            if let Some(r) = obj.get("$ref").and_then(Value::as_str) {
                let name = r.rsplit('/').next().unwrap_or_default().to_string();
                if seen.insert(name.clone()) {
                    if let Some(s) =
                        components.pointer(&format!("/schemas/{}", pointer_escape(&name)))
                    {
                        return mentions_binary(s, components, seen);
                    }
                }
            }
            obj.values().any(|c| mentions_binary(c, components, seen))
        }
        Value::Array(items) => items.iter().any(|c| mentions_binary(c, components, seen)),
        _ => false,
    }
}

fn pointer_escape(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn fix_responses(op: &mut Map<String, Value>) {
    let responses = op
        .entry("responses")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("responses is an object");
    let success = responses
        .keys()
        .filter(|k| k.starts_with('2'))
        .min()
        .cloned()
        .unwrap_or_else(|| "200".to_string());
    // One success response; 1xx and 3xx (Docker's 304 "already started")
    // are the transport's business, handled in src/portainer/decode.rs.
    responses
        .retain(|k, _| k == &success || k.starts_with('4') || k.starts_with('5') || k == "default");
    let ok = responses
        .entry(success.clone())
        .or_insert_with(|| json!({}));
    if success == "204" {
        // A 204 carries no body whatever the description says.
        if let Some(o) = ok.as_object_mut() {
            o.remove("content");
        }
    } else if let Some(content) = ok.get_mut("content").and_then(Value::as_object_mut) {
        let pick = ["application/json", "*/*", "text/plain"]
            .into_iter()
            .find(|k| content.contains_key(*k))
            .map(str::to_string)
            .or_else(|| content.keys().next().cloned());
        if let Some(pick) = pick {
            let media = content.remove(&pick).unwrap_or_else(|| json!({}));
            content.clear();
            // `*/*` is how Portainer's generator spells JSON; binary bodies
            // (logs, archives) stay bytes.
            let kind = match pick.as_str() {
                "application/json" | "*/*" => "application/json",
                "text/plain" => "text/plain",
                _ => "application/octet-stream",
            };
            content.insert(kind.to_string(), media);
        }
    }
    for (code, r) in responses.iter_mut() {
        if code.starts_with('4') || code.starts_with('5') || code == "default" {
            *r = json!({"description": "", "content": {"application/json": {
                "schema": {"$ref": format!("#/components/schemas/{ERROR_SCHEMA}")}
            }}});
        }
    }
    // OpenAPI requires a description on every response; keep it empty.
    for r in responses.values_mut() {
        if let Some(o) = r.as_object_mut() {
            o.insert("description".into(), Value::String(String::new()));
        }
    }
}

/// `get /endpoints/{id}/docker` -> `getEndpointsIdDocker`, unique.
fn made_up_id(method: &str, path: &str, used: &BTreeSet<String>) -> String {
    let mut id = method.to_string();
    for word in path
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            id.push(first.to_ascii_uppercase());
            id.extend(chars);
        }
    }
    let mut candidate = id.clone();
    let mut n = 2;
    while used.contains(&candidate) {
        candidate = format!("{id}{n}");
        n += 1;
    }
    candidate
}

/// Sorts every object's keys so that output order never depends on serde_json
/// features or upstream ordering.
pub fn sort_keys(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            let mut entries: Vec<(String, Value)> = std::mem::take(obj).into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            for (k, mut child) in entries {
                sort_keys(&mut child);
                obj.insert(k, child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(sort_keys),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upstream() -> Value {
        json!({
            "openapi": "3.0.0",
            "info": {"title": "PortainerEE API", "version": "9.8.7", "description": "prose"},
            "tags": [{"name": "x", "description": "prose"}],
            "paths": {
                "/things/{id}": {
                    "get": {
                        "operationId": "ThingInspect",
                        "summary": "prose",
                        "parameters": [
                            {"name": "thingId", "in": "path", "required": true, "schema": {"type": "integer"}},
                            {"name": "flag", "in": "query", "description": "prose"},
                            {"name": "ids", "in": "query", "style": "form", "explode": false, "schema": {"type": "array", "items": {"type": "integer"}}},
                            {"name": "X-Registry-Auth", "in": "header", "schema": {"type": "string"}}
                        ],
                        "responses": {
                            "200": {"description": "ok", "content": {"*/*": {"schema": {"$ref": "#/components/schemas/thing"}}}},
                            "202": {"description": "other"},
                            "404": {"description": "not found"}
                        }
                    },
                    "post": {
                        "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                        "requestBody": {"content": {"multipart/form-data": {"schema": {
                            "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}},
                        "responses": {"200": {"description": "ok"}}
                    },
                    "put": {
                        "parameters": [{"name": "id", "in": "path", "schema": {"type": "integer"}}],
                        "requestBody": {"content": {"multipart/form-data": {"schema": {
                            "type": "object", "properties": {"name": {"type": "string"}}}}}},
                        "responses": {"204": {"description": "ok", "content": {"application/json": {}}}}
                    }
                }
            },
            "components": {"schemas": {"thing": {
                "type": "object",
                "description": "prose",
                "properties": {
                    "description": {"type": "string", "example": "x"},
                    "Status": {"type": "integer", "enum": [1, 2], "example": 0},
                    "Labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "Names": {"type": "array", "items": {"type": "string"}, "default": {"description": "kept"}}
                }
            }}}
        })
    }

    #[test]
    fn drops_prose_but_keeps_property_names() {
        let (doc, _) = import(&upstream(), true, &KnownIds::new()).unwrap();
        let text = doc.to_string();
        assert!(!text.contains("prose"), "{text}");
        assert!(!text.contains("\"example\""));
        assert!(!text.contains("\"enum\""));
        let props = &doc["components"]["schemas"]["thing"]["properties"];
        assert_eq!(props["description"], json!({"type": "string"}));
        // Literal defaults are values, not spec nodes.
        assert_eq!(props["Names"]["default"], json!({"description": "kept"}));
        assert_eq!(props["Names"]["nullable"], json!(true));
        assert_eq!(props["Labels"]["nullable"], json!(true));
        assert!(doc.get("tags").is_none());
    }

    #[test]
    fn unnamed_operations_take_the_id_their_route_has_elsewhere() {
        let mut known = KnownIds::new();
        // Another edition names the route, with its path parameter spelled otherwise.
        known.insert(route_key("put", "/things/{thingId}"), "ThingUpdate".into());
        let (doc, report) = import(&upstream(), true, &known).unwrap();
        assert_eq!(
            doc["paths"]["/things/{id}"]["put"]["operationId"],
            "ThingUpdate"
        );
        let ids: Vec<&str> = report.named.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, vec!["ThingUpdate", "postThingsId"]);
        assert_eq!(report.named[0].0, "PUT /things/{}");
    }

    #[test]
    fn fixes_operations() {
        let (doc, report) = import(&upstream(), true, &KnownIds::new()).unwrap();
        let get = &doc["paths"]["/things/{id}"]["get"];
        // Path parameter renamed to match the template; header dropped; schema filled in.
        let params = get["parameters"].as_array().unwrap();
        assert_eq!(params.len(), 3);
        assert_eq!(params[0]["name"], "id");
        assert_eq!(params[1]["schema"], json!({"type": "string"}));
        // Arrays go as Portainer reads them: ids[]=1&ids[]=2.
        assert_eq!(params[2]["name"], "ids[]");
        assert!(params[2].get("explode").is_none());
        // One success response, `*/*` as JSON, errors carry Portainer's body.
        assert!(get["responses"].get("202").is_none());
        assert!(get["responses"]["200"]["content"]["application/json"].is_object());
        assert_eq!(
            get["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            format!("#/components/schemas/{ERROR_SCHEMA}")
        );
        // File upload left out; plain multipart becomes a form; 204 has no body.
        assert!(doc["paths"]["/things/{id}"].get("post").is_none());
        assert_eq!(
            report.skipped.get("postThingsId").map(String::as_str),
            Some("multipart file upload")
        );
        let put = &doc["paths"]["/things/{id}"]["put"];
        assert!(put["requestBody"]["content"]["application/x-www-form-urlencoded"].is_object());
        assert!(put["responses"]["204"].get("content").is_none());
        assert_eq!(report.operations_in, 3);
        assert_eq!(report.operations_kept, 2);
        let ids: Vec<&str> = report.named.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, vec!["putThingsId", "postThingsId"]);
        assert_eq!(report.version, "9.8.7");
    }

    #[test]
    fn refuses_other_openapi_versions() {
        let mut u = upstream();
        u["openapi"] = json!("3.1.0");
        assert!(import(&u, true, &KnownIds::new())
            .unwrap_err()
            .contains("3.1.0"));
    }
}

/// Runs the importer on the real upstream descriptions in ../shared/upstream
/// when they are present (they are not part of the repository).
#[cfg(test)]
mod upstream_tests {
    use super::*;
    use std::path::PathBuf;

    fn upstream_file(name: &str) -> Option<Value> {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/upstream")
            .join(name);
        let text = std::fs::read_to_string(&path).ok()?;
        Some(parse_upstream(&text).expect("upstream parses"))
    }

    fn whole_spec_generates(doc: &Value) {
        let tokens =
            codegen::client::generate(doc).expect("progenitor accepts the whole imported spec");
        syn::parse2::<syn::File>(tokens).expect("generated client parses");
    }

    #[test]
    fn ee_imports_deterministically_and_generates() {
        let Some(up) = upstream_file("portainer-ee-2.45.3.openapi.yaml") else {
            eprintln!("../shared/upstream not present; skipped");
            return;
        };
        let (a, report) = import(&up, true, &KnownIds::new()).unwrap();
        let (b, _) = import(&up, true, &KnownIds::new()).unwrap();
        assert_eq!(
            serde_json::to_string_pretty(&a).unwrap(),
            serde_json::to_string_pretty(&b).unwrap()
        );
        assert_eq!(report.operations_in, 472);
        assert!(report.operations_kept >= 460, "{report:?}");
        whole_spec_generates(&a);
    }

    #[test]
    fn docker_imports_and_generates() {
        let Some(up) = upstream_file("docker-engine-api-1.41.swagger.yaml") else {
            eprintln!("../shared/upstream not present; skipped");
            return;
        };
        let mut doc = crate::swagger2::to_openapi3(&up).unwrap();
        crate::swagger2::mount_under_passthrough(&mut doc);
        let (doc, report) = import(&doc, false, &KnownIds::new()).unwrap();
        assert_eq!(report.operations_in, 106);
        assert!(report.operations_kept >= 100, "{report:?}");
        whole_spec_generates(&doc);
    }

    /// Rehearses the version bump: another version and edition.
    #[test]
    fn ce_imports_and_generates() {
        let Some(up) = upstream_file("portainer-ce-2.39.0.openapi.yaml") else {
            eprintln!("../shared/upstream not present; skipped");
            return;
        };
        let (doc, report) = import(&up, true, &KnownIds::new()).unwrap();
        assert_eq!(report.version, "2.39.0");
        assert_eq!(report.operations_in, 237);
        assert!(report.operations_kept >= 228, "{report:?}");
        whole_spec_generates(&doc);
    }
}
