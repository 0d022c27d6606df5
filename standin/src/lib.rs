//! A loopback stand-in for Portainer's HTTP API.
//!
//! One server for two users: the Rust tests (realistic answers for every
//! route the tools use, every request recorded) and the benchmark (the
//! `portainer-standin` binary, big lists prepared once, recording off).
//! It serves like Portainer's Go server: HTTP/1.1 keep-alive, `TCP_NODELAY`
//! on every accepted socket, a Content-Length on every answer.

mod answer;
pub mod bench;
pub mod fixtures;
mod options;
mod recording;
mod request;
mod routes;
mod server;
mod shared;
mod standin;
mod websocket;

pub use options::Options;
pub use recording::Seen;
pub use server::serve;
pub use shared::Shared;
pub use standin::StandIn;

/// The admin's API key: the only key besides [`BOB_TOKEN`] (and any
/// [`Options::keys`]) that gets anything but a 401.
pub const TOKEN: &str = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a";
/// A second user's key (the HTTP transport's two-user tests).
pub const BOB_TOKEN: &str = "ptr_BOBTOKEN_77aa0c1d2e3f4a5b";
