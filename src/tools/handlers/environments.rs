//! Adding an environment. Portainer reads this route's arguments as a
//! multipart form (it can carry TLS certificate files), so it is written by
//! hand; certificates themselves are left to Portainer's UI.

use crate::error::ToolError;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

// The kinds are explained in `url`'s text: one sentence there costs less
// tools/list space than a description per variant.
#[derive(Deserialize, JsonSchema, Clone, Copy, PartialEq, Debug)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Agent,
    EdgeAgent,
    DockerApi,
    KubernetesLocal,
}

impl Kind {
    fn creation_type(self) -> u8 {
        match self {
            Kind::DockerApi => 1,
            Kind::Agent => 2,
            Kind::EdgeAgent => 4,
            Kind::KubernetesLocal => 5,
        }
    }
}

#[derive(Deserialize, JsonSchema)]
pub struct Create {
    /// Name shown in Portainer.
    name: String,
    kind: Kind,
    /// agent: host:9001; docker_api: tcp://host:2375 (none: the local socket); edge_agent: Portainer's URL as the agent reaches it; kubernetes_local (Portainer's own cluster): none.
    url: Option<String>,
    /// Where published ports are reached, if not url's host.
    public_url: Option<String>,
    /// edge_agent: Portainer's tunnel server host:port, when its settings have none.
    tunnel_address: Option<String>,
    /// From environment_group_list; default 1 (Unassigned).
    #[schemars(range(min = 1))]
    group_id: Option<u64>,
    /// From tag_list.
    #[serde(default)]
    tag_ids: Vec<u64>,
    /// docker_api: TLS without verifying the server's certificate.
    #[serde(default)]
    tls_skip_verify: bool,
    /// Podman, not Docker (docker_api, agent).
    #[serde(default)]
    podman: bool,
}

handler!(ENVIRONMENT_CREATE, Create, create);

async fn create(call: &Call, a: Create) -> Result<Value, ToolError> {
    let http = call.http();
    let fields = form_fields(&a)?;
    let created = http
        .portainer_form(Method::POST, "endpoints", &fields)
        .await?;
    // The whole environment is long (settings, empty snapshots); these are
    // what the next call needs. EdgeKey is redacted unless --show-secrets.
    let pick = |k: &str| created.get(k).cloned().unwrap_or(Value::Null);
    let mut out = json!({
        "id": pick("Id"), "name": pick("Name"), "type": pick("Type"),
        "url": pick("URL"), "group_id": pick("GroupId"), "status": pick("Status"),
    });
    if a.kind == Kind::EdgeAgent {
        out["EdgeKey"] = pick("EdgeKey");
        out["EdgeID"] = pick("EdgeID");
    }
    Ok(out)
}

/// The form Portainer's EndpointCreate reads, checked first so that a
/// wrong combination fails here with the argument to fix.
fn form_fields(a: &Create) -> Result<Vec<(&'static str, String)>, ToolError> {
    let bad = |m: &str| Err(ToolError::BadArguments(m.into()));
    let name = a.name.trim();
    if name.is_empty() {
        return bad("`name` is empty");
    }
    let url = a.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
    match (a.kind, url) {
        (Kind::Agent | Kind::EdgeAgent, None) => {
            return bad("`url` is needed for agent (host:9001) and edge_agent (Portainer's URL)")
        }
        (Kind::KubernetesLocal, Some(_)) => {
            return bad("`url` is not used for kubernetes_local: leave it out")
        }
        (Kind::DockerApi, Some(u)) if !u.starts_with("tcp://") && !u.starts_with("unix://") => {
            return bad("`url` for docker_api starts with tcp:// (or unix:// for a socket)")
        }
        _ => {}
    }
    if a.tls_skip_verify && a.kind != Kind::DockerApi {
        return bad("`tls_skip_verify` is for docker_api only (agents always use TLS)");
    }
    if a.tunnel_address.is_some() && a.kind != Kind::EdgeAgent {
        return bad("`tunnel_address` is for edge_agent only");
    }
    if a.podman && !matches!(a.kind, Kind::DockerApi | Kind::Agent) {
        return bad("`podman` is for docker_api and agent only");
    }
    let mut f: Vec<(&'static str, String)> = vec![
        ("Name", name.to_string()),
        ("EndpointCreationType", a.kind.creation_type().to_string()),
    ];
    if let Some(u) = url {
        f.push(("URL", u.to_string()));
    }
    if let Some(p) = &a.public_url {
        f.push(("PublicURL", p.clone()));
    }
    if let Some(t) = &a.tunnel_address {
        f.push(("EdgeTunnelServerAddress", t.clone()));
    }
    if let Some(g) = a.group_id {
        f.push(("GroupID", g.to_string()));
    }
    if !a.tag_ids.is_empty() {
        f.push((
            "TagIds",
            serde_json::to_string(&a.tag_ids).unwrap_or_default(),
        ));
    }
    // An agent speaks TLS with its own certificate and no client one, as
    // Portainer's UI sets it; for a Docker API, TLS only when asked.
    let tls = a.kind == Kind::Agent || a.tls_skip_verify;
    if tls {
        f.push(("TLS", "true".into()));
        f.push(("TLSSkipVerify", "true".into()));
        f.push(("TLSSkipClientVerify", "true".into()));
    }
    if a.podman {
        f.push(("ContainerEngine", "podman".into()));
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: Value) -> Create {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn agent_gets_tls_without_client_certificates() {
        let f = form_fields(&args(
            json!({"name": "prod", "kind": "agent", "url": "10.0.0.5:9001", "tag_ids": [2, 3]}),
        ))
        .unwrap();
        let get = |k: &str| f.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("EndpointCreationType"), Some("2"));
        assert_eq!(get("TLS"), Some("true"));
        assert_eq!(get("TLSSkipClientVerify"), Some("true"));
        assert_eq!(get("TagIds"), Some("[2,3]"));
        assert_eq!(get("URL"), Some("10.0.0.5:9001"));
    }

    #[test]
    fn wrong_combinations_name_the_argument() {
        for (v, arg) in [
            (json!({"name": "a", "kind": "agent"}), "`url`"),
            (json!({"name": " ", "kind": "kubernetes_local"}), "`name`"),
            (
                json!({"name": "a", "kind": "kubernetes_local", "url": "x"}),
                "`url`",
            ),
            (
                json!({"name": "a", "kind": "docker_api", "url": "host:2375"}),
                "`url`",
            ),
            (
                json!({"name": "a", "kind": "agent", "url": "h:9001", "tls_skip_verify": true}),
                "`tls_skip_verify`",
            ),
            (
                json!({"name": "a", "kind": "edge_agent", "url": "https://p", "podman": true}),
                "`podman`",
            ),
            (
                json!({"name": "a", "kind": "agent", "url": "h:9001", "tunnel_address": "p:8000"}),
                "`tunnel_address`",
            ),
        ] {
            let e = form_fields(&args(v.clone())).unwrap_err().to_string();
            assert!(e.contains(arg), "{v}: {e}");
        }
    }

    #[test]
    fn edge_agent_may_name_the_tunnel_server() {
        let f = form_fields(&args(json!({"name": "e", "kind": "edge_agent", "url": "https://p", "tunnel_address": "p:8000"}))).unwrap();
        assert!(
            f.contains(&("EdgeTunnelServerAddress", "p:8000".to_string())),
            "{f:?}"
        );
    }

    #[test]
    fn local_docker_socket_needs_no_url() {
        let f = form_fields(&args(json!({"name": "local", "kind": "docker_api"}))).unwrap();
        assert_eq!(f.len(), 2);
    }
}
