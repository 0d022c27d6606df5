//! What results look like: the bodies Portainer sent, shaped, errors with
//! status and message, secrets redacted, the token nowhere.

use crate::support::examples;
use crate::support::mcp::Session;
use crate::support::portainer::{StandIn, TOKEN};
use crate::support::served;
use serde_json::{json, Value};

#[tokio::test]
async fn results_are_the_bodies_portainer_sent() {
    let (_p, s) = served(&[]).await;
    // Arrays come wrapped as {"items": [...]}, every field as sent, including
    // Go's nulls where the spec says array and fields newer than our spec.
    let envs = s.ok("environment_list", json!({})).await;
    let items = envs["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["FieldNewerThanOurSpec"], "kept");
    assert_eq!(items[1]["TagIds"], Value::Null);
    let file = s.ok("stack_file_get", json!({"id": 7})).await;
    assert!(file["StackFileContent"]
        .as_str()
        .unwrap()
        .contains("nginx:1.27"));
    let stopped = s
        .ok(
            "stack_action",
            json!({"action": "stop", "id": 7, "environment_id": 1}),
        )
        .await;
    assert_eq!(stopped["Status"], 2);
    // A body that does not match the spec still succeeds, as sent, logged;
    // an environment given as a map hides its values as a list does.
    let odd = s.ok("stack_get", json!({"id": 8})).await;
    assert_eq!(
        odd,
        json!({"Id": "eight", "Name": "odd", "Env": {"A": "<redacted>"},
            "_redacted": "1 secret value shown as <redacted>; the server's --show-secrets flag reveals them"})
    );
    // Through a generated tool's typed client: logged as not matching.
    let odd = s.ok("stack_file_get", json!({"id": 8})).await;
    assert_eq!(odd["StackFileContent"], 42);
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("does not match spec/") && stderr.contains("/api/stacks/8/file"),
        "{stderr}"
    );
}

#[tokio::test]
async fn upstream_errors_carry_status_and_message() {
    let (_p, s) = served(&["--toolsets", "all"]).await;
    let e = s
        .tool_error("environment_get", json!({"environment_id": 42}))
        .await;
    assert!(
        e.contains("404") && e.contains("Unable to find a environment"),
        "{e}"
    );
    let e = s
        .tool_error("environment_get", json!({"environment_id": 500}))
        .await;
    assert!(
        e.contains("500")
            && e.contains("Unable to retrieve environment")
            && e.contains("database is locked"),
        "{e}"
    );
    let e = s
        .tool_error(
            "stack_action",
            json!({"action": "start", "id": 7, "environment_id": 1}),
        )
        .await;
    assert!(e.contains("409") && e.contains("already active"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/missing/json"}),
        )
        .await;
    assert!(e.contains("404") && e.contains("No such container"), "{e}");
    s.stop().await;
}

#[tokio::test]
async fn results_are_shaped() {
    let p = StandIn::start().await;
    let s = Session::start(
        &p.url(),
        &["--toolsets", "all", "--max-response-chars", "6000"],
    )
    .await;
    // select runs on the wrapped result and answers under "selected"; the
    // list's total stays beside it.
    let names = s
        .ok(
            "environment_list",
            json!({"select": "items[?Status==`1`].Name"}),
        )
        .await;
    assert_eq!(names, json!({"selected": ["local"], "total": 2}));
    let e = s
        .tool_error("environment_list", json!({"select": "items[?"}))
        .await;
    assert!(e.contains("select") && e.contains("JMESPath"), "{e}");
    // Secrets never show: stack env values are hidden, names kept.
    let stack = s.ok("stack_get", json!({"id": 7})).await;
    assert_eq!(
        stack["Env"],
        json!([{"name": "LOG_LEVEL", "value": "<redacted>"}])
    );
    // A large list is cut at whole items, with a note saying how to narrow it.
    let big = s
        .ok(
            "docker_proxy",
            json!({"environment_id": 2, "path": "containers/json"}),
        )
        .await;
    let text = big.to_string();
    assert!(text.len() <= 6000, "{}", text.len());
    let kept = big["items"].as_array().unwrap().len();
    assert!(kept > 3 && kept < 300, "{kept}");
    assert!(
        big["_truncated"]
            .as_str()
            .unwrap()
            .contains(&format!("the first {kept} of 300")),
        "{big}"
    );
    let few = s.ok("docker_proxy", json!({"environment_id": 2, "path": "containers/json", "select": "items[?State=='exited'].Names[0] | [:3]"})).await;
    assert_eq!(few, json!({"selected": ["/app-0", "/app-5", "/app-10"]}));
    s.stop().await;

    let s = Session::start(&p.url(), &["--show-secrets"]).await;
    let stack = s.ok("stack_get", json!({"id": 7})).await;
    assert_eq!(
        stack["Env"],
        json!([{"name": "LOG_LEVEL", "value": "info"}])
    );
    let (stderr, _) = s.stop().await;
    assert!(stderr.contains("--show-secrets"), "{stderr}");
}

/// Every secret the fixtures carry, and where it sits.
const SECRETS: [(&str, &str); 10] = [
    ("registry_get", "registry-pass"),
    ("settings_get", "ldap-bind-secret"),
    ("settings_get", "oauth-client-secret"),
    ("environment_get", "azure-auth-key"),
    ("environment_get", "key-secret"),
    ("environment_get", "/data/tls/1/key.pem"),
    ("stack_get", "info"),
    ("docker_inspect", "s3cr3t-db-pass"),
    ("swarm_task_list", "SECRET_KEY=abc"),
    ("kubernetes_resource_get", "czNjcjN0"),
];

#[tokio::test]
async fn secrets_are_redacted_everywhere() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let args = |tool: &str| match tool {
        "registry_get" | "stack_get" => json!({"id": if tool == "stack_get" { 7 } else { 1 }}),
        "environment_get" => json!({"environment_id": 1}),
        "docker_inspect" => json!({"environment_id": 1, "id": "web"}),
        // select bypasses the default omission of Env, not redaction.
        "swarm_task_list" => {
            json!({"environment_id": 1, "select": "items[0].Spec.ContainerSpec.Env"})
        }
        "kubernetes_resource_get" => {
            json!({"environment_id": 3, "kind": "Secret", "namespace": "shop", "name": "db"})
        }
        _ => json!({}),
    };
    for (tool, secret) in SECRETS {
        let out = s.ok(tool, args(tool)).await;
        let text = out.to_string();
        assert!(!text.contains(secret), "{tool} leaked {secret}: {text}");
        assert!(text.contains("<redacted>"), "{tool}: {text}");
    }
    s.stop().await;
    // --show-secrets lifts it.
    let s = Session::start(&p.url(), &["--toolsets", "all", "--show-secrets"]).await;
    let reg = s.ok("registry_get", json!({"id": 1})).await;
    assert_eq!(reg["Password"], "registry-pass");
    s.stop().await;
}

#[tokio::test]
async fn the_token_never_shows() {
    let (_p, s) = served(&["--toolsets", "all"]).await;
    s.tools().await;
    for x in examples::all() {
        let _ = s.call(&x.tool, x.args.clone()).await;
    }
    let _ = s
        .call("environment_get", json!({"environment_id": 42}))
        .await;
    let (stderr, transcript) = s.stop().await;
    assert!(
        stderr.contains("portainer"),
        "verbose logs were written: {stderr}"
    );
    assert!(!stderr.contains(TOKEN), "token in stderr");
    assert!(!transcript.contains(TOKEN), "token in results");
}
