//! The held stack_update's diff of two compose files (parsed with
//! serde_yaml_ng, diffed line by line, services compared): any two texts
//! are answered without a panic, a file against itself shows no change,
//! and a secret planted in the new file never shows in the diff.
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::tools::handlers::stack_diff::diff;
use serde_json::json;

const PLANTED: &str = "Fz9-planted-secret-4417";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (deployed, next) = text.split_once('\0').unwrap_or((text, text));
    let (deployed, next) = (deployed.to_string(), next.to_string());
    stack::on_worker_stack(move || {
        let env = json!({"set": [], "removed": []});
        let same = diff(&deployed, &deployed, &env);
        assert!(same["file"].is_null(), "{same}");
        let out = diff(&deployed, &next, &env);
        let _ = out.to_string();
        if !deployed.contains(PLANTED) && !next.contains(PLANTED) {
            let planted = format!("{next}\nx-secrets:\n  API_TOKEN: {PLANTED}\n");
            let out = diff(&deployed, &planted, &env).to_string();
            assert!(!out.contains(PLANTED), "{out}");
        }
    });
});
