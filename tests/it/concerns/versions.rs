//! One catalogue across the Portainer descriptions in spec/ (issue 12): the
//! server follows the connected Portainer's version and edition, as the
//! checked-in generated/compatibility.md says, and sends nothing that
//! version lacks. (tests/e2e/test_versions.py checks the requests against
//! CE 2.39.0's upstream description.)

use crate::support::mcp::Session;
use crate::support::portainer::{Options, StandIn};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

const CE: &str = "CE 2.39.0";

/// (tools CE 2.39.0 lacks, tool -> arguments it lacks there), read from the table.
fn table() -> (BTreeSet<String>, BTreeMap<String, BTreeSet<String>>) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated/compatibility.md"),
    )
    .unwrap();
    let mut tools = BTreeSet::new();
    let mut args: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix("- `") else {
            continue;
        };
        let (tool, rest) = rest.split_once('`').unwrap();
        if rest.starts_with(&format!(" on {CE}:")) {
            tools.insert(tool.to_string());
        } else if let Some(rest) = rest.strip_prefix(": `") {
            let (arg, rest) = rest.split_once('`').unwrap();
            let on = rest.split_once("not in ").unwrap().1;
            if on.split(", ").any(|d| d.starts_with(CE)) && !rest.starts_with(" (hidden)") {
                args.entry(tool.to_string())
                    .or_default()
                    .insert(arg.to_string());
            }
        }
    }
    (tools, args)
}

async fn listing(p: &StandIn) -> BTreeMap<String, BTreeSet<String>> {
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let tools = s.tools().await;
    s.stop().await;
    tools
        .iter()
        .map(|t| {
            let props = t.input_schema.get("properties").and_then(Value::as_object);
            let names = props.into_iter().flat_map(|p| p.keys().cloned()).collect();
            (t.name.to_string(), names)
        })
        .collect()
}

async fn ce() -> StandIn {
    StandIn::with_options(Options::default().version("2.39.0").edition("CE")).await
}

#[tokio::test]
async fn tools_list_differs_between_ce_and_ee_as_the_table_says() {
    let ee = listing(&StandIn::start().await).await;
    let ce = listing(&ce().await).await;
    let (missing, lacking) = table();
    let gone: BTreeSet<String> = ee
        .keys()
        .filter(|n| !ce.contains_key(*n))
        .cloned()
        .collect();
    assert_eq!(gone, missing);
    let mut diff = BTreeMap::new();
    for (name, props) in &ce {
        assert!(
            props.is_subset(&ee[name]),
            "{name}: CE offers nothing EE does not"
        );
        if props != &ee[name] {
            diff.insert(name.clone(), &ee[name] - props);
        }
    }
    assert_eq!(diff, lacking);
    assert!(lacking["stack_delete"].contains("remove_volumes"));
}

#[tokio::test]
async fn arguments_the_version_lacks_are_refused_and_defaults_not_sent() {
    let p = ce().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let e = s
        .tool_error(
            "stack_delete",
            json!({"id": 7, "environment_id": 1, "remove_volumes": true, "confirm": true}),
        )
        .await;
    assert!(e.contains("unknown argument `remove_volumes`"), "{e}");
    // The same call without it goes out, without the parameter.
    p.reset_log().await;
    s.call(
        "stack_delete",
        json!({"id": 7, "environment_id": 1, "confirm": true}),
    )
    .await
    .unwrap();
    let seen = p.seen().await;
    let delete = seen
        .iter()
        .find(|r| r.method == "DELETE")
        .expect("the delete was sent");
    let query = delete.query.clone().unwrap_or_default();
    assert!(!query.contains("removeVolumes"), "{query}");
    // CE 2.39.0 reads no file version: EE's `version` is not offered.
    let e = s
        .tool_error("stack_file_get", json!({"id": 7, "version": 1}))
        .await;
    assert!(e.contains("unknown argument `version`"), "{e}");
    s.stop().await;
}

#[tokio::test]
async fn the_log_says_which_description_is_followed() {
    let p = StandIn::with_options(Options::default().version("2.41.2").edition("CE")).await;
    let s = Session::start(&p.url(), &[]).await;
    assert!(!s.tools().await.is_empty());
    let (log, _) = s.stop().await;
    assert!(
        log.contains("Portainer 2.41.2 CE: it is newer than every description in spec/; serving the tools of CE 2.39.0"),
        "{log}"
    );
}

#[tokio::test]
async fn a_missing_route_names_the_connected_version() {
    let p = ce().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    // The stand-in routes edge stack 1 only; for any other path Go's mux
    // answers 404 in plain text, as for a route that version lacks.
    let e = s.tool_error("edge_stack_get", json!({"id": 2})).await;
    assert!(
        e.contains("Portainer 2.39.0 CE has no route GET /api/edge_stacks/2"),
        "{e}"
    );
    // A missing object keeps Portainer's own message.
    let e = s.tool_error("stack_get", json!({"id": 999})).await;
    assert!(!e.contains("no route"), "{e}");
    s.stop().await;
}

#[test]
fn tools_portainer_shows_what_that_version_gets() {
    let out = std::process::Command::new(crate::support::mcp::BIN)
        .args([
            "tools",
            "--toolsets",
            "all",
            "--portainer",
            "2.39.0-CE",
            "--json",
        ])
        .env_remove("PORTAINER_URL")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let (missing, lacking) = table();
    let row = |n: &str| rows.iter().find(|r| r["name"] == n).cloned();
    for m in &missing {
        assert!(row(m).is_none(), "{m} is not listed");
    }
    let delete = row("stack_delete").unwrap();
    let not_offered: BTreeSet<String> = delete["not_offered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(not_offered, lacking["stack_delete"]);
    // The same for EE offers everything; a bad version is refused clearly.
    let ee = std::process::Command::new(crate::support::mcp::BIN)
        .args(["tools", "--portainer", "2.45.3-EE", "--json"])
        .output()
        .unwrap();
    let rows: Vec<Value> = serde_json::from_slice(&ee.stdout).unwrap();
    assert!(rows.iter().all(|r| r["not_offered"] == json!([])));
    let bad = std::process::Command::new(crate::support::mcp::BIN)
        .args(["tools", "--portainer", "3.0.0-CE"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("major version 3"));
}

/// api_describe and api_call follow the connected version per parameter:
/// CE 2.39.0's StackDelete has no removeVolumes (EE 2.45.3's has).
#[tokio::test]
async fn api_tools_offer_the_connected_versions_parameters() {
    let p = ce().await;
    let s = Session::start(&p.url(), &[]).await;
    let d = s
        .ok("api_describe", json!({"operation": "StackDelete"}))
        .await;
    assert!(
        d["arguments"]["properties"].get("removeVolumes").is_none(),
        "{d}"
    );
    assert!(d["arguments"]["properties"].get("endpointId").is_some());
    assert_eq!(
        d["not_in_this_version"]["arguments"],
        json!(["removeVolumes"])
    );
    let n = p.seen().await.len();
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "StackDelete", "arguments": {"id": 7, "endpointId": 1, "removeVolumes": true}, "confirm": true}),
        )
        .await;
    assert!(
        e.contains("does not take `removeVolumes`") && e.contains("2.39.0 CE"),
        "{e}"
    );
    assert_eq!(p.seen().await.len(), n, "nothing was sent");
    s.stop().await;

    let ee = StandIn::start().await;
    let s = Session::start(&ee.url(), &[]).await;
    let d = s
        .ok("api_describe", json!({"operation": "StackDelete"}))
        .await;
    assert!(d["arguments"]["properties"].get("removeVolumes").is_some());
    assert!(d.get("not_in_this_version").is_none());
    s.stop().await;
}
