//! The policy's content rules: what a deploy carries is read in the HTTP
//! layer; a denied finding sends nothing, warnings come with the answer
//! and the preview, and policy_content_check judges a file alone.

use super::policy::{policy_file, served_with, writes_to};
use crate::support::mcp::{command, exit_of, Session};
use crate::support::portainer::{StandIn, TOKEN};
use serde_json::json;

/// Environment 3 (`k8s-prod`, group `production`) is more lenient about
/// privileged containers; everywhere else they are denied.
const RULES: &str = r#"
[content]
privileged = "deny"
docker_socket = "deny"
image_tag = "warn"

[[rule]]
name = "production"
groups = ["production"]
access = "destructive"
content = { privileged = "warn" }
"#;

const PRIVILEGED: &str = "services:\n  agent:\n    image: agent:2\n    privileged: true\n    volumes: [\"/var/run/docker.sock:/var/run/docker.sock\"]\n  web:\n    image: nginx\n";

#[tokio::test]
async fn a_denied_deploy_sends_nothing_whatever_the_route() {
    let (p, s, _file) = served_with(RULES).await;
    assert!(
        s.instructions().contains("content rules"),
        "{}",
        s.instructions()
    );
    p.reset_log().await;
    let e = s
        .tool_error(
            "stack_create",
            json!({"environment_id": 1, "name": "shop", "type": "standalone", "file": PRIVILEGED}),
        )
        .await;
    assert!(
        e.contains("content rules of the policy deny this deploy"),
        "{e}"
    );
    assert!(
        e.contains("privileged: compose file services.agent.privileged")
            && e.contains("docker_socket: compose file services.agent.volumes[0]"),
        "every denied finding, with its place: {e}"
    );
    let privileged_create = json!({"Image": "busybox:1.36", "HostConfig": {"Privileged": true}});
    let e = s
        .tool_error(
            "api_call",
            json!({"operation": "DockerContainerCreate",
                   "arguments": {"environmentId": 1, "body": privileged_create}}),
        )
        .await;
    assert!(e.contains("HostConfig.Privileged"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/create",
                   "body": {"Image": "x:1", "HostConfig": {"Binds": ["/var/run/docker.sock:/s"]}}}),
        )
        .await;
    assert!(e.contains("HostConfig.Binds[0]"), "{e}");
    // A manifest whose second document is denied: not even the first goes.
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: shop}\ndata: {a: b}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  volumes: [{name: s, hostPath: {path: /var/run/docker.sock}}]\n  containers: [{name: c, image: x:1}]\n";
    let e = s
        .tool_error(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": manifest}),
        )
        .await;
    assert!(
        e.contains("docker_socket")
            && e.contains("docker_socket: Pod shop/p spec.volumes[0].hostPath"),
        "{e}"
    );
    for env in [1, 3] {
        assert_eq!(
            writes_to(&p, env).await,
            Vec::<String>::new(),
            "environment {env}"
        );
    }
    let stacks: Vec<String> = crate::support::writes(&p).await;
    assert_eq!(stacks, Vec::<String>::new(), "no write at all");
}

#[tokio::test]
async fn warnings_come_with_the_preview_and_the_answer() {
    let (p, s, _file) = served_with(RULES).await;
    let file = "services:\n  web:\n    image: nginx\n";
    let held = s
        .ok(
            "stack_create",
            json!({"environment_id": 1, "name": "shop", "type": "standalone", "file": file, "dry_run": true}),
        )
        .await;
    let w = &held["content_warnings"];
    assert_eq!(w[0]["rule"], "image_tag", "{held}");
    assert_eq!(w[0]["level"], "warn");
    assert_eq!(w[0]["path"], "services.web.image");
    p.reset_log().await;
    let made = s
        .ok(
            "stack_create",
            json!({"environment_id": 1, "name": "shop", "type": "standalone", "file": file}),
        )
        .await;
    assert_eq!(made["content_warnings"][0]["rule"], "image_tag", "{made}");
    assert_eq!(
        writes_to(&p, 1).await,
        ["POST /api/stacks/create/standalone/string"],
        "a warning does not stop the deploy"
    );
    // Environment 3's rule turns privileged into a warning there.
    let e = s
        .ok(
            "kubernetes_apply",
            json!({"environment_id": 3, "dry_run": true,
                   "manifest": "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {privileged: true}}]\n"}),
        )
        .await;
    let rules: Vec<&str> = e["content_warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["privileged"], "{e}");
}

#[tokio::test]
async fn policy_content_check_judges_a_file_alone() {
    let (p, s, _file) = served_with(RULES).await;
    p.reset_log().await;
    let out = s
        .ok(
            "policy_content_check",
            json!({"kind": "compose", "content": PRIVILEGED}),
        )
        .await;
    assert!(
        out["verdict"].as_str().unwrap().starts_with("deny"),
        "{out}"
    );
    assert_eq!(out["deny"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(out["warn"][0]["path"], "services.web.image", "{out}");
    let here = s
        .ok(
            "policy_content_check",
            json!({"kind": "container", "environment_id": 3,
                   "content": "{\"Image\": \"x:1\", \"HostConfig\": {\"Privileged\": true}}"}),
        )
        .await;
    assert!(
        here["verdict"].as_str().unwrap().starts_with("warn"),
        "{here}"
    );
    let none = s
        .ok(
            "policy_content_check",
            json!({"kind": "kubernetes", "content": "kind: ConfigMap\nmetadata: {name: a}\n"}),
        )
        .await;
    assert!(
        none["verdict"].as_str().unwrap().starts_with("pass"),
        "{none}"
    );
    let writes = crate::support::writes(&p).await;
    assert!(writes.is_empty(), "{writes:?}");
}

/// With content rules the check tool is served with the defaults; without
/// them it is not, and a bad level stops start-up naming its line.
#[tokio::test]
async fn the_check_tool_comes_with_content_rules() {
    let p = StandIn::start().await;
    let file = policy_file(RULES);
    let path = file.path().to_str().unwrap();
    let s = Session::start(&p.url(), &["--policy", path]).await;
    assert!(tool_names(&s)
        .await
        .contains(&"policy_content_check".to_string()));
    s.stop().await;
    let plain = policy_file("[[rule]]\nname = \"x\"\nids = [1]\naccess = \"read\"\n");
    let s = Session::start(&p.url(), &["--policy", plain.path().to_str().unwrap()]).await;
    assert!(!tool_names(&s)
        .await
        .contains(&"policy_content_check".to_string()));
    s.stop().await;
    let bad = policy_file("[content]\nprivileged = \"deny\"\nlatest = \"warn\"\n");
    let path = bad.path().to_str().unwrap().to_string();
    let (ok, stderr) = exit_of(command(&p.url(), TOKEN, &["--policy", &path])).await;
    assert!(
        !ok && stderr.contains("line 3") && stderr.contains("latest"),
        "{stderr}"
    );
}

async fn tool_names(s: &Session) -> Vec<String> {
    s.tools()
        .await
        .into_iter()
        .map(|t| t.name.to_string())
        .collect()
}

/// A stack update that sends no file redeploys the stored one: that file
/// is judged (Portainer's own, read first); an apply tells every
/// document's findings; Go's case-blind keys and encoded paths change
/// nothing.
#[tokio::test]
async fn the_stored_file_and_every_document_are_judged() {
    let rules = "[content]\nroot_user = \"deny\"\nprivileged = \"deny\"\n";
    let (p, s, _file) = served_with(rules).await;
    p.reset_log().await;
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "env": {"A": "1"}}),
        )
        .await;
    assert!(
        e.contains("root_user: compose file services.web"),
        "the stored file, read from Portainer: {e}"
    );
    let manifest = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: shop}\nspec:\n  containers: [{name: c, image: x:1, securityContext: {runAsNonRoot: true, privileged: true}}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: shop}\nspec:\n  securityContext: {runAsUser: 0}\n  containers: [{name: c, image: x:1}]\n";
    let e = s
        .tool_error(
            "kubernetes_apply",
            json!({"environment_id": 3, "manifest": manifest}),
        )
        .await;
    assert!(
        e.contains("Pod shop/a") && e.contains("Pod shop/b spec.securityContext.runAsUser"),
        "both documents' findings: {e}"
    );
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "%63ontainers/create",
                   "body": {"Image": "x:1", "User": "app", "hostconfig": {"privileged": true}}}),
        )
        .await;
    assert!(e.contains("HostConfig.Privileged"), "{e}");
    let writes: Vec<String> = crate::support::writes(&p).await;
    assert_eq!(writes, Vec::<String>::new());
}

/// Under rules that vary by environment, a stack update's request is
/// checked three ways (the environment it reaches, the file it deploys,
/// the levels there); the stack they all need is read once for the
/// policy, not once per check, and read again for the next request (two
/// updates, one PUT each: two reads more than without a policy).
#[tokio::test]
async fn the_policy_reads_a_stack_once_per_request() {
    let compose = "services:\n  web:\n    image: nginx\n";
    let update = || json!({"id": 7, "environment_id": 1, "file": compose});
    let reads = |seen: Vec<crate::support::portainer::Seen>| {
        seen.into_iter()
            .filter(|r| r.method == "GET" && r.path == "/api/stacks/7")
            .count()
    };
    let (p, s, _file) = served_with(RULES).await;
    p.reset_log().await;
    s.ok("stack_update", update()).await;
    s.ok("stack_update", update()).await;
    let with_rules = reads(p.seen().await);
    let q = StandIn::start().await;
    let t = Session::start(&q.url(), &["--toolsets", "all", "--confirm", "none"]).await;
    q.reset_log().await;
    t.ok("stack_update", update()).await;
    t.ok("stack_update", update()).await;
    let without = reads(q.seen().await);
    assert_eq!(
        with_rules,
        without + 2,
        "the tool reads the stack {without} time(s) in two calls; the policy once per PUT"
    );
}

/// What the policy reads from Portainer is held to --max-upstream-mb as
/// any answer is: a tag list of megabytes refuses the write with the
/// reason instead of filling memory, and nothing is sent.
#[tokio::test]
async fn what_the_policy_reads_is_bounded() {
    let p = StandIn::start().await;
    let tags: Vec<serde_json::Value> = (0..40_000)
        .map(|i| json!({"ID": i, "Name": format!("tag-{i:040}")}))
        .collect();
    p.answer("GET", "/api/tags", 200, serde_json::Value::Array(tags));
    let file = policy_file(RULES);
    let s = Session::start(
        &p.url(),
        &[
            "--toolsets",
            "all",
            "--confirm",
            "none",
            "--max-upstream-mb",
            "1",
            "--policy",
            file.path().to_str().unwrap(),
        ],
    )
    .await;
    p.reset_log().await;
    let e = s
        .tool_error(
            "stack_update",
            json!({"id": 7, "environment_id": 1, "file": "services:\n  web:\n    image: nginx:1\n"}),
        )
        .await;
    assert!(
        e.contains("GET /tags: the answer is larger than 1 MiB"),
        "{e}"
    );
    assert_eq!(crate::support::writes(&p).await, Vec::<String>::new());
}
