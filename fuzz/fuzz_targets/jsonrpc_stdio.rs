//! Raw input on the stdio transport: whatever bytes arrive, the server
//! answers or ignores them and never panics (on a worker-sized stack).
#![no_main]

#[path = "common/stack.rs"]
mod stack;

use libfuzzer_sys::fuzz_target;
use portainer_mcp::mcp::server::{CallSettings, PortainerServer};
use portainer_mcp::tools::selection::{select, Choice};
use rmcp::ServiceExt;
use tokio::io::AsyncWriteExt;

fuzz_target!(|data: &[u8]| {
    let data = data.to_vec();
    stack::on_worker_stack(move || run(&data));
});

fn run(data: &[u8]) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let settings = portainer_mcp::portainer::http::HttpSettings {
            read_only: true,
            ..portainer_mcp::portainer::http::HttpSettings::to(
                url::Url::parse("http://127.0.0.1:1/api").unwrap(),
                "fuzz",
                std::time::Duration::from_secs(1),
            )
        };
        let http = portainer_mcp::portainer::http::Http::new(&settings).unwrap();
        let inner = http.client().clone();
        let client = portainer_mcp::portainer::client::Client::new_with_client(
            "http://127.0.0.1:1/api",
            inner,
            http,
        );
        let options = CallSettings {
            shaping: Default::default(),
            audit: None,
            caller: "fuzz".into(),
            users: None,
            metrics: None,
            team: None,
            sealer: portainer_mcp::mcp::input_required::Sealer::new(None).unwrap(),
            change_ref: None,
            demo: None,
        };
        let server = PortainerServer::new(
            client,
            select(&Choice {
                read_only: true,
                ..Choice::default()
            })
            .unwrap(),
            options,
        );
        let (mut to_server, server_in) = tokio::io::duplex(1 << 16);
        let (server_out, mut from_server) = tokio::io::duplex(1 << 16);
        let drain = tokio::spawn(async move {
            let mut sink = vec![];
            let _ = tokio::io::AsyncReadExt::read_to_end(&mut from_server, &mut sink).await;
        });
        let _ = to_server.write_all(data).await;
        let _ = to_server.write_all(b"\n").await;
        drop(to_server);
        // Through the same front as the real stdio transport.
        let transport = portainer_mcp::transport::stdio::front(server_in, server_out);
        if let Ok(running) = server.serve(transport).await {
            let _ =
                tokio::time::timeout(std::time::Duration::from_secs(2), running.waiting()).await;
        }
        let _ = drain.await;
    });
}
