//! tools.toml rules (each has a failing fixture and the message it must
//! give) and the schemas generated for a path + query + body operation.

use codegen::{catalogue, generate_from, plan, spec::Spec};
use serde_json::json;

const SPEC: &str = include_str!("fixtures/spec.json");
const HANDLERS: &[&str] = &["docker_proxy"];

const TOOLSETS: &str = r#"
[toolsets.things]
default = true
description = "Things."
"#;

/// The fixtures with the example every generated tool needs: a request
/// of the (first) operation the entry names.
fn catalogue_with(tools: &str) -> String {
    let requests = [
        ("ThingList", "GET", "/api/things"),
        ("ThingInspect", "GET", "/api/things/1"),
        ("ThingUpdate", "PUT", "/api/things/1"),
        ("ThingDelete", "DELETE", "/api/things/1"),
        ("ThingStart", "POST", "/api/things/1/start"),
    ];
    let mut out = String::from(TOOLSETS);
    for (i, entry) in tools.split("[[tool]]").enumerate() {
        if i > 0 {
            out.push_str("[[tool]]");
        }
        out.push_str(entry);
        let named = requests
            .iter()
            .find(|(op, _, _)| entry.contains(&format!("\"{op}\"")));
        if let (true, Some((_, method, path))) = (i > 0, named) {
            out.push_str(&format!(
                "\n[[tool.example]]\nargs = '{{}}'\nmethod = \"{method}\"\npath = \"{path}\"\n"
            ));
        }
    }
    out
}

fn errors(tools: &str) -> String {
    match generate_from(&catalogue_with(tools), &[SPEC], HANDLERS) {
        Ok(_) => panic!("expected the catalogue to be refused:\n{tools}"),
        Err(e) => e,
    }
}

const GOOD: &str = r#"
[[tool]]
name = "thing_get"
operation = "ThingInspect"
access = "read"
toolset = "things"
title = "Get a thing"
description = "Show one thing."
"#;

#[test]
fn a_good_catalogue_generates() {
    let out = generate_from(&catalogue_with(GOOD), &[SPEC], HANDLERS).expect("generates");
    assert!(out.client.contains("pub async fn thing_inspect"));
    assert!(out.registry.contains("\"thing_get\""));
    // Only the catalogued operation is generated.
    assert!(!out.client.contains("thing_update"));
    assert!(out.client.starts_with("// @generated"));
}

#[test]
fn unknown_operation() {
    let e = errors(&GOOD.replace("ThingInspect", "ThingInspekt"));
    assert!(
        e.contains("tool `thing_get`: operation `ThingInspekt` is in no description in spec/ (portainer-*.json, docker.json)"),
        "{e}"
    );
}

#[test]
fn duplicate_name() {
    let e = errors(&format!("{GOOD}{GOOD}"));
    assert!(
        e.contains("tool `thing_get`: the name is used by more than one tool"),
        "{e}"
    );
}

#[test]
fn missing_description() {
    let e = errors(&GOOD.replace("description = \"Show one thing.\"", ""));
    assert!(
        e.contains("tool `thing_get`: description is missing or empty"),
        "{e}"
    );
    let e = errors(&GOOD.replace("Show one thing.", "  "));
    assert!(
        e.contains("tool `thing_get`: description is missing or empty"),
        "{e}"
    );
}

#[test]
fn non_get_classed_read() {
    let t = GOOD.replace("ThingInspect", "ThingStart");
    let e = errors(&t);
    assert!(
        e.contains("tool `thing_get`: operation `ThingStart` is POST, so access must be \"write\" (or give read_reason"),
        "{e}"
    );
    // An explicit justification lets it through.
    let justified = t.replace(
        "access = \"read\"",
        "access = \"read\"\nread_reason = \"POST search, changes nothing\"",
    );
    generate_from(&catalogue_with(&justified), &[SPEC], HANDLERS).expect("justified read");
}

#[test]
fn delete_not_destructive() {
    let t = GOOD
        .replace("ThingInspect", "ThingDelete")
        .replace("\"read\"", "\"write\"");
    let e = errors(&t);
    assert!(e.contains("tool `thing_get`: operation `ThingDelete` is DELETE, so it must be marked destructive = true"), "{e}");
    let fixed = t.replace(
        "access = \"write\"",
        "access = \"write\"\ndestructive = true",
    );
    generate_from(&catalogue_with(&fixed), &[SPEC], HANDLERS).expect("destructive delete");
}

#[test]
fn other_rules_name_the_tool() {
    let e = errors(&GOOD.replace("toolset = \"things\"", "toolset = \"nope\""));
    assert!(
        e.contains("tool `thing_get`: toolset `nope` is not declared"),
        "{e}"
    );
    let e = errors(&GOOD.replace("name = \"thing_get\"", "name = \"ThingGet\""));
    assert!(
        e.contains("tool `ThingGet`: the name must be snake_case"),
        "{e}"
    );
    let e = errors(&format!("{GOOD}[tool.params.nope]\nhide = true\n"));
    assert!(
        e.contains(
            "tool `thing_get`: params.nope is not a parameter of `ThingInspect` (it has: id)"
        ),
        "{e}"
    );
    let e = errors(&format!("{GOOD}[tool.params.id]\nhide = true\n"));
    assert!(
        e.contains(
            "tool `thing_get`: params.id is required by the API, so hiding it needs a default"
        ),
        "{e}"
    );
    let e = errors(&GOOD.replace("operation = \"ThingInspect\"", "handler = \"nope\""));
    assert!(
        e.contains("tool `thing_get`: handler `nope` is not a hand-written handler"),
        "{e}"
    );
    let e = errors(&GOOD.replace(
        "operation = \"ThingInspect\"",
        "operation = \"ThingInspect\"\nhandler = \"docker_proxy\"",
    ));
    assert!(
        e.contains("tool `thing_get`: give exactly one of `operation`"),
        "{e}"
    );
    let e = errors(&GOOD.replace("access = \"read\"", "access = \"read\"\ndestructive = true"));
    assert!(
        e.contains("tool `thing_get`: a read tool cannot be destructive"),
        "{e}"
    );
    // Several problems are all reported at once.
    let e = errors(&format!(
        "{}{}",
        GOOD.replace("ThingInspect", "Nope1"),
        GOOD.replace("thing_get", "thing_two")
            .replace("ThingInspect", "Nope2")
    ));
    assert!(e.contains("Nope1") && e.contains("Nope2"), "{e}");
}

#[test]
fn unknown_keys_are_refused() {
    let e = errors(&GOOD.replace("access = \"read\"", "access = \"read\"\ndestrutive = true"));
    assert!(e.contains("tools.toml") && e.contains("destrutive"), "{e}");
    let e = errors(&GOOD.replace("access = \"read\"", "access = \"readonly\""));
    assert!(e.contains("tools.toml") && e.contains("readonly"), "{e}");
}

const UPDATE: &str = r#"
[[tool]]
name = "thing_update"
operation = "ThingUpdate"
access = "write"
toolset = "things"
title = "Update a thing"
description = "Replace a thing's file and variables."

[tool.params.endpointId]
rename = "environment_id"
description = "Environment of the thing."
[tool.params.Prune]
hide = true
default = false
"#;

#[test]
fn schema_for_path_query_and_body() {
    let cat = catalogue::parse(&catalogue_with(UPDATE)).unwrap();
    let spec = Spec::parse(SPEC).unwrap();
    let planned = plan::plan(&cat, &spec).unwrap();
    let plan::Kind::Generated { input, calls } = &planned[0].kind else {
        panic!("generated tool")
    };
    let (args, method, path) = (&calls[0].args, &calls[0].method, &calls[0].path);
    assert_eq!((method.as_str(), path.as_str()), ("put", "/things/{id}"));
    assert_eq!(
        input,
        &json!({
            "type": "object",
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "environment_id": {"type": "integer", "description": "Environment of the thing."},
                "StackFileContent": {"type": "string"},
                "Env": {"type": "array", "items": {"type": "object", "properties": {
                    "name": {"type": "string"}, "value": {"type": "string"}}}}
            },
            "required": ["id", "environment_id", "StackFileContent"]
        })
    );
    // Hidden fields still travel with their default; read-only fields never do.
    let prune = args.iter().find(|a| a.wire == "Prune").unwrap();
    assert!(prune.hidden);
    assert_eq!(prune.default.as_deref(), Some("false"));
    // And it generates a dispatch that builds the body from the arguments.
    let gen = generate_from(&catalogue_with(UPDATE), &[SPEC], HANDLERS).unwrap();
    assert!(gen.registry.contains(".body("), "{}", gen.registry);
    let created = args.iter().find(|a| a.wire == "CreatedBy").unwrap();
    assert!(created.hidden && created.default.is_none());
    assert!(gen.registry.contains("\"environment_id\""));
}

#[test]
fn array_query_parameters_show_their_plain_name() {
    let t = r#"
[[tool]]
name = "thing_list"
operation = "ThingList"
access = "read"
toolset = "things"
title = "List things"
description = "List things."
[tool.params.ids]
description = "Only these ids."
"#;
    let cat = catalogue::parse(&catalogue_with(t)).unwrap();
    let spec = Spec::parse(SPEC).unwrap();
    let planned = plan::plan(&cat, &spec).unwrap();
    let plan::Kind::Generated { input, .. } = &planned[0].kind else {
        panic!()
    };
    assert_eq!(input["properties"]["ids"]["description"], "Only these ids.");
    let gen = generate_from(&catalogue_with(t), &[SPEC], HANDLERS).unwrap();
    assert!(
        gen.registry.contains("args.get(\"ids\""),
        "{}",
        gen.registry
    );
}

const ACTIONS: &str = r#"
[[tool]]
name = "thing_action"
access = "write"
toolset = "things"
title = "Start or update a thing"
description = "Start a thing, or replace its file."
[tool.operations]
start = "ThingStart"
update = "ThingUpdate"
"#;

#[test]
fn several_operations_behind_one_selector() {
    let cat = catalogue::parse(&catalogue_with(ACTIONS)).unwrap();
    let spec = Spec::parse(SPEC).unwrap();
    let planned = plan::plan(&cat, &spec).unwrap();
    let plan::Kind::Generated { input, calls } = &planned[0].kind else {
        panic!()
    };
    assert_eq!(calls.len(), 2);
    assert_eq!(
        input["properties"]["action"]["enum"],
        json!(["start", "update"])
    );
    // `id` is in both and required by both; the update-only ones say so.
    assert_eq!(input["required"], json!(["action", "id"]));
    assert_eq!(
        input["properties"]["endpointId"]["description"],
        "Only for action update."
    );
    let gen = generate_from(&catalogue_with(ACTIONS), &[SPEC], HANDLERS).unwrap();
    assert!(gen.registry.contains("args.only("), "{}", gen.registry);
    assert!(
        gen.registry.contains("\"ThingStart|ThingUpdate\""),
        "{}",
        gen.registry
    );
    // A DELETE among them still demands destructive = true.
    let e = errors(&ACTIONS.replace("update = \"ThingUpdate\"", "remove = \"ThingDelete\""));
    assert!(
        e.contains("tool `thing_action`: operation `ThingDelete` is DELETE"),
        "{e}"
    );
    let e = errors(&ACTIONS.replace("update = \"ThingUpdate\"\n", ""));
    assert!(e.contains("`operations` needs at least two entries"), "{e}");

    // A default choice: the selector is optional, and decoded with it.
    let defaulted = ACTIONS.replace(
        "description = \"Start a thing",
        "selector_default = \"start\"\ndescription = \"Start a thing",
    );
    let cat = catalogue::parse(&catalogue_with(&defaulted)).unwrap();
    let planned = plan::plan(&cat, &spec).unwrap();
    let plan::Kind::Generated { input, .. } = &planned[0].kind else {
        panic!()
    };
    assert_eq!(input["properties"]["action"]["default"], "start");
    assert_eq!(input["required"], json!(["id"]));
    let gen = generate_from(&catalogue_with(&defaulted), &[SPEC], HANDLERS).unwrap();
    assert!(
        gen.registry
            .contains("args.get(\"action\", Some(\"\\\"start\\\"\"))"),
        "{}",
        gen.registry
    );
    let e = errors(&defaulted.replace(
        "selector_default = \"start\"",
        "selector_default = \"halt\"",
    ));
    assert!(
        e.contains("tool `thing_action`: selector_default `halt` is not one of: start, update"),
        "{e}"
    );
}

/// The deny list names operations that exist, each once, each with a reason:
/// a misspelt id would otherwise leave the operation it meant callable.
#[test]
fn deny_list_entries_must_name_real_operations() {
    let list = r#"
[[tool]]
name = "thing_list"
operation = "ThingList"
access = "read"
toolset = "things"
title = "List things"
description = "List things."
"#;
    let with = |deny: &str| catalogue_with(list) + deny;
    let ok = with("\n[[deny]]\noperation = \"ThingDelete\"\nreason = \"it loses things\"\n");
    generate_from(&ok, &[SPEC], HANDLERS).unwrap();
    for (deny, message) in [
        (
            "\n[[deny]]\noperation = \"ThingDelet\"\nreason = \"typo\"\n",
            "[[deny]] `ThingDelet` is in no description in spec/",
        ),
        (
            "\n[[deny]]\noperation = \"ThingDelete\"\nreason = \" \"\n",
            "[[deny]] `ThingDelete` needs a reason",
        ),
        (
            "\n[[deny]]\noperation = \"ThingDelete\"\nreason = \"a\"\n[[deny]]\noperation = \"thingdelete\"\nreason = \"b\"\n",
            "[[deny]] `thingdelete` is listed twice",
        ),
    ] {
        let e = generate_from(&with(deny), &[SPEC], HANDLERS).err().unwrap();
        assert!(e.contains(message), "{e}");
    }
}

/// A note describes an argument that exists, once, in a few words; it
/// reaches the index as the argument's description.
#[test]
fn notes_name_real_arguments_and_reach_the_index() {
    let list = "[[tool]]\nname = \"thing_list\"\noperation = \"ThingList\"\naccess = \"read\"\n\
                toolset = \"things\"\ntitle = \"List\"\ndescription = \"List things.\"\n";
    let note = |op: &str, field: &str, text: &str| {
        format!("\n[[note]]\noperation = \"{op}\"\nfield = \"{field}\"\ntext = \"{text}\"\n")
    };
    let ok = catalogue_with(list) + &note("ThingUpdate", "body.Prune", "Drop the gone ones.");
    let out = generate_from(&ok, &[SPEC], HANDLERS).unwrap();
    assert!(
        out.operations
            .contains(r#"\"Prune\":{\"description\":\"Drop the gone ones.\""#),
        "the note is the field's description"
    );
    let long = "x".repeat(241);
    for (extra, message) in [
        (
            note("ThingUpdat", "body.Prune", "a"),
            "[[note]] `ThingUpdat` `body.Prune`: no description in spec/ has this operation",
        ),
        (
            note("ThingUpdate", "body.Prun", "a"),
            "[[note]] `ThingUpdate` `body.Prun`: the operation has no such argument",
        ),
        (
            note("ThingUpdate", "Prune", "a"),
            "[[note]] `ThingUpdate` `Prune`: the operation has no such argument",
        ),
        (
            note("ThingUpdate", "body.Prune", &long),
            "[[note]] `ThingUpdate` `body.Prune`: text must be 1 to 240 characters, not 241",
        ),
        (
            note("ThingUpdate", "body.Prune", "a") + &note("ThingUpdate", "body.Prune", "b"),
            "[[note]] `ThingUpdate` `body.Prune`: listed twice",
        ),
    ] {
        let e = generate_from(&(catalogue_with(list) + &extra), &[SPEC], HANDLERS)
            .err()
            .unwrap();
        assert!(e.contains(message), "{e}");
    }
}

#[test]
fn fill_needs_a_read_list_and_a_row_field() {
    let list = |extra: &str| {
        format!(
            "[[tool]]\nname = \"thing_list\"\noperation = \"ThingList\"\naccess = \"read\"\n\
             toolset = \"things\"\ntitle = \"List\"\ndescription = \"List things.\"\n{extra}\n"
        )
    };
    let good = catalogue_with(&list("fill = \"things/{Id}/json\""));
    let out = generate_from(&good, &[SPEC], HANDLERS).unwrap();
    assert!(
        out.registry.contains("fill: Some(\"things/{Id}/json\")"),
        "the rule reaches the registry"
    );
    for bad in [
        "things/json",
        "things/{}/json",
        "/things/{Id}",
        "things/{Id}/{Name}",
    ] {
        let e = errors(&list(&format!("fill = \"{bad}\"")));
        assert!(
            e.contains("tool `thing_list`") && e.contains("fill"),
            "{bad}: {e}"
        );
    }
    let write = r#"
[[tool]]
name = "thing_update"
operation = "ThingUpdate"
access = "write"
toolset = "things"
title = "Update"
description = "Update a thing."
fill = "things/{Id}/json"
"#;
    let e = errors(write);
    assert!(
        e.contains("tool `thing_update`") && e.contains("read tool"),
        "{e}"
    );
}
