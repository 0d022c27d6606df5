//! Redaction of a result: any JSON stays JSON with the same keys at every
//! level, numbers, booleans and nulls as they were, and each string is the
//! input's with value spans replaced.
#![no_main]

#[path = "common/spans.rs"]
mod spans;
#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::shaping::redact::redact;
use serde_json::Value;

fn same_shape(a: &Value, b: &Value) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            assert!(x.keys().eq(y.keys()), "keys changed");
            for (k, v) in x {
                same_shape(v, &y[k]);
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "list length changed");
            x.iter().zip(y).for_each(|(a, b)| same_shape(a, b));
        }
        (Value::String(x), Value::String(y)) => spans::assert_value_spans_only(x, y),
        (a, b) => assert_eq!(a, b, "a non-string value changed"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    stack::on_worker_stack(move || {
        let mut out = value.clone();
        redact(&mut out);
        same_shape(&value, &out);
    });
});
