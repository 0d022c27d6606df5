//! The content rules' side of the HTTP layer: a write that deploys
//! something is read before it leaves; a denied finding refuses it, and
//! warnings are kept in the call's record for its answer.

use super::Http;
use crate::portainer::content::{self, Content, Levels};
use crate::portainer::env_policy::Policy;
use reqwest::{Method, Request};
use url::Url;

impl Http {
    /// The content rules on `request` (after `admit`).
    pub async fn admit_content(&self, request: &Request) -> Result<(), String> {
        let ct = request
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok());
        let body = request.body().and_then(|b| b.as_bytes());
        self.admit_content_of(request.method(), request.url(), ct, body)
            .await
    }

    /// The content rules on a write of `body` to `url`, before any is sent
    /// (a manifest applied in parts checks every part first).
    pub async fn admit_content_of(
        &self,
        method: &Method,
        url: &Url,
        content_type: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<(), String> {
        let Some(policy) = self.shared.policy.as_ref().filter(|p| p.has_content()) else {
            return Ok(());
        };
        if !self.is_write(method, url) {
            return Ok(());
        }
        let below = self.below_root(url).unwrap_or_default();
        let Some(found) = content::of_request(method, below, content_type, body) else {
            return Ok(());
        };
        let found = self.resolve(found).await;
        let (deny, warn) = self
            .judge_content(policy, &found, below, url.query())
            .await
            .map_err(|e| format!("{e}: {method} {} was not sent", url.path()))?;
        if !deny.is_empty() {
            return Err(format!(
                "{}\n{method} {} was not sent",
                content::refusal(&deny),
                url.path()
            ));
        }
        if let Some(r) = &self.record {
            r.add_content_warnings(warn);
        }
        Ok(())
    }

    /// A stack update judged as the stack is: compose or manifests by its
    /// type, and its stored file when the update sends none (a redeploy
    /// with new variables). What cannot be read is unseen.
    async fn resolve(&self, found: Content) -> Content {
        let Content::StackUpdate { id, text, env } = found else {
            return found;
        };
        let stack = match self.policy_stack(id).await {
            Ok(s) => s,
            Err(e) => return Content::Unseen(format!("stack {id}, which could not be read ({e})")),
        };
        let text = match text {
            Some(t) => t,
            None => match self
                .policy_reader()
                .read(&format!("stacks/{id}/file"))
                .await
            {
                Ok(f) => match f["StackFileContent"].as_str() {
                    Some(t) => t.to_string(),
                    None => return Content::Unseen(format!("stack {id}'s stored file")),
                },
                Err(e) => {
                    return Content::Unseen(format!("stack {id}'s stored file ({e})"));
                }
            },
        };
        // Portainer's StackType: 1 Swarm, 2 compose, 3 Kubernetes.
        match stack["Type"].as_u64() {
            Some(3) => Content::Manifests {
                text,
                full: true,
                kind: None,
            },
            Some(1 | 2) => Content::Compose { text, env },
            _ => Content::EitherStack { text, env },
        }
    }

    /// The findings in `found` the rules deny and warn of, under the
    /// levels of the environments the request reaches.
    pub async fn judge_content(
        &self,
        policy: &Policy,
        found: &Content,
        below: &str,
        query: Option<&str>,
    ) -> Result<(Vec<serde_json::Value>, Vec<serde_json::Value>), String> {
        let findings = content::findings(found);
        if findings.is_empty() {
            return Ok((vec![], vec![]));
        }
        let levels = self.content_levels(policy, below, query).await?;
        Ok(content::sort(&findings, &levels))
    }

    /// The content levels of the environments a request reaches, the
    /// strictest of each check (`[content]`'s for one that names none).
    async fn content_levels(
        &self,
        policy: &Policy,
        below: &str,
        query: Option<&str>,
    ) -> Result<Levels, String> {
        if !policy.content_varies() {
            return Ok(policy.content_for(None));
        }
        let Some(envs) = self.reached(below, query).await? else {
            return Ok(policy.content_for(None));
        };
        let mut levels: Option<Levels> = None;
        for id in envs {
            let facts = self.facts(policy, id).await?;
            let own = policy.content_for(Some(&facts));
            levels = Some(match levels {
                Some(l) => l.strictest(&own),
                None => own,
            });
        }
        Ok(levels.unwrap_or_else(|| policy.content_for(None)))
    }

    /// The policy in force, when it has content rules.
    pub fn content_policy(&self) -> Option<&Policy> {
        self.shared.policy.as_deref().filter(|p| p.has_content())
    }
}
