//! Read-only mode end to end: write tools and proxies absent (the proxies
//! only with --read-only-proxies, pinned to GET), and no request but GET
//! leaves the server.

use crate::support::examples;
use crate::support::mcp::Session;
use crate::support::portainer::StandIn;
use crate::support::served;
use serde_json::json;

#[tokio::test]
async fn read_only_mode_sends_nothing_but_get() {
    let p = StandIn::start().await;
    // The product description: read-only disables the proxy tools.
    let s = Session::start(&p.url(), &["--toolsets", "all", "--read-only"]).await;
    let listed: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    for proxy in ["docker_proxy", "kubernetes_proxy"] {
        assert!(!listed.contains(&proxy.to_string()), "{proxy} listed");
        let e = s
            .call(proxy, json!({"environment_id": 1, "path": "info"}))
            .await
            .unwrap_err()
            .to_string();
        assert!(e.contains("--read-only-proxies"), "{e}");
    }
    s.stop().await;
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--read-only", "--read-only-proxies"],
    )
    .await;
    // Write tools are not there, and saying their name explains why.
    let e = s
        .call(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("stack_action") && e.contains("read-only"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/x/stop"}),
        )
        .await;
    assert!(e.contains("read-only"), "{e}");
    let e = s
        .tool_error(
            "kubernetes_proxy",
            json!({"environment_id": 3, "method": "DELETE", "path": "api/v1/namespaces/default"}),
        )
        .await;
    assert!(e.contains("read-only"), "{e}");
    // Any spelling of a non-GET method, HEAD included, is refused too.
    for method in ["post", "Delete", "HEAD"] {
        let e = s
            .tool_error(
                "docker_proxy",
                json!({"environment_id": 1, "method": method, "path": "containers/json"}),
            )
            .await;
        assert!(e.contains("read-only"), "{method}: {e}");
    }
    // A null method is no method: GET.
    s.ok(
        "docker_proxy",
        json!({"environment_id": 1, "method": null, "path": "containers/json"}),
    )
    .await;
    // Reads still work.
    s.ok("environment_list", json!({})).await;
    s.ok(
        "docker_proxy",
        json!({"environment_id": 1, "path": "containers/json"}),
    )
    .await;
    for x in examples::all() {
        let _ = s.call(&x.tool, x.args.clone()).await;
    }
    s.stop().await;
    let seen = p.seen().await;
    assert!(seen.len() > 5);
    let writes: Vec<_> = seen.iter().filter(|r| r.method != "GET").collect();
    assert!(
        writes.is_empty(),
        "non-GET requests left a read-only server: {writes:?}"
    );
}

#[tokio::test]
async fn read_only_default_tools_all_work() {
    let (p, s) = served(&["--read-only"]).await;
    let listed: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    assert!(listed.len() >= 20, "{listed:?}");
    for name in &listed {
        let def = portainer_mcp::tools::catalogue::find(name).unwrap();
        // api_call stays: its operation decides, and in read-only mode only
        // GET ones pass (toolsets/api.rs).
        assert!(
            def.access == portainer_mcp::tools::catalogue::Access::Read
                || def.operation_argument.is_some(),
            "{name} is listed in read-only mode"
        );
        if let Some(x) = examples::all()
            .into_iter()
            .find(|x| &x.tool == name && x.ok && x.method == "GET")
        {
            s.ok(name, x.args.clone()).await;
        } else {
            // Tools without an example are hand-written ones with several
            // requests, covered by concerns/multi_request.rs.
            assert!(
                matches!(
                    def.input,
                    portainer_mcp::tools::catalogue::Input::Handler(_)
                ),
                "{name} has no read example"
            );
        }
    }
    s.stop().await;
    assert!(p.seen().await.iter().all(|r| r.method == "GET"));
}
