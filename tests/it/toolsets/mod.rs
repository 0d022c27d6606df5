//! Each toolset's tools against the stand-in Portainer: the requests they
//! send and the answers they give.

pub(crate) mod api;
mod docker;
mod environments;
mod exec;
mod helm;
mod kubernetes;
mod stacks;
mod swarm;
