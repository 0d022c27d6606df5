//! `portainer-mcp demo`: the real server against the built-in sample
//! Portainer, with no Portainer given; its instructions and every result
//! say the data is a demo's, and the usual flags still apply.

use crate::support::mcp::Session;
use serde_json::json;

#[tokio::test]
async fn demo_serves_sample_data_marked_as_such() {
    let s = Session::demo(&[]).await;
    assert!(
        s.instructions().starts_with("DEMO:"),
        "{}",
        s.instructions()
    );
    let envs = s.ok("environment_list", json!({})).await;
    assert!(envs["_demo"].as_str().unwrap().contains("demo"), "{envs}");
    let items = envs["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{envs}");
    // A Docker environment's containers and a Kubernetes one's crash-looping pod.
    let containers = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "all": true}),
        )
        .await;
    assert!(!containers["items"].as_array().unwrap().is_empty());
    let pod = s
        .ok(
            "kubernetes_describe",
            json!({"environment_id": 3, "kind": "Pod", "namespace": "shop", "name": "web-7d4b9c-x2x"}),
        )
        .await;
    assert!(pod.to_string().contains("CrashLoopBackOff"), "{pod}");
    assert!(pod.get("_demo").is_some());
    // Its errors say so too.
    let e = s.tool_error("stack_get", json!({"id": 404404})).await;
    assert!(e.starts_with("[demo]"), "{e}");
    s.stop().await;

    // The flags apply as ever: read-only serves no write tool.
    let s = Session::demo(&["--read-only"]).await;
    let names: Vec<String> = s
        .tools()
        .await
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    assert!(names.contains(&"stack_list".to_string()));
    assert!(!names.contains(&"stack_update".to_string()), "{names:?}");
    s.stop().await;
}
