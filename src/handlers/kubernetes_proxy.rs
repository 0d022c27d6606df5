//! `kubernetes_proxy`: raw passthrough to an environment's Kubernetes API.

use crate::args::Args;
use crate::client::Client;
use crate::outcome::ToolError;
use crate::proxy::{self, Backend};

pub const INPUT_SCHEMA: &str = proxy::INPUT_SCHEMA;

pub async fn call(client: &Client, args: &Args) -> Result<serde_json::Value, ToolError> {
    proxy::call(Backend::Kubernetes, client, args).await
}
