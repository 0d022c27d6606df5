//! Redaction changes values and nothing else, on generated inputs:
//! - a text made of known pieces (secret shapes with their value spans,
//!   shell text, variable references, punctuation) comes back as exactly
//!   that text with each secret value replaced by the marker;
//! - a compose file (environment lists and maps, `x-` anchors merged and
//!   aliased, commands) stays YAML with the same keys, keeps every variable
//!   reference and every value outside the environment, and loses every
//!   secret value.

use portainer_mcp::shaping::redact::{redact, redact_text, MARKER};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::json;

/// A value a secret can hold: letters, digits and the punctuation of
/// tokens and passwords, never a byte that ends a value in its shape.
fn value() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        select("abcXYZ0123456789_.+-/".chars().collect::<Vec<_>>()),
        6..24,
    )
    .prop_map(|c| format!("v{}", c.into_iter().collect::<String>()))
}

fn secret_key() -> impl Strategy<Value = &'static str> {
    select(vec![
        "DB_PASSWORD",
        "API_TOKEN",
        "client_secret",
        "MYSQL_PWD",
        "db-password",
        "AccessKey",
        "private_key",
    ])
}

/// One piece of text: (what is written, what redaction must make of it).
fn piece() -> impl Strategy<Value = (String, String)> {
    let plain = select(vec![
        "sleep 1",
        "echo",
        "i=0;",
        "n=$i",
        "while true; do",
        "done",
        "${HOME}",
        "$PATH",
        "{",
        "}",
        "[",
        "]",
        ",",
        "12:30",
        "http://example.com/x",
        "a=b",
        "x: y",
        "#",
        "--verbose",
        "status=ok",
        "count: 3",
        "user=bob",
        "'quoted words'",
        "\"dq\"",
        "PAYMENT_API_KEY=${PAYMENT_API_KEY}",
        "TOKEN=$TOKEN",
        "url: ${DB_URL}",
    ])
    .prop_map(|p| (p.to_string(), p.to_string()));
    let secret = (secret_key(), value(), 0..9usize).prop_map(|(k, v, shape)| {
        let m = MARKER;
        match shape {
            0 => (format!("{k}={v}"), format!("{k}={m}")),
            1 => (
                format!("{{\"{k}\": \"{v}\"}}"),
                format!("{{\"{k}\": \"{m}\"}}"),
            ),
            2 => (
                format!(r#"echo "{{\"{k}\": \"{v}\"}}";"#),
                format!(r#"echo "{{\"{k}\": \"{m}\"}}";"#),
            ),
            3 => (format!("\n{k}: {v}\n"), format!("\n{k}: {m}\n")),
            4 => (format!("--{k} {v}"), format!("--{k} {m}")),
            5 => (
                format!("postgres://app:{v}@db:5432/x"),
                format!("postgres://app:{m}@db:5432/x"),
            ),
            6 => (
                format!("Authorization: Bearer {v}"),
                format!("Authorization: Bearer {m}"),
            ),
            7 => (format!("{k}=${{X:-{v}}}"), format!("{k}=${{X:-{m}}}")),
            _ => (
                format!("-----BEGIN RSA PRIVATE KEY-----\n{v}\n{v}\n-----END RSA PRIVATE KEY-----"),
                format!("-----BEGIN RSA PRIVATE KEY-----\n{m}\n-----END RSA PRIVATE KEY-----"),
            ),
        }
    });
    prop_oneof![2 => plain, 1 => secret]
}

fn separator() -> impl Strategy<Value = &'static str> {
    select(vec![" ", "\n", "; ", " && ", "\t"])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn text_changes_inside_value_spans_only(
        pieces in proptest::collection::vec((piece(), separator()), 1..12)
    ) {
        let mut input = String::new();
        let mut want = String::new();
        for ((written, redacted), sep) in &pieces {
            input.push_str(written);
            input.push_str(sep);
            want.push_str(redacted);
            want.push_str(sep);
        }
        let mut got = input.clone();
        redact_text(&mut got);
        prop_assert_eq!(&got, &want, "input: {:?}", input);
        // Redacting again changes nothing.
        let mut again = got.clone();
        redact_text(&mut again);
        prop_assert_eq!(again, got);
    }
}

/// A compose file: (text, the secret values in it).
fn compose() -> impl Strategy<Value = (String, Vec<String>)> {
    let service = (
        proptest::collection::vec((secret_key(), value()), 1..4),
        proptest::collection::vec((select(vec!["LOG", "MODE", "API"]), value()), 0..3),
        any::<bool>(),
        any::<bool>(),
    );
    (proptest::collection::vec(service, 1..4), value()).prop_map(|(services, anchored)| {
        let mut secrets = vec![anchored.clone()];
        let mut y =
            format!("x-common: &common\n  SHARED_SECRET: \"{anchored}\"\n  TZ: UTC\nservices:\n");
        for (i, (named, plain, as_map, merge)) in services.into_iter().enumerate() {
            y.push_str(&format!("  s{i}:\n    image: shop/s{i}:1.{i}\n"));
            y.push_str("    command: [\"sh\", \"-c\", \"i=0; while true; do sleep 1; done\"]\n");
            y.push_str("    environment:\n");
            if as_map && merge {
                y.push_str("      <<: *common\n");
            }
            for (j, (k, v)) in named.iter().chain(plain.iter()).enumerate() {
                secrets.push(v.clone());
                if as_map {
                    y.push_str(&format!("      {k}_{i}_{j}: {v}\n"));
                } else {
                    y.push_str(&format!("      - {k}_{i}_{j}={v}\n"));
                }
            }
            if as_map {
                y.push_str(&format!("      REF_{i}: ${{REF_{i}}}\n"));
            } else {
                y.push_str(&format!("      - REF_{i}=${{REF_{i}}}\n"));
            }
        }
        (y, secrets)
    })
}

fn keys(v: &serde_yaml_ng::Value, path: String, out: &mut Vec<String>) {
    match v {
        serde_yaml_ng::Value::Mapping(m) => {
            for (k, child) in m {
                let k = format!("{path}/{}", serde_yaml_ng::to_string(k).unwrap().trim());
                out.push(k.clone());
                keys(child, k, out);
            }
        }
        serde_yaml_ng::Value::Sequence(s) => {
            for (i, child) in s.iter().enumerate() {
                keys(child, format!("{path}/{i}"), out);
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn compose_files_stay_yaml_with_their_keys_and_references((text, secrets) in compose()) {
        let mut v = json!({"StackFileContent": text});
        redact(&mut v);
        let out = v["StackFileContent"].as_str().unwrap();
        let before: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
        let after: serde_yaml_ng::Value = serde_yaml_ng::from_str(out)
            .map_err(|e| TestCaseError::fail(format!("{e}: {out}")))?;
        let (mut kb, mut ka) = (vec![], vec![]);
        keys(&before, String::new(), &mut kb);
        keys(&after, String::new(), &mut ka);
        prop_assert_eq!(kb, ka);
        for s in &secrets {
            prop_assert!(!out.contains(s.as_str()), "{} in {}", s, out);
        }
        for r in text.match_indices("${REF_").map(|(i, _)| &text[i..i + text[i..].find('}').unwrap() + 1]) {
            prop_assert!(out.contains(r), "{} lost: {}", r, out);
        }
        for line in text.lines().filter(|l| l.contains("image:") || l.contains("command:")) {
            prop_assert!(out.contains(line), "{} changed: {}", line, out);
        }
        prop_assert_eq!(text.lines().count(), out.lines().count());
    }
}
