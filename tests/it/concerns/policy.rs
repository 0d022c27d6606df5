//! --policy: what agents may do per environment, enforced in the HTTP
//! layer for every way a tool can write, and named when it refuses.

use crate::support::mcp::{command, exit_of, Session};
use crate::support::portainer::{StandIn, TOKEN};
use serde_json::json;

/// Environment 1 (`local`) carries the tag `prod`; environment 3
/// (`k8s-prod`) is in the group `production`, which carries `prod` too:
/// the first rule that picks an environment decides.
const POLICY: &str = r#"
[default]
access = "destructive"

[[rule]]
name = "production: no deletes"
groups = ["production"]
access = "write"

[[rule]]
name = "prod is read only"
tags = ["prod"]
access = "read"
allow_tools = ["stack_update"]
"#;

pub(super) fn policy_file(text: &str) -> tempfile::NamedTempFile {
    let f = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(f.path(), text).unwrap();
    f
}

/// A server with every toolset, no confirmation, and `policy`; the file
/// is kept as long as the server runs.
pub(super) async fn served_with(policy: &str) -> (StandIn, Session, tempfile::NamedTempFile) {
    let p = StandIn::start().await;
    let file = policy_file(policy);
    let path = file.path().to_str().unwrap();
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--confirm", "none", "--policy", path],
    )
    .await;
    (p, s, file)
}

/// The requests other than GET the stand-in saw for environment `env`.
pub(super) async fn writes_to(p: &StandIn, env: u64) -> Vec<String> {
    p.seen()
        .await
        .into_iter()
        .filter(|r| r.method != "GET" || r.path.contains("/websocket/"))
        .filter(|r| {
            r.path.starts_with(&format!("/api/endpoints/{env}/"))
                || r.query
                    .as_deref()
                    .is_some_and(|q| q.contains(&format!("endpointId={env}")))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn a_read_only_environment_gets_no_write_whatever_the_tool() {
    let (p, s, _file) = served_with(POLICY).await;
    let said = s.instructions();
    assert!(said.contains("policy decides, per environment"), "{said}");
    p.reset_log().await;
    let attempts = [
        (
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "restart"}),
        ),
        (
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/web/restart"}),
        ),
        (
            "api_call",
            json!({"operation": "DockerContainerRestart", "arguments": {"environmentId": 1, "id": "web"}}),
        ),
        (
            "docker_container_exec",
            json!({"environment_id": 1, "id": "web", "command": ["ls"]}),
        ),
        (
            "stack_create",
            json!({"type": "standalone", "environment_id": 1, "name": "shop", "file": "services: {}\n"}),
        ),
        (
            "docker_remove",
            json!({"environment_id": 1, "kind": "container", "id": "web"}),
        ),
    ];
    for (tool, args) in attempts {
        let e = s.tool_error(tool, args).await;
        assert!(
            e.contains("policy rule \"prod is read only\"")
                && e.contains("tag prod")
                && e.contains("only reads"),
            "{tool}: {e}"
        );
    }
    assert_eq!(writes_to(&p, 1).await, Vec::<String>::new());
    // Reads go on as before.
    s.ok("docker_container_list", json!({"environment_id": 1}))
        .await;

    // The rule excepts stack_update by name: its write goes.
    s.ok(
        "stack_update",
        json!({"id": 7, "environment_id": 1, "env": {"MODE": "blue"}}),
    )
    .await;
    assert_eq!(writes_to(&p, 1).await, ["PUT /api/stacks/7"]);

    // Group production allows writes but no deletes.
    p.reset_log().await;
    s.ok(
        "kubernetes_scale",
        json!({"environment_id": 3, "namespace": "shop", "name": "web", "replicas": 2}),
    )
    .await;
    let e = s
        .tool_error(
            "kubernetes_delete",
            json!({"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "name": "web-config", "namespace": "shop"}),
        )
        .await;
    assert!(
        e.contains("\"production: no deletes\"") && e.contains("group production"),
        "{e}"
    );
    // Exec runs commands: destructive, so refused there too.
    let e = s
        .tool_error(
            "kubernetes_pod_exec",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "command": ["ls"]}),
        )
        .await;
    assert!(e.contains("\"production: no deletes\""), "{e}");
    // A prune is destructive though it is a POST (the tool is marked so).
    let e = s
        .tool_error(
            "docker_prune",
            json!({"environment_id": 3, "kind": "containers"}),
        )
        .await;
    assert!(e.contains("\"production: no deletes\""), "{e}");
    let to_3 = writes_to(&p, 3).await;
    assert!(to_3.iter().all(|w| w.starts_with("PATCH")), "{to_3:?}");
    assert!(!to_3.is_empty(), "the scale went");
    s.stop().await;
}

/// A stack is judged where Portainer keeps it, whatever environment the
/// call names; a write that names no environment (a tag deleted, which
/// could undo a rule) gets the strictest access in the file.
#[tokio::test]
async fn no_write_slips_past_by_naming_another_environment_or_none() {
    let (p, s, _file) = served_with(POLICY).await;
    p.reset_log().await;
    // Stack 7 lives in environment 1 (read only); the call names 3.
    let e = s
        .tool_error(
            "stack_action",
            json!({"action": "start", "id": 7, "environment_id": 3}),
        )
        .await;
    assert!(e.contains("\"prod is read only\""), "{e}");
    for args in [
        json!({"operation": "TagDelete", "arguments": {"id": 1}}),
        json!({"operation": "EndpointGroupUpdate", "arguments": {"id": 2, "body": {"Name": "renamed"}}}),
    ] {
        let e = s.tool_error("api_call", args).await;
        assert!(
            e.contains("name no environment") && e.contains("only reads"),
            "{e}"
        );
    }
    let sent: Vec<String> = crate::support::writes(&p).await;
    assert!(sent.is_empty(), "{sent:?}");
    s.stop().await;
}

#[tokio::test]
async fn a_bad_policy_file_stops_start_up_naming_the_line() {
    let p = StandIn::start().await;
    for (text, says) in [
        ("[[rule]]\nname = \"x\"\ntags = [\"a\"]\naccess = \"often\"\n", "line 4"),
        ("[[rule]]\nname = \"x\"\naccess = \"read\"\n", "picks no environment"),
        (
            "[[rule]]\nname = \"x\"\nids = [1]\naccess = \"read\"\nallow_tools = [\"scale_everything\"]\n",
            "`scale_everything`",
        ),
    ] {
        let file = policy_file(text);
        let path = file.path().to_str().unwrap().to_string();
        let (ok, stderr) = exit_of(command(&p.url(), TOKEN, &["--policy", &path])).await;
        assert!(!ok && stderr.contains("--policy") && stderr.contains(says), "{stderr}");
    }
}

#[tokio::test]
async fn policy_check_explains_each_environment_and_warns_of_unknown_names() {
    let p = StandIn::start().await;
    let file = policy_file(&format!(
        "{POLICY}\n[[rule]]\nname = \"staging\"\ntags = [\"staging\"]\naccess = \"none\"\n"
    ));
    let path = file.path().to_str().unwrap().to_string();
    let out = command(&p.url(), TOKEN, &["policy", "check", "--policy", &path])
        .output()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("rule \"staging\" names tag staging, which Portainer does not have"),
        "{text}"
    );
    assert!(
        text.contains("environment 1 local (group Unassigned; tags prod): rule \"prod is read only\" (tag prod): only reads; except the tools stack_update"),
        "{text}"
    );
    assert!(
        text.contains("environment 3 k8s-prod (group production; tags prod): rule \"production: no deletes\" (group production)"),
        "{text}"
    );
    let one = command(
        &p.url(),
        TOKEN,
        &["policy", "check", "--environment", "3", "--policy", &path],
    )
    .output()
    .await
    .unwrap();
    let text = String::from_utf8_lossy(&one.stdout);
    assert!(
        text.contains("environment 3") && !text.contains("environment 1 "),
        "{text}"
    );
}

/// A rule naming a tag Portainer does not have is warned about at start-up.
#[tokio::test]
async fn unknown_names_are_warned_about_at_start_up() {
    let (_p, s, _file) =
        served_with("[[rule]]\nname = \"staging\"\ntags = [\"staging\"]\naccess = \"read\"\n")
            .await;
    // The warning is read in the background: give it a moment.
    let mut said = String::new();
    for _ in 0..50 {
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        said = s.stderr.lock().unwrap().clone();
        if said.contains("staging") {
            break;
        }
    }
    assert!(
        said.contains("rule \"staging\" names tag staging, which Portainer does not have"),
        "{said}"
    );
    s.stop().await;
}

/// Kinds a rule denies are refused in its environments only, reads too.
#[tokio::test]
async fn a_rule_denies_kinds_in_its_environments() {
    let (p, s, _file) = served_with(
        "[[rule]]\nname = \"no secrets in production\"\ngroups = [\"production\"]\naccess = \"destructive\"\ndeny_kinds = [\"Secret\"]\n",
    )
    .await;
    p.reset_log().await;
    let e = s
        .tool_error(
            "kubernetes_resource_list",
            json!({"environment_id": 3, "kind": "Secret", "namespace": "shop"}),
        )
        .await;
    assert!(
        e.contains("no secrets in production") && e.contains("was not sent"),
        "{e}"
    );
    let secrets = p
        .seen()
        .await
        .into_iter()
        .filter(|r| r.path.contains("/secrets"))
        .count();
    assert_eq!(secrets, 0);
    s.ok(
        "kubernetes_resource_list",
        json!({"environment_id": 3, "kind": "ConfigMap", "namespace": "shop"}),
    )
    .await;
    s.stop().await;
    let bad = policy_file(
        "[[rule]]\nname = \"x\"\nids = [3]\naccess = \"read\"\ndeny_kinds = [\"a/b/c\"]\n",
    );
    let path = bad.path().to_str().unwrap().to_string();
    let (ok, stderr) = exit_of(command(&p.url(), TOKEN, &["--policy", &path])).await;
    assert!(
        !ok && stderr.contains("rule \"x\"") && stderr.contains("a/b/c"),
        "{stderr}"
    );
}

/// A rule can ask for the user's confirmation of writes in its
/// environments, whatever --confirm says elsewhere.
#[tokio::test]
async fn a_rule_asks_for_confirmation_in_its_environments() {
    let (p, s, _file) = served_with(
        "[[rule]]\nname = \"prod: ask first\"\nids = [1]\naccess = \"destructive\"\nconfirm = \"writes\"\n",
    )
    .await;
    p.reset_log().await;
    let restart = json!({"environment_id": 1, "id": "web", "action": "restart"});
    let e = s
        .tool_error("docker_container_action", restart.clone())
        .await;
    assert!(
        e.contains("prod: ask first") && e.contains("confirm: true"),
        "{e}"
    );
    let mut preview = restart.clone();
    preview["dry_run"] = json!(true);
    let held = s.ok("docker_container_action", preview).await;
    assert!(held["would_send"].to_string().contains("restart"), "{held}");
    assert_eq!(writes_to(&p, 1).await, Vec::<String>::new());
    let mut yes = restart.clone();
    yes["confirm"] = json!(true);
    s.ok("docker_container_action", yes).await;
    assert_eq!(writes_to(&p, 1).await.len(), 1, "confirmed: sent");
    s.stop().await;
}
