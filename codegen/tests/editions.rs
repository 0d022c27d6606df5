//! One catalogue across several Portainer descriptions: what is missing
//! from some is not an error, what is in none is; the compatibility table
//! and the registry say where each tool and argument exists.

use codegen::generate_editions;
use serde_json::{json, Value};

const SPEC: &str = include_str!("fixtures/spec.json");
const HANDLERS: &[&str] = &[];

/// The fixture as EE 1.2.3, and an older CE 1.1.0 derived from it: no
/// ThingStart, ThingList's `ids[]` of strings and `search` required, and a
/// route of its own (OldThing).
fn descriptions() -> (String, String) {
    let mut ee: Value = serde_json::from_str(SPEC).unwrap();
    ee["info"] = json!({"title": "PortainerEE API", "version": "1.2.3"});
    let mut ce = ee.clone();
    ce["info"] = json!({"title": "PortainerCE API", "version": "1.1.0"});
    let paths = ce["paths"].as_object_mut().unwrap();
    paths.remove("/things/{id}/start");
    for p in paths["/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap()
    {
        if p["name"] == "ids[]" {
            p["schema"] = json!({"type": "array", "items": {"type": "string"}});
        }
        if p["name"] == "search" {
            p["required"] = json!(true);
        }
    }
    paths.insert(
        "/old".into(),
        json!({"get": {"operationId": "OldThing", "responses": {"204": {"description": ""}}}}),
    );
    (ce.to_string(), ee.to_string())
}

fn tool(name: &str, op: &str, method: &str, path: &str, extra: &str) -> String {
    let access = if method == "GET" { "read" } else { "write" };
    format!(
        r#"
[[tool]]
name = "{name}"
operation = "{op}"
access = "{access}"
toolset = "things"
title = "{name}"
description = "{name}."
{extra}
[[tool.example]]
args = '{{}}'
method = "{method}"
path = "{path}"
"#
    )
}

fn catalogue(tools: &[String]) -> String {
    format!(
        "[toolsets.things]\ndefault = true\ndescription = \"Things.\"\n{}",
        tools.concat()
    )
}

fn refused(tools: &[String]) -> String {
    match generate(tools) {
        Ok(_) => panic!("expected the catalogue to be refused"),
        Err(e) => e,
    }
}

fn generate(tools: &[String]) -> Result<codegen::Output, String> {
    let (ce, ee) = descriptions();
    generate_editions(&catalogue(tools), &[&ee, &ce], &[], HANDLERS)
}

#[test]
fn tools_and_arguments_missing_from_some_descriptions_are_tabled() {
    let out = match generate(&[
        tool(
            "thing_list",
            "ThingList",
            "GET",
            "/api/things",
            "[tool.params.search]\nrequired = true\n",
        ),
        tool(
            "thing_start",
            "ThingStart",
            "POST",
            "/api/things/1/start",
            "edition_note = \"Starting things came with 1.2.\"",
        ),
        tool(
            "old_thing",
            "OldThing",
            "GET",
            "/api/old",
            "edition_note = \"Gone in 1.2.\"",
        ),
    ]) {
        Ok(out) => out,
        Err(e) => panic!("missing from some is not an error: {e}"),
    };
    let t = &out.compatibility;
    // Oldest first, whatever order the files came in.
    assert!(
        t.contains("| tool | toolset | CE 1.1.0 | EE 1.2.3 |"),
        "{t}"
    );
    assert!(t.contains("| thing_list | things | ✓ −1 | ✓ |"), "{t}");
    assert!(t.contains("| thing_start | things | — | ✓ |"), "{t}");
    assert!(t.contains("| old_thing | things | ✓ | — |"), "{t}");
    assert!(t.contains("- `thing_start` on CE 1.1.0: no POST /api/things/{id}/start (Starting things came with 1.2.)"), "{t}");
    assert!(
        t.contains("- `thing_list`: `ids`: not in CE 1.1.0 (there: array of string)"),
        "{t}"
    );
    // A route only the older description has is still generated and callable.
    assert!(out.client.contains("pub async fn old_thing"));
    // The registry carries it as bits over DESCRIPTIONS (CE = bit 0).
    let reg = out.registry.replace([' ', '\n'], "").replace(",}", "}");
    assert!(reg.contains(r#"DESCRIPTIONS:&[Description]=&[Description{edition:"CE",version:"1.1.0"},Description{edition:"EE",version:"1.2.3"},]"#), "{reg}");
    assert!(reg.contains(r#"name:"thing_start""#));
    assert!(
        reg.contains(r#"Gap{wire:"ids[]",exposed:Some("ids"),missing_in:1u32}"#),
        "{reg}"
    );
    assert_eq!(
        out.summary[0],
        "Portainer CE 1.1.0: 2 of 3 tools, 1 of them without some arguments"
    );
}

#[test]
fn what_no_description_has_is_an_error_naming_the_tool() {
    let e = refused(&[tool("ghost", "GhostThing", "GET", "/api/ghost", "")]);
    assert!(
        e.contains("tool `ghost`: operation `GhostThing` is in no description in spec/"),
        "{e}"
    );
    // An edition note on a tool every description has is stale.
    let e = refused(&[tool(
        "thing_list",
        "ThingList",
        "GET",
        "/api/things",
        "edition_note = \"x\"",
    )]);
    assert!(
        e.contains("tool `thing_list`: edition_note is given, but every description"),
        "{e}"
    );
}

#[test]
fn a_hidden_argument_one_description_requires_needs_a_default() {
    let hide = "[tool.params.search]\nhide = true\n";
    let e = refused(&[tool("thing_list", "ThingList", "GET", "/api/things", hide)]);
    assert!(
        e.contains("tool `thing_list`: params.search is required by Portainer CE 1.1.0, so hiding it needs a default"),
        "{e}"
    );
    // Shown but optional, it needs a default too, or to be required of the model.
    let e = refused(&[tool("thing_list", "ThingList", "GET", "/api/things", "")]);
    assert!(
        e.contains("params.search is required by Portainer CE 1.1.0, so an optional argument needs a default (or required = true)"),
        "{e}"
    );
    let with_default = format!("{hide}default = \"x\"\n");
    if let Err(e) = generate(&[tool(
        "thing_list",
        "ThingList",
        "GET",
        "/api/things",
        &with_default,
    )]) {
        panic!("a default fills it in: {e}");
    }
}

/// The operation index follows every description: a route one lacks and a
/// parameter one lacks carry that description's bit (CE, the older, is bit
/// 0), so api_describe and api_call can offer what the connected one has.
#[test]
fn the_operation_index_marks_what_each_description_lacks() {
    let (ce, ee) = descriptions();
    let mut ce: Value = serde_json::from_str(&ce).unwrap();
    let params = ce["paths"]["/things"]["get"]["parameters"]
        .as_array_mut()
        .unwrap();
    params.retain(|p| p["name"] != "search");
    let ce = ce.to_string();
    let out = generate_editions(
        &catalogue(&[tool("thing_list", "ThingList", "GET", "/api/things", "")]),
        &[&ee, &ce],
        &[],
        HANDLERS,
    )
    .unwrap();
    let ops = out.operations.replace(char::is_whitespace, "");
    let entry = |id: &str| {
        let start = ops
            .find(&format!("id:\"{id}\""))
            .unwrap_or_else(|| panic!("{id} in {ops}"));
        let rest = &ops[start..];
        rest[..rest.find("denied:").unwrap()].to_string()
    };
    let list = entry("ThingList");
    assert!(
        list.contains(
            "name:\"search\",wire:\"search\",in_path:false,required:false,missing_in:1u32"
        ),
        "{list}"
    );
    assert!(
        list.contains("name:\"ids\",wire:\"ids[]\",in_path:false,required:false,missing_in:0u32"),
        "{list}"
    );
    // The route-level bits: ThingStart only in EE, OldThing only in CE.
    assert!(
        entry("ThingStart").ends_with("missing_in:1u32,curated:&[],"),
        "{}",
        entry("ThingStart")
    );
    assert!(
        entry("OldThing").ends_with("missing_in:2u32,curated:&[],"),
        "{}",
        entry("OldThing")
    );
}
