//! The environments toolsets: environment_create, and environment_list as the fleet overview.

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

/// The fleet in one call: each environment keeps Portainer's last snapshot
/// counts (Docker: containers by state, images, volumes, stacks;
/// Kubernetes: version, nodes, CPU, memory), without the raw engine dump.
#[tokio::test]
async fn environment_list_carries_the_snapshot_counts() {
    let (_p, s) = served(&[]).await;
    let out = s.ok("environment_list", json!({})).await;
    let local = &out["items"][0]["Snapshots"][0];
    for (k, v) in [
        ("RunningContainerCount", 3),
        ("StoppedContainerCount", 1),
        ("UnhealthyContainerCount", 1),
        ("ImageCount", 5),
        ("VolumeCount", 2),
        ("StackCount", 1),
    ] {
        assert_eq!(local[k], v, "{k}: {local}");
    }
    assert!(local.get("DockerSnapshotRaw").is_none() && local.get("PerformanceMetrics").is_none());
    let k8s = &out["items"][1]["Kubernetes"];
    assert_eq!(k8s["Snapshots"][0]["NodeCount"], 3, "{k8s}");
    assert_eq!(k8s["Snapshots"][0]["KubernetesVersion"], "v1.31.2");
    assert!(
        k8s.get("Configuration").is_none() && k8s["Snapshots"][0].get("DiagnosticsData").is_none()
    );
}
