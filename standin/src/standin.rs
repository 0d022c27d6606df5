//! The tests' handle: start a stand-in, read what it saw, add answers.

use crate::answer::{empty, json, raw};
use crate::recording::Seen;
use crate::server::serve;
use crate::shared::Shared;
use crate::Options;
use serde_json::Value;
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use tokio::sync::oneshot;

/// A stand-in on 127.0.0.1, serving from its own thread and runtime until
/// dropped: tests that block their own runtime (a synchronous
/// `Command::output()`) are still answered.
pub struct StandIn {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
}

impl StandIn {
    pub async fn start() -> StandIn {
        Self::with_options(Options::default()).await
    }

    pub async fn with_version(version: &'static str) -> StandIn {
        Self::with_options(Options::default().version(version)).await
    }

    pub async fn with_options(options: Options) -> StandIn {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let addr = listener.local_addr().expect("the bound address");
        let shared = Arc::new(Shared::new(&options));
        let (stop, stopped) = oneshot::channel::<()>();
        let serving = shared.clone();
        std::thread::Builder::new()
            .name(format!("standin-{}", addr.port()))
            .spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("a runtime for the stand-in");
                rt.block_on(async move {
                    let server = tokio::spawn(serve(listener, serving));
                    // Ends when the StandIn is dropped (sent or sender gone).
                    let _ = stopped.await;
                    server.abort();
                });
                // Dropping the runtime closes every open connection.
            })
            .expect("start the stand-in's thread");
        StandIn {
            addr,
            shared,
            stop: Some(stop),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far, in arrival order (empty when not recording).
    pub async fn seen(&self) -> Vec<Seen> {
        self.shared.log.all()
    }

    /// Requests other than the start-up version check.
    pub async fn seen_after_start(&self) -> Vec<Seen> {
        self.seen()
            .await
            .into_iter()
            .filter(|s| s.path != "/api/system/version")
            .collect()
    }

    /// Forgets the requests so far; the answers stay as they are.
    pub async fn reset_log(&self) {
        self.shared.log.clear();
    }

    /// Answers `method path` (exact) only after `delay`, to stand for a
    /// slow operation (a stack deploy, an image pull).
    pub fn delay(&self, method: &str, path: &str, delay: std::time::Duration) {
        self.shared
            .delays
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((method.to_ascii_uppercase(), path.to_string()), delay);
    }

    /// Delayed requests that ended: (method, path, answered), answered
    /// false when the client dropped the request before the answer.
    pub fn delayed(&self) -> Vec<(String, String, bool)> {
        self.shared
            .delayed
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Answers `method path` (exact; any query) with `status` and `body`
    /// from now on, before any built-in route; the key check still comes
    /// first. 204 and 304 go without a body, as HTTP wants.
    pub fn answer(&self, method: &str, path: &str, status: u16, body: Value) {
        let answer = if matches!(status, 204 | 304) {
            empty(status)
        } else {
            json(status, body)
        };
        self.shared
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((method.to_ascii_uppercase(), path.to_string()), answer);
    }

    /// Answers `method path` with these bytes, as `answer` does with JSON
    /// (a Docker log stream, a text body).
    pub fn answer_raw(
        &self,
        method: &str,
        path: &str,
        status: u16,
        content_type: &'static str,
        body: Vec<u8>,
    ) {
        self.shared
            .overrides
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(
                (method.to_ascii_uppercase(), path.to_string()),
                raw(status, content_type, body),
            );
    }
}

impl Drop for StandIn {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
