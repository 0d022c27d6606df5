//! `portainer-mcp policy check [--environment N]`: what the policy file
//! (--policy) lets agents do in each environment, or in one, read as the
//! server reads it (names, groups and tags from Portainer, here with the
//! server's token). Tags and groups a rule names that Portainer does not
//! have are warned about: such a rule picks nothing.

use crate::cli::config;
use crate::cli::flags::Flags;
use crate::portainer::env_facts::facts_of;
use crate::portainer::http::Http;
use serde_json::Value;

pub async fn run(o: &Flags, environment: Option<u64>) -> Result<String, String> {
    let settings = config::http_settings(o, false)?;
    let policy = settings
        .policy
        .clone()
        .ok_or("policy check: name the policy file with --policy FILE (or PORTAINER_MCP_POLICY)")?;
    let http = Http::new(&settings)?;
    let reader = &http.policy_reader();
    let get = |path: String| async move { reader.read(&path).await };
    let (tags, groups) = (
        get("tags".into()).await?,
        get("endpoint_groups".into()).await?,
    );
    let mut out = String::new();
    for w in unknown_names(&policy, &tags, &groups) {
        out.push_str(&format!("warning: {w}\n"));
    }
    let envs: Vec<Value> = match environment {
        Some(id) => vec![get(format!("endpoints/{id}")).await?],
        // Snapshots are what makes the list large; the policy needs none.
        None => match get("endpoints?excludeSnapshots=true".into()).await? {
            Value::Array(all) => all,
            _ => vec![],
        },
    };
    for e in &envs {
        out.push_str(&policy.explain(&facts_of(e, &tags, &groups)?));
        out.push('\n');
    }
    out.push_str(&policy.explain_unnamed());
    out.push('\n');
    Ok(out)
}

/// The tags and groups the policy's rules name that Portainer does not
/// have (such a rule picks nothing by them), one sentence each.
pub fn unknown_names(
    policy: &crate::portainer::env_policy::Policy,
    tags: &Value,
    groups: &Value,
) -> Vec<String> {
    let has = |list: &Value, name: &str| {
        list.as_array()
            .into_iter()
            .flatten()
            .any(|x| x["Name"].as_str() == Some(name))
    };
    let mut out = vec![];
    for rule in &policy.rules {
        for t in rule.tags.iter().filter(|t| !has(tags, t)) {
            out.push(format!(
                "rule \"{}\" names tag {t}, which Portainer does not have",
                rule.name
            ));
        }
        for g in rule.groups.iter().filter(|g| !has(groups, g)) {
            out.push(format!(
                "rule \"{}\" names group {g}, which Portainer does not have",
                rule.name
            ));
        }
    }
    out
}

/// At start-up, with the server's own token: the same warnings in the
/// log, read in the background so that serving does not wait for them.
pub fn warn_unknown_names(
    http: &Http,
    policy: std::sync::Arc<crate::portainer::env_policy::Policy>,
) {
    let http = http.clone();
    tokio::spawn(async move {
        let reader = http.policy_reader();
        match (
            reader.read("tags").await,
            reader.read("endpoint_groups").await,
        ) {
            (Ok(tags), Ok(groups)) => {
                for w in unknown_names(&policy, &tags, &groups) {
                    tracing::warn!("--policy: {w}");
                }
            }
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!("--policy: could not read Portainer's tags and groups to check the rules' names ({e})")
            }
        }
    });
}
