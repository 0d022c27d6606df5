//! Hand-written tools. Each file here is a handler tools.toml can name with
//! `handler = "<file stem>"`; build.rs lists this folder to check that.

pub mod docker_proxy;
pub mod kubernetes_events;
pub mod kubernetes_pod_logs;
pub mod kubernetes_proxy;
pub mod kubernetes_resource_get;
pub mod kubernetes_resource_list;
pub mod kubernetes_rollout_restart;
pub mod kubernetes_scale;
pub mod proxy;
pub mod stack_env;
pub mod stack_git_redeploy;
pub mod stack_update;
pub mod swarm_service_scale;
pub mod swarm_service_update;
