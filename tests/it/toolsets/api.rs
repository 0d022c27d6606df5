//! api_find, api_describe and api_call (issue 13): every operation of
//! spec/ reachable, found by words, described by its exact schema, called
//! through the same policy, confirmation, guard, redaction and audit as
//! every tool. Against the recording stand-in.

use crate::support::mcp::Session;
use crate::support::portainer::{Options, StandIn};
use crate::support::served;
use portainer_mcp::tools::operations::{Access, OPERATIONS};
use serde_json::{json, Value};

/// Phrasings from real tasks, and the operation each must find.
const PHRASINGS: &[(&str, &str)] = &[
    ("list environments", "EndpointList"),
    ("delete environment", "EndpointDelete"),
    ("snapshot environment", "EndpointSnapshot"),
    ("helm rollback", "HelmRollback"),
    ("helm release history", "HelmGetHistory"),
    ("auth logs", "AuthLogsList"),
    ("user activity logs", "LogsList"),
    ("swarm service logs", "DockerServiceLogs"),
    ("create tag", "TagCreate"),
    ("list registries", "RegistryList"),
    ("create team", "TeamCreate"),
    ("container logs", "DockerContainerLogs"),
    ("remove volume", "DockerVolumeDelete"),
    ("prune images", "DockerImagePrune"),
    ("list webhooks", "WebhookList"),
    ("edge job tasks", "EdgeJobTasksList"),
    ("custom templates", "CustomTemplateList"),
    ("kubernetes namespaces", "GetKubernetesNamespaces"),
    ("restart container", "DockerContainerRestart"),
    ("list users", "UserList"),
    ("update settings", "SettingsUpdate"),
    ("migrate stack to another environment", "StackMigrate"),
    ("docker networks", "DockerNetworkList"),
    ("rollback deployment", "RollbackKubernetesDeployment"),
    (
        "create custom template from git repository",
        "CustomTemplateCreateRepository",
    ),
];

fn ids(found: &Value) -> Vec<String> {
    found["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["operation"].as_str().unwrap().to_string())
        .collect()
}

/// How the phrasings rank: (found first, found within the top 3, misses).
pub(crate) async fn rank_phrasings(s: &Session) -> (usize, usize, Vec<String>) {
    let (mut first, mut top3, mut misses) = (0, 0, vec![]);
    for (query, want) in PHRASINGS {
        let found = s.ok("api_find", json!({"query": query, "limit": 3})).await;
        let got = ids(&found);
        match got.iter().position(|g| g == want) {
            Some(0) => (first, top3) = (first + 1, top3 + 1),
            Some(_) => top3 += 1,
            None => misses.push(format!("{query:?}: wanted {want}, got {got:?}")),
        }
    }
    (first, top3, misses)
}

pub(crate) const PHRASING_COUNT: usize = PHRASINGS.len();

#[tokio::test]
async fn find_answers_real_phrasings() {
    let (p, s) = served(&[]).await;
    let (first, _, misses) = rank_phrasings(&s).await;
    assert!(
        misses.is_empty(),
        "not in the top 3:\n{}",
        misses.join("\n")
    );
    assert!(
        first * 4 >= PHRASINGS.len() * 3,
        "at least 3 in 4 first: {first}"
    );
    // A hit says what it needs, and points at a curated tool where one exists.
    let found = s
        .ok("api_find", json!({"query": "list environments"}))
        .await;
    let hit = &found["items"][0];
    assert_eq!(hit["method"], "GET");
    assert_eq!(hit["path"], "/api/endpoints");
    assert_eq!(hit["access"], "read");
    assert_eq!(hit["curated_tool"], "environment_list");
    assert_eq!(found["total"], found["items"].as_array().unwrap().len());
    // No request reached Portainer: the index is local.
    assert!(p.seen_after_start().await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn describe_gives_a_schema_that_tells_right_from_wrong() {
    let (_p, s) = served(&[]).await;
    let d = s
        .ok("api_describe", json!({"operation": "TagCreate"}))
        .await;
    assert_eq!(d["method"], "POST");
    assert_eq!(d["access"], "write");
    let schema = d["arguments"].clone();
    let v = jsonschema::validator_for(&schema).unwrap();
    assert!(v.is_valid(&json!({"body": {"Name": "blue"}})));
    assert!(!v.is_valid(&json!({"body": {"Name": 7}})));
    assert!(!v.is_valid(&json!({"nobody": 1})));
    let d = s
        .ok("api_describe", json!({"operation": "endpointinspect"}))
        .await;
    assert_eq!(d["operation"], "EndpointInspect");
    assert_eq!(d["required"], json!(["id"]));
    assert!(
        d["result"].as_str().unwrap().starts_with("object {"),
        "{}",
        d["result"]
    );
    let e = s
        .tool_error("api_describe", json!({"operation": "NoSuchOp"}))
        .await;
    assert!(
        e.contains("unknown operation `NoSuchOp`; find one with api_find"),
        "{e}"
    );
    s.stop().await;
}

#[tokio::test]
async fn call_sends_exactly_the_request_across_families() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    // Path parameter and query flag.
    s.ok(
        "api_call",
        json!({"operation": "EndpointInspect", "arguments": {"id": 1, "excludeSnapshot": true}}),
    )
    .await;
    // Arrays as Portainer reads them.
    s.ok(
        "api_call",
        json!({"operation": "EndpointList", "arguments": {"groupIds": [1, 2], "limit": 5}}),
    )
    .await;
    // A JSON body.
    s.ok(
        "api_call",
        json!({"operation": "TagCreate", "arguments": {"body": {"Name": "blue"}}, "confirm": true}),
    )
    .await;
    // Docker behind the passthrough, with a JSON-text filter.
    s.ok(
        "api_call",
        json!({"operation": "DockerContainerList", "arguments": {"environmentId": 1, "all": true, "filters": "{\"status\":[\"running\"]}"}}),
    )
    .await;
    let seen = p.seen().await;
    let line = |i: usize| {
        let r = &seen[i];
        format!(
            "{} {}?{}",
            r.method,
            r.path,
            r.query.clone().unwrap_or_default()
        )
    };
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert_eq!(line(0), "GET /api/endpoints/1?excludeSnapshot=true");
    assert_eq!(
        line(1),
        "GET /api/endpoints?limit=5&groupIds%5B%5D=1&groupIds%5B%5D=2"
    );
    assert_eq!(line(2), "POST /api/tags?");
    assert_eq!(seen[2].body, Some(json!({"Name": "blue"})));
    assert_eq!(
        line(3),
        "GET /api/endpoints/1/docker/containers/json?all=true&filters=%7B%22status%22%3A%5B%22running%22%5D%7D"
    );
    assert!(seen
        .iter()
        .all(|r| r.api_key.as_deref() == Some(crate::support::portainer::TOKEN)));
    s.stop().await;
}

#[tokio::test]
async fn bad_arguments_are_refused_before_sending_with_the_schema_quoted() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "EndpointInspect", "arguments": {"id": "one"}}),
        )
        .await;
    assert!(
        e.contains("EndpointInspect does not take these arguments: arguments/id"),
        "{e}"
    );
    assert!(
        e.contains(r#"schema: {"minimum":1,"type":"integer"}"#),
        "{e}"
    );
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "EndpointInspect", "arguments": {}}),
        )
        .await;
    assert!(e.contains("\"id\" is a required property"), "{e}");
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "TagCreate", "arguments": {"body": {"Name": "x"}, "colour": 1}}),
        )
        .await;
    assert!(e.contains("colour"), "{e}");
    assert!(p.seen().await.is_empty(), "nothing was sent");
    s.stop().await;
}

#[tokio::test]
async fn read_only_refuses_every_write_before_sending() {
    let (p, s) = served(&["--read-only"]).await;
    let names: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    assert!(
        names.contains(&"api_call".to_string()),
        "api_call reads in read-only mode"
    );
    p.reset_log().await;
    let mut refused = 0;
    for op in OPERATIONS
        .iter()
        .filter(|o| o.access() != Access::Read && o.denied.is_none())
    {
        let e = s
            .tool_error("api_call", json!({"operation": op.id, "arguments": {}}))
            .await;
        assert!(e.contains("read-only mode"), "{}: {e}", op.id);
        refused += 1;
    }
    assert!(refused > 250, "{refused}");
    let non_get: Vec<_> = p
        .seen()
        .await
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    assert!(non_get.is_empty(), "{non_get:?}");
    // Discovery says so too; reads still work.
    let found = s
        .ok(
            "api_find",
            json!({"query": "delete environment", "limit": 1}),
        )
        .await;
    assert!(found["items"][0]["unavailable"]
        .as_str()
        .unwrap()
        .contains("read-only"));
    s.ok(
        "api_call",
        json!({"operation": "EndpointList", "arguments": {}}),
    )
    .await;
    s.stop().await;
}

#[tokio::test]
async fn the_deny_list_holds_for_every_spelling() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    for id in [
        "AuthenticateUser",
        "authenticateuser",
        "AUTHENTICATEUSER",
        " AuthenticateUser\n",
        "UserGenerateAPIKey",
        "userGENERATEapikey",
        "Backup",
        "BackupSettingsFetch",
        "azureblobbackupsettingsfetch",
    ] {
        let e = s
            .tool_error(
                "api_call",
                json!({"operation": id, "arguments": {"body": {}}, "confirm": true}),
            )
            .await;
        assert!(
            e.contains("is not available through api_call"),
            "{id:?}: {e}"
        );
        let e = s.tool_error("api_describe", json!({"operation": id})).await;
        assert!(
            e.contains("is not available through api_call"),
            "{id:?}: {e}"
        );
    }
    // Every refusal gives its reason as written: redaction of the error
    // text hides values, never our own words.
    for op in OPERATIONS.iter().filter(|o| o.denied.is_some()) {
        let e = s
            .tool_error("api_describe", json!({"operation": op.id}))
            .await;
        let why = op.denied.unwrap();
        assert!(e.contains(why), "{}: {e}", op.id);
    }
    // And discovery never offers them.
    let found = s
        .ok(
            "api_find",
            json!({"query": "generate api key token", "limit": 50}),
        )
        .await;
    assert!(!ids(&found).iter().any(|i| i == "UserGenerateAPIKey"));
    assert!(p.seen().await.is_empty());
    s.stop().await;
}

#[tokio::test]
async fn a_delete_needs_confirm_and_results_are_redacted() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let held = s
        .ok(
            "api_call",
            json!({"operation": "TagDelete", "arguments": {"id": 2}}),
        )
        .await;
    assert_eq!(held["dry_run"], true, "{held}");
    assert!(held["note"].as_str().unwrap().contains("confirm: true"));
    assert_eq!(held["would_send"][0]["method"], "DELETE");
    assert!(p.seen().await.is_empty());
    s.ok(
        "api_call",
        json!({"operation": "TagDelete", "arguments": {"id": 2}, "confirm": true}),
    )
    .await;
    let seen = p.seen().await;
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("DELETE", "/api/tags/2")
    );
    // The very call that once changed a stack while meaning to preview:
    // a PUT through api_call without confirm is held like any other write.
    p.reset_log().await;
    let webhook = json!({"operation": "StackUpdate", "arguments": {"id": 7, "endpointId": 1,
        "body": {"StackFileContent": "services: {}", "Webhook": "0b1e3c5e-4f7a-4d2b-9c1e-2a3b4c5d6e7f"}}});
    let held = s.ok("api_call", webhook).await;
    assert_eq!(held["would_send"][0]["method"], "PUT", "{held}");
    assert!(held["note"].as_str().unwrap().contains("confirm: true"));
    assert!(p.seen().await.iter().all(|r| r.method == "GET"));
    // A dry run of a write sends nothing.
    p.reset_log().await;
    let dry = s
        .ok("api_call", json!({"operation": "TagCreate", "arguments": {"body": {"Name": "x"}}, "dry_run": true}))
        .await;
    assert_eq!(dry["would_send"][0]["body"], json!({"Name": "x"}));
    assert!(p.seen().await.is_empty());
    // The registry's password comes back hidden.
    let r = s
        .ok(
            "api_call",
            json!({"operation": "RegistryInspect", "arguments": {"id": 1}}),
        )
        .await;
    assert_ne!(r["Password"], "registry-pass", "{r}");
    let (_, transcript) = s.stop().await;
    assert!(!transcript.contains("registry-pass"));
}

#[tokio::test]
async fn operations_the_connected_version_lacks_are_marked_and_not_sent() {
    let p = StandIn::with_options(Options::default().version("2.39.0").edition("CE")).await;
    let s = Session::start(&p.url(), &[]).await;
    p.reset_log().await;
    // Auth logs came after CE 2.39.0.
    let found = s
        .ok("api_find", json!({"query": "auth logs", "limit": 1}))
        .await;
    assert_eq!(found["items"][0]["operation"], "AuthLogsList");
    assert!(found["items"][0]["unavailable"]
        .as_str()
        .unwrap()
        .contains("2.39.0 CE"));
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "AuthLogsList", "arguments": {}}),
        )
        .await;
    assert!(
        e.contains("the connected Portainer (2.39.0 CE) does not have this route"),
        "{e}"
    );
    assert!(p.seen().await.is_empty());
    s.stop().await;
}

/// A call Portainer answers with an error becomes a tool error with the
/// status and Portainer's own message, and a route the server lacks says so.
#[tokio::test]
async fn api_call_reports_portainers_errors() {
    let (_p, s) = served(&[]).await;
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "EndpointInspect", "arguments": {"id": 77}}),
        )
        .await;
    assert!(
        e.contains("404") && e.contains("Unable to find a environment"),
        "{e}"
    );
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "EndpointInspect", "arguments": {"id": 500}}),
        )
        .await;
    assert!(e.contains("500") && e.contains("database is locked"), "{e}");
    s.stop().await;
}

/// Hand-written tools whose operation api_call cannot send (a form body)
/// are found by their words, so "create environment" leads somewhere.
#[tokio::test]
async fn find_points_to_hand_written_tools() {
    // Not served by default: its toolset is named instead.
    let (p, s) = served(&[]).await;
    let out = s
        .ok("api_find", json!({"query": "create environment"}))
        .await;
    assert_eq!(
        out["not_served"],
        json!(["environment_create (toolset environments_manage)"]),
        "{out}"
    );
    // A tool whose name does not say all it does: its find phrases.
    let out = s
        .ok("api_find", json!({"query": "create webhook for stack"}))
        .await;
    assert_eq!(out["curated_tools"], json!(["stack_update"]), "{out}");
    // A body's field names break ties: StackUpdate holds Webhook.
    let out = s
        .ok(
            "api_find",
            json!({"query": "update stack webhook", "limit": 1}),
        )
        .await;
    assert_eq!(out["items"][0]["operation"], "StackUpdate", "{out}");
    let out = s.ok("api_find", json!({"query": "create stack"})).await;
    assert!(
        !out["curated_tools"].to_string().contains("stack_update"),
        "{out}"
    );
    s.stop().await;
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let out = s
        .ok("api_find", json!({"query": "create environment"}))
        .await;
    assert_eq!(out["curated_tools"], json!(["environment_create"]), "{out}");
    let out = s
        .ok("api_find", json!({"query": "rollback swarm service"}))
        .await;
    assert_eq!(
        out["curated_tools"],
        json!(["swarm_service_rollback"]),
        "{out}"
    );
    let out = s.ok("api_find", json!({"query": "list tags"})).await;
    assert!(out.get("curated_tools").is_none(), "{out}");
    s.stop().await;
}

/// api_find and api_describe name a curated tool only when this server
/// serves it; otherwise they say which toolset would, and that api_call
/// reaches the same operation.
#[tokio::test]
async fn suggestions_are_tools_this_server_serves() {
    let (p, s) = crate::support::served(&[]).await;
    let hit = |out: &Value, id: &str| {
        out["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["operation"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no {id} in {out}"))
    };
    let out = s.ok("api_find", json!({"query": "list teams"})).await;
    let teams = hit(&out, "TeamList");
    assert!(teams.get("curated_tool").is_none(), "{teams}");
    let why = teams["not_served"].as_str().unwrap();
    assert_eq!(why, "team_list (toolset access)");
    let described = s.ok("api_describe", json!({"operation": "TeamList"})).await;
    assert!(described.get("curated_tool").is_none() && described["not_served"].is_string());
    let out = s.ok("api_find", json!({"query": "docker prune"})).await;
    assert!(out.get("curated_tools").is_none(), "{out}");
    assert!(
        out["not_served"]
            .to_string()
            .contains("docker_prune (toolset docker_manage)"),
        "{out}"
    );
    s.stop().await;

    // Served: named as before.
    let s = Session::start(&p.url(), &["--toolsets", "all"]).await;
    let out = s.ok("api_find", json!({"query": "list teams"})).await;
    assert_eq!(hit(&out, "TeamList")["curated_tool"], "team_list");
    let out = s.ok("api_find", json!({"query": "docker prune"})).await;
    assert_eq!(out["curated_tools"], json!(["docker_prune"]));
    assert!(out.get("not_served").is_none());
}

/// A schema is shown as it is: StackUpdate's `Env` field once came back as
/// `type: <redacted>`, read as a variable named `type`.
#[tokio::test]
async fn describe_shows_schemas_unredacted() {
    let (_p, s) = served(&[]).await;
    let out = s
        .ok("api_describe", json!({"operation": "StackUpdate"}))
        .await;
    assert!(out.get("_redacted").is_none(), "{out}");
    assert_eq!(
        out["arguments"]["properties"]["body"]["properties"]["Env"]["type"],
        "array"
    );
}

/// api_describe carries our words on the fields agents get wrong (the
/// webhook is a UUID the caller makes up) and the curated tools' own
/// argument descriptions; api_find ranks by those words too.
#[tokio::test]
async fn describe_says_what_fields_mean() {
    let (_p, s) = served(&[]).await;
    let out = s
        .ok("api_describe", json!({"operation": "StackUpdate"}))
        .await;
    let body = &out["arguments"]["properties"]["body"]["properties"];
    let hook = body["Webhook"]["description"].as_str().unwrap_or_default();
    assert!(hook.contains("UUID you make up"), "{out}");
    assert!(hook.contains("/api/stacks/webhooks/"), "{out}");
    assert!(body["Env"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("replaces")));
    // A curated tool's argument description, under the API's own name.
    let out = s
        .ok("api_describe", json!({"operation": "StackFileInspect"}))
        .await;
    assert!(out["arguments"]["properties"]["version"]["description"]
        .as_str()
        .is_some_and(|d| d.contains("older version")));
    // Every description within the budget the build holds notes to.
    fn texts<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                out.extend(m.get("description").and_then(Value::as_str));
                m.values().for_each(|v| texts(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| texts(v, out)),
            _ => {}
        }
    }
    let mut described = 0;
    for op in OPERATIONS {
        let v: Value = serde_json::from_str(op.input).unwrap();
        let mut found = vec![];
        texts(&v, &mut found);
        described += found.len();
        for t in found {
            assert!(t.chars().count() <= 240, "{}: {t}", op.id);
        }
    }
    assert!(described > 100, "{described}");
}
