//! Redaction of free text: any text comes back as the same text with some
//! value spans replaced by the marker (the pieces between markers appear in
//! the input, in order, and nothing else changed). Redacting twice is not
//! held to give the same text: a marker can make a text parse as YAML that
//! did not before (the property tests hold it on real shapes).
#![no_main]

#[path = "common/spans.rs"]
mod spans;
#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::shaping::redact::redact_text;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = text.to_string();
    stack::on_worker_stack(move || {
        let mut out = input.clone();
        redact_text(&mut out);
        spans::assert_value_spans_only(&input, &out);
    });
});
