//! The Portainer side: the generated client and its hooks, the one HTTP
//! layer (guard, failover, body limits), the per-call record, answers and
//! their decoding, and the Docker, Kubernetes and Swarm helpers.

pub mod api_key;
pub mod change_window;
pub mod client;
pub mod connected;
pub mod content;
pub mod decode;
pub mod deny_kinds;
pub mod docker_log;
pub mod env_facts;
pub mod env_policy;
pub mod exchange;
pub mod form;
pub mod http;
pub mod kubernetes;
pub mod passthrough;
pub mod record;
pub mod swarm;
pub mod tls;
pub mod version_check;
pub mod websocket;
