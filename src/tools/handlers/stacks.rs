//! Stack updates, which need more than one request: a stack's own file is
//! kept when no new one is given and variables are merged; a git stack is
//! redeployed from its repository with the stored reference, variables and
//! credentials unless told otherwise.

use super::stack_env::{self, EnvChange};
use super::stack_status::await_stack;
use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use crate::tools::wait::Wait;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, JsonSchema)]
pub struct Update {
    /// Stack id.
    #[schemars(range(min = 1))]
    id: u64,
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// New compose file (not for a git stack).
    file: Option<String>,
    /// Git stack: ref to deploy.
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// NAME: value to set, null to remove; others kept unless replace_env.
    env: EnvChange,
    /// env is all: others are removed.
    #[serde(default)]
    replace_env: bool,
    /// Remove services gone from the file (default: as set).
    prune: Option<bool>,
    /// Pull images again first.
    #[serde(default)]
    pull_image: bool,
    /// new: a URL that redeploys it (replaces any); remove.
    webhook: Option<Webhook>,
    /// Back to the previous file.
    #[serde(default)]
    rollback: bool,
    wait: Option<Wait>,
}

/// What to do with the stack's webhook.
#[derive(Deserialize, JsonSchema, Clone, Copy, PartialEq)]
#[serde(rename_all = "lowercase")]
enum Webhook {
    New,
    Remove,
}

handler!(STACK_UPDATE, Update, update);

/// One tool for both kinds of stack: which request fits is known only from
/// the stack itself, which both ways must read first anyway.
async fn update(call: &Call, mut a: Update) -> Result<Value, ToolError> {
    let http = call.http();
    let id = a.id;
    let change = stack_env::parse_change(a.env.take())?;
    let stack = http
        .portainer_json(Method::GET, &format!("stacks/{id}"), None)
        .await?;
    let git = stack.get("GitConfig").filter(|g| g.is_object());
    if a.wait.is_some() && stack["Type"] == json!(3) {
        return Err(ToolError::BadArguments(format!(
            "`wait`: stack {id} is a Kubernetes stack; its workloads' rollouts are kubernetes_describe's (nothing was sent)"
        )));
    }
    // The file deployed before takes the place of a new one (diffed when
    // held, waited for like any update).
    let mut rolled_back = None;
    if a.rollback {
        if a.file.is_some() || a.reference.is_some() {
            return Err(ToolError::BadArguments(
                "`rollback` deploys the previous file: leave file and ref out".into(),
            ));
        }
        if let Some(git) = git {
            return Err(git_rollback(id, &stack, git));
        }
        let (version, earlier, now) = previous_file(call, &stack).await?;
        a.file = Some(earlier);
        rolled_back = Some((version, now));
    }
    // No webhook to remove: nothing to write for it.
    if a.webhook == Some(Webhook::Remove) && current_webhook(&stack).is_none() {
        a.webhook = None;
        let other = a.file.is_some()
            || a.reference.is_some()
            || !change.is_empty()
            || a.replace_env
            || a.pull_image
            || a.prune.is_some();
        if !other {
            return Ok(json!({"webhook": {"removed": null, "note": "the stack had no webhook"}}));
        }
    }
    match (git, &a.file, &a.reference) {
        (Some(_), Some(_), _) => Err(ToolError::BadArguments(format!(
            "`file`: stack {id} is deployed from git, its file comes from the repository; \
             leave file out to redeploy (ref picks another reference)"
        ))),
        (None, _, Some(_)) => Err(ToolError::BadArguments(format!(
            "`ref`: stack {id} was not deployed from git; give file or env instead"
        ))),
        (Some(git), None, _) => {
            let hook = match a.webhook {
                Some(w) => Some(git_webhook(http, (id, a.environment_id), &stack, git, w).await?),
                None => None,
            };
            let redeploy_asked = a.reference.is_some()
                || !change.is_empty()
                || a.replace_env
                || a.pull_image
                || a.prune.is_some();
            // A webhook alone changes the stack's settings, not what runs.
            if let (Some(hook), false) = (&hook, redeploy_asked) {
                return Ok(json!({"stack": hook.stack, "webhook": hook.answer}));
            }
            let redeploy = Redeploy {
                id,
                environment_id: a.environment_id,
                reference: a.reference,
                prune: a.prune.unwrap_or_else(|| stored_prune(&stack)),
                pull_image: a.pull_image,
            };
            let (env, summary) = stack_env::merge(&stack["Env"], &change, a.replace_env);
            let deployed = match git_redeploy(http, redeploy, git, env, summary).await {
                Ok(out) => finish(call, &stack, a.wait, out).await,
                Err(e) => Err(e),
            };
            match (deployed, hook) {
                (Ok(mut out), Some(hook)) => {
                    out["webhook"] = hook.answer;
                    Ok(out)
                }
                (Ok(out), None) => Ok(out),
                // The webhook changed before: say so, or its URL is lost.
                (Err(e), Some(hook)) => Err(e.with_note(&format!(
                    "the stack's webhook had already changed: {}",
                    hook.answer
                ))),
                (Err(e), None) => Err(e),
            }
        }
        (None, file, None) => {
            if file.is_none()
                && change.is_empty()
                && !a.replace_env
                && !a.pull_image
                && a.webhook.is_none()
            {
                return Err(ToolError::BadArguments(
                    "nothing to change: give file, env, replace_env, pull_image or webhook".into(),
                ));
            }
            let hook = file_webhook(call, &stack, a.webhook)?;
            // The deployed file: kept when none is given, and what a held
            // update's diff compares with.
            let deployed = match &rolled_back {
                // Read already, to compare with the earlier file.
                Some((_, now)) => Some(now.clone()),
                None if a.file.is_none() || call.held() => Some(stack_file(http, id, None).await?),
                None => None,
            };
            let file = a.file.or_else(|| deployed.clone()).unwrap_or_default();
            let (env, summary) = stack_env::merge(&stack["Env"], &change, a.replace_env);
            if let (true, Some(d)) = (call.held(), &deployed) {
                call.record()
                    .set_would_change(super::stack_diff::diff(d, &file, &summary));
            }
            let prune = a.prune.unwrap_or_else(|| stored_prune(&stack));
            let mut body = json!({"StackFileContent": file, "Env": env, "Prune": prune, "PullImage": a.pull_image});
            // Portainer Business's own word for it; the file sent is that
            // version's, so a Portainer ignoring it deploys the same.
            if let Some((v, _)) = &rolled_back {
                body["RollbackTo"] = json!(v);
            }
            // Sent every time: Portainer Business sets the stack's webhook
            // to what the update carries, so leaving it out would drop it.
            if let Some((hook_id, _)) = &hook {
                body["Webhook"] = json!(hook_id);
            }
            let updated = http
                .portainer_json(
                    Method::PUT,
                    &format!("stacks/{id}?endpointId={}", a.environment_id),
                    Some(&body),
                )
                .await?;
            let mut out = json!({"stack": updated, "env_changes": summary});
            if let Some((v, _)) = rolled_back {
                out["rolled_back_to"] = json!({"file_version": v});
            }
            if let (Some((_, answer)), Some(_)) = (hook, a.webhook) {
                out["webhook"] = answer;
            }
            finish(call, &stack, a.wait, out).await
        }
    }
}

/// With `wait`: the answer once the stack runs as deployed (or fails, or
/// the time is up), under `running`.
async fn finish(
    call: &Call,
    stack: &Value,
    w: Option<Wait>,
    mut out: Value,
) -> Result<Value, ToolError> {
    if let Some(w) = w {
        out["running"] = await_stack(call, stack, w).await?;
    }
    Ok(out)
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
    let mut body = json!({
        "RepositoryReferenceName": reference,
        "Env": env,
        "Prune": a.prune,
        "PullImage": a.pull_image,
    });
    keep_git_auth(&mut body, git);
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

/// Portainer replaces a git stack's credentials with what a request
/// carries: the stored user and kind are sent (the stored password is
/// reused by Portainer when none is sent).
fn keep_git_auth(body: &mut Value, git: &Value) {
    let auth = git.get("Authentication").filter(|a| a.is_object());
    body["RepositoryAuthentication"] = json!(auth.is_some());
    if let Some(auth) = auth {
        body["RepositoryUsername"] = auth["Username"].clone();
        if let Some(kind) = auth.get("AuthorizationType") {
            body["RepositoryAuthorizationType"] = kind.clone();
        }
    }
}

/// The webhook a stack has now: Portainer keeps a git stack's under
/// AutoUpdate and (Business Edition) a file stack's under Webhook.
fn current_webhook(stack: &Value) -> Option<&str> {
    [stack.pointer("/AutoUpdate/Webhook"), stack.get("Webhook")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|w| !w.is_empty())
}

/// The id a change leaves the stack with ("" when removed) and what the
/// answer says about it: the URL that redeploys the stack (a POST, no
/// token), and the one it replaces, which stops working.
fn webhook_change(http: &Http, stack: &Value, w: Webhook) -> (String, Value) {
    let url = |id: &str| http.api_url(&format!("stacks/webhooks/{id}"));
    let old = current_webhook(stack).map(url);
    match w {
        Webhook::New => {
            let id = uuid::Uuid::new_v4().to_string();
            let answer = json!({"url": url(&id), "method": "POST", "replaces": old});
            (id, answer)
        }
        Webhook::Remove => (String::new(), json!({"removed": old})),
    }
}

/// A file stack's webhook for the update's body: the change asked for, or
/// the one it has kept. Only Portainer Business keeps webhooks of stacks
/// not deployed from git; Community Edition would take the update and
/// ignore the webhook, so that is refused before anything is sent.
fn file_webhook(
    call: &Call,
    stack: &Value,
    w: Option<Webhook>,
) -> Result<Option<(String, Value)>, ToolError> {
    let Some(w) = w else {
        return Ok(current_webhook(stack).map(|id| (id.to_string(), Value::Null)));
    };
    // "2.45.3 EE"; the edition is unknown when Portainer's version route
    // did not say (a caller's token in HTTP mode): the stack then tells,
    // Business Edition's carrying a Webhook field.
    let edition = call
        .target()
        .and_then(|t| t.portainer.rsplit(' ').next().map(str::to_string))
        .filter(|e| e == "EE" || e == "CE");
    let business = match edition.as_deref() {
        Some(e) => e == "EE",
        None => stack.get("Webhook").is_some(),
    };
    if !business {
        let which = match edition {
            Some(_) => "this Portainer is Community Edition, which",
            None => "this stack has no Webhook field: Portainer Community Edition",
        };
        return Err(ToolError::BadArguments(format!(
            "`webhook`: {which} keeps webhooks only for stacks deployed from git"
        )));
    }
    Ok(Some(webhook_change(call.http(), stack, w)))
}

/// The stack's own prune setting, kept unless the call names one.
fn stored_prune(stack: &Value) -> bool {
    stack
        .pointer("/Option/Prune")
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

struct GitHook {
    stack: Value,
    answer: Value,
}

/// A git stack's webhook lives in its git settings (AutoUpdate), changed
/// without a redeploy; every other setting is sent as stored, since
/// Portainer replaces them with what the request carries.
async fn git_webhook(
    http: &Http,
    (stack_id, environment_id): (u64, u64),
    stack: &Value,
    git: &Value,
    w: Webhook,
) -> Result<GitHook, ToolError> {
    let (id, answer) = webhook_change(http, stack, w);
    // Only the webhook changes: polling and the force settings stay.
    let mut auto = match stack.get("AutoUpdate") {
        Some(v @ Value::Object(_)) => v.clone(),
        _ => json!({}),
    };
    auto["Webhook"] = json!(id);
    let mut body = json!({
        "RepositoryReferenceName": git["ReferenceName"],
        "AutoUpdate": auto,
        "Env": stack["Env"],
        "Prune": stored_prune(stack),
        "TLSSkipVerify": git["TLSSkipVerify"].as_bool().unwrap_or(false),
    });
    // Business Edition takes these too, and would reset what is not sent.
    for (field, stored) in [
        ("RepositoryURL", &git["URL"]),
        ("ConfigFilePath", &git["ConfigFilePath"]),
        ("AdditionalFiles", &stack["AdditionalFiles"]),
        ("Registries", &stack["Registries"]),
        ("HelmChartPath", &stack["HelmChartPath"]),
        ("HelmValuesFiles", &stack["HelmValuesFiles"]),
    ] {
        if !stored.is_null() {
            body[field] = stored.clone();
        }
    }
    keep_git_auth(&mut body, git);
    let path = format!("stacks/{stack_id}/git?endpointId={environment_id}");
    let stack = http
        .portainer_json(Method::POST, &path, Some(&body))
        .await?;
    Ok(GitHook { stack, answer })
}

/// The file a stack ran before its last update, and its version. Portainer
/// Business keeps earlier files (StackFileVersion, PreviousDeploymentInfo,
/// the file route's `version`); Community Edition keeps none, which is said
/// rather than guessed, before anything is sent.
/// Answers the version, its file and the file deployed now.
async fn previous_file(call: &Call, stack: &Value) -> Result<(u64, String, String), ToolError> {
    let id = &stack["Id"];
    let none = |why: &str| {
        ToolError::BadArguments(format!(
            "`rollback`: {why}; nothing was sent. Give the earlier file as `file` instead"
        ))
    };
    let community = call.target().is_some_and(|t| t.portainer.ends_with(" CE"));
    if community {
        return Err(none(
            "Portainer Community Edition keeps no earlier stack files",
        ));
    }
    let current = stack.get("StackFileVersion").and_then(Value::as_u64);
    let previous = stack
        .pointer("/PreviousDeploymentInfo/FileVersion")
        .and_then(Value::as_u64)
        .filter(|v| *v > 0);
    // The deployment before ran this same file: only its variables changed,
    // which Portainer does not keep.
    if let (Some(p), Some(c)) = (previous, current) {
        if p == c {
            return Err(none(&format!(
                "stack {id}'s deployment before ran the same file (version {c}); \
                 Portainer keeps no earlier variables to return to"
            )));
        }
    }
    let before = previous.or_else(|| current.filter(|c| *c > 1).map(|c| c - 1));
    let Some(version) = before else {
        return Err(none(&format!(
            "stack {id} has no earlier file kept (it was deployed once, or this Portainer keeps no versions)"
        )));
    };
    let earlier = match stack_file(call.http(), id, Some(version)).await {
        Err(ToolError::Upstream { status: 404, .. }) => {
            return Err(none(&format!(
                "Portainer no longer has version {version} of stack {id}'s file"
            )))
        }
        other => other?,
    };
    // The same text as now: nothing would change (or this Portainer
    // answered the current file whatever version was asked).
    let now = stack_file(call.http(), id, None).await?;
    if now == earlier {
        return Err(none(&format!(
            "version {version} of stack {id}'s file is the file deployed now"
        )));
    }
    Ok((version, earlier, now))
}

/// A stack's file as Portainer keeps it: the deployed one, or a version.
async fn stack_file(
    http: &Http,
    id: impl std::fmt::Display,
    version: Option<u64>,
) -> Result<String, ToolError> {
    let path = match version {
        Some(v) => format!("stacks/{id}/file?version={v}"),
        None => format!("stacks/{id}/file"),
    };
    let got = http.portainer_json(Method::GET, &path, None).await?;
    got["StackFileContent"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| ToolError::Internal("Portainer returned no StackFileContent".into()))
}

/// Why a git stack is not rolled back here: Portainer deploys it from a
/// reference (a branch or tag), never from a commit, so the commit it ran
/// before is named for the caller to act on in the repository.
fn git_rollback(id: u64, stack: &Value, git: &Value) -> ToolError {
    let commit = |at: &str| {
        stack
            .pointer(at)
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
    };
    let reference = git["ReferenceName"].as_str().unwrap_or("its reference");
    let was = match (
        commit("/PreviousDeploymentInfo/ConfigHash"),
        commit("/CurrentDeploymentInfo/ConfigHash"),
    ) {
        (Some(before), Some(now)) => format!("it runs commit {now}; before, commit {before}"),
        (Some(before), None) => format!("before, it ran commit {before}"),
        _ => "this Portainer does not say which commit it ran before".into(),
    };
    ToolError::BadArguments(format!(
        "`rollback`: stack {id} is deployed from git ({reference}) and Portainer redeploys a git stack \
         from a branch or tag, not a commit; {was}. Revert in the repository and redeploy, or point \
         `ref` at a branch or tag holding the earlier commit. Nothing was sent"
    ))
}
