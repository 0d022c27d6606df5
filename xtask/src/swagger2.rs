//! Swagger 2.0 to OpenAPI 3.0, enough for the Docker Engine API description,
//! and the step that mounts it under Portainer's Docker passthrough.

use serde_json::{json, Map, Value};

/// Prefix of Docker schema names and operationIds once merged with
/// Portainer's document (keeps the two name spaces apart).
pub const SCHEMA_PREFIX: &str = "docker.";
pub const OPERATION_PREFIX: &str = "Docker";

pub fn to_openapi3(doc: &Value) -> Result<Value, String> {
    if doc.get("swagger").and_then(Value::as_str) != Some("2.0") {
        return Err("not a Swagger 2.0 description (no `swagger: \"2.0\"`)".into());
    }
    let global_consumes = strings(doc.get("consumes"));
    let global_produces = strings(doc.get("produces"));
    let mut paths = Map::new();
    for (path, item) in doc["paths"].as_object().ok_or("no paths")? {
        let mut out_item = Map::new();
        for (method, op) in item
            .as_object()
            .ok_or_else(|| format!("path {path} is not an object"))?
        {
            if method == "parameters" {
                // Shared parameters stay shared; the importer merges them in.
                let list: Vec<Value> = op
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(convert_param)
                    .collect();
                out_item.insert(method.clone(), Value::Array(list));
                continue;
            }
            let consumes = strings(op.get("consumes"))
                .or(global_consumes.clone())
                .unwrap_or_default();
            let produces = strings(op.get("produces"))
                .or(global_produces.clone())
                .unwrap_or_default();
            out_item.insert(method.clone(), convert_operation(op, &consumes, &produces));
        }
        paths.insert(path.clone(), Value::Object(out_item));
    }
    let mut out = json!({
        "openapi": "3.0.3",
        "info": doc["info"].clone(),
        "paths": paths,
        "components": {"schemas": doc.get("definitions").cloned().unwrap_or_else(|| json!({}))},
    });
    rewrite_refs(&mut out);
    Ok(out)
}

fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v.and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect()
    })
}

/// The media type to use out of a consumes/produces list.
fn pick_media(list: &[String]) -> String {
    if list.is_empty() || list.iter().any(|m| m == "application/json") {
        "application/json".into()
    } else {
        list[0].clone()
    }
}

fn convert_operation(op: &Value, consumes: &[String], produces: &[String]) -> Value {
    let mut out = op.as_object().cloned().unwrap_or_default();
    out.remove("consumes");
    out.remove("produces");
    let mut params = vec![];
    let mut form = Map::new();
    let mut form_required = vec![];
    for p in op["parameters"].as_array().into_iter().flatten() {
        match p["in"].as_str() {
            Some("body") => {
                let mut body =
                    json!({"content": {pick_media(consumes): {"schema": p["schema"].clone()}}});
                if p["required"] == json!(true) {
                    body["required"] = json!(true);
                }
                out.insert("requestBody".into(), body);
            }
            Some("formData") => {
                let name = p["name"].as_str().unwrap_or_default().to_string();
                if p["required"] == json!(true) {
                    form_required.push(json!(name));
                }
                form.insert(name, type_schema(p));
            }
            _ => {
                if let Some(c) = convert_param(p) {
                    params.push(c);
                }
            }
        }
    }
    if !form.is_empty() {
        let media = if form.values().any(|s| s["format"] == "binary") {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        out.insert(
            "requestBody".into(),
            json!({"content": {media: {"schema": {"type": "object", "properties": form, "required": form_required}}}}),
        );
    }
    out.insert("parameters".into(), Value::Array(params));
    let mut responses = Map::new();
    for (code, r) in op["responses"].as_object().into_iter().flatten() {
        let mut nr = json!({"description": ""});
        if let Some(schema) = r.get("schema") {
            let binary = schema["format"] == "binary" || schema["type"] == "file";
            let media = if binary {
                "application/octet-stream".to_string()
            } else if code.starts_with('2') {
                pick_media(produces)
            } else {
                // Docker's errors are JSON whatever the success body is.
                "application/json".to_string()
            };
            let schema = if schema["type"] == "file" {
                json!({"type": "string", "format": "binary"})
            } else {
                schema.clone()
            };
            nr["content"] = json!({media: {"schema": schema}});
        }
        responses.insert(code.clone(), nr);
    }
    out.insert("responses".into(), Value::Object(responses));
    Value::Object(out)
}

/// A query, path or header parameter: type fields move into `schema`.
fn convert_param(p: &Value) -> Option<Value> {
    let location = p["in"].as_str()?;
    if !matches!(location, "query" | "path" | "header") {
        return None;
    }
    let mut out = json!({"name": p["name"], "in": location, "schema": type_schema(p)});
    if p["required"] == json!(true) || location == "path" {
        out["required"] = json!(true);
    }
    Some(out)
}

fn type_schema(p: &Value) -> Value {
    let mut s = Map::new();
    for k in [
        "type", "format", "items", "default", "enum", "minimum", "maximum",
    ] {
        if let Some(v) = p.get(k) {
            s.insert(k.into(), v.clone());
        }
    }
    if s.get("type") == Some(&json!("file")) {
        s.insert("type".into(), json!("string"));
        s.insert("format".into(), json!("binary"));
    }
    Value::Object(s)
}

fn rewrite_refs(v: &mut Value) {
    match v {
        Value::Object(o) => {
            if let Some(Value::String(r)) = o.get_mut("$ref") {
                if let Some(name) = r.strip_prefix("#/definitions/") {
                    *r = format!("#/components/schemas/{SCHEMA_PREFIX}{name}");
                }
            }
            o.values_mut().for_each(rewrite_refs);
        }
        Value::Array(a) => a.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}

/// Moves every Docker path under /endpoints/{environmentId}/docker, where
/// Portainer relays it to the environment's engine, and prefixes names.
pub fn mount_under_passthrough(doc: &mut Value) {
    if let Some(schemas) = doc
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    {
        let renamed: Map<String, Value> = std::mem::take(schemas)
            .into_iter()
            .map(|(k, v)| (format!("{SCHEMA_PREFIX}{k}"), v))
            .collect();
        *schemas = renamed;
    }
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    let env_param = json!({"name": "environmentId", "in": "path", "required": true, "schema": {"type": "integer"}});
    let mounted: Map<String, Value> = std::mem::take(paths)
        .into_iter()
        .map(|(path, mut item)| {
            for op in item
                .as_object_mut()
                .into_iter()
                .flat_map(|o| o.values_mut())
            {
                let Some(op) = op.as_object_mut() else {
                    continue;
                };
                if let Some(Value::String(id)) = op.get_mut("operationId") {
                    *id = format!("{OPERATION_PREFIX}{id}");
                }
                let params = op.entry("parameters").or_insert_with(|| json!([]));
                if let Value::Array(list) = params {
                    list.insert(0, env_param.clone());
                }
            }
            (format!("/endpoints/{{environmentId}}/docker{path}"), item)
        })
        .collect();
    *paths = mounted;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_mounts() {
        let doc = json!({
            "swagger": "2.0", "info": {"title": "Docker Engine API", "version": "1.41"},
            "produces": ["application/json", "text/plain"], "consumes": ["application/json", "text/plain"],
            "definitions": {"Port": {"type": "object", "properties": {"PrivatePort": {"type": "integer"}}}},
            "paths": {
                "/containers/{id}/logs": {"get": {
                    "operationId": "ContainerLogs", "produces": ["application/vnd.docker.raw-stream"],
                    "parameters": [
                        {"name": "id", "in": "path", "type": "string", "required": true},
                        {"name": "tail", "in": "query", "type": "string", "default": "all"},
                        {"name": "X-Registry-Auth", "in": "header", "type": "string"}
                    ],
                    "responses": {"200": {"description": "logs", "schema": {"type": "string", "format": "binary"}},
                                  "404": {"description": "no such container", "schema": {"$ref": "#/definitions/Port"}}}
                }},
                "/containers/create": {"post": {
                    "operationId": "ContainerCreate",
                    "parameters": [{"name": "body", "in": "body", "required": true, "schema": {"$ref": "#/definitions/Port"}}],
                    "responses": {"201": {"description": "ok", "schema": {"type": "object"}}}
                }}
            }
        });
        let mut out = to_openapi3(&doc).unwrap();
        mount_under_passthrough(&mut out);
        let logs = &out["paths"]["/endpoints/{environmentId}/docker/containers/{id}/logs"]["get"];
        assert_eq!(logs["operationId"], "DockerContainerLogs");
        assert_eq!(logs["parameters"][0]["name"], "environmentId");
        assert_eq!(
            logs["parameters"][2],
            json!({"name": "tail", "in": "query", "schema": {"type": "string", "default": "all"}})
        );
        assert!(logs["responses"]["200"]["content"]["application/octet-stream"].is_object());
        assert_eq!(
            logs["responses"]["404"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/docker.Port"
        );
        let create = &out["paths"]["/endpoints/{environmentId}/docker/containers/create"]["post"];
        assert_eq!(create["requestBody"]["required"], true);
        assert!(create["requestBody"]["content"]["application/json"]["schema"]["$ref"].is_string());
        assert!(out["components"]["schemas"]["docker.Port"].is_object());
    }
}
