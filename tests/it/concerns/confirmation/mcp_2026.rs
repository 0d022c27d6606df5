//! MCP 2026-07-28 clients: no session, no server→client requests. A call
//! that needs confirmation answers input_required; the client's second
//! round carries the user's answer and the sealed state, which any replica
//! with the same state key accepts.

use crate::support::http::{start, GATE};
use crate::support::mcp::{command, text_of};
use crate::support::portainer::{Seen, StandIn, TOKEN};
use crate::support::user::{audit_lines, User};
use rmcp::model::{CallToolRequestParams, CallToolResponse, InputResponses, ProtocolVersion};
use rmcp::service::{ClientLifecycleMode, ClientServiceExt, RunningService};
use rmcp::transport::TokioChildProcess;
use rmcp::RoleClient;
use serde_json::{json, Value};

const KEY: &str = "0123456789abcdef0123456789abcdef-shared";

fn modern() -> ClientLifecycleMode {
    ClientLifecycleMode::Discover {
        preferred_versions: vec![ProtocolVersion::V_2026_07_28],
    }
}

async fn on_stdio(p: &StandIn, user: &User, args: &[&str]) -> RunningService<RoleClient, User> {
    let transport = TokioChildProcess::new(command(&p.url(), TOKEN, args)).unwrap();
    user.clone()
        .serve_with_lifecycle(transport, modern())
        .await
        .expect("2026-07-28 start-up")
}

async fn on_http(url: &str, user: &User) -> RunningService<RoleClient, User> {
    let transport = crate::support::http::transport(url, GATE, Some(TOKEN));
    user.clone()
        .serve_with_lifecycle(transport, modern())
        .await
        .expect("2026-07-28 start-up over HTTP")
}

fn remove_web() -> CallToolRequestParams {
    let mut params = CallToolRequestParams::new("docker_remove");
    params.arguments = json!({"environment_id": 1, "kind": "container", "id": "web"})
        .as_object()
        .cloned();
    params
}

fn deletes(seen: &[Seen]) -> usize {
    seen.iter().filter(|r| r.method == "DELETE").count()
}

#[tokio::test]
async fn a_modern_client_confirms_through_input_required() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let audit_arg = audit.to_str().unwrap();

    // The user says no: nothing is sent.
    let user = User::new(true, false);
    let c = on_stdio(&p, &user, &["--audit-log", audit_arg]).await;
    assert_eq!(
        c.peer_info().map(|i| i.protocol_version.clone()),
        Some(ProtocolVersion::V_2026_07_28)
    );
    let r = c.call_tool(remove_web()).await.unwrap();
    let out = r.structured_content.unwrap();
    assert!(out["note"].as_str().unwrap().contains("declined"), "{out}");
    assert_eq!(deletes(&p.seen().await), 0);
    let asked = user.asked();
    assert_eq!(asked.len(), 1);
    assert!(
        asked[0].contains("DELETE /api/endpoints/1/docker/containers/web"),
        "{asked:?}"
    );

    // The user says yes: sent once.
    let user = User::new(true, true);
    let c2 = on_stdio(&p, &user, &["--audit-log", audit_arg]).await;
    let r = c2.call_tool(remove_web()).await.unwrap();
    let out = r.structured_content.unwrap();
    assert_eq!(out["ok"], true, "{out}");
    assert_eq!(deletes(&p.seen().await), 1);
    let _ = c.cancel().await;
    let _ = c2.cancel().await;

    // The audit trail: the first round asks; the second, a call of its
    // own naming the first (`asked_in`), has the answer, then intent and
    // outcome when the user said yes.
    let lines = audit_lines(&audit);
    let phases = |key: &str, call: &Value| -> Vec<String> {
        lines
            .iter()
            .filter(|l| &l[key] == call)
            .map(|l| l["phase"].as_str().unwrap().to_string())
            .collect()
    };
    let asks: Vec<&Value> = lines.iter().filter(|l| l["phase"] == "ask").collect();
    assert_eq!(asks.len(), 2, "{lines:?}");
    assert!(asks.iter().all(|a| a["via"] == "input_required"));
    assert_eq!(phases("call", &asks[0]["call"]), ["ask"]);
    assert_eq!(phases("asked_in", &asks[0]["call"]), ["answer", "outcome"]);
    assert_eq!(
        phases("asked_in", &asks[1]["call"]),
        ["answer", "intent", "outcome"]
    );
    let done = lines
        .iter()
        .find(|l| l["asked_in"] == asks[1]["call"] && l["phase"] == "outcome")
        .unwrap();
    assert_eq!(done["requests"][0]["method"], "DELETE", "{done}");
    assert_ne!(done["call"], asks[1]["call"]);
}

#[tokio::test]
async fn a_modern_client_without_forms_confirms_with_the_argument() {
    let p = StandIn::start().await;
    let user = User::new(false, true);
    let c = on_stdio(&p, &user, &[]).await;
    let r = c.call_tool(remove_web()).await.unwrap();
    let out = r.structured_content.unwrap();
    assert!(
        out["note"].as_str().unwrap().contains("confirm: true"),
        "{out}"
    );
    assert_eq!(deletes(&p.seen().await), 0);
    let mut params = remove_web();
    params
        .arguments
        .as_mut()
        .unwrap()
        .insert("confirm".into(), json!(true));
    let r = c.call_tool(params).await.unwrap();
    assert_eq!(r.structured_content.unwrap()["ok"], true);
    assert_eq!(deletes(&p.seen().await), 1);
    assert!(user.asked().is_empty());
    let _ = c.cancel().await;
}

/// Round one on one replica, round two on another: the same state key on
/// both makes that work; another key, other arguments or a forged state
/// are refused and send nothing.
#[tokio::test]
async fn the_second_round_may_land_on_another_replica() {
    let p = StandIn::start().await;
    let a = start(&p.url(), &["--state-key", KEY]).await;
    let b = start(&p.url(), &["--state-key", KEY]).await;
    let other = start(&p.url(), &["--state-key", &KEY.replace('0', "9")]).await;
    let user = User::new(true, true);
    let on_a = on_http(&a.url, &user).await;
    let on_b = on_http(&b.url, &user).await;
    let on_other = on_http(&other.url, &user).await;

    // list works without a session.
    let tools = on_a.list_all_tools().await.unwrap();
    assert!(tools.iter().any(|t| t.name == "docker_remove"));

    let CallToolResponse::InputRequired(asked) = on_a.call_tool_once(remove_web()).await.unwrap()
    else {
        panic!("a held call asks for input");
    };
    let state = asked.request_state.clone().unwrap();
    assert!(asked.input_requests.unwrap().contains_key("confirm"));
    let mut yes = InputResponses::new();
    yes.insert(
        "confirm".into(),
        json!({"action": "accept", "content": {"confirm": true}}),
    );
    let second = |args: Value, state: &str| {
        let mut params = CallToolRequestParams::new("docker_remove");
        params.arguments = args.as_object().cloned();
        params.request_state = Some(state.to_string());
        params.input_responses = Some(yes.clone());
        params
    };
    let web = json!({"environment_id": 1, "kind": "container", "id": "web"});
    let db = json!({"environment_id": 1, "kind": "container", "id": "db"});

    for (client, args, state) in [
        (&on_other, web.clone(), state.as_str()),
        (&on_b, db, state.as_str()),
        (&on_b, web.clone(), "rs1.forged"),
    ] {
        let CallToolResponse::Complete(r) =
            client.call_tool_once(second(args, state)).await.unwrap()
        else {
            panic!("refused rounds complete with an error");
        };
        assert_eq!(r.is_error, Some(true));
        assert!(text_of(&r).contains("confirmation"), "{}", text_of(&r));
    }
    assert_eq!(deletes(&p.seen().await), 0);

    let CallToolResponse::Complete(r) = on_b.call_tool_once(second(web, &state)).await.unwrap()
    else {
        panic!("an accepted round completes");
    };
    assert_eq!(r.structured_content.unwrap()["ok"], true);
    assert_eq!(deletes(&p.seen().await), 1);
    for c in [on_a, on_b, on_other] {
        let _ = c.cancel().await;
    }
}
