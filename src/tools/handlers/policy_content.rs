//! policy_content_check: a file judged by the policy's content rules as
//! the HTTP layer will judge the deploy that carries it, without the
//! deploy (portainer/content/).

use crate::error::ToolError;
use crate::portainer::content::Content;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

#[derive(Deserialize, JsonSchema, Clone, Copy)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Compose,
    Kubernetes,
    Container,
    Service,
    HelmValues,
}

#[derive(Deserialize, JsonSchema)]
pub struct Check {
    kind: Kind,
    /// The file: YAML or JSON (a container or service spec as the Docker API takes it).
    content: String,
    // Whose rules: this environment's (the strictest any rule sets when
    // left out); the
    // argument carries no text of its own, as everywhere.
    #[schemars(range(min = 1))]
    environment_id: Option<u64>,
}

handler!(POLICY_CONTENT_CHECK, Check, check);

async fn check(call: &Call, a: Check) -> Result<Value, ToolError> {
    let http = call.http();
    let Some(policy) = http.content_policy() else {
        return Err(ToolError::BadArguments(
            "no content rules are in force: the server runs without --policy, or its policy file has none".into(),
        ));
    };
    // Keys folded as the Docker API reads them (content/route.rs).
    let spec = |text: &str| -> Result<Value, ToolError> {
        let v: Value = serde_yaml_ng::from_str(text).map_err(|e| {
            ToolError::BadArguments(format!("content: not a JSON or YAML object: {e}"))
        })?;
        crate::portainer::content::fold(v).ok_or_else(|| {
            ToolError::BadArguments(
                "content: two keys differ only in case; Docker would read one of them".into(),
            )
        })
    };
    let content = match a.kind {
        Kind::Compose => Content::Compose {
            text: a.content,
            env: vec![],
        },
        Kind::Kubernetes => Content::Manifests {
            text: a.content,
            full: true,
            kind: None,
        },
        Kind::Container => Content::Container(spec(&a.content)?),
        Kind::Service => Content::Service(spec(&a.content)?),
        Kind::HelmValues => Content::HelmValues(a.content),
    };
    // The levels of the environment as a deploy there would reach it.
    let place = a
        .environment_id
        .map_or_else(String::new, |id| format!("/endpoints/{id}/docker"));
    let (deny, warn) = http
        .judge_content(policy, &content, &place, None)
        .await
        .map_err(ToolError::Refused)?;
    let verdict = match (deny.is_empty(), warn.is_empty()) {
        (false, _) => "deny: a deploy of this would be refused",
        (true, false) => "warn: a deploy of this would go, with these warnings",
        (true, true) => "pass: nothing found",
    };
    Ok(json!({
        "environment_id": a.environment_id,
        "verdict": verdict,
        "deny": deny,
        "warn": warn,
    }))
}
