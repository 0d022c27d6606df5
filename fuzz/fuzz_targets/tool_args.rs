//! Argument decoding for every tool: arbitrary arguments are checked against
//! the tool's schema and decoded into the typed client's parameters without
//! a panic. Nothing leaves the process (offline calls).
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::tools::args::Args;
use portainer_mcp::tools::catalogue::{dispatch, TOOLS};
use std::sync::OnceLock;

fn client() -> &'static portainer_mcp::portainer::client::Client {
    static CLIENT: OnceLock<portainer_mcp::portainer::client::Client> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let settings = portainer_mcp::portainer::http::HttpSettings::to(
            url::Url::parse("http://127.0.0.1:1/api").unwrap(),
            "fuzz",
            std::time::Duration::from_secs(1),
        );
        let http = portainer_mcp::portainer::http::Http::new(&settings).unwrap();
        let inner = http.client().clone();
        portainer_mcp::portainer::client::Client::new_with_client(
            "http://127.0.0.1:1/api",
            inner,
            http,
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, json)) = data.split_first() else {
        return;
    };
    let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(json) else {
        return;
    };
    let def = &TOOLS[usize::from(pick) % TOOLS.len()];
    stack::on_worker_stack(move || {
        let args = Args::new(map);
        let schema = def.input_schema();
        let _ = args.check_against(&schema);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let call = portainer_mcp::tools::call::Call::offline(client());
            let _ = dispatch(&call, def.name, &args).await;
        });
    });
});
