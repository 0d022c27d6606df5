//! `docker_proxy`: raw passthrough to an environment's Docker API.

use crate::error::ToolError;
use crate::portainer::client::Client;
use crate::portainer::passthrough::Backend;
use crate::tools::args::Args;
use crate::tools::handlers::proxy;

pub const INPUT_SCHEMA: &str = proxy::INPUT_SCHEMA;

pub async fn call(client: &Client, args: &Args) -> Result<serde_json::Value, ToolError> {
    proxy::call(Backend::Docker, client, args).await
}
