//! Narrower per request (X-MCP-Toolsets, X-MCP-Tools, X-MCP-Readonly): one
//! shared server, two callers; the headers narrow tools/list and
//! tools/call, a read-only caller sends nothing but GET whatever it tries,
//! and the audit log records the narrowing.

use crate::support::http::{start, transport_with, GATE};
use crate::support::portainer::{StandIn, BOB_TOKEN, TOKEN};
use crate::support::user::audit_lines;
use rmcp::model::{CallToolRequestParams, ClientConfig};
use rmcp::service::RunningService;
use rmcp::{RoleClient, ServiceExt};
use serde_json::{json, Value};

type Client = RunningService<RoleClient, ClientConfig>;

async fn client(url: &str, token: &str, headers: &[(&'static str, &str)]) -> Client {
    ClientConfig::default()
        .serve(transport_with(url, GATE, Some(token), headers))
        .await
        .expect("HTTP session")
}

async fn call(c: &Client, tool: &str, args: Value) -> Result<rmcp::model::CallToolResult, String> {
    let mut p = CallToolRequestParams::new(tool.to_string());
    p.arguments = args.as_object().cloned();
    c.call_tool(p).await.map_err(|e| e.to_string())
}

/// The tools a caller is listed, sorted.
async fn names(c: &Client) -> Vec<String> {
    let mut n: Vec<String> = c
        .list_all_tools()
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    n.sort();
    n
}

#[tokio::test]
async fn headers_narrow_one_caller_and_never_the_other() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let s = start(&p.url(), &["--audit-log", audit.to_str().unwrap()]).await;
    let alice = client(&s.url, TOKEN, &[]).await;
    let bob = client(
        &s.url,
        BOB_TOKEN,
        &[("x-mcp-readonly", "true"), ("x-mcp-toolsets", "stacks,api")],
    )
    .await;

    let all = names(&alice).await;
    assert!(all.len() > 40 && all.contains(&"stack_update".to_string()));
    let narrowed = names(&bob).await;
    assert_eq!(
        narrowed,
        [
            "api_call",
            "api_describe",
            "api_find",
            "stack_file_get",
            "stack_get",
            "stack_list"
        ],
        "reads of the two toolsets, api_call's writes refused below"
    );

    // Bob reads; every write he tries is refused before anything leaves.
    let r = call(&bob, "stack_list", json!({})).await.unwrap();
    assert_ne!(r.is_error, Some(true), "{r:?}");
    for (tool, args) in [
        (
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        ),
        ("docker_container_list", json!({"environment_id": 1})),
    ] {
        let e = call(&bob, tool, args).await.unwrap_err();
        assert!(e.contains("not served to this request"), "{tool}: {e}");
    }
    let r = call(
        &bob,
        "api_call",
        json!({"operation": "StackStop", "arguments": {"id": 7, "endpointId": 1}, "confirm": true}),
    )
    .await
    .unwrap();
    assert_eq!(r.is_error, Some(true), "{r:?}");
    assert!(format!("{r:?}").contains("X-MCP-Readonly"), "{r:?}");
    let r = call(&bob, "api_call", json!({"operation": "StackList"}))
        .await
        .unwrap();
    assert_ne!(r.is_error, Some(true), "{r:?}");

    // Alice, on the same server, is not narrowed.
    let r = call(
        &alice,
        "stack_action",
        json!({"action": "stop", "id": 7, "environment_id": 1}),
    )
    .await
    .unwrap();
    assert_ne!(r.is_error, Some(true), "{r:?}");

    let seen = p.seen().await;
    let bobs: Vec<_> = seen
        .iter()
        .filter(|r| r.api_key.as_deref() == Some(BOB_TOKEN))
        .collect();
    assert!(!bobs.is_empty());
    assert!(
        bobs.iter().all(|r| r.method == "GET"),
        "the read-only caller sent only GETs: {bobs:?}"
    );
    assert!(
        seen.iter()
            .any(|r| r.method == "POST" && r.api_key.as_deref() == Some(TOKEN)),
        "the other caller's write went out"
    );

    // The audit log says how each call was narrowed.
    let records = audit_lines(&audit);
    let bob_list = records
        .iter()
        .find(|r| r["tool"] == "stack_list" && r["phase"] == "outcome")
        .expect("bob's read audited");
    assert_eq!(
        bob_list["narrowed"],
        json!({"toolsets": ["api", "stacks"], "tools": null, "read_only": true})
    );
    let alice_stop = records
        .iter()
        .find(|r| r["tool"] == "stack_action" && r["phase"] == "outcome")
        .expect("alice's write audited");
    assert!(alice_stop.get("narrowed").is_none(), "{alice_stop}");

    // A header naming what does not exist narrows nothing silently.
    let typo = client(&s.url, TOKEN, &[("x-mcp-toolsets", "stakcs")]).await;
    let e = typo.list_all_tools().await.unwrap_err().to_string();
    assert!(e.contains("stakcs"), "{e}");
    for c in [alice, bob, typo] {
        let _ = c.cancel().await;
    }
}
