//! Hand-written tools, grouped by family. Each declares its arguments as a
//! Rust type (serde + JsonSchema), so the schema, defaults and enums are
//! written once, and exports a `Handler` static (tools/handler.rs) that
//! tools.toml names with `handler = "<name>"` (the generated registry refers
//! to it by that name, upper-cased, so a missing handler fails the build).
//! This file only declares the families and re-exports their handlers.

pub mod api;
pub mod docker_actions;
pub mod docker_exec;
pub mod docker_logs;
pub mod docker_prune;
pub mod docker_pull;
pub mod docker_stats;
pub mod environments;
pub mod kubernetes;
pub mod kubernetes_apply;
pub mod kubernetes_delete;
pub mod kubernetes_describe;
pub mod kubernetes_exec;
pub mod kubernetes_logs;
pub mod kubernetes_rollout;
pub mod kubernetes_top;
pub mod kubernetes_workloads;
pub mod log_args;
pub mod logs_many;
pub mod passthrough;
pub mod policy_content;
pub mod stack_diff;
pub mod stack_env;
pub mod stack_status;
pub mod stacks;
pub mod swarm;
pub mod swarm_logs;
pub mod swarm_wait;

pub use api::{API_CALL, API_DESCRIBE, API_FIND};
pub use docker_actions::DOCKER_CONTAINER_ACTION;
pub use docker_exec::DOCKER_CONTAINER_EXEC;
pub use docker_logs::DOCKER_CONTAINER_LOGS;
pub use docker_prune::DOCKER_PRUNE;
pub use docker_pull::DOCKER_IMAGE_PULL;
pub use docker_stats::{DOCKER_CONTAINER_STATS, DOCKER_DISK_USAGE};
pub use environments::ENVIRONMENT_CREATE;
pub use kubernetes::{KUBERNETES_EVENTS, KUBERNETES_RESOURCE_GET, KUBERNETES_RESOURCE_LIST};
pub use kubernetes_apply::KUBERNETES_APPLY;
pub use kubernetes_delete::KUBERNETES_DELETE;
pub use kubernetes_describe::KUBERNETES_DESCRIBE;
pub use kubernetes_exec::KUBERNETES_POD_EXEC;
pub use kubernetes_logs::KUBERNETES_POD_LOGS;
pub use kubernetes_rollout::{KUBERNETES_ROLLOUT_HISTORY, KUBERNETES_ROLLOUT_UNDO};
pub use kubernetes_top::KUBERNETES_TOP;
pub use kubernetes_workloads::{KUBERNETES_ROLLOUT_RESTART, KUBERNETES_SCALE};
pub use passthrough::{DOCKER_PROXY, KUBERNETES_PROXY};
pub use policy_content::POLICY_CONTENT_CHECK;
pub use stack_status::STACK_GET;
pub use stacks::STACK_UPDATE;
pub use swarm::{SWARM_SERVICE_ROLLBACK, SWARM_SERVICE_SCALE, SWARM_SERVICE_UPDATE};
pub use swarm_logs::SWARM_SERVICE_LOGS;
