//! kubernetes_pod_exec through Portainer's /api/websocket/pod (the stand-in
//! serves it as Portainer does: a TTY, text frames, quiet instead of closed
//! when the command ends), and what both exec tools refuse. The Docker exec
//! runs against a real engine in tests/e2e.

use crate::support::mcp::Session;
use crate::support::served;
use serde_json::{json, Value};

fn exec_args(command: Value) -> Value {
    json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "command": command,
           "idle_seconds": 1, "confirm": true})
}

fn sockets(seen: &[crate::support::portainer::Seen]) -> Vec<String> {
    seen.iter()
        .filter(|r| r.path == "/api/websocket/pod")
        .map(|r| r.query.clone().unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn pod_exec_runs_through_portainers_console_route() {
    let (p, s) = served(&["--toolsets", "exec"]).await;
    // Unconfirmed: the socket that would open, none opened.
    let mut held = exec_args(json!(["ls", "/"]));
    held.as_object_mut().unwrap().remove("confirm");
    let n = p.seen().await.len();
    let out = s.ok("kubernetes_pod_exec", held).await;
    assert_eq!(out["dry_run"], true, "{out}");
    let would = out["would_send"][0]["path"].as_str().unwrap();
    assert!(
        would.starts_with("/api/websocket/pod?endpointId=3&"),
        "{would}"
    );
    assert!(sockets(&p.seen().await[n..]).is_empty());

    // Confirmed: the pod's default container, the command as one string.
    let n = p.seen().await.len();
    let out = s
        .ok("kubernetes_pod_exec", exec_args(json!(["ls", "/"])))
        .await;
    assert_eq!(out["output"], "bin\netc\n", "{out}");
    assert_eq!(out["container"], "web");
    assert_eq!(out["ended"], "no output for idle_seconds");
    assert!(out["note"]
        .as_str()
        .unwrap()
        .contains("may still be running"));
    assert_eq!(
        sockets(&p.seen().await[n..]),
        ["endpointId=3&namespace=shop&podName=web-7d4b9c-x2x&containerName=web&command=ls+%2F"]
    );
    // Secrets in the output are hidden like everywhere else.
    let env = s.ok("kubernetes_pod_exec", exec_args(json!(["env"]))).await;
    let text = env["output"].as_str().unwrap();
    assert!(text.contains("HOSTNAME=web-7d4b9c-x2x"), "{text}");
    assert!(!text.contains("pod-exec-secret-42"), "{text}");
    // A command that never goes quiet stops at the time limit.
    let mut forever = exec_args(json!(["yes"]));
    forever["timeout_seconds"] = json!(1);
    let out = s.ok("kubernetes_pod_exec", forever).await;
    assert_eq!(out["ended"], "time limit", "{out}");
    assert!(out["output"].as_str().unwrap().starts_with("y\ny\n"));
    // Portainer dropping the connection ends the read, output kept.
    let out = s
        .ok("kubernetes_pod_exec", exec_args(json!(["drop"])))
        .await;
    assert_eq!(out["output"], "bye\n", "{out}");
    assert_ne!(out["ended"], "no output for idle_seconds");
    s.stop().await;
}

#[tokio::test]
async fn exec_refusals_name_what_is_wrong() {
    let (p, s) = served(&["--toolsets", "exec"]).await;
    let n = p.seen().await.len();
    for (tool, args, says) in [
        (
            "kubernetes_pod_exec",
            exec_args(json!(["sh", "-c", "ps aux"])),
            "one word",
        ),
        ("kubernetes_pod_exec", exec_args(json!([])), "command"),
        (
            "kubernetes_pod_exec",
            {
                let mut a = exec_args(json!(["ls"]));
                a["timeout_seconds"] = json!(0);
                a
            },
            "timeout_seconds",
        ),
        (
            "docker_container_exec",
            json!({"environment_id": 1, "id": "web", "command": [], "confirm": true}),
            "command",
        ),
        (
            "docker_container_exec",
            json!({"environment_id": 1, "id": "../x", "command": ["ls"], "confirm": true}),
            "`id`",
        ),
    ] {
        let e = s.tool_error(tool, args).await;
        assert!(e.contains(says), "{tool}: {e}");
    }
    assert!(p.seen().await[n..].is_empty(), "nothing sent");
    // Portainer's own error before the upgrade comes back with its message.
    let mut missing = exec_args(json!(["ls"]));
    missing["pod"] = json!("missing");
    missing["container"] = json!("web");
    let e = s.tool_error("kubernetes_pod_exec", missing).await;
    assert!(e.contains("404") && e.contains("Unable to find pod"), "{e}");
    s.stop().await;

    // Read-only: neither tool is served, and the HTTP layer counts the
    // websocket route as a write whatever asks for it.
    let s = Session::start(&p.url(), &["--read-only", "--toolsets", "all"]).await;
    let names: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    assert!(!names.iter().any(|n| n.ends_with("_exec")), "{names:?}");
    s.stop().await;
}
