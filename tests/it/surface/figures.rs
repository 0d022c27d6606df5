//! Context budgets, and the figures the docs quote: the size of tools/list
//! per selection, of a discovery exchange and of a shaped list. Each figure
//! is measured here and written into its docs block (blocks.rs).

use super::blocks::check_block;
use crate::support::mcp::Session;
use crate::support::portainer::{fixtures, StandIn};
use crate::support::served;
use crate::toolsets::api::{rank_phrasings, PHRASING_COUNT};
use portainer_mcp::tools::operations::OPERATIONS;
use serde_json::{json, Value};

fn bytes(v: &impl serde::Serialize) -> usize {
    serde_json::to_string(v).unwrap().len()
}

/// 24468 → "24,468", as the docs write figures.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// (tool count, tools/list bytes) of a server started with `args`.
async fn listed(p: &StandIn, args: &[&str]) -> (usize, usize) {
    let s = Session::start(&p.url(), args).await;
    let tools = s.tools().await;
    let size = bytes(&json!({ "tools": tools }));
    s.stop().await;
    (tools.len(), size)
}

#[tokio::test]
async fn budgets_hold_and_the_docs_quote_them() {
    let (p, s) = served(&[]).await;
    let tools = s.tools().await;
    let default = (tools.len(), bytes(&json!({ "tools": tools })));
    let instructions = s.instructions().chars().count();
    let api_entries: usize = tools
        .iter()
        .filter(|t| t.name.starts_with("api_"))
        .map(bytes)
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
    let (first, top3, misses) = rank_phrasings(&s).await;
    s.stop().await;
    assert!(default.0 <= 35, "default catalogue has {} tools", default.0);
    // The agent-first goal (issue 15): at most 24 KiB.
    assert!(
        default.1 <= 24_576,
        "default tools/list is {} bytes",
        default.1
    );
    assert!(misses.is_empty(), "{misses:?}");

    let read_only = listed(&p, &["--read-only"]).await;
    let all = listed(&p, &["--toolsets", "all"]).await;

    // 50 containers: raw from Docker, then as the tool returns them.
    let raw = bytes(&Value::Array(fixtures::containers(50)));
    let s = Session::start(&p.url(), &[]).await;
    let shaped = s
        .ok("docker_container_list", json!({"environment_id": 5}))
        .await;
    s.stop().await;
    assert_eq!(shaped["items"].as_array().unwrap().len(), 50);
    let shaped = bytes(&shaped);
    assert!(shaped < raw, "shaping makes it smaller: {shaped} vs {raw}");

    let row =
        |what: &str, (n, size): (usize, usize)| format!("| {what} | {n} | {} |\n", grouped(size));
    check_block(
        "docs/tools.md",
        "tools-list-sizes",
        &format!(
            "| served | tools | `tools/list` bytes |\n| --- | ---: | ---: |\n{}{}{}{}\n\
             The server's `instructions`, sent once at initialize: {} characters.\n",
            row("default toolsets", default),
            row("`--read-only`", read_only),
            row("`--toolsets all`", all),
            row("`api_find`, `api_describe`, `api_call`", (3, api_entries)),
            grouped(instructions),
        ),
    );
    check_block(
        "docs/tools.md",
        "api-figures",
        &format!(
            "- Operations reachable through `api_call`: {}.\n\
             - A find, describe and call exchange (`helm rollback`, `HelmRollback`, \
             `EndpointList` with `limit: 2`), arguments and results: {} bytes.\n\
             - Of {PHRASING_COUNT} phrasings taken from real tasks, {first} find their \
             operation first and {top3} within the first three.\n",
            grouped(OPERATIONS.len()),
            grouped(exchange),
        ),
    );
    check_block(
        "docs/tools.md",
        "shaping-figures",
        &format!(
            "| 50 containers | bytes |\n| --- | ---: |\n\
             | as Docker lists them | {} |\n\
             | as `docker_container_list` returns them | {} |\n",
            grouped(raw),
            grouped(shaped),
        ),
    );
}

#[test]
fn figures_are_grouped_by_thousands() {
    assert_eq!(grouped(7), "7");
    assert_eq!(grouped(1906), "1,906");
    assert_eq!(grouped(24468), "24,468");
    assert_eq!(grouped(1234567), "1,234,567");
}
