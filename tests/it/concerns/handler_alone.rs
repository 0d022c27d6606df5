//! A handler runs on a `Call` value alone, with no MCP server around it:
//! what the call sends, holds and reads is in the call, nowhere else.

use crate::support::portainer::{StandIn, TOKEN};
use portainer_mcp::portainer::client::Client;
use portainer_mcp::portainer::http::{Http, HttpSettings};
use portainer_mcp::tools::args::Args;
use portainer_mcp::tools::call::{Call, Writes};
use portainer_mcp::tools::handlers;
use serde_json::{json, Value};

fn base(url: &str) -> Client {
    let api_root = url::Url::parse(&format!("{url}/api")).unwrap();
    let http = Http::new(&HttpSettings::to(
        api_root.clone(),
        TOKEN,
        std::time::Duration::from_secs(10),
    ))
    .unwrap();
    let inner = http.client().clone();
    Client::new_with_client(api_root.as_str(), inner, http)
}

fn args(v: Value) -> Args {
    Args::new(v.as_object().unwrap().clone())
}

async fn non_gets(p: &StandIn) -> Vec<(String, String)> {
    p.seen()
        .await
        .into_iter()
        .filter(|r| r.method != "GET")
        .map(|r| (r.method, r.path))
        .collect()
}

#[tokio::test]
async fn a_handler_runs_on_a_call_without_a_server() {
    let p = StandIn::start().await;
    let base = base(&p.url());
    let update = args(json!({"id": 7, "environment_id": 1, "env": {"MODE": "blue"}}));

    // Held: the handler reads what it needs, the write stays in the call.
    p.reset_log().await;
    let held = Call::new(&base, None, Writes::DryRun, None);
    (handlers::STACK_UPDATE.call)(&held, &update)
        .await
        .expect("a held update answers");
    assert!(non_gets(&p).await.is_empty(), "a held call sends no write");
    let state = held.record().take();
    let kept: Vec<String> = state.would_send.iter().map(|w| w.to_string()).collect();
    assert!(
        kept.iter()
            .any(|w| w.contains("PUT") && w.contains("/stacks/7") && w.contains("MODE")),
        "{kept:?}"
    );

    // Sent: the same handler on a call whose writes go.
    p.reset_log().await;
    let sent = Call::new(&base, None, Writes::Go, None);
    (handlers::STACK_UPDATE.call)(&sent, &update)
        .await
        .expect("the update answers");
    assert_eq!(
        non_gets(&p).await,
        [("PUT".to_string(), "/api/stacks/7".to_string())]
    );
    assert!(sent.record().take().would_send.is_empty());
    assert!(held.record().take().would_send.is_empty(), "calls apart");
}
