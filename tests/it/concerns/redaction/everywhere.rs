//! A corpus of secret shapes (JSON, JSON inside a shell string, YAML, env,
//! CLI flags, URLs, JWT, PEM, cloud and service tokens, Authorization)
//! placed in every channel a secret can come out of: container inspect,
//! list, top and logs, stack files and Env, both proxies, api_call, error
//! texts, the arguments a caller types, the audit log and the server's own
//! `-vvv` log. None of the values may come out of the real binary; the
//! text around them (references, shell text, structure) must.

use crate::support::mcp::Session;
use crate::support::portainer::StandIn;
use portainer_standin::fixtures::log_stream;
use serde_json::{json, Value};

/// (a line holding secrets, the secret values in it)
fn corpus() -> Vec<(&'static str, &'static [&'static str])> {
    vec![
        (r#"{"api_token": "SEC-json-1", "user": "bob"}"#, &["SEC-json-1"]),
        (r#"echo "{\"client_secret\": \"SEC-json-2\"}"; i=0; sleep 1"#, &["SEC-json-2"]),
        ("password: SEC-yaml-1", &["SEC-yaml-1"]),
        ("DB_PASSWORD=SEC-env-1 ./run", &["SEC-env-1"]),
        ("app --password SEC-cli-1 --api-key=SEC-cli-2", &["SEC-cli-1", "SEC-cli-2"]),
        ("mysql -uroot -pSEC-cli-3 shop; redis-cli -a SEC-cli-4 ping", &["SEC-cli-3", "SEC-cli-4"]),
        ("connect postgres://app:SEC-url-1@db:5432/shop", &["SEC-url-1"]),
        ("clone https://bot:SEC-url-2@git.example/r.git", &["SEC-url-2"]),
        (
            "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJTRUMtand0LTEifQ.c2lnbmF0dXJlU0VDand0MQ done",
            &["eyJzdWIiOiJTRUMtand0LTEifQ", "c2lnbmF0dXJlU0VDand0MQ"],
        ),
        (
            "-----BEGIN PRIVATE KEY----- SECpem1MIIEvQIBADANBgkqhkiG9w0BAQEFAASC -----END PRIVATE KEY-----",
            &["SECpem1MIIEvQIBADANBgkqhkiG9w0BAQEFAASC"],
        ),
        ("aws AKIASECAWSKEY1234567 aws_secret_access_key = SEC-aws-2", &["SECAWSKEY1234567", "SEC-aws-2"]),
        ("token ghp_SECgithub0123456789abcdefghijklmnop used", &["SECgithub0123456789abcdefghijklmnop"]),
        ("curl -H 'Authorization: Bearer SECbearer12345' x", &["SECbearer12345"]),
    ]
}

fn lines() -> Vec<&'static str> {
    corpus().into_iter().map(|(l, _)| l).collect()
}

fn secrets() -> Vec<&'static str> {
    corpus()
        .into_iter()
        .flat_map(|(_, s)| s.iter().copied())
        .collect()
}

fn leaks(text: &str) -> Vec<&'static str> {
    secrets().into_iter().filter(|s| text.contains(s)).collect()
}

/// The same lines, everywhere Docker and Portainer put text.
fn plant(p: &StandIn) {
    let ls = lines();
    let labels: serde_json::Map<String, Value> = ls
        .iter()
        .enumerate()
        .map(|(i, l)| (format!("note.{i}"), json!(l)))
        .collect();
    let script = ls.join("; ");
    let d = "/api/endpoints/1/docker";
    p.answer(
        "GET",
        &format!("{d}/containers/leaky/json"),
        200,
        json!({"Id": "leaky", "Name": "/leaky", "Path": "sh", "Args": ["-c", script],
            "Config": {"Image": "app:1", "Env": ["PATH=/bin", "GREETING=SEC-env-2"],
                "Cmd": ["sh", "-c", script], "Entrypoint": ["/bin/app", "--token", "SEC-cli-5"],
                "Labels": labels}}),
    );
    p.answer(
        "GET",
        &format!("{d}/containers/json"),
        200,
        json!([{"Id": "leaky", "Names": ["/leaky"], "Command": format!("sh -c {script}"),
            "Labels": labels, "State": "running"}]),
    );
    p.answer(
        "GET",
        &format!("{d}/containers/leaky/top"),
        200,
        json!({"Titles": ["UID", "PID", "CMD"], "Processes": ls.iter().map(|l|
            json!(["root", "1", format!("sh -c {l} PATH=/bin HOSTNAME=x API=SEC-top-1")])).collect::<Vec<_>>()}),
    );
    let frames: Vec<(u8, String)> = ls.iter().map(|l| (1u8, format!("{l}\n"))).collect();
    let refs: Vec<(u8, &str)> = frames.iter().map(|(s, t)| (*s, t.as_str())).collect();
    p.answer_raw(
        "GET",
        &format!("{d}/containers/leaky/logs"),
        200,
        "application/vnd.docker.multiplexed-stream",
        log_stream(&refs),
    );
    p.answer(
        "GET",
        &format!("{d}/containers/broken/json"),
        500,
        json!({"message": format!("cannot start: {}", ls.join(" | "))}),
    );
    let block: String = ls.iter().map(|l| format!("        {l}\n")).collect();
    let compose = format!(
        "services:\n  app:\n    image: app:1\n    command:\n      - sh\n      - -c\n      - |\n{block}    environment:\n      - PAYMENT_API_KEY=${{PAYMENT_API_KEY}}\n      - DB_PASSWORD=SEC-stack-1\n      TOKEN_LIKE: x\n"
    )
    .replace("      TOKEN_LIKE: x\n", "");
    p.answer(
        "GET",
        "/api/stacks/77/file",
        200,
        json!({"StackFileContent": compose}),
    );
    p.answer(
        "GET",
        "/api/stacks/77",
        200,
        json!({"Id": 77, "Name": "leaky", "EndpointId": 1, "Type": 2,
            "Env": ls.iter().enumerate().map(|(i, l)| json!({"name": format!("V{i}"), "value": l})).collect::<Vec<_>>()}),
    );
    p.answer(
        "GET",
        "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/configmaps/notes",
        200,
        json!({"kind": "ConfigMap", "metadata": {"name": "notes"},
            "data": ls.iter().enumerate().map(|(i, l)| (format!("n{i}"), json!(l))).collect::<serde_json::Map<_, _>>()}),
    );
}

#[tokio::test]
async fn no_secret_shape_leaves_through_any_channel() {
    let p = StandIn::start().await;
    plant(&p);
    let dir = tempfile::tempdir().unwrap();
    let audit = dir.path().join("audit.jsonl");
    let s = Session::start(
        &p.url(),
        &[
            "--toolsets",
            "all",
            "-vvv",
            "--audit-log",
            audit.to_str().unwrap(),
        ],
    )
    .await;
    let calls = vec![
        (
            "docker_inspect",
            json!({"environment_id": 1, "id": "leaky"}),
        ),
        (
            "docker_inspect",
            json!({"environment_id": 1, "id": "leaky", "select": "Config"}),
        ),
        (
            "docker_inspect",
            json!({"environment_id": 1, "id": "leaky", "select": "to_string(@)"}),
        ),
        ("docker_container_list", json!({"environment_id": 1})),
        (
            "docker_container_top",
            json!({"environment_id": 1, "id": "leaky", "ps_args": "auxe"}),
        ),
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "leaky"}),
        ),
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "leaky", "grep": "SEC"}),
        ),
        (
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/leaky/json"}),
        ),
        (
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/leaky/top"}),
        ),
        (
            "api_call",
            json!({"operation": "DockerContainerInspect", "arguments": {"environmentId": 1, "id": "leaky"}}),
        ),
        ("stack_file_get", json!({"id": 77})),
        ("stack_get", json!({"id": 77})),
        (
            "kubernetes_proxy",
            json!({"environment_id": 3, "path": "api/v1/namespaces/shop/configmaps/notes"}),
        ),
        (
            "docker_inspect",
            json!({"environment_id": 1, "id": "broken"}),
        ),
        // Secrets typed into arguments: refused or not, never written down.
        (
            "docker_inspect",
            json!({"environment_id": 1, "id": "postgres://app:SEC-url-1@db"}),
        ),
        (
            "docker_container_logs",
            json!({"environment_id": 1, "id": "leaky", "grep": "mysql|password=SEC-arg-1"}),
        ),
        (
            "stack_update",
            json!({"id": 77, "environment_id": 1, "env": {"DB_PASSWORD": "SEC-arg-2"}, "dry_run": true}),
        ),
    ];
    let mut seen_text = String::new();
    for (tool, args) in calls {
        let r = s.call(tool, args.clone()).await.expect("tools/call");
        let text = crate::support::mcp::text_of(&r);
        let structured = r
            .structured_content
            .map(|v| v.to_string())
            .unwrap_or_default();
        let both = format!("{text}\n{structured}");
        let found = leaks(&both);
        assert!(found.is_empty(), "{tool} {args}: {found:?} in {both}");
        seen_text.push_str(&both);
    }
    // What stays: references, shell text, names.
    assert!(
        seen_text.contains("PAYMENT_API_KEY=${PAYMENT_API_KEY}"),
        "{seen_text}"
    );
    assert!(seen_text.contains("i=0; sleep 1"), "{seen_text}");
    assert!(seen_text.contains("-----BEGIN PRIVATE KEY-----"));
    let (stderr, _) = s.stop().await;
    let audit = std::fs::read_to_string(&audit).unwrap();
    assert!(audit.contains("docker_inspect"));
    for (what, text) in [("audit log", &audit), ("-vvv log", &stderr)] {
        let found = leaks(text);
        assert!(found.is_empty(), "{what}: {found:?}");
    }
    assert!(!audit.contains("SEC-arg-"), "{audit}");
}
