//! A write tool's `confirm` and `dry_run` are promises to the model: under
//! each `--confirm` mode, every served write tool is called without
//! `confirm`; if its schema offers `confirm` ("without it the call only
//! previews"), nothing that changes anything may reach Portainer, else the
//! write goes out. `dry_run: true` never changes anything. What counts as a
//! change: any request but a GET, and an exec websocket; the Kubernetes API
//! server's own dry run (`dryRun=All`) changes nothing.

use crate::support::examples;
use crate::support::portainer::Seen;
use crate::support::served;
use serde_json::{json, Value};

const MANIFEST: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
  namespace: shop
data:
  LOG_LEVEL: info
";

/// Arguments for write tools whose tools.toml examples are reads or absent
/// (tools that send several requests have no example there).
fn table() -> Vec<(&'static str, Value)> {
    vec![
        (
            "environment_create",
            json!({"name": "prod-2", "kind": "agent", "url": "10.0.0.5:9001", "group_id": 2}),
        ),
        (
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"ONLY": "1"}}),
        ),
        (
            "api_call",
            json!({"operation": "TagCreate", "arguments": {"body": {"Name": "x"}}}),
        ),
        (
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/web/restart"}),
        ),
        (
            "kubernetes_proxy",
            json!({"environment_id": 3, "method": "DELETE", "path": "api/v1/namespaces/shop/configmaps/web-config"}),
        ),
        (
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "restart"}),
        ),
        (
            "docker_image_pull",
            json!({"environment_id": 1, "image": "nginx:1.27"}),
        ),
        (
            "docker_prune",
            json!({"environment_id": 1, "kind": "containers"}),
        ),
        (
            "kubernetes_rollout_restart",
            json!({"environment_id": 3, "namespace": "shop", "name": "web"}),
        ),
        (
            "kubernetes_rollout_undo",
            json!({"environment_id": 3, "namespace": "shop", "name": "web"}),
        ),
        (
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": MANIFEST, "namespace": "shop"}),
        ),
        (
            "kubernetes_delete",
            json!({"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "name": "web-config", "namespace": "shop"}),
        ),
        (
            "docker_container_exec",
            json!({"environment_id": 1, "id": "web", "command": ["ls"]}),
        ),
        (
            "kubernetes_pod_exec",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "command": ["ls"], "idle_seconds": 1}),
        ),
        (
            "swarm_service_scale",
            json!({"environment_id": 1, "id": "shop_web", "replicas": 4}),
        ),
        (
            "swarm_service_update",
            json!({"environment_id": 1, "id": "shop_web", "image": "shop/web:1.5"}),
        ),
        (
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "shop_web"}),
        ),
    ]
}

/// What the stand-in answers a request its routes do not know:
/// (method, path, status, body).
type Answer = Option<(String, String, u16, Value)>;

/// The first example of each tool that writes.
fn arguments() -> Vec<(String, Value, Answer)> {
    let mut out: Vec<(String, Value, Answer)> = table()
        .into_iter()
        .map(|(t, a)| (t.to_string(), a, None))
        .collect();
    for x in examples::all() {
        if x.method == "GET" || out.iter().any(|(t, _, _)| *t == x.tool) {
            continue;
        }
        let answer = x
            .answer
            .clone()
            .map(|(s, b)| (x.method.clone(), x.path.clone(), s, b));
        out.push((x.tool.clone(), x.args.clone(), answer));
    }
    out
}

/// Requests that change something.
fn changes(seen: &[Seen]) -> Vec<String> {
    seen.iter()
        .filter(|r| r.method != "GET" || r.path.starts_with("/api/websocket/"))
        .filter(|r| !r.query.as_deref().unwrap_or("").contains("dryRun=All"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn offers(tool: &rmcp::model::Tool, arg: &str) -> bool {
    tool.input_schema
        .get("properties")
        .and_then(Value::as_object)
        .is_some_and(|p| p.contains_key(arg))
}

#[tokio::test]
async fn confirm_and_dry_run_do_what_they_say_in_every_mode() {
    let calls = arguments();
    for mode in ["destructive", "writes", "none"] {
        let (p, s) = served(&["--toolsets", "all", "--confirm", mode]).await;
        let tools = s.tools().await;
        let writers: Vec<_> = tools.iter().filter(|t| offers(t, "dry_run")).collect();
        assert!(writers.len() > 30, "{mode}: {} write tools", writers.len());
        for tool in writers {
            let name = tool.name.to_string();
            let (_, args, answer) =
                calls
                    .iter()
                    .find(|(t, _, _)| *t == name)
                    .unwrap_or_else(|| {
                        panic!("{name}: no arguments to call it with; add them to table()")
                    });
            if let Some((method, path, status, body)) = answer {
                p.answer(method, path, *status, body.clone());
            }
            let promised = offers(tool, "confirm");
            let n = p.seen().await.len();
            let r = s.call(&name, args.clone()).await.expect("tools/call");
            let sent = changes(&p.seen().await[n..]);
            let text = crate::support::mcp::text_of(&r);
            if promised {
                assert!(
                    sent.is_empty(),
                    "{mode}: {name} offers confirm yet sent {sent:?} without it"
                );
                let held = r
                    .structured_content
                    .as_ref()
                    .is_some_and(|v| v["dry_run"] == true);
                assert!(held || r.is_error == Some(true), "{mode}: {name}: {text}");
            } else {
                assert!(
                    !sent.is_empty(),
                    "{mode}: {name} takes no confirm yet sent no write: {text}"
                );
            }
            // dry_run: true changes nothing, whatever the mode.
            let mut dry = args.clone();
            dry["dry_run"] = json!(true);
            let n = p.seen().await.len();
            s.call(&name, dry).await.expect("tools/call");
            let sent = changes(&p.seen().await[n..]);
            assert!(sent.is_empty(), "{mode}: {name} with dry_run sent {sent:?}");
        }
        s.stop().await;
    }
}
