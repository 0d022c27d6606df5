//! portainer-mcp: an MCP server exposing Portainer's HTTP API as tools.
//!
//! Generated code (typed client, tool registry) comes from build.rs; all
//! other modules are hand-written.

pub mod args;
pub mod audit;
pub mod call_state;
pub mod cli;
pub mod client;
pub mod config;
pub mod docker_stream;
pub mod handlers;
pub mod http;
pub mod http_transport;
pub mod json_input;
pub mod kube;
pub mod metrics;
pub mod outcome;
pub mod proxy;
pub mod registry;
pub mod safety;
pub mod selection;
pub mod server;
pub mod shaping;
pub mod stack_env;
pub mod stdio;
pub mod swarm;
pub mod tools_cmd;
pub mod version_check;
