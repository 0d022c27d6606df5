//! kubernetes_apply's reading of a manifest (documents, merge keys,
//! aliases, limits): any text is objects or a clean error, quickly.
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::tools::handlers::kubernetes_apply::count_documents;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let text = text.to_string();
    stack::on_worker_stack(move || {
        if let Ok(n) = count_documents(&text) {
            assert!((1..=50).contains(&n));
        }
    });
});
