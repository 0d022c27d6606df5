//! Context budgets: the default tools/list and a typical list result stay
//! small. Run with --nocapture to see the figures.

mod support;

use serde_json::{json, Value};
use support::mcp::Session;
use support::portainer::{fixtures, StandIn};

#[tokio::test]
async fn default_catalogue_and_results_fit_their_budgets() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &[]).await;
    let tools = s.tools().await;
    let listed = serde_json::to_string(&json!({"tools": tools}))
        .unwrap()
        .len();
    let api_tools: usize = tools
        .iter()
        .filter(|t| t.name.starts_with("api_"))
        .map(|t| serde_json::to_string(t).unwrap().len())
        .sum();
    // A typical discovery exchange: find, describe, call; arguments sent
    // plus results received.
    let mut exchange = 0;
    for (tool, args) in [
        ("api_find", json!({"query": "helm rollback"})),
        ("api_describe", json!({"operation": "HelmRollback"})),
        (
            "api_call",
            json!({"operation": "EndpointList", "arguments": {"limit": 2}}),
        ),
    ] {
        exchange += args.to_string().len();
        exchange += s.ok(tool, args).await.to_string().len();
    }
    assert!(
        tools.len() <= 35,
        "default catalogue has {} tools",
        tools.len()
    );
    // The agent-first goal (issue 15): at most 24 KiB.
    assert!(listed <= 24_576, "default tools/list is {listed} bytes");
    s.stop().await;

    let s = Session::start(&p.url(), &["--read-only"]).await;
    let ro = serde_json::to_string(&json!({"tools": s.tools().await}))
        .unwrap()
        .len();
    s.stop().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let all_tools = s.tools().await;
    let all = serde_json::to_string(&json!({"tools": all_tools}))
        .unwrap()
        .len();

    // 50 containers: raw from Docker, then as the tool returns them.
    let raw = serde_json::to_string(&Value::Array(fixtures::containers(50)))
        .unwrap()
        .len();
    let shaped = s
        .ok("docker_container_list", json!({"environment_id": 5}))
        .await;
    assert_eq!(shaped["items"].as_array().unwrap().len(), 50);
    let shaped = serde_json::to_string(&shaped).unwrap().len();
    assert!(shaped < raw, "shaping makes it smaller: {shaped} vs {raw}");
    s.stop().await;
    println!(
        "tools/list bytes: default {listed} ({} tools), read-only {ro}, all {all} ({} tools); \
         containers list (50): raw {raw} bytes, shaped {shaped} bytes; \
         api_find/api_describe/api_call entries {api_tools} bytes, a find/describe/call exchange {exchange} bytes",
        tools.len(),
        all_tools.len()
    );
}
