//! Stack updates, which need more than one request: a stack's own file is
//! kept when no new one is given and variables are merged; a git stack is
//! redeployed from its repository with the stored reference, variables and
//! credentials unless told otherwise.

use super::handler;
use super::stack_env::{self, EnvChange};
use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::tools::call::Call;
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
    /// New compose file (not for a git stack).
    file: Option<String>,
    /// Git stack: reference to deploy, e.g. refs/heads/release.
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

handler!(STACK_UPDATE, Update, update);

/// One tool for both kinds of stack: which request fits is known only from
/// the stack itself, which both ways must read first anyway.
async fn update(call: &Call, a: Update) -> Result<Value, ToolError> {
    let http = call.http();
    let id = a.id;
    let change = stack_env::parse_change(a.env)?;
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let git = stack.get("GitConfig").filter(|g| g.is_object());
    match (git, &a.file, &a.reference) {
        (Some(_), Some(_), _) => Err(ToolError::BadArguments(format!(
            "`file`: stack {id} is deployed from git, its file comes from the repository; \
             leave file out to redeploy (ref picks another reference)"
        ))),
        (None, _, Some(_)) => Err(ToolError::BadArguments(format!(
            "`ref`: stack {id} was not deployed from git; give file or env instead"
        ))),
        (Some(git), None, _) => {
            let redeploy = Redeploy {
                id,
                environment_id: a.environment_id,
                reference: a.reference,
                prune: a.prune,
                pull_image: a.pull_image,
            };
            let (env, summary) = stack_env::merge(&stack["Env"], &change, a.replace_env);
            git_redeploy(http, redeploy, git, env, summary).await
        }
        (None, file, None) => {
            if file.is_none() && change.is_empty() && !a.replace_env && !a.pull_image {
                return Err(ToolError::BadArguments(
                    "nothing to change: give file, env, replace_env or pull_image".into(),
                ));
            }
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
            let body = json!({"StackFileContent": file, "Env": env, "Prune": a.prune, "PullImage": a.pull_image});
            let updated = http
                .portainer_json(
                    Method::PUT,
                    &format!("stacks/{id}?endpointId={}", a.environment_id),
                    Some(&body),
                )
                .await?;
            Ok(json!({"stack": updated, "env_changes": summary}))
        }
    }
}

struct Redeploy {
    id: u64,
    environment_id: u64,
    reference: Option<String>,
    prune: bool,
    pull_image: bool,
}

/// Portainer's redeploy replaces the reference (default: main), the Env list
/// and the authentication with what the request carries, so the stored ones
/// are sent unless the caller changes them.
async fn git_redeploy(
    http: &Http,
    a: Redeploy,
    git: &Value,
    env: Value,
    summary: Value,
) -> Result<Value, ToolError> {
    let reference = match a.reference {
        Some(r) => r,
        None => git["ReferenceName"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    };
    let auth = git.get("Authentication").filter(|a| a.is_object());
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
            &format!(
                "stacks/{}/git/redeploy?endpointId={}",
                a.id, a.environment_id
            ),
            Some(&body),
        )
        .await?;
    Ok(json!({"stack": deployed, "ref": reference, "env_changes": summary}))
}
