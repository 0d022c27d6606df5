//! --team-id (PORTAINER_TEAM_ID): stacks this server creates are restricted
//! to that team through their resource control. stack_update's webhooks.

use crate::support::mcp::{command, exit_of, Session};
use crate::support::portainer::{Options, StandIn, TOKEN};
use crate::support::served;
use serde_json::json;

fn create_args() -> serde_json::Value {
    json!({"type": "standalone", "environment_id": 1, "name": "shop", "file": "services: {}\n"})
}

#[tokio::test]
async fn a_created_stack_is_handed_to_the_team() {
    let (p, s) = served(&["--team-id", "1"]).await;
    p.reset_log().await;
    let out = s.ok("stack_create", create_args()).await;
    assert_eq!(out["Id"], 9, "{out}");
    assert_eq!(
        out["ResourceControl"]["TeamAccesses"],
        json!([{"TeamId": 1, "AccessLevel": 1}]),
        "{out}"
    );
    let seen = p.seen().await;
    let put = seen
        .iter()
        .find(|r| r.method == "PUT")
        .expect("the resource control was updated");
    assert_eq!(put.path, "/api/resource_controls/19");
    assert_eq!(
        put.body,
        Some(json!({"AdministratorsOnly": false, "Public": false, "Users": [], "Teams": [1]}))
    );
    // The create came first: the control is Portainer's for the new stack.
    assert!(
        seen.iter().position(|r| r.method == "POST") < seen.iter().position(|r| r.method == "PUT")
    );

    // A preview shows the update after the create and sends neither.
    p.reset_log().await;
    let mut dry = create_args();
    dry["dry_run"] = json!(true);
    let out = s.ok("stack_create", dry).await;
    let would: Vec<(&str, &str)> = out["would_send"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["method"].as_str().unwrap(), w["path"].as_str().unwrap()))
        .collect();
    assert_eq!(would.len(), 2, "{out}");
    assert_eq!(would[0].0, "POST");
    assert_eq!(would[1].0, "PUT");
    assert!(would[1].1.starts_with("/api/resource_controls/"), "{out}");
    assert!(p.seen().await.iter().all(|r| r.method == "GET"));

    // Other writes are left alone.
    p.reset_log().await;
    s.ok(
        "stack_action",
        json!({"action": "stop", "id": 7, "environment_id": 1}),
    )
    .await;
    assert!(!p.seen().await.iter().any(|r| r.method == "PUT"));
    s.stop().await;

    // Without the flag nothing but the create is sent.
    let s = Session::start(&p.url(), &[]).await;
    p.reset_log().await;
    s.ok("stack_create", create_args()).await;
    assert!(!p.seen().await.iter().any(|r| r.method == "PUT"));
    s.stop().await;
}

#[tokio::test]
async fn a_refused_restriction_says_the_stack_exists() {
    let p = StandIn::start().await;
    // The stand-in refuses team 2 as Portainer does for a team the user
    // does not lead.
    let s = Session::start(&p.url(), &["--team-id", "2"]).await;
    let e = s.tool_error("stack_create", create_args()).await;
    assert!(
        e.contains("403")
            && e.contains("stack 9 `shop` was created, but restricting it to team 2 failed")
            && e.contains("Permission denied"),
        "{e}"
    );
    s.stop().await;
}

#[tokio::test]
async fn an_unknown_team_stops_start_up_but_not_a_read_only_server() {
    let p = StandIn::start().await;
    let mut cmd = command(&p.url(), TOKEN, &[]);
    cmd.env("PORTAINER_TEAM_ID", "5");
    let (ok, stderr) = exit_of(cmd).await;
    assert!(!ok);
    assert!(
        stderr.contains("--team-id 5 (PORTAINER_TEAM_ID)")
            && stderr.contains("404")
            && stderr.contains("Unable to find a team"),
        "{stderr}"
    );
    // The product description's own config: -read-only with a team id.
    // Nothing is created there, so the team is not even read.
    let s = Session::start(&p.url(), &["-read-only", "--team-id", "5"]).await;
    assert!(!s.tools().await.is_empty());
    s.stop().await;
    for bad in ["0", "team-a"] {
        let (ok, stderr) = exit_of(command(&p.url(), TOKEN, &["--team-id", bad])).await;
        assert!(!ok && stderr.contains("--team-id"), "{bad}: {stderr}");
    }
}

/// The webhook id a stack_update sent, checked to be a v4 UUID, and the URL
/// its answer gave for it.
fn webhook_sent(id: &str, answer: &serde_json::Value) -> String {
    let parsed = uuid::Uuid::parse_str(id).expect("a UUID");
    assert_eq!(parsed.get_version_num(), 4, "{id}");
    let url = answer["webhook"]["url"]
        .as_str()
        .expect("a URL")
        .to_string();
    assert!(
        url.ends_with(&format!("/api/stacks/webhooks/{id}")),
        "{url}"
    );
    assert_eq!(answer["webhook"]["method"], "POST");
    url
}

/// The writes the stand-in received since its log was last reset, then
/// reset for the next step.
async fn writes(p: &StandIn) -> Vec<portainer_standin::Seen> {
    let w = p
        .seen()
        .await
        .into_iter()
        .filter(|r| r.method != "GET")
        .collect();
    p.reset_log().await;
    w
}

#[tokio::test]
async fn stack_update_makes_and_removes_webhooks() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let update = |id: u64, extra: serde_json::Value| {
        let mut args = json!({"id": id, "environment_id": 1});
        args.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        args
    };

    // A file stack (Business Edition): the update carries the new id.
    let out = s
        .ok("stack_update", update(7, json!({"webhook": "new"})))
        .await;
    let w = writes(&p).await;
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("PUT", "/api/stacks/7")
    );
    let body = w[0].body.clone().unwrap();
    webhook_sent(body["Webhook"].as_str().unwrap(), &out);
    assert!(
        body["StackFileContent"].as_str().unwrap().contains("nginx"),
        "the file is kept"
    );
    assert_eq!(out["webhook"]["replaces"], json!(null));

    // One it has is replaced (the answer names the old URL) or removed,
    // and an update that does not name it sends it back unchanged.
    let old = "0b1e3c5e-4f7a-4d2b-9c1e-2a3b4c5d6e7f";
    let out = s
        .ok("stack_update", update(12, json!({"webhook": "new"})))
        .await;
    assert!(
        out["webhook"]["replaces"].as_str().unwrap().ends_with(old),
        "{out}"
    );
    writes(&p).await;
    s.ok("stack_update", update(12, json!({"env": {"A": "1"}})))
        .await;
    assert_eq!(
        writes(&p).await[0].body.clone().unwrap()["Webhook"],
        old,
        "kept"
    );
    let out = s
        .ok("stack_update", update(12, json!({"webhook": "remove"})))
        .await;
    assert_eq!(writes(&p).await[0].body.clone().unwrap()["Webhook"], "");
    assert!(out["webhook"]["removed"].as_str().unwrap().ends_with(old));

    // A git stack: its git settings change, nothing is redeployed, the
    // stored reference, variables and credentials go back as they were.
    let out = s
        .ok("stack_update", update(11, json!({"webhook": "new"})))
        .await;
    let w = writes(&p).await;
    assert_eq!(w.len(), 1, "{w:?}");
    assert_eq!(
        (w[0].method.as_str(), w[0].path.as_str()),
        ("POST", "/api/stacks/11/git")
    );
    let body = w[0].body.clone().unwrap();
    webhook_sent(body["AutoUpdate"]["Webhook"].as_str().unwrap(), &out);
    assert_eq!(body["RepositoryReferenceName"], "refs/heads/release");
    assert_eq!(body["RepositoryUsername"], "deploy-bot");
    assert_eq!(body["Env"].as_array().unwrap().len(), 2);
    // Polling, force and the other stored settings go back as they were.
    let auto = &body["AutoUpdate"];
    assert_eq!(
        (auto["Interval"].as_str(), auto["ForceUpdate"].as_bool()),
        (Some("5m"), Some(true))
    );
    assert_eq!(body["Prune"], true);
    assert_eq!(body["AdditionalFiles"], json!(["override.yml"]));
    assert_eq!(body["ConfigFilePath"], "docker-compose.yml");
    assert_eq!(
        body["RepositoryURL"],
        "https://git.example.com/team/api.git"
    );
    // Removing it keeps the rest of AutoUpdate.
    s.ok("stack_update", update(11, json!({"webhook": "remove"})))
        .await;
    let w = writes(&p).await;
    let auto = &w[0].body.as_ref().unwrap()["AutoUpdate"];
    assert_eq!(
        (auto["Webhook"].as_str(), auto["Interval"].as_str()),
        (Some(""), Some("5m"))
    );
    // A stack without one: nothing to remove, nothing written.
    let out = s
        .ok("stack_update", update(7, json!({"webhook": "remove"})))
        .await;
    assert_eq!(out["webhook"]["removed"], json!(null), "{out}");
    assert!(writes(&p).await.is_empty());
    // With a change to deploy, the settings first, then the redeploy.
    let extra = json!({"webhook": "new", "env": {"LOG_LEVEL": "debug"}});
    s.ok("stack_update", update(11, extra)).await;
    let paths: Vec<String> = writes(&p).await.into_iter().map(|r| r.path).collect();
    assert_eq!(paths, ["/api/stacks/11/git", "/api/stacks/11/git/redeploy"]);
    // The redeploy failing after the webhook changed: the error says so.
    p.answer(
        "PUT",
        "/api/stacks/11/git/redeploy",
        500,
        json!({"message": "git clone failed"}),
    );
    let extra = json!({"webhook": "new", "env": {"LOG_LEVEL": "debug"}});
    let e = s.tool_error("stack_update", update(11, extra)).await;
    assert!(
        e.contains("git clone failed")
            && e.contains("webhook had already changed")
            && e.contains("/api/stacks/webhooks/"),
        "{e}"
    );
    writes(&p).await;

    // A dry run shows the request and sends nothing.
    let extra = json!({"webhook": "new", "dry_run": true});
    let out = s.ok("stack_update", update(7, extra)).await;
    assert!(out.to_string().contains("Webhook"), "{out}");
    assert!(writes(&p).await.is_empty());
    s.stop().await;
}

/// A Community Edition 2.39 stand-in and a session on it, start-up forgotten.
async fn community() -> (StandIn, Session) {
    let p = StandIn::with_options(Options::default().version("2.39.0").edition("CE")).await;
    let s = Session::start(&p.url(), &[]).await;
    p.reset_log().await;
    (p, s)
}

#[tokio::test]
async fn community_edition_keeps_webhooks_of_git_stacks_only() {
    let (p, s) = community().await;
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "webhook": "new"}),
        )
        .await;
    assert!(e.contains("`webhook`") && e.contains("git"), "{e}");
    assert!(
        p.seen().await.iter().all(|r| r.method == "GET"),
        "nothing written"
    );
    s.stop().await;
}

/// stack_get says whether the stack runs as deployed; stack_update with
/// `wait` answers once it does (or fails), under `running`.
#[tokio::test]
async fn a_stack_says_how_it_runs_and_an_update_waits_for_it() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let got = s.ok("stack_get", json!({"id": 7})).await;
    let run = &got["running"];
    assert_eq!(run["kind"], "compose", "{got}");
    assert_eq!(run["healthy"], true, "{got}");
    assert_eq!(run["containers"][0]["verdict"], "ok");
    let list = p
        .seen()
        .await
        .into_iter()
        .find(|r| r.path.ends_with("/containers/json"))
        .expect("the stack's containers listed");
    assert!(
        list.query
            .unwrap_or_default()
            .contains("com.docker.compose.project%3Dweb"),
        "by the stack's project label"
    );
    let out = s
        .ok(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"A": "1"}, "wait": 10}),
        )
        .await;
    assert_eq!(out["running"]["healthy"], true, "{out}");
    assert!(out["running"]["waited_seconds"].is_u64());
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"A": "1"}, "wait": 0}),
        )
        .await;
    assert!(e.contains("`wait`"), "{e}");
    // A stack created with `wait` answers once it runs, the same way.
    let mut create = create_args();
    create["wait"] = json!(10);
    let out = s.ok("stack_create", create).await;
    assert_eq!(out["Id"], 9, "{out}");
    assert_eq!(out["running"]["kind"], "compose", "{out}");
    // The wait read the stack's containers (no list plan ate them).
    assert!(
        !out["running"]["containers"]
            .as_array()
            .is_none_or(|c| c.is_empty()),
        "{out}"
    );
    assert!(out["running"]["waited_seconds"].is_u64(), "{out}");
    s.stop().await;
}

/// A held stack_update shows what it would change: the file's unified
/// diff against the deployed one, the variables by name, and the services
/// compose would recreate with why.
#[tokio::test]
async fn a_held_update_shows_the_diff() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let file = "services:\n  web:\n    image: nginx:1.28\n    ports: [\"8080:80\"]\n  worker:\n    image: busybox\n";
    let out = s
        .ok(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "file": file, "env": {"LOG_LEVEL": "debug"}, "dry_run": true}),
        )
        .await;
    let change = &out["would_change"];
    let diff = change["file"].as_str().expect("a unified diff");
    assert!(
        diff.contains("-    image: nginx:1.27\n+    image: nginx:1.28"),
        "{diff}"
    );
    assert_eq!(change["services"]["recreated"], json!({"web": ["image"]}));
    assert_eq!(change["services"]["added"], json!(["worker"]));
    assert_eq!(change["env"]["set"], json!(["LOG_LEVEL"]));
    assert!(
        !change.to_string().contains("debug"),
        "variables by name only: {change}"
    );
    assert!(
        p.seen().await.iter().all(|r| r.method == "GET"),
        "nothing written"
    );
    s.stop().await;
}

/// rollback: a file stack goes back to the file Portainer Business kept
/// from before its last update, in one call: held, it shows the diff and
/// sends nothing; done, the earlier file and its version are sent. A stack
/// with no earlier file, Community Edition and a git stack are refused with
/// the reason, nothing sent.
#[tokio::test]
async fn a_stack_rolls_back_to_its_previous_file() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let held = s
        .ok(
            "stack_update",
            json!({"id": 13, "environment_id": 1, "rollback": true, "dry_run": true}),
        )
        .await;
    let diff = held["would_change"]["file"].as_str().expect("a diff");
    assert!(
        diff.contains("-    image: nginx:1.28-broken\n+    image: nginx:1.27"),
        "{diff}"
    );
    assert!(writes(&p).await.is_empty(), "held: nothing written");
    let out = s
        .ok(
            "stack_update",
            json!({"id": 13, "environment_id": 1, "rollback": true}),
        )
        .await;
    assert_eq!(out["rolled_back_to"]["file_version"], 2, "{out}");
    let read = p.seen().await;
    assert!(
        read.iter()
            .any(|r| r.path == "/api/stacks/13/file" && r.query.as_deref() == Some("version=2")),
        "the previous version read: {read:?}"
    );
    let sent = writes(&p).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        (sent[0].method.as_str(), sent[0].path.as_str()),
        ("PUT", "/api/stacks/13")
    );
    let body = sent[0].body.clone().expect("a JSON body");
    assert_eq!(body["RollbackTo"], 2);
    assert_eq!(
        body["StackFileContent"],
        "services:\n  web:\n    image: nginx:1.27\n"
    );
    assert_eq!(body["Env"], json!([{"name": "LOG_LEVEL", "value": "info"}]));

    for (args, says) in [
        (
            json!({"id": 7, "environment_id": 1, "rollback": true}),
            "no earlier file kept",
        ),
        (
            json!({"id": 11, "environment_id": 1, "rollback": true}),
            "commit 41c07e2",
        ),
        (
            json!({"id": 14, "environment_id": 1, "rollback": true}),
            "ran the same file",
        ),
        (
            json!({"id": 13, "environment_id": 1, "rollback": true, "file": "services: {}\n"}),
            "leave file and ref out",
        ),
    ] {
        let e = s.tool_error("stack_update", args).await;
        assert!(e.contains("`rollback`") && e.contains(says), "{e}");
    }
    assert!(writes(&p).await.is_empty(), "refused: nothing written");
    s.stop().await;

    let (p, s) = community().await;
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 13, "environment_id": 1, "rollback": true}),
        )
        .await;
    assert!(e.contains("Community Edition keeps no earlier"), "{e}");
    assert!(writes(&p).await.is_empty());
    s.stop().await;
}
