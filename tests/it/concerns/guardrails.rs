//! --deny-kinds and --disable-destructive: enforced by the one HTTP layer,
//! so no tool (typed, proxy, api_call) gets past them; nothing is sent.

use crate::support::mcp::Session;
use crate::support::portainer::StandIn;
use crate::support::served;
use serde_json::json;

#[tokio::test]
async fn denied_kinds_never_leave_the_server() {
    let p = StandIn::start().await;
    let s = Session::start(
        &p.url(),
        &[
            "--toolsets",
            "all",
            "--deny-kinds",
            "Secret,rbac.authorization.k8s.io/*",
        ],
    )
    .await;
    let n = p.seen().await.len();
    for (tool, args) in [
        (
            "kubernetes_resource_get",
            json!({"environment_id": 3, "kind": "Secret", "namespace": "shop", "name": "db"}),
        ),
        (
            "kubernetes_resource_list",
            json!({"environment_id": 3, "kind": "Secret"}),
        ),
        (
            "kubernetes_proxy",
            json!({"environment_id": 3, "path": "api/v1/namespaces/shop/secrets/db"}),
        ),
        (
            "kubernetes_proxy",
            json!({"environment_id": 3, "path": "apis/rbac.authorization.k8s.io/v1/clusterroles"}),
        ),
    ] {
        let e = s.tool_error(tool, args.clone()).await;
        assert!(e.contains("--deny-kinds"), "{tool} {args}: {e}");
    }
    let sent: Vec<String> = p.seen().await[n..]
        .iter()
        .map(|r| r.path.clone())
        .filter(|p| p.contains("secrets") || p.contains("rbac"))
        .collect();
    assert!(sent.is_empty(), "sent: {sent:?}");
    // Portainer's own Kubernetes routes and the watch paths too.
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "DeleteClusterRoles", "arguments": {"id": 3, "body": ["admin"]}, "confirm": true}),
        )
        .await;
    assert!(e.contains("--deny-kinds"), "{e}");
    let e = s
        .tool_error(
            "kubernetes_proxy",
            json!({"environment_id": 3, "path": "api/v1/watch/namespaces/shop/secrets"}),
        )
        .await;
    assert!(e.contains("--deny-kinds"), "{e}");
    // A manifest with a denied document: refused before its first write.
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: b, namespace: shop}\n";
    let e = s
        .tool_error(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": manifest}),
        )
        .await;
    assert!(e.contains("--deny-kinds"), "{e}");
    let writes = p.seen().await[n..]
        .iter()
        .filter(|r| r.method != "GET")
        .count();
    assert_eq!(writes, 0, "nothing written");
    // Other kinds go on as before.
    let d = s
        .ok(
            "kubernetes_resource_get",
            json!({"environment_id": 3, "api_version": "apps/v1", "kind": "Deployment", "namespace": "shop", "name": "web"}),
        )
        .await;
    assert_eq!(d["kind"], "Deployment", "{d}");
    s.stop().await;
}

#[tokio::test]
async fn disable_destructive_hides_and_refuses_deletes() {
    let (p, s) = served(&["--toolsets", "all", "--disable-destructive"]).await;
    let names: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    for gone in ["stack_delete", "docker_remove", "environment_delete"] {
        assert!(!names.iter().any(|n| n == gone), "{gone} served");
    }
    for kept in ["docker_proxy", "api_call", "stack_action"] {
        assert!(names.iter().any(|n| n == kept), "{kept} not served");
    }
    // What --help promises: no tool marked destructive is served but the
    // three that reach anything, and it names them.
    let reach = ["api_call", "docker_proxy", "kubernetes_proxy"];
    for def in portainer_mcp::tools::catalogue::TOOLS
        .iter()
        .filter(|d| d.destructive)
    {
        let served = names.iter().any(|n| n == def.name);
        assert_eq!(served, reach.contains(&def.name), "{}", def.name);
    }
    let help =
        crate::support::mcp::output_of(crate::support::mcp::command(&p.url(), "t", &["--help"]))
            .await;
    let help = String::from_utf8_lossy(&help.stdout).replace(char::is_whitespace, "");
    assert!(help.contains("api_callandbothproxiesstayserved"), "{help}");
    let e = s
        .call("stack_delete", json!({"id": 7, "environment_id": 1}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("--disable-destructive"), "{e}");
    let n = p.seen().await.len();
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "DELETE", "path": "containers/web", "confirm": true}),
        )
        .await;
    assert!(e.contains("--disable-destructive"), "{e}");
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "TagDelete", "arguments": {"id": 2}, "confirm": true}),
        )
        .await;
    assert!(e.contains("--disable-destructive"), "{e}");
    // A POST that removes (Docker's prune, Portainer's bulk delete) is
    // destructive too.
    for op in ["DockerContainerPrune", "EndpointDeleteBatch"] {
        assert!(
            portainer_mcp::tools::operations::find_id(op).is_some(),
            "{op}"
        );
        let e = s
            .tool_error(
                "api_call",
                json!({"operation": op, "arguments": {"environmentId": 1}, "confirm": true}),
            )
            .await;
        assert!(e.contains("--disable-destructive"), "{op}: {e}");
    }
    let deletes = p.seen().await[n..]
        .iter()
        .filter(|r| r.method == "DELETE")
        .count();
    assert_eq!(deletes, 0);
    s.stop().await;
}

/// A typed tool's text path parameter cannot climb out of its route: `..`
/// would be resolved away when the URL is parsed and reach another one.
#[tokio::test]
async fn path_parameters_stay_in_their_route() {
    let (p, s) = served(&[]).await;
    let n = p.seen().await.len();
    for id in ["..", ".", ""] {
        let e = s
            .tool_error("docker_inspect", json!({"environment_id": 1, "id": id}))
            .await;
        assert!(e.contains("`id`"), "{id:?}: {e}");
    }
    assert_eq!(p.seen().await.len(), n, "nothing sent");
    // A slash is the client's to encode: one segment, not a new route.
    let _ = s
        .call(
            "docker_inspect",
            json!({"environment_id": 1, "id": "../images/x"}),
        )
        .await;
    let last = p.seen().await.last().unwrap().path.clone();
    assert!(
        last.starts_with("/api/endpoints/1/docker/containers/"),
        "{last}"
    );
    s.stop().await;
}
