//! Stack writes that need more than one request: an update that keeps the
//! current file and merges variables, and a git redeploy that keeps the
//! stored reference, variables and credentials unless told otherwise.

use super::handler;
use super::stack_env::{self, EnvChange};
use crate::error::ToolError;
use crate::portainer::http::Http;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, JsonSchema)]
pub struct Update {
    /// Stack id (from stack_list).
    #[schemars(range(min = 1))]
    id: u64,
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// New compose file content; the current file is kept when left out.
    file: Option<String>,
    /// Variables to set, NAME: value; null removes NAME. Others are kept unless replace_env is true.
    env: EnvChange,
    /// env is the complete list: variables not named are removed.
    #[serde(default)]
    replace_env: bool,
    /// Remove services that are no longer in the file.
    #[serde(default)]
    prune: bool,
    /// Pull the images again before redeploying.
    #[serde(default)]
    pull_image: bool,
}

handler!(STACK_UPDATE, Update, update);

/// Portainer replaces the file and the whole Env list on update: the
/// current file is kept when none is given, named variables are merged.
async fn update(http: &Http, a: Update) -> Result<Value, ToolError> {
    let id = a.id;
    let change = stack_env::parse_change(a.env)?;
    if a.file.is_none() && change.is_empty() && !a.replace_env && !a.pull_image {
        return Err(ToolError::BadArguments(
            "nothing to change: give file, env, replace_env or pull_image".into(),
        ));
    }
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let file = match a.file {
        Some(f) => f,
        None => {
            let current = http
                .portainer_json(Method::GET, &format!("stacks/{id}/file"), None)
                .await?;
            current["StackFileContent"]
                .as_str()
                .ok_or_else(|| {
                    ToolError::Internal("Portainer returned no StackFileContent".into())
                })?
                .to_string()
        }
    };
    let (env, summary) = stack_env::merge(&stack["Env"], &change, a.replace_env);
    let body =
        json!({"StackFileContent": file, "Env": env, "Prune": a.prune, "PullImage": a.pull_image});
    let updated = http
        .portainer_json(
            Method::PUT,
            &format!("stacks/{id}?endpointId={}", a.environment_id),
            Some(&body),
        )
        .await?;
    Ok(json!({"stack": updated, "env_changes": summary}))
}

#[derive(Deserialize, JsonSchema)]
pub struct GitRedeploy {
    /// Stack id (from stack_list); the stack must come from git.
    #[schemars(range(min = 1))]
    id: u64,
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Git reference to deploy, e.g. refs/heads/release; the stored one when left out.
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// Variables to set, NAME: value; null removes NAME. Others are kept unless replace_env is true.
    env: EnvChange,
    /// env is the complete list: variables not named are removed.
    #[serde(default)]
    replace_env: bool,
    /// Remove services that are no longer in the file.
    #[serde(default)]
    prune: bool,
    /// Pull the images again before redeploying.
    #[serde(default)]
    pull_image: bool,
}

handler!(STACK_GIT_REDEPLOY, GitRedeploy, git_redeploy);

/// Portainer's redeploy replaces the reference (default: main), the Env list
/// and the authentication with what the request carries, so the stored ones
/// are sent unless the caller changes them.
async fn git_redeploy(http: &Http, a: GitRedeploy) -> Result<Value, ToolError> {
    let id = a.id;
    let change = stack_env::parse_change(a.env)?;
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let git = stack
        .get("GitConfig")
        .filter(|g| g.is_object())
        .ok_or_else(|| {
            ToolError::BadArguments(format!(
                "stack {id} was not deployed from git; use stack_update"
            ))
        })?;
    let reference = match a.reference {
        Some(r) => r,
        None => git["ReferenceName"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    let auth = git.get("Authentication").filter(|a| a.is_object());
    let (env, summary) = stack_env::merge(&stack["Env"], &change, a.replace_env);
    let mut body = json!({
        "RepositoryReferenceName": reference,
        "Env": env,
        "Prune": a.prune,
        "PullImage": a.pull_image,
        "RepositoryAuthentication": auth.is_some(),
    });
    if let Some(auth) = auth {
        // The stored password is reused by Portainer when none is sent.
        body["RepositoryUsername"] = auth["Username"].clone();
        if let Some(kind) = auth.get("AuthorizationType") {
            body["RepositoryAuthorizationType"] = kind.clone();
        }
    }
    let deployed = http
        .portainer_json(
            Method::PUT,
            &format!("stacks/{id}/git/redeploy?endpointId={}", a.environment_id),
            Some(&body),
        )
        .await?;
    Ok(json!({"stack": deployed, "ref": reference, "env_changes": summary}))
}
