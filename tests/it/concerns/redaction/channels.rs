//! Every channel a secret can come out of, as Portainer, Docker and
//! Kubernetes return it, through the shaping every tool result passes (the
//! proxies included). Each secret is unique so a leak names its channel.

use portainer_mcp::error::ToolError;
use portainer_mcp::mcp::results::error_text;
use portainer_mcp::shaping::redact::{redact, MARKER};
use serde_json::{json, Value};

/// (channel, value as returned, the secrets it holds)
fn channels() -> Vec<(&'static str, Value, Vec<&'static str>)> {
    vec![
        (
            "container inspect: Config.Env, Cmd, Entrypoint, Args",
            json!({
            "Id": "abc", "Path": "/entry.sh", "Args": ["--token=S-args-1", "API_KEY=S-args-2"],
            "Config": {"Env": ["PATH=/usr/bin", "DB_PASSWORD=S-env-1", "OTHER=S-env-2"],
                       "Cmd": ["sh", "-c", "export MYSQL_PASSWORD=S-cmd-1 && run"],
                       "Entrypoint": ["/bin/app", "--password", "x", "SECRET=S-ep-1"]}}),
            vec![
                "S-args-1", "S-args-2", "S-env-1", "S-env-2", "S-cmd-1", "S-ep-1",
            ],
        ),
        (
            "container list: Command",
            json!([{"Id": "a", "Command": "app --db-password=S-list-1 DSN=S-list-2"}]),
            vec!["S-list-1", "S-list-2"],
        ),
        (
            "image inspect: Config.Env, ContainerConfig.Env",
            json!({
            "Config": {"Env": ["NGINX_VERSION=S-img-1"]}, "ContainerConfig": {"Env": ["TOKEN=S-img-2"]}}),
            vec!["S-img-1", "S-img-2"],
        ),
        (
            "service inspect: ContainerSpec Env, Args, Command",
            json!({
            "Spec": {"TaskTemplate": {"ContainerSpec": {"Env": ["REDIS_URL=redis://:S-svc-1@redis:6379"],
                "Args": ["AUTH=S-svc-2"], "Command": ["run", "KEY=S-svc-3"]}}}}),
            vec!["S-svc-1", "S-svc-2", "S-svc-3"],
        ),
        (
            "top with ps e",
            json!({"Titles": ["PID", "CMD"], "Processes": [["1", "sleep 9 HOME=/root DB_PASS=S-top-1 X=S-top-2"]]}),
            vec!["S-top-1", "S-top-2"],
        ),
        (
            "exec inspect: ProcessConfig",
            json!({"ProcessConfig": {"entrypoint": "sh", "arguments": ["-c", "PGPASSWORD=S-exec-1 psql"]}}),
            vec!["S-exec-1"],
        ),
        (
            "stack file content",
            json!({"StackFileContent":
            "services:\n  db:\n    environment:\n      - POSTGRES_PASSWORD=S-stack-1\n      MYSQL_ROOT_PASSWORD: S-stack-2\n      API_TOKEN: \"S-stack-3\"\n"}),
            vec!["S-stack-1", "S-stack-2", "S-stack-3"],
        ),
        (
            "stack Env",
            json!({"Id": 7, "Env": [{"name": "LOG_LEVEL", "value": "S-stackenv-1"}, {"name": "TZ", "value": "UTC"}]}),
            vec!["S-stackenv-1"],
        ),
        (
            "swarm secret and config Spec.Data",
            json!([
            {"ID": "s1", "Spec": {"Name": "db", "Data": "Uy1zd2FybS0x"}},
            {"ID": "c1", "Spec": {"Name": "conf", "Data": "Uy1zd2FybS0y"}}]),
            vec!["Uy1zd2FybS0x", "Uy1zd2FybS0y"],
        ),
        (
            "kubernetes Secret: data, stringData, last-applied",
            json!({
            "kind": "Secret", "metadata": {"name": "db", "annotations": {
                "kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"pw\":\"Uy1rOHMtMQ==\"}}"}},
            "data": {"pw": "Uy1rOHMtMQ=="}, "stringData": {"user": "S-k8s-2"}}),
            vec!["Uy1rOHMtMQ==", "S-k8s-2"],
        ),
        (
            "kubernetes SecretList and List of Secrets",
            json!({
            "kind": "SecretList", "items": [{"metadata": {"name": "a"}, "data": {"k": "Uy1rOHMtMw=="}}]}),
            vec!["Uy1rOHMtMw=="],
        ),
        (
            "kubernetes pod env",
            json!({"spec": {"containers": [{"env": [{"name": "PASS", "value": "S-pod-1"}]}]}}),
            vec!["S-pod-1"],
        ),
        (
            "helm values and manifest",
            json!({"name": "db", "values": "auth:\n  password: S-helm-1\n",
            "userSuppliedValues": "rootPassword: S-helm-2\n",
            "config": {"auth": {"postgresPassword": "S-helm-3"}},
            "manifest": "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  pw: Uy1oZWxtLTQ=\n---\nkind: ConfigMap\ndata:\n  shown: fine\n"}),
            vec!["S-helm-1", "S-helm-2", "S-helm-3", "Uy1oZWxtLTQ="],
        ),
        (
            "registry password",
            json!([{"Id": 1, "Name": "ghcr", "Username": "bot", "Password": "S-reg-1",
            "Authentication": true, "Gitlab": {"Password": "S-reg-2"}}]),
            vec!["S-reg-1", "S-reg-2"],
        ),
        (
            "settings: LDAP and OAuth",
            json!({"LDAPSettings": {"Password": "S-ldap-1", "ReaderDN": "cn=r"},
            "OAuthSettings": {"ClientID": "id", "ClientSecret": "S-oauth-1"}}),
            vec!["S-ldap-1", "S-oauth-1"],
        ),
        (
            "URLs with userinfo anywhere",
            json!({"URL": "tcp://10.0.0.2:2376", "RepositoryURL": "https://bot:S-url-1@git.example/x.git",
            "Labels": {"backup": "s3://AKIA:S-url-2@bucket/"}}),
            vec!["S-url-1", "S-url-2"],
        ),
    ]
}

#[test]
fn no_channel_leaks_and_every_hidden_value_is_counted() {
    for (channel, mut v, secrets) in channels() {
        let n = redact(&mut v);
        let text = v.to_string();
        for s in &secrets {
            assert!(!text.contains(s), "{channel}: {s} leaked in {text}");
        }
        assert!(
            n >= secrets.len(),
            "{channel}: counted {n} of {}",
            secrets.len()
        );
        assert!(text.contains(MARKER), "{channel}");
    }
}

#[test]
fn harmless_values_stay_readable() {
    let mut v = json!({"Config": {"Env": ["PATH=/usr/bin", "HOME=/root", "TZ=UTC"]},
        "Env": [{"name": "LANG", "value": "C.UTF-8"}],
        "manifest": "---\nkind: ConfigMap\ndata:\n  shown: fine\n", "Name": "web", "URL": "https://portainer:9443"});
    let before = v.clone();
    assert_eq!(redact(&mut v), 0);
    assert_eq!(v, before);
}

#[test]
fn error_texts_are_redacted_too() {
    for e in [
        ToolError::Transport("cannot reach https://admin:S-err-1@portainer:9443".into()),
        ToolError::Upstream {
            status: 500,
            message: "bad config: password=S-err-2".into(),
        },
    ] {
        let text = error_text(&e);
        assert!(!text.contains("S-err"), "{text}");
    }
}
