//! The swarm toolset.

use crate::support::pairs;
use crate::support::served;
use serde_json::json;

/// swarm_service_rollback writes the current spec back at its version with
/// rollback=previous, as `docker service rollback` does.
#[tokio::test]
async fn swarm_service_rollback_asks_docker_for_the_previous_spec() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "shop_web"}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    let reqs: Vec<(String, String)> = seen
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/endpoints/1/docker/services/shop_web"),
            ("POST", "/api/endpoints/1/docker/services/shop_web/update")
        ])
    );
    assert_eq!(
        seen[1].query.as_deref(),
        Some("version=42&rollback=previous")
    );
    assert_eq!(
        seen[1].body.as_ref().unwrap()["TaskTemplate"]["ContainerSpec"]["Image"],
        "shop/web:1.4",
        "the current spec goes with the request"
    );
    assert_eq!(
        (out["image_before"].clone(), out["image_after"].clone()),
        (json!("shop/web:1.4"), json!("shop/web:1.3"))
    );
    // A service never updated has nothing to go back to.
    let e = s
        .tool_error(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "agent"}),
        )
        .await;
    assert!(e.contains("no previous spec"), "{e}");
    s.stop().await;
}
