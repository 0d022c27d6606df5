//! Unit tests of redaction: value spans replaced, every other byte kept.

use super::*;
use serde_json::json;

fn text(s: &str) -> String {
    let mut s = s.to_string();
    redact_text(&mut s);
    s
}

#[test]
fn hides_secrets_keeps_shape() {
    let mut v = json!({
        "Name": "registry", "Password": "hunter2", "Authentication": true, "PasswordSet": true,
        "AccessToken": "tok", "TLSConfig": {"TLSKey": "/data/tls/key.pem"},
        "Env": [{"name": "DB_PASSWORD", "value": "s3cret"}, {"name": "EMPTY", "value": ""}],
        "Config": {"Env": ["PATH=/usr/bin", "API_KEY=abc123", "FLAG"]},
        "Gitlab": {"Credentials": {"Username": "u", "Password": "p"}}
    });
    let n = redact(&mut v);
    let text = v.to_string();
    for s in ["hunter2", "tok", "key.pem", "s3cret", "abc123", "\"p\""] {
        assert!(!text.contains(s), "{s} leaked: {text}");
    }
    assert_eq!(v["Authentication"], true);
    assert_eq!(v["PasswordSet"], true);
    assert_eq!(v["Env"][0]["name"], "DB_PASSWORD");
    assert_eq!(
        v["Config"]["Env"][0], "PATH=/usr/bin",
        "harmless names stay"
    );
    assert_eq!(v["Config"]["Env"][1], "API_KEY=<redacted>");
    assert_eq!(v["Config"]["Env"][2], "FLAG");
    assert_eq!(v["Name"], "registry");
    assert!(n >= 7, "{n}");
}

#[test]
fn kubernetes_secrets() {
    let mut one = json!({"kind": "Secret", "metadata": {"name": "db", "annotations": {
        "kubectl.kubernetes.io/last-applied-configuration":
            "{\"apiVersion\":\"v1\",\"data\":{\"pw\":\"aHVudGVyMg==\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"}}\n"}},
        "data": {"pw": "aHVudGVyMg=="}, "stringData": {"user": "admin"}});
    redact(&mut one);
    assert!(!one.to_string().contains("aHVudGVyMg=="), "{one}");
    assert_eq!(one["data"]["pw"], MARKER);
    assert_eq!(one["metadata"]["name"], "db");
    assert_eq!(
        one["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"],
        "{\"apiVersion\":\"v1\",\"data\":{\"pw\":\"<redacted>\"},\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"}}\n",
        "the annotation keeps its JSON and loses the value only"
    );
    let mut list = json!({"kind": "SecretList", "items": [{"metadata": {"name": "a"}, "data": {"k": "dmFs"}}]});
    redact(&mut list);
    assert_eq!(list["items"][0]["data"]["k"], MARKER);
    let mut cm = json!({"kind": "ConfigMap", "data": {"k": "v"}});
    redact(&mut cm);
    assert_eq!(cm["data"]["k"], "v");
}

#[test]
fn json_secret_in_a_container_command() {
    let script =
        r#"echo "{\"api_token\": \"X-SECRET\"}"; i=0; while true; do echo "n=$i"; sleep 1; done"#;
    let mut v = json!({
        "Path": "sh", "Args": ["-c", script],
        "Config": {"Cmd": ["sh", "-c", script]},
    });
    redact(&mut v);
    let want = script.replace("X-SECRET", MARKER);
    assert_eq!(v["Args"][1], json!(want));
    assert_eq!(v["Config"]["Cmd"][2], json!(want));
    let mut list = json!([{"Command": format!("sh -c {script}")}]);
    redact(&mut list);
    assert_eq!(list[0]["Command"], json!(format!("sh -c {want}")));
    let mut top =
        json!({"Processes": [["root", "1", format!("sh -c {script} PATH=/bin HOSTNAME=x API=v")]]});
    redact(&mut top);
    assert_eq!(
        top["Processes"][0][2],
        json!(format!("sh -c {want} PATH=/bin HOSTNAME=x API=<redacted>"))
    );
}

#[test]
fn compose_files_keep_references_and_structure() {
    let compose = "\
x-db-env: &db-env
  POSTGRES_USER: app
  POSTGRES_PASSWORD: hunter2
x-plain: &plain
  LOG_LEVEL: debug
services:
  api:
    image: shop/api:1.2 # pinned
    environment:
      - PAYMENT_API_KEY=${PAYMENT_API_KEY}
      - DB_URL=postgres://app:${DB_PASSWORD}@db/shop
      - STRIPE_KEY=sk_live_0123456789abcdef
      - TZ=UTC
    command: [\"sh\", \"-c\", \"i=0; while true; do sleep 1; done\"]
  db:
    environment:
      <<: *db-env
      EXTRA: \"quoted value\"
  worker:
    environment: *plain
    healthcheck:
      test: [\"CMD\", \"mysqladmin\", \"ping\", \"-psecretpw\"]
";
    let mut v = json!({"StackFileContent": compose});
    redact(&mut v);
    let out = v["StackFileContent"].as_str().unwrap();
    let want = compose
        .replace(
            "POSTGRES_PASSWORD: hunter2",
            "POSTGRES_PASSWORD: <redacted>",
        )
        .replace("POSTGRES_USER: app", "POSTGRES_USER: <redacted>")
        .replace("LOG_LEVEL: debug", "LOG_LEVEL: <redacted>")
        .replace("sk_live_0123456789abcdef", MARKER)
        .replace("\"quoted value\"", "\"<redacted>\"")
        .replace("-psecretpw", "-p<redacted>")
        .replace(
            "DB_URL=postgres://app:${DB_PASSWORD}@db/shop",
            "DB_URL=<redacted>${DB_PASSWORD}<redacted>",
        );
    assert_eq!(out, want);
    // Still YAML, with the same keys.
    let before: serde_yaml_ng::Value = serde_yaml_ng::from_str(compose).unwrap();
    let after: serde_yaml_ng::Value = serde_yaml_ng::from_str(out).unwrap();
    assert_eq!(
        before["services"]["api"]["image"],
        after["services"]["api"]["image"]
    );
}

#[test]
fn free_text_and_our_own_words() {
    assert_eq!(
        text("not available through api_call: returns the key that decrypts a swarm"),
        "not available through api_call: returns the key that decrypts a swarm"
    );
    assert_eq!(
        text("error: token: abc123 expired"),
        "error: token: <redacted> expired"
    );
    assert_eq!(
        text("DB_PASSWORD=hunter2 LOG=debug"),
        "DB_PASSWORD=<redacted> LOG=debug"
    );
}

#[test]
fn manifests_as_yaml() {
    let m = "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  pw: aHVudGVyMg==\n  user: YWRtaW4=\n---\nkind: ConfigMap\ndata:\n  shown: fine\n---\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - env:\n            - name: PASS\n              value: S-pod-1\n            - name: TZ\n              value: UTC\n";
    let mut v = json!({"manifest": m});
    redact(&mut v);
    let out = v["manifest"].as_str().unwrap();
    assert_eq!(
        out,
        m.replace("aHVudGVyMg==", MARKER)
            .replace("YWRtaW4=", MARKER)
            .replace("S-pod-1", MARKER)
    );
}

#[test]
fn a_literal_block_loses_one_line_only() {
    let y = "script: |\n  echo start\n  export DB_PASSWORD=hunter2\n  run\n";
    let mut v = json!({"values": y});
    redact(&mut v);
    assert_eq!(
        v["values"],
        json!(y.replace("hunter2", MARKER)),
        "only the value inside the block"
    );
}

/// api_describe's argument schema names fields such as `Env`; a schema is
/// not variables, and nothing in it is a secret (it was `type: <redacted>`).
#[test]
fn a_schema_describing_env_is_kept() {
    let mut v = json!({"arguments": {"properties": {"body": {"properties": {
        "Env": {"items": {"properties": {"name": {"type": "string"}, "value": {"type": "string"}},
                          "required": ["name", "value"], "type": "object"}, "type": "array"},
        "env": {"type": "object", "additionalProperties": {"type": "string"}}}}}}});
    let before = v.clone();
    assert_eq!(redact(&mut v), 0);
    assert_eq!(v, before);
    // Real variables under Env stay hidden, even one named `type`.
    let mut v = json!({"Env": {"type": "s3cr3t-value", "API_KEY": "k"}, "env": [{"name": "type", "value": "x-secret"}]});
    assert_eq!(redact(&mut v), 3);
    assert!(!v.to_string().contains("s3cr3t") && !v.to_string().contains("x-secret"));
}

/// Found by fuzz/campaign.py (redact_yaml, 2026-12-07): a plain key that
/// holds a colon without a space (`aaEA:wdA Apwd`) and a quoted value.
#[test]
fn a_compose_value_after_a_key_with_a_colon_stays_yaml() {
    let input = "aaEA:wdA Apwd: ' )!d;wd' ";
    let mut v = json!({"StackFileContent": input});
    redact(&mut v);
    let out = v["StackFileContent"].as_str().unwrap().to_string();
    assert_eq!(out, "aaEA:wdA Apwd: '<redacted>' ");
    let parsed: Result<serde_yaml_ng::Value, _> = serde_yaml_ng::from_str(&out);
    assert!(parsed.is_ok(), "{out:?}: {parsed:?}");
}
