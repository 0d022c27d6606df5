//! What a policy picks environments by (name, group, tags), read from
//! Portainer with the caller's own token when a request names an
//! environment, and kept for a short while per caller (what a user can see
//! of groups and tags depends on who they are), so a newly tagged
//! environment is covered within that time. Facts that cannot be read
//! whole (a group or tag the caller cannot see) are an error, never a
//! guess: a rule must not miss an environment because a name was hidden.

use super::api_key::api_key_header;
use super::env_policy::Facts;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use url::Url;

/// How long facts are kept before they are read again.
pub const TTL: Duration = Duration::from_secs(30);

/// Whose view: a digest of the caller's token (none: the server's own).
type Viewer = Option<[u8; 32]>;

#[derive(Default)]
pub struct FactsCache {
    kept: Mutex<HashMap<(Viewer, u64), (Instant, Facts)>>,
}

/// How the policy reads Portainer: GETs below the API root with the
/// caller's own token when they bring one (else the client's default
/// header), each answer at most `max` bytes (--max-upstream-mb).
pub struct Reader<'a> {
    pub client: &'a reqwest::Client,
    pub api_root: &'a Url,
    pub token: Option<String>,
    pub max: usize,
}

impl Reader<'_> {
    /// A GET of `path`, answered as JSON.
    pub async fn read(&self, path: &str) -> Result<Value, String> {
        let url = format!("{}/{path}", self.api_root.as_str().trim_end_matches('/'));
        let mut req = self.client.get(url);
        if let Some(t) = &self.token {
            req = req.header("X-API-Key", api_key_header(t)?);
        }
        let mut resp = req.send().await.map_err(|e| format!("GET /{path}: {e}"))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(format!("GET /{path}: HTTP {}", status.as_u16()));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| format!("GET /{path}: {e}"))?
        {
            if body.len() + chunk.len() > self.max {
                return Err(format!(
                    "GET /{path}: the answer is larger than {} MiB (--max-upstream-mb)",
                    self.max >> 20
                ));
            }
            body.extend_from_slice(&chunk);
        }
        serde_json::from_slice(&body).map_err(|e| format!("GET /{path}: {e}"))
    }
}

/// The facts of `env` (Portainer's environment object) given every tag and
/// group: its own tags and its group's. An id that cannot be named is an
/// error.
pub fn facts_of(env: &Value, tags: &Value, groups: &Value) -> Result<Facts, String> {
    let id = env["Id"].as_u64().unwrap_or_default();
    let find = |list: &Value, key: &str, want: &Value| {
        list.as_array()
            .into_iter()
            .flatten()
            .find(|x| &x[key] == want)
            .cloned()
    };
    let group = match &env["GroupId"] {
        Value::Null => None,
        g => Some(find(groups, "Id", g).ok_or_else(|| {
            format!("environment {id}'s group {g} is not among the groups this user can read")
        })?),
    };
    let mut names = vec![];
    let ids = [
        &env["TagIds"],
        group.as_ref().map_or(&Value::Null, |g| &g["TagIds"]),
    ];
    for t in ids.iter().filter_map(|x| x.as_array()).flatten() {
        let tag = find(tags, "ID", t).ok_or_else(|| {
            format!("environment {id}'s tag {t} is not among the tags this user can read")
        })?;
        let name = tag["Name"].as_str().unwrap_or_default().to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    Ok(Facts {
        id,
        name: env["Name"].as_str().unwrap_or_default().to_string(),
        group: group
            .and_then(|g| g["Name"].as_str().map(str::to_string))
            .unwrap_or_default(),
        tags: names,
    })
}

impl FactsCache {
    /// The environment's facts as `token`'s holder sees them, from the
    /// cache or read now (the environment, the tags, the groups).
    pub async fn get(&self, reader: &Reader<'_>, id: u64) -> Result<Facts, String> {
        let viewer: Viewer = reader
            .token
            .as_ref()
            .map(|t| Sha256::digest(t.as_bytes()).into());
        if let Some((at, f)) = self.lock().get(&(viewer, id)) {
            if at.elapsed() < TTL {
                return Ok(f.clone());
            }
        }
        let env = reader.read(&format!("endpoints/{id}")).await?;
        let tags = reader.read("tags").await?;
        let groups = reader.read("endpoint_groups").await?;
        let facts = facts_of(&env, &tags, &groups)?;
        let mut kept = self.lock();
        // Bounded: entries past their time go when the map grows large.
        if kept.len() > 10_000 {
            kept.retain(|_, (at, _)| at.elapsed() < TTL);
        }
        kept.insert((viewer, id), (Instant::now(), facts.clone()));
        Ok(facts)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(Viewer, u64), (Instant, Facts)>> {
        self.kept.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn facts_hold_the_groups_tags_and_refuse_what_cannot_be_named() {
        let tags = json!([{"ID": 1, "Name": "prod"}, {"ID": 2, "Name": "eu"}]);
        let groups = json!([{"Id": 2, "Name": "production", "TagIds": [2]}]);
        let env = json!({"Id": 3, "Name": "k8s", "GroupId": 2, "TagIds": [1]});
        let f = facts_of(&env, &tags, &groups).unwrap();
        assert_eq!(
            (f.group.as_str(), f.tags.clone()),
            ("production", vec!["prod".to_string(), "eu".into()])
        );
        let hidden_group = json!({"Id": 3, "Name": "k8s", "GroupId": 9, "TagIds": []});
        assert!(facts_of(&hidden_group, &tags, &groups)
            .unwrap_err()
            .contains("group 9"));
        let hidden_tag = json!({"Id": 3, "Name": "k8s", "GroupId": 2, "TagIds": [7]});
        assert!(facts_of(&hidden_tag, &tags, &groups)
            .unwrap_err()
            .contains("tag 7"));
    }
}
