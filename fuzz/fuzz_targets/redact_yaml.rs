//! Redaction of a compose file or manifest (a YAML text under a key that
//! holds one): the text keeps every byte outside value spans, and a text
//! that redaction reads as YAML (and serde_yaml_ng parses) stays YAML with
//! the same keys. A text our YAML parser cannot read is redacted as free
//! text; only the value-span property holds for it.
#![no_main]

#[path = "common/spans.rs"]
mod spans;
#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::shaping::redact::{reads_as_yaml, redact, yaml_keys};

fn keys(v: &serde_yaml_ng::Value, out: &mut Vec<String>) {
    match v {
        serde_yaml_ng::Value::Mapping(m) => {
            for (k, child) in m {
                out.push(match k {
                    serde_yaml_ng::Value::String(s) => s.clone(),
                    other => serde_yaml_ng::to_string(other).unwrap_or_default().trim().to_string(),
                });
                keys(child, out);
            }
        }
        serde_yaml_ng::Value::Sequence(s) => s.iter().for_each(|c| keys(c, out)),
        serde_yaml_ng::Value::Tagged(t) => keys(&t.value, out),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    stack::on_worker_stack(move || {
        let mut v = serde_json::json!({"StackFileContent": text});
        redact(&mut v);
        let out = v["StackFileContent"].as_str().unwrap();
        spans::assert_value_spans_only(&text, out);
        let parsed = serde_yaml_ng::from_str::<serde_yaml_ng::Value>(&text);
        if let (Ok(before), true) = (parsed, reads_as_yaml(&text)) {
            let after: serde_yaml_ng::Value =
                serde_yaml_ng::from_str(out).unwrap_or_else(|e| panic!("no longer YAML: {e}\n{out}"));
            let (mut kb, mut ka) = (vec![], vec![]);
            keys(&before, &mut kb);
            keys(&after, &mut ka);
            // Where the two parsers read the same keys (they differ on
            // exotic YAML 1.1/1.2 syntax), redaction keeps them.
            if yaml_keys(&text).as_ref() == Some(&kb) {
                assert_eq!(kb, ka, "keys changed");
            }
        }
    });
});
