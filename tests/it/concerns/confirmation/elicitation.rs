//! Confirmation by asking the user, for clients that support elicitation.

use crate::support::mcp::command;
use crate::support::portainer::{StandIn, TOKEN};
use crate::support::user::{audit_lines, User};
use rmcp::model::CallToolRequestParams;
use rmcp::transport::TokioChildProcess;
use rmcp::ServiceExt;
use serde_json::{json, Value};

async fn remove_web(p: &StandIn, yes: bool, audit: &str) -> (Value, Vec<String>) {
    let user = User::new(true, yes);
    let transport =
        TokioChildProcess::new(command(&p.url(), TOKEN, &["--audit-log", audit])).unwrap();
    let client = user.clone().serve(transport).await.unwrap();
    let mut params = CallToolRequestParams::new("docker_remove");
    params.arguments = json!({"environment_id": 1, "kind": "container", "id": "web"})
        .as_object()
        .cloned();
    let r = client.call_tool(params).await.unwrap();
    let _ = client.cancel().await;
    (r.structured_content.unwrap_or(Value::Null), user.asked())
}

#[tokio::test]
async fn a_destructive_call_asks_the_user_first() {
    let p = StandIn::start().await;
    let deletes = |seen: &[crate::support::portainer::Seen]| {
        seen.iter().filter(|r| r.method == "DELETE").count()
    };

    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let audit = audit.to_str().unwrap();
    let (out, asked) = remove_web(&p, false, audit).await;
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].contains("DELETE /api/endpoints/1/docker/containers/web"),
        "{asked:?}"
    );
    assert!(out["note"].as_str().unwrap().contains("declined"), "{out}");
    assert_eq!(deletes(&p.seen().await), 0, "a declined change is not sent");

    let (out, asked) = remove_web(&p, true, audit).await;
    assert_eq!(asked.len(), 1);
    assert_eq!(out["ok"], true, "the change ran: {out}");
    assert_eq!(deletes(&p.seen().await), 1);

    // The same trail as a 2026-07-28 confirmation (tests/mcp_2026.rs).
    let lines = audit_lines(std::path::Path::new(audit));
    let phases: Vec<(&str, &str)> = lines
        .iter()
        .map(|l| (l["call"].as_str().unwrap(), l["phase"].as_str().unwrap()))
        .collect();
    let first = phases[0].0;
    let second = phases[3].0;
    assert_ne!(first, second);
    assert_eq!(
        phases,
        [
            (first, "ask"),
            (first, "answer"),
            (first, "outcome"),
            (second, "ask"),
            (second, "answer"),
            (second, "intent"),
            (second, "outcome"),
        ]
    );
    assert_eq!(lines[0]["via"], "elicitation");
}
