//! tools/list as a client sees it: schemas, annotations, and why a tool
//! that is not served is not.

use crate::support::mcp::Session;
use crate::support::served;
use serde_json::json;

#[tokio::test]
async fn tools_list_carries_schemas_and_annotations() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let tools = s.tools().await;
    let get = |n: &str| {
        tools
            .iter()
            .find(|t| t.name == n)
            .unwrap_or_else(|| panic!("{n} listed"))
            .clone()
    };

    let env = get("environment_get");
    let input = serde_json::to_value(&*env.input_schema).unwrap();
    assert_eq!(input["required"], json!(["environment_id"]));
    assert_eq!(input["properties"]["environment_id"]["type"], "integer");
    // Undeclared arguments are refused by the server, naming them
    // (concerns/arguments.rs), not by a keyword repeated on every tool.
    assert!(input.get("additionalProperties").is_none());
    assert_eq!(input["properties"]["excludeSnapshot"]["default"], true);
    // No output schemas: the result convention is in the instructions.
    assert!(tools.iter().all(|t| t.output_schema.is_none()));
    let a = env.annotations.clone().unwrap();
    // A read carries only readOnlyHint; the others mean nothing for it.
    assert_eq!(
        (
            a.read_only_hint,
            a.destructive_hint,
            a.idempotent_hint,
            a.title.clone()
        ),
        (Some(true), None, None, None)
    );
    assert_eq!(env.title.as_deref(), Some("Get an environment"));

    let list = get("environment_list");
    let input = serde_json::to_value(&*list.input_schema).unwrap();
    assert!(
        input["properties"].get("edgeAsync").is_none(),
        "hidden parameters stay hidden"
    );
    assert_eq!(input["properties"]["types"]["items"]["type"], "integer");

    // A write carries the hints that differ from MCP's defaults only.
    let stop = get("stack_action").annotations.unwrap();
    assert_eq!(
        (
            stop.read_only_hint,
            stop.destructive_hint,
            stop.idempotent_hint
        ),
        (None, Some(false), Some(true))
    );
    let delete = get("stack_delete").annotations.unwrap_or_default();
    assert_eq!(
        (delete.read_only_hint, delete.destructive_hint),
        (None, None),
        "destructive is the default"
    );

    // Shared arguments are explained once, in the instructions, and carry
    // no text of their own anywhere; but confirm, as a call without it does
    // nothing and not every client shows the instructions to the model, and
    // select, which names its language in one word (issue 28).
    let text = s.instructions();
    for word in [
        "environment_id",
        "select",
        "dry_run",
        "confirm",
        "limit",
        "{items}",
    ] {
        assert!(text.contains(word), "instructions lack {word}: {text}");
    }
    for t in &tools {
        let input = serde_json::to_value(&*t.input_schema).unwrap();
        for shared in ["environment_id", "dry_run"] {
            if let Some(p) = input["properties"].get(shared) {
                // A read over several environments says how to name them.
                let fan_out = shared == "environment_id" && p["type"].to_string().contains("array");
                assert!(
                    p.get("description").is_none() || fan_out,
                    "{}.{shared}: {p}",
                    t.name
                );
            }
        }
        if let Some(p) = input["properties"].get("select") {
            assert_eq!(p["description"], "JMESPath", "{}", t.name);
        }
        if let Some(c) = input["properties"].get("confirm") {
            assert!(c["description"].as_str().unwrap().contains("true to act"));
        }
        // No annotations at all: every hint is MCP's default (not read-only).
        let reads = t
            .annotations
            .as_ref()
            .is_some_and(|a| a.read_only_hint == Some(true));
        let is_proxy = t.name.ends_with("_proxy") || t.name == "api_call";
        // Logs answer with text, which select cannot search.
        let text = t.name.ends_with("_logs");
        assert_eq!(
            input["properties"].get("select").is_some(),
            (reads || is_proxy) && !text,
            "{}: select on reads (but logs) and proxies only",
            t.name
        );
    }
    let proxy = get("docker_proxy");
    assert!(
        proxy.annotations.is_none(),
        "MCP's defaults: may write, may destroy"
    );
    let input = serde_json::to_value(&*proxy.input_schema).unwrap();
    assert_eq!(
        input["properties"]["method"]["enum"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
    s.stop().await;

    // Read-only: write tools are gone; the proxies only on request, pinned to GET.
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--read-only", "--read-only-proxies"],
    )
    .await;
    let tools = s.tools().await;
    let names: Vec<&str> = tools.iter().map(|t| t.name.as_ref()).collect();
    assert!(!names.contains(&"stack_action"), "{names:?}");
    assert!(names.contains(&"environment_list") && names.contains(&"docker_proxy"));
    for t in &tools {
        assert_eq!(
            t.annotations.as_ref().unwrap().read_only_hint,
            Some(true),
            "{}",
            t.name
        );
    }
    let proxy = tools.iter().find(|t| t.name == "docker_proxy").unwrap();
    let input = serde_json::to_value(&*proxy.input_schema).unwrap();
    assert_eq!(input["properties"]["method"]["enum"], json!(["GET"]));
    s.stop().await;
}

#[tokio::test]
async fn disabled_tools_say_why() {
    let (p, s) = served(&["--deny-tools", "stack_action"]).await;
    let e = s
        .call(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--deny-tools"), "{e}");
    s.stop().await;
    let s = Session::start(
        &p.url(),
        &["--deny-tools", "stack_action", "--toolsets", "stacks,api"],
    )
    .await;
    let e = s
        .call("docker_proxy", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("toolset `proxy` is not enabled"), "{e}");
    // A generated tool left out names the api_call that still reaches it;
    // a hand-written one (the proxy above) has no such operation.
    assert!(!e.contains("api_call"), "{e}");
    let e = s
        .call("registry_list", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("api_call with operation `RegistryList` reaches the same API"),
        "{e}"
    );
    // Not past the operator's own --deny-tools.
    let e = s
        .call("stack_action", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--deny-tools") && !e.contains("api_call"), "{e}");
    s.stop().await;
    let s = Session::start(&p.url(), &["--toolsets", "environments,api"]).await;
    let e = s
        .call("stack_action", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("`StackStart` or `StackStop`"), "{e}");
    s.stop().await;
}
