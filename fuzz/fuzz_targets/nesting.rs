//! Deep nesting everywhere it can come in: the input is a short recipe that
//! expands into deeply nested JSON (as a Portainer answer, a JSON-RPC line
//! and a list body) and a deeply nested `select`, each up to hundreds of
//! thousands of levels. Nothing may crash on a worker-sized stack.
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::shaping::stream_list::{ListPlan, ListStream};
use portainer_mcp::shaping::{shape, Limits, Request};
use portainer_mcp::tools::catalogue::TOOLS;

/// `open`×n + `middle` + `close`×n, from the recipe's bytes.
fn expand(data: &[u8]) -> (String, usize) {
    let n = match data.first() {
        Some(b) => 1usize << (b % 18),
        None => 1,
    };
    let rest = String::from_utf8_lossy(data.get(1..).unwrap_or_default()).into_owned();
    let (open, rest) = rest.split_at(rest.char_indices().nth(4).map_or(rest.len(), |(i, _)| i));
    let close: String = open
        .chars()
        .rev()
        .map(|c| match c {
            '[' => ']',
            '{' => '}',
            '(' => ')',
            other => other,
        })
        .collect();
    let reps = (n / open.len().max(1)).max(1);
    (open.repeat(reps) + rest + &close.repeat(reps), reps)
}

fuzz_target!(|data: &[u8]| {
    let (text, _) = expand(data);
    let def = &TOOLS[data.len() % TOOLS.len()];
    let keep_all = data.len() % 2 == 0;
    stack::on_worker_stack(move || {
        let opts = Limits {
            show_secrets: false,
            max_chars: 2_000,
        };
        // As an answer from Portainer.
        let v = portainer_mcp::portainer::exchange::body_value(text.as_bytes());
        let _ = shape(v, &def.shape, &Request::default(), &opts);
        // As a select over a small document.
        let req = Request {
            select: Some(text.clone()),
            ..Request::default()
        };
        let _ = shape(
            serde_json::json!({"items": [{"a": 1}]}),
            &def.shape,
            &req,
            &opts,
        );
        // As a JSON-RPC message.
        let _ = portainer_mcp::transport::json_input::check(text.as_bytes());
        // As a list body, shaped while it arrives.
        let mut list = ListStream::new(ListPlan {
            offset: 0,
            limit: None,
            report_total: true,
            max_chars: 2_000,
            keep_tail: false,
            redact: true,
            omit: vec![],
            keep_all,
        });
        for chunk in text.as_bytes().chunks(4096) {
            list.feed(chunk);
        }
        let _ = list.finish();
    });
});
