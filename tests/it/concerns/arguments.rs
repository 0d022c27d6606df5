//! Bad arguments are refused, naming what is wrong, before any request.

use crate::support::served;
use serde_json::json;

#[tokio::test]
async fn bad_arguments_are_refused_before_any_request() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let before = p.seen().await.len();
    let e = s
        .tool_error("environment_get", json!({"environment_id": "one"}))
        .await;
    assert!(
        e.contains("argument `environment_id`") && e.contains("invalid type"),
        "{e}"
    );
    let e = s.tool_error("environment_get", json!({})).await;
    assert!(
        e.contains("missing required argument `environment_id`"),
        "{e}"
    );
    let e = s
        .tool_error("stack_action", json!({"action": "stop", "id": 7}))
        .await;
    assert!(e.contains("`environment_id`"), "{e}");
    let e = s
        .tool_error("environment_list", json!({"serach": "x"}))
        .await;
    assert!(e.contains("unknown argument `serach`"), "{e}");
    let e = s
        .tool_error("environment_list", json!({"edgeAsync": true}))
        .await;
    assert!(
        e.contains("unknown argument `edgeAsync`"),
        "hidden parameters cannot be set: {e}"
    );
    let e = s
        .tool_error("environment_list", json!({"types": "1"}))
        .await;
    assert!(e.contains("argument `types`"), "{e}");
    for path in [
        "../../users",
        "containers/%2e%2e/%2e%2e/users",
        "http://169.254.169.254/latest",
        "//evil/x",
        "containers/json?x=1",
    ] {
        let e = s
            .tool_error("docker_proxy", json!({"environment_id": 1, "path": path}))
            .await;
        assert!(e.contains("path"), "{path}: {e}");
    }
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/json", "headers": {"X-API-Key": "x"}}),
        )
        .await;
    assert!(e.contains("unknown argument `headers`"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "TRACE", "path": "containers/json"}),
        )
        .await;
    assert!(e.contains("method"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/json", "body": {"a": 1}}),
        )
        .await;
    assert!(e.contains("body"), "{e}");
    let e = s
        .call("no_such_tool", json!({}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown tool `no_such_tool`"), "{e}");
    let e = s.call("user_list", json!({})).await;
    assert!(e.is_ok(), "access toolset is on with --toolsets all");
    let after: Vec<_> = p.seen().await[before..]
        .iter()
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(
        after,
        vec!["/api/users"],
        "only the valid call reached Portainer"
    );
    s.stop().await;
}

/// An argument the chosen operation does not take: the error names what
/// it does take, so the next call can be right.
#[tokio::test]
async fn a_wrong_argument_for_the_choice_names_the_right_one() {
    let (p, s) = served(&[]).await;
    let n = p.seen().await.len();
    let e = s
        .tool_error(
            "docker_remove",
            json!({"environment_id": 1, "kind": "volume", "id": "pgdata", "volumes": true, "confirm": true}),
        )
        .await;
    assert!(
        e.contains("`volumes` not used when kind is `volume`") && e.contains("`id`"),
        "{e}"
    );
    assert_eq!(p.seen().await.len(), n);
    s.stop().await;
}
