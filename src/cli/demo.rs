//! `portainer-mcp demo`: the real server, every flag as usual, against a
//! sample Portainer served in-process (the stand-in the tests use: Docker,
//! Swarm and Kubernetes environments, stacks, a crash-looping pod), so a
//! newcomer can try it with no Portainer at hand. The server's instructions
//! and every result say the data is a demo's.

use crate::cli::flags::Flags;
use portainer_standin::{Options, StandIn, TOKEN};

/// What the instructions and each result say in demo mode.
pub const NOTE: &str =
    "DEMO: sample data from the built-in demo Portainer (portainer-mcp demo), not a real server";

/// The sample Portainer, served while this lives.
pub struct Demo {
    _portainer: StandIn,
}

/// Serves the sample Portainer and points the flags at it; a URL or token
/// given as well is replaced, and said so.
pub async fn start(o: &mut Flags) -> Demo {
    if !o.url.is_empty() || o.token.is_some() || o.token_file.is_some() {
        tracing::warn!("demo: the given Portainer URL and token are ignored");
    }
    // No request log: memory stays flat however long the demo runs.
    let portainer = StandIn::with_options(Options::default().record(false)).await;
    o.url = vec![portainer.url()];
    o.token = Some(TOKEN.to_string());
    o.token_file = None;
    if o.http.is_some() {
        // Over HTTP each caller brings a token: the demo's is no secret.
        tracing::warn!(
            "demo: sample Portainer at {}; HTTP callers send X-Portainer-API-Key: {TOKEN}",
            portainer.url()
        );
    } else {
        tracing::warn!("demo: sample Portainer at {}", portainer.url());
    }
    Demo {
        _portainer: portainer,
    }
}
