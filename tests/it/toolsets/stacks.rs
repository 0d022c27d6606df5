//! --team-id (PORTAINER_TEAM_ID): stacks this server creates are restricted
//! to that team through their resource control.

use crate::support::mcp::{command, exit_of, Session};
use crate::support::portainer::{StandIn, TOKEN};
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
