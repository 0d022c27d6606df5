//! Hand-written tools. Each file here is a handler tools.toml can name with
//! `handler = "<file stem>"`; build.rs lists this folder to check that.

pub mod docker_proxy;
pub mod kubernetes_proxy;
