//! The stand-in Portainer lives in its own crate (standin/), shared with
//! the benchmark; this module keeps the tests' `crate::support::portainer` paths.

#[allow(unused_imports)]
pub use portainer_standin::{fixtures, Options, Seen, StandIn, BOB_TOKEN, TOKEN};
