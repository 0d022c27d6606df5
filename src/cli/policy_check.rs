//! `portainer-mcp policy check [--environment N]`: what the policy file
//! (--policy) lets agents do in each environment, or in one, read as the
//! server reads it (names, groups and tags from Portainer, here with the
//! server's token). Tags and groups a rule names that Portainer does not
//! have are warned about: such a rule picks nothing.

use crate::cli::config;
use crate::cli::flags::Flags;
use crate::portainer::env_facts::{facts_of, read};
use crate::portainer::http::Http;
use serde_json::Value;

pub async fn run(o: &Flags, environment: Option<u64>) -> Result<String, String> {
    let settings = config::http_settings(o, false)?;
    let policy = settings
        .policy
        .clone()
        .ok_or("policy check: name the policy file with --policy FILE (or PORTAINER_MCP_POLICY)")?;
    let http = Http::new(&settings)?;
    let http = &http;
    let get = |path: String| async move { read(http.client(), http.api_root(), None, &path).await };
    let (tags, groups) = (
        get("tags".into()).await?,
        get("endpoint_groups".into()).await?,
    );
    let has = |list: &Value, name: &str| {
        list.as_array()
            .into_iter()
            .flatten()
            .any(|x| x["Name"].as_str() == Some(name))
    };
    let mut out = String::new();
    for rule in &policy.rules {
        for t in rule.tags.iter().filter(|t| !has(&tags, t)) {
            out.push_str(&format!(
                "warning: rule \"{}\" names tag {t}, which Portainer does not have\n",
                rule.name
            ));
        }
        for g in rule.groups.iter().filter(|g| !has(&groups, g)) {
            out.push_str(&format!(
                "warning: rule \"{}\" names group {g}, which Portainer does not have\n",
                rule.name
            ));
        }
    }
    let envs: Vec<Value> = match environment {
        Some(id) => vec![get(format!("endpoints/{id}")).await?],
        None => match get("endpoints".into()).await? {
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
