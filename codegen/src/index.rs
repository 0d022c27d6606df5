//! The operation index: every operation of every description in spec/, as
//! a compact static table the discovery tools (api_find, api_describe,
//! api_call) read. Structure only: ids, routes, families, argument schemas
//! and result shapes; no upstream prose. Arguments carry our own words
//! where we have them: tools.toml's [[note]] entries and the parameter
//! descriptions of the curated tools built on an operation.

use crate::catalogue::Catalogue;
use crate::descriptions::Description;
use crate::schema;
use crate::spec::{plain, Operation, Spec};
use proc_macro2::TokenStream;
use quote::quote;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Every operation id of `union`, in path order.
fn all_ids(union: &Spec) -> Vec<String> {
    let mut ids = vec![];
    for item in union.doc["paths"]
        .as_object()
        .into_iter()
        .flat_map(|p| p.values())
    {
        for op in item.as_object().into_iter().flat_map(|m| m.values()) {
            if let Some(id) = op["operationId"].as_str() {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

/// Checks the deny list: every id must be an operation of spec/.
pub fn check_deny(cat: &Catalogue, union: &Spec) -> Result<(), Vec<String>> {
    let known: BTreeSet<String> = all_ids(union).into_iter().collect();
    let mut errors = vec![];
    let mut seen = BTreeSet::new();
    for d in &cat.deny {
        if !known.contains(&d.operation) {
            errors.push(format!(
                "tools.toml: [[deny]] `{}` is in no description in spec/",
                d.operation
            ));
        }
        if d.reason.trim().is_empty() {
            errors.push(format!(
                "tools.toml: [[deny]] `{}` needs a reason",
                d.operation
            ));
        }
        if !seen.insert(d.operation.to_ascii_lowercase()) {
            errors.push(format!(
                "tools.toml: [[deny]] `{}` is listed twice",
                d.operation
            ));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Longest argument description the index holds: notes are held to it,
/// curated tools' descriptions cut at it.
pub const NOTE_CHARS: usize = 240;

/// Checks tools.toml's [[note]] entries: each names an argument of an
/// operation of spec/, once, in a few words.
pub fn check_notes(cat: &Catalogue, union: &Spec) -> Result<(), Vec<String>> {
    let mut errors = vec![];
    let mut seen = BTreeSet::new();
    for n in &cat.note {
        let at = format!("tools.toml: [[note]] `{}` `{}`", n.operation, n.field);
        let Some(op) = union.operation(&n.operation) else {
            errors.push(format!("{at}: no description in spec/ has this operation"));
            continue;
        };
        if !describe(&mut input_schema(union, &op), &n.field, "x") {
            errors.push(format!(
                "{at}: the operation has no such argument (a parameter's name, or body.NAME)"
            ));
        }
        let len = n.text.trim().chars().count();
        if len == 0 || len > NOTE_CHARS {
            errors.push(format!(
                "{at}: text must be 1 to {NOTE_CHARS} characters, not {len}"
            ));
        }
        if !seen.insert((n.operation.as_str(), n.field.as_str())) {
            errors.push(format!("{at}: listed twice"));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// Our words on each operation's arguments, by operation id: the notes
/// first (they win), then the curated tools' parameter descriptions (`?NAME`:
/// a parameter or a body field). A parameter the tool encodes for the model
/// (`json`) is described for the tool, not for the raw call, so it is left.
fn words_on(cat: &Catalogue) -> BTreeMap<&str, Vec<(String, &str)>> {
    let mut out: BTreeMap<&str, Vec<(String, &str)>> = BTreeMap::new();
    for n in &cat.note {
        out.entry(n.operation.as_str())
            .or_default()
            .push((n.field.clone(), n.text.trim()));
    }
    for t in &cat.tools {
        for (_, id) in t.operation_ids() {
            for (p, o) in &t.params {
                if let (Some(d), false) = (&o.description, o.json) {
                    out.entry(id).or_default().push((format!("?{p}"), d.trim()));
                }
            }
        }
    }
    out
}

/// Gives `field` of a call's argument schema `text` as its description,
/// unless it has one; whether the field is there. `?NAME` is a parameter
/// or else a body field, `body.NAME` a body field, `NAME` a parameter.
fn describe(input: &mut Value, field: &str, text: &str) -> bool {
    let esc = |n: &str| n.replace('~', "~0").replace('/', "~1");
    let pointers = if let Some(name) = field.strip_prefix('?') {
        vec![
            format!("/properties/{}", esc(name)),
            format!("/properties/body/properties/{}", esc(name)),
        ]
    } else if let Some(name) = field.strip_prefix("body.") {
        vec![format!("/properties/body/properties/{}", esc(name))]
    } else {
        vec![format!("/properties/{}", esc(field))]
    };
    for p in pointers {
        if let Some(Value::Object(s)) = input.pointer_mut(&p) {
            s.entry("description").or_insert_with(|| json!(cut(text)));
            return true;
        }
    }
    false
}

/// `text` within NOTE_CHARS, cut at a character.
fn cut(text: &str) -> String {
    if text.chars().count() <= NOTE_CHARS {
        return text.to_string();
    }
    let kept: String = text.chars().take(NOTE_CHARS - 1).collect();
    format!("{kept}…")
}

/// The index as Rust source: `OPERATIONS`, sorted by id.
pub fn generate(cat: &Catalogue, union: &Spec, descriptions: &[Description]) -> TokenStream {
    let mut curated: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for t in &cat.tools {
        for (_, id) in t.operation_ids() {
            curated.entry(id).or_default().push(&t.name);
        }
        for id in &t.uses {
            curated.entry(id.as_str()).or_default().push(&t.name);
        }
    }
    let denied: BTreeMap<&str, &str> = cat
        .deny
        .iter()
        .map(|d| (d.operation.as_str(), d.reason.trim()))
        .collect();
    let said = words_on(cat);
    let mut ids = all_ids(union);
    ids.sort_by_key(|id| id.to_ascii_lowercase());
    let rows = ids.iter().filter_map(|id| {
        let op = union.operation(id)?;
        let route = op.route();
        let there: Vec<Option<Operation>> = descriptions
            .iter()
            .map(|d| d.spec.operation_at(&route))
            .collect();
        let bits = |lacks: &dyn Fn(&Operation) -> bool| {
            there
                .iter()
                .enumerate()
                .filter(|(_, o)| o.as_ref().is_none_or(lacks))
                .fold(0u32, |acc, (i, _)| acc | (1 << i))
        };
        let missing_in = bits(&|_| false);
        let method = op.method.to_uppercase();
        let path = &op.path;
        let family = family(union, &op);
        let params = op.params.iter().map(|p| {
            let (name, wire) = (plain(&p.name), &p.name);
            let path_param = p.location == "path";
            let required = p.required;
            // Where the route exists but this parameter does not (a later
            // version added it): those bits beyond the route's own.
            let lacking = bits(&|o: &Operation| !o.params.iter().any(|q| q.name == p.name)) & !missing_in;
            quote!(ParamDef { name: #name, wire: #wire, in_path: #path_param, required: #required, missing_in: #lacking })
        });
        let body = op.body.is_some();
        let mut input = input_schema(union, &op);
        let ours = said.get(id.as_str()).map(Vec::as_slice).unwrap_or_default();
        for (field, text) in ours {
            describe(&mut input, field, text);
        }
        // The words api_find also ranks by, from every description shown.
        let words: Vec<&str> = ours.iter().map(|(_, t)| *t).collect();
        let words = words.join(" ");
        // The body's own field names: api_find matches them too (a stack's
        // webhook is a field of StackUpdate, in no id or path).
        let fields: Vec<&str> = input
            .pointer("/properties/body/properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let fields = quote!(&[#(#fields),*]);
        let input = input.to_string();
        let result = result_shape(union, &op);
        let tools = curated.get(id.as_str()).cloned().unwrap_or_default();
        let deny = match denied.get(id.as_str()) {
            Some(r) => quote!(Some(#r)),
            None => quote!(None),
        };
        Some(quote! {
            OperationDef {
                id: #id, method: #method, path: #path, family: #family,
                params: &[#(#params),*], body: #body, fields: #fields, words: #words, input: #input, result: #result,
                missing_in: #missing_in, curated: &[#(#tools),*], denied: #deny,
            }
        })
    });
    quote! {
        use crate::tools::operations::{OperationDef, ParamDef};

        /// Every operation of spec/ (all descriptions), by id.
        pub static OPERATIONS: &[OperationDef] = &[#(#rows),*];
    }
}

/// The operation's tag; Docker's routes say `docker` before theirs.
fn family(union: &Spec, op: &Operation) -> String {
    let tag = union
        .doc
        .pointer(&format!(
            "/paths/{}/{}/tags/0",
            op.path.replace('~', "~0").replace('/', "~1"),
            op.method
        ))
        .and_then(Value::as_str)
        .unwrap_or("other")
        .to_ascii_lowercase();
    if op.path.starts_with("/endpoints/{environmentId}/docker/") {
        format!("docker {tag}")
    } else {
        tag
    }
}

/// The arguments of a call: path and query parameters by name, the request
/// body as `body`; references inlined, a few levels deep.
pub fn input_schema(spec: &Spec, op: &Operation) -> Value {
    let mut props = Map::new();
    let mut required = vec![];
    for p in &op.params {
        let name = plain(&p.name).to_string();
        let mut s = schema::inline_input(spec, &p.schema);
        if p.location == "path" && s.get("type") == Some(&json!("integer")) {
            s["minimum"] = json!(1);
        }
        if p.required {
            required.push(Value::String(name.clone()));
        }
        props.insert(name, s);
    }
    if let Some(body) = &op.body {
        props.insert("body".into(), schema::inline_input(spec, body));
        if op.body_required {
            required.push(json!("body"));
        }
    }
    schema::object_schema(props, required)
}

/// What a successful call returns, in a few words: "object {Id, Name, …}".
pub fn result_shape(spec: &Spec, op: &Operation) -> String {
    let Some(success) = &op.success else {
        return "no JSON body (status only, or text)".into();
    };
    let s = spec.resolve(success);
    let fields = |s: &Value| -> String {
        let names: Vec<&String> = s
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().collect())
            .unwrap_or_default();
        match names.len() {
            0 => String::new(),
            n if n > 12 => {
                let shown: Vec<&str> = names[..12].iter().map(|s| s.as_str()).collect();
                format!(" {{{}, … {} more}}", shown.join(", "), n - 12)
            }
            _ => {
                let shown: Vec<&str> = names.iter().map(|s| s.as_str()).collect();
                format!(" {{{}}}", shown.join(", "))
            }
        }
    };
    match s.get("type").and_then(Value::as_str) {
        Some("array") => {
            let item = spec.resolve(s.get("items").unwrap_or(&Value::Null));
            let kind = item.get("type").and_then(Value::as_str).unwrap_or("value");
            format!("array of {kind}{}", fields(&item))
        }
        Some(t) => format!("{t}{}", fields(&s)),
        None => "JSON".into(),
    }
}
