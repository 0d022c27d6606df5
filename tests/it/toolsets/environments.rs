//! The environments toolsets: environment_create.

use crate::support::served;
use serde_json::json;

/// environment_create sends the multipart form Portainer's EndpointCreate
/// reads (it refuses JSON), and answers with what the next call needs.
#[tokio::test]
async fn environment_create_sends_a_form() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "environment_create",
            json!({"name": "prod-2", "kind": "agent", "url": "10.0.0.5:9001", "group_id": 2, "tag_ids": [1, 2]}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let r = &seen[0];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/api/endpoints")
    );
    let ct = r.content_type.as_deref().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let text = r.text.as_deref().unwrap();
    for (field, value) in [
        ("Name", "prod-2"),
        ("EndpointCreationType", "2"),
        ("URL", "10.0.0.5:9001"),
        ("GroupID", "2"),
        ("TagIds", "[1,2]"),
        ("TLS", "true"),
        ("TLSSkipVerify", "true"),
    ] {
        let part = format!("name=\"{field}\"\r\n\r\n{value}\r\n");
        assert!(text.contains(&part), "{field}={value} missing in {text}");
    }
    assert_eq!(
        out,
        json!({"id": 9, "name": "prod-2", "type": 2, "url": "10.0.0.5:9001", "group_id": 2, "status": 1})
    );
    // An Edge agent's key is a secret: hidden unless --show-secrets.
    let out = s
        .ok(
            "environment_create",
            json!({"name": "edge-1", "kind": "edge_agent", "url": "https://portainer.example"}),
        )
        .await;
    assert_eq!(out["type"], 4);
    assert_eq!(out["EdgeKey"], "<redacted>");
    // dry_run shows the form and sends nothing.
    let n = p.seen().await.len();
    let out = s
        .ok(
            "environment_create",
            json!({"name": "local", "kind": "docker_api", "dry_run": true}),
        )
        .await;
    assert_eq!(p.seen().await.len(), n, "dry run sent a request");
    let shown = out.to_string();
    assert!(
        shown.contains("/api/endpoints") && shown.contains("local"),
        "{shown}"
    );
    // A wrong combination names the argument and sends nothing.
    let e = s
        .tool_error(
            "environment_create",
            json!({"name": "x", "kind": "docker_api", "url": "host:2375"}),
        )
        .await;
    assert!(e.contains("`url`"), "{e}");
    assert_eq!(p.seen().await.len(), n);
    s.stop().await;
}
