//! What a policy picks environments by (name, group, tags), read from
//! Portainer when a request names an environment and kept for a short
//! while, so a newly tagged environment is covered within that time.

use super::env_policy::Facts;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// How long facts are kept before they are read again.
pub const TTL: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct FactsCache {
    kept: Mutex<HashMap<u64, (Instant, Facts)>>,
}

impl FactsCache {
    /// The environment's facts, from the cache or read now (its record,
    /// then the tags' and groups' names), with `token` when the caller
    /// brings their own.
    pub async fn get(
        &self,
        client: &reqwest::Client,
        api_root: &Url,
        token: Option<&str>,
        id: u64,
    ) -> Result<Facts, String> {
        if let Some((at, f)) = self.lock().get(&id) {
            if at.elapsed() < TTL {
                return Ok(f.clone());
            }
        }
        let read = |path: String| async move {
            let url = format!("{}/{path}", api_root.as_str().trim_end_matches('/'));
            let mut req = client.get(url);
            if let Some(t) = token {
                req = req.header("X-API-Key", t);
            }
            let resp = req.send().await.map_err(|e| format!("GET /{path}: {e}"))?;
            let status = resp.status();
            if !status.is_success() {
                return Err(format!("GET /{path}: HTTP {}", status.as_u16()));
            }
            resp.json::<serde_json::Value>()
                .await
                .map_err(|e| format!("GET /{path}: {e}"))
        };
        let env = read(format!("endpoints/{id}")).await?;
        let (tags, groups) = (
            read("tags".into()).await?,
            read("endpoint_groups".into()).await?,
        );
        let name_of = |list: &serde_json::Value, key: &str, want: &serde_json::Value| {
            list.as_array()
                .into_iter()
                .flatten()
                .find(|x| &x[key] == want)
                .and_then(|x| x["Name"].as_str())
                .map(str::to_string)
        };
        let group = groups
            .as_array()
            .into_iter()
            .flatten()
            .find(|g| g["Id"] == env["GroupId"]);
        // Its own tags and its group's.
        let tag_ids = [
            &env["TagIds"],
            group.map_or(&serde_json::Value::Null, |g| &g["TagIds"]),
        ];
        let mut tag_names: Vec<String> = tag_ids
            .iter()
            .filter_map(|ids| ids.as_array())
            .flatten()
            .filter_map(|t| name_of(&tags, "ID", t))
            .collect();
        tag_names.dedup();
        let facts = Facts {
            id,
            name: env["Name"].as_str().unwrap_or_default().to_string(),
            group: group
                .and_then(|g| g["Name"].as_str())
                .unwrap_or_default()
                .to_string(),
            tags: tag_names,
        };
        self.lock().insert(id, (Instant::now(), facts.clone()));
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, (Instant, Facts)>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}
