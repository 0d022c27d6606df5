//! --metrics ADDR: Prometheus metrics from a stdio server, and the names
//! the dashboard and alert rules in deploy/ read are the ones it exports.

use crate::support::mcp::Session;
use crate::support::portainer::StandIn;
use serde_json::json;

async fn scrape(port: u16) -> String {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let r = reqwest::get(format!("http://127.0.0.1:{port}/metrics"))
        .await
        .expect("metrics answer");
    assert_eq!(r.status(), 200);
    r.text().await.unwrap()
}

/// Every `portainer_mcp_*` family a file names (series by their family,
/// as `# TYPE` names it).
fn names_in(text: &str) -> Vec<String> {
    let mut out = vec![];
    for (i, _) in text.match_indices("portainer_mcp_") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
            .collect();
        let name = ["_bucket", "_sum", "_count", "_total"]
            .iter()
            .fold(name, |n, s| {
                n.strip_suffix(s).map(str::to_string).unwrap_or(n)
            });
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

#[tokio::test]
async fn a_stdio_server_serves_metrics_the_deploy_files_read() {
    let p = StandIn::start().await;
    let port = crate::support::free_port();
    let addr = format!("127.0.0.1:{port}");
    let s = Session::start(&p.url(), &["--metrics", &addr]).await;
    s.ok("stack_list", json!({})).await;
    s.ok(
        "stack_action",
        json!({"action": "stop", "id": 7, "environment_id": 1}),
    )
    .await;
    // Held until confirmed: a preview, counted as such.
    s.ok(
        "docker_remove",
        json!({"environment_id": 1, "kind": "container", "id": "web"}),
    )
    .await;
    let body = scrape(port).await;
    for series in [
        r#"portainer_mcp_tool_calls_total{tool="stack_list",access="read",outcome="ok"} 1"#,
        r#"portainer_mcp_tool_calls_total{tool="stack_action",access="write",outcome="ok"} 1"#,
        r#"portainer_mcp_tool_calls_total{tool="docker_remove",access="write",outcome="held"} 1"#,
        r#"portainer_mcp_upstream_responses_total{status="200"}"#,
        "portainer_mcp_tool_calls_in_flight 0",
        r#"portainer_mcp_tool_call_seconds_bucket{le="+Inf",tool="stack_list"} 1"#,
    ] {
        assert!(body.contains(series), "{series} in\n{body}");
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("deploy");
    for file in ["prometheus/alerts.yml", "grafana/portainer-mcp.json"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let names = names_in(&text);
        assert!(names.len() >= 3, "{file}: {names:?}");
        for name in names {
            assert!(
                body.contains(&format!("# TYPE {name} ")),
                "{file} reads {name}, which the server does not export"
            );
        }
    }
    // Only /metrics is served there.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let other = reqwest::get(format!("http://{addr}/mcp")).await.unwrap();
    assert_eq!(other.status(), 404);
    s.stop().await;
}
