//! Response shaping with a `select` expression: any expression over any
//! JSON either works or is a clean error, and the size cap holds.
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::shaping::{shape, Limits, Request};
use portainer_mcp::tools::catalogue::TOOLS;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // "expression\nJSON document"
    let Some((expr, doc)) = text.split_once('\n') else {
        return;
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(doc) else {
        return;
    };
    let opts = Limits {
        show_secrets: false,
        max_chars: 2_000,
    };
    let req = Request {
        select: Some(expr.to_string()),
        ..Request::default()
    };
    let def = &TOOLS[data.len() % TOOLS.len()];
    stack::on_worker_stack(move || {
        if let Ok(out) = shape(value, &def.shape, &req, &opts) {
            assert!(out.is_object());
            let size = serde_json::to_string(&out).unwrap().chars().count();
            assert!(size <= 2_000, "{size} chars over the cap");
        }
    });
});
