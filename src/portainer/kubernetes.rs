//! Kubernetes through Portainer's passthrough: API discovery (kind to
//! resource name), paths, and the request helper the kubernetes_* tools use.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::passthrough::{passthrough, Backend};
use reqwest::Method;
use serde_json::Value;

/// A resource type as discovery reports it.
#[derive(Debug, Clone)]
pub struct Resource {
    /// Plural name used in paths, e.g. "deployments".
    pub name: String,
    pub namespaced: bool,
}

/// `v1` -> `api/v1`; `apps/v1` -> `apis/apps/v1`.
pub fn group_path(api_version: &str) -> Result<String, ToolError> {
    let ok = api_version.split('/').count() <= 2
        && api_version.split('/').all(|seg| {
            seg.starts_with(|c: char| c.is_ascii_alphanumeric())
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
        });
    if !ok {
        return Err(ToolError::BadArguments(format!(
            "api_version `{api_version}` is not like `v1` or `apps/v1`"
        )));
    }
    Ok(if api_version.contains('/') {
        format!("apis/{api_version}")
    } else {
        format!("api/{api_version}")
    })
}

pub fn check_name(what: &str, v: &str) -> Result<(), ToolError> {
    let ok = !v.is_empty()
        && v.len() <= 253
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ':'));
    if ok {
        Ok(())
    } else {
        Err(ToolError::BadArguments(format!(
            "{what} `{v}` is not a valid Kubernetes name"
        )))
    }
}

/// GET/PATCH on the passthrough, JSON in and out.
pub async fn request(
    http: &Http,
    env: u64,
    method: Method,
    path: &str,
    query: &[(String, String)],
    body: Option<(Value, &str)>,
) -> Result<Value, ToolError> {
    let x = passthrough(http, Backend::Kubernetes, env, method, path, query, body).await?;
    x.into_json()
}

/// Finds the resource for `kind` in `api_version` by asking the cluster.
pub async fn resolve(
    http: &Http,
    env: u64,
    api_version: &str,
    kind: &str,
) -> Result<Resource, ToolError> {
    let key = (env, api_version.to_string());
    // Discovery answers rarely change: kept per server (http.rs).
    let cached = http.discovery().get(&key).cloned();
    let fresh = cached.is_none();
    let mut list = match cached {
        Some(v) => v,
        None => discover(http, env, api_version).await?,
    };
    // A kind the cached answer lacks may be new (a CRD applied since):
    // ask the cluster once more before saying it is not served.
    if !fresh && find_kind(&list, kind).is_none() {
        list = discover(http, env, api_version).await?;
    }
    let resources = list["resources"].as_array().cloned().unwrap_or_default();
    let found = find_kind(&list, kind);
    match found {
        Some(r) => Ok(Resource {
            name: r["name"].as_str().unwrap_or_default().to_string(),
            namespaced: r["namespaced"].as_bool().unwrap_or(false),
        }),
        None => {
            let kinds: Vec<&str> = resources
                .iter()
                .filter(|r| !r["name"].as_str().unwrap_or("/").contains('/'))
                .filter_map(|r| r["kind"].as_str())
                .collect();
            Err(ToolError::BadArguments(format!(
                "kind `{kind}` is not served by {api_version} on this cluster (it has: {})",
                kinds.join(", ")
            )))
        }
    }
}

async fn discover(http: &Http, env: u64, api_version: &str) -> Result<Value, ToolError> {
    let v = request(http, env, Method::GET, &group_path(api_version)?, &[], None).await?;
    http.discovery()
        .insert((env, api_version.to_string()), v.clone());
    Ok(v)
}

/// The resource (not a subresource such as deployments/scale) of `kind`,
/// matched by kind, plural or singular name.
fn find_kind(list: &Value, kind: &str) -> Option<Value> {
    list["resources"]
        .as_array()?
        .iter()
        .find(|r| {
            let name = r["name"].as_str().unwrap_or("");
            !name.contains('/')
                && (r["kind"]
                    .as_str()
                    .is_some_and(|k| k.eq_ignore_ascii_case(kind))
                    || name.eq_ignore_ascii_case(kind)
                    || r["singularName"]
                        .as_str()
                        .is_some_and(|s| s.eq_ignore_ascii_case(kind)))
        })
        .cloned()
}

/// The path of one named object, its kind found by discovery; the name is
/// checked first (no discovery for a bad one), and a namespaced kind needs
/// a namespace.
pub async fn object_path(
    http: &Http,
    env: u64,
    api_version: &str,
    kind: &str,
    namespace: Option<&str>,
    name: &str,
) -> Result<String, ToolError> {
    check_name("name", name)?;
    let r = resolve(http, env, api_version, kind).await?;
    if r.namespaced && namespace.is_none() {
        return Err(ToolError::BadArguments(format!(
            "kind `{kind}` is namespaced: give `namespace`"
        )));
    }
    resource_path(api_version, &r, namespace, Some(name))
}

/// Path of a resource collection or object.
pub fn resource_path(
    api_version: &str,
    r: &Resource,
    namespace: Option<&str>,
    name: Option<&str>,
) -> Result<String, ToolError> {
    let mut path = group_path(api_version)?;
    if let (true, Some(ns)) = (r.namespaced, namespace) {
        check_name("namespace", ns)?;
        path += &format!("/namespaces/{ns}");
    }
    path += &format!("/{}", r.name);
    if let Some(n) = name {
        check_name("name", n)?;
        path += &format!("/{n}");
    }
    Ok(path)
}

/// Sends one write; in a held call it goes as the API server's own dry run
/// (the HTTP layer lists it as what a confirmed call would send).
pub async fn send_write(
    http: &Http,
    env: u64,
    method: Method,
    path: &str,
    mut query: Vec<(String, String)>,
    body: Option<(Value, &str)>,
    held: bool,
) -> Result<crate::portainer::exchange::Exchange, ToolError> {
    if held {
        if let Some(r) = http.record() {
            r.allow_server_dry_run();
        }
        query.push(("dryRun".into(), "All".into()));
    }
    passthrough(http, Backend::Kubernetes, env, method, path, &query, body).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert_eq!(group_path("v1").unwrap(), "api/v1");
        assert_eq!(group_path("apps/v1").unwrap(), "apis/apps/v1");
        assert!(group_path("../v1").is_err());
        let dep = Resource {
            name: "deployments".into(),
            namespaced: true,
        };
        assert_eq!(
            resource_path("apps/v1", &dep, Some("shop"), Some("web")).unwrap(),
            "apis/apps/v1/namespaces/shop/deployments/web"
        );
        assert_eq!(
            resource_path("apps/v1", &dep, None, None).unwrap(),
            "apis/apps/v1/deployments"
        );
        let ns = Resource {
            name: "namespaces".into(),
            namespaced: false,
        };
        assert_eq!(
            resource_path("v1", &ns, Some("x"), None).unwrap(),
            "api/v1/namespaces"
        );
        assert!(resource_path("v1", &dep, Some("a/b"), None).is_err());
        assert!(
            check_name("name", "..").is_ok(),
            "dots alone are caught by the path check"
        );
    }
}
