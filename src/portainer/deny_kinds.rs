//! `--deny-kinds`: Kubernetes resource kinds no request may touch, whatever
//! tool sends it (typed tools, kubernetes_proxy, api_call on Portainer's own
//! Kubernetes routes). Checked by the one HTTP layer's guard, on the path.

/// One denied kind: `Secret` (any group), `apps/Deployment`, or a whole
/// group, `rbac.authorization.k8s.io/*`.
#[derive(Debug, Clone, PartialEq)]
struct Rule {
    /// None: any group; Some(""): the core group.
    group: Option<String>,
    /// Lower-case resource names it covers (singular and plural); empty: all.
    resources: Vec<String>,
    shown: String,
}

#[derive(Debug, Clone, Default)]
pub struct DenyKinds {
    rules: Vec<Rule>,
}

impl DenyKinds {
    /// Parses the flag's entries; an empty entry or a malformed one is an
    /// error naming it.
    pub fn parse(entries: &[String]) -> Result<DenyKinds, String> {
        let mut rules = vec![];
        for raw in entries.iter().map(|e| e.trim()).filter(|e| !e.is_empty()) {
            let (group, kind) = match raw.rsplit_once('/') {
                Some((g, k)) => (Some(g.trim().to_ascii_lowercase()), k.trim()),
                None => (None, raw),
            };
            let kind_ok = kind == "*" || kind.chars().all(|c| c.is_ascii_alphanumeric());
            let group_ok = group
                .as_deref()
                .is_none_or(|g| !g.is_empty() && g != "*" && !g.contains('/'));
            if kind.is_empty() || !kind_ok || !group_ok {
                return Err(format!(
                    "--deny-kinds: `{raw}` is not a kind (Secret), group/kind (apps/Deployment) or group/* (rbac.authorization.k8s.io/*)"
                ));
            }
            let group = group.map(|g| {
                if g == "core" || g == "v1" {
                    String::new()
                } else {
                    g
                }
            });
            let resources = if kind == "*" {
                vec![]
            } else {
                let k = kind.to_ascii_lowercase();
                vec![plural(&k), k]
            };
            rules.push(Rule {
                group,
                resources,
                shown: raw.to_string(),
            });
        }
        Ok(DenyKinds { rules })
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// Why a request to this path (below the API root) is refused, if it
    /// is. `query` matters for Portainer's describe route (`kind=`).
    pub fn refuses(&self, path: &str, query: Option<&str>) -> Option<String> {
        if self.rules.is_empty() {
            return None;
        }
        let (group, mut resource) = target(path)?;
        if resource == "describe" {
            let kind = url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
                .find(|(k, _)| k == "kind")
                .map(|(_, v)| v.to_ascii_lowercase())?;
            resource = plural(&kind);
        }
        let rule = self.rules.iter().find(|r| {
            r.group.as_deref().is_none_or(|g| g == group)
                && (r.resources.is_empty() || r.resources.contains(&resource))
        })?;
        Some(format!(
            "--deny-kinds {}: requests for {resource}{} are not sent",
            rule.shown,
            if group.is_empty() {
                String::new()
            } else {
                format!(" ({group})")
            }
        ))
    }
}

/// (API group, lower-case resource) of a Kubernetes request path: the
/// passthrough `endpoints/{id}/kubernetes/api/v1/...` or `.../apis/{g}/{v}/...`,
/// Portainer's own `kubernetes/{id}/...` routes (core group), or its pod
/// console `websocket/pod` (pods). None: not a Kubernetes resource path.
fn target(path: &str) -> Option<(String, String)> {
    let segs: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| percent_decode(s).to_ascii_lowercase())
        .collect();
    let at = |i: usize| segs.get(i).map(String::as_str);
    // Portainer's console routes run commands in pods (pods/exec in
    // Kubernetes' own access rules).
    if at(0) == Some("websocket") && matches!(at(1), Some("pod" | "kubernetes-shell")) {
        return Some((String::new(), "pods".into()));
    }
    // The path is below the API root: `kubernetes` is the route's own
    // (kubernetes/{id}/...) or the passthrough's (endpoints/{id}/kubernetes).
    let start = match (at(0), at(2)) {
        (Some("kubernetes"), _) => 0,
        (Some("endpoints"), Some("kubernetes")) => 2,
        _ => return None,
    };
    let passthrough = start >= 2 && at(start - 2) == Some("endpoints");
    let (group, rest) = if passthrough {
        // The passthrough: endpoints/{id}/kubernetes/...
        match at(start + 1)? {
            "api" => (String::new(), start + 3),
            "apis" => (at(start + 2)?.to_string(), start + 4),
            _ => return None,
        }
    } else {
        // Portainer's own: kubernetes/{id}/...
        (String::new(), start + 2)
    };
    let mut rest = &segs[rest.min(segs.len())..];
    // The deprecated watch paths serve the same objects.
    if rest.first().map(String::as_str) == Some("watch") {
        rest = &rest[1..];
    }
    let resource = match rest {
        [ns, _, r, ..] if ns == "namespaces" => r,
        [r, ..] => r,
        [] => return None,
    };
    if passthrough {
        return Some((group, resource.clone()));
    }
    // Portainer's own routes spell resources with underscores and do not
    // say their group: both come from this table.
    let plain = resource.replace('_', "");
    let group = PORTAINER_GROUPS
        .iter()
        .find(|(r, _)| *r == plain)
        .map_or("", |(_, g)| g);
    Some((group.to_string(), plain))
}

/// Groups of the resources Portainer's own `/kubernetes/{id}/` routes name.
const PORTAINER_GROUPS: &[(&str, &str)] = &[
    ("clusterroles", "rbac.authorization.k8s.io"),
    ("clusterrolebindings", "rbac.authorization.k8s.io"),
    ("roles", "rbac.authorization.k8s.io"),
    ("rolebindings", "rbac.authorization.k8s.io"),
    ("cronjobs", "batch"),
    ("jobs", "batch"),
    ("ingresses", "networking.k8s.io"),
    ("ingresscontrollers", "networking.k8s.io"),
    ("storageclasses", "storage.k8s.io"),
    ("deployments", "apps"),
    ("statefulsets", "apps"),
    ("daemonsets", "apps"),
    ("replicasets", "apps"),
];

/// Kubernetes' plural of a lower-case kind, as discovery spells most.
fn plural(kind: &str) -> String {
    if let Some(stem) = kind.strip_suffix('y') {
        if !stem.ends_with(['a', 'e', 'i', 'o', 'u']) {
            return format!("{stem}ies");
        }
    }
    if kind.ends_with('s') || kind.ends_with('x') || kind.ends_with("ch") || kind.ends_with("sh") {
        return format!("{kind}es");
    }
    format!("{kind}s")
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny(list: &[&str]) -> DenyKinds {
        DenyKinds::parse(&list.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap()
    }

    /// Full paths as the guard sees them, below an API root of `/api`.
    struct Check(DenyKinds);

    impl Check {
        fn refuses(&self, full: &str) -> Option<String> {
            let (path, query) = full
                .split_once('?')
                .map_or((full, None), |(p, q)| (p, Some(q)));
            self.0.refuses(path.strip_prefix("/api").unwrap(), query)
        }
    }

    #[test]
    fn kinds_are_found_in_every_route_shape() {
        let d = deny(&["Secret", "rbac.authorization.k8s.io/*", "apps/Deployment"]);
        let d = Check(d);
        for path in [
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/secrets/db",
            "/api/endpoints/3/kubernetes/api/v1/watch/namespaces/shop/secrets",
            "/api/kubernetes/3/cluster_roles/delete",
            "/api/kubernetes/3/namespaces/shop/role_bindings/delete",
            "/api/kubernetes/3/describe?kind=Secret&name=db&namespace=shop",
            "/api/endpoints/3/kubernetes/api/v1/secrets",
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/Secrets",
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/%73ecrets",
            "/api/endpoints/3/kubernetes/apis/rbac.authorization.k8s.io/v1/clusterroles",
            "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web/scale",
            "/api/kubernetes/3/namespaces/shop/secrets",
        ] {
            assert!(d.refuses(path).is_some(), "{path}");
        }
        for path in [
            "/api/endpoints/3/kubernetes/api/v1/namespaces/secrets/pods",
            "/api/endpoints/3/kubernetes/api/v1/namespaces/secrets",
            "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/configmaps",
            "/api/endpoints/3/kubernetes/apis/extensions/v1beta1/namespaces/shop/deployments",
            "/api/endpoints/3/docker/secrets",
            "/api/endpoints/3/kubernetes/api/v1",
            "/api/kubernetes/3/namespaces/shop/configmaps",
            "/api/kubernetes/3/describe?kind=ConfigMap&name=a",
        ] {
            assert!(d.refuses(path).is_none(), "{path}");
        }
        let why = d
            .refuses("/api/endpoints/3/kubernetes/api/v1/namespaces/shop/secrets/db")
            .unwrap();
        assert!(why.contains("--deny-kinds Secret"), "{why}");
        // Pod exec through Portainer's console route is a pods request.
        let pods = Check(deny(&["Pod"]));
        assert!(pods
            .refuses("/api/websocket/pod?endpointId=3&podName=web")
            .is_some());
        assert!(pods.refuses("/api/websocket/exec?id=ab").is_none());
    }

    #[test]
    fn plurals_and_bad_entries() {
        assert_eq!(plural("networkpolicy"), "networkpolicies");
        assert_eq!(plural("ingress"), "ingresses");
        assert_eq!(plural("gateway"), "gateways");
        for bad in ["", "/", "apps/", "*/Secret", "Se cret", "apps/Dep/loy"] {
            let parsed = DenyKinds::parse(&[bad.to_string()]);
            assert!(
                bad.trim().is_empty() && parsed.as_ref().is_ok_and(|d| d.is_empty())
                    || parsed.is_err(),
                "{bad:?}"
            );
        }
    }
}
