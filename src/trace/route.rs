//! A request's route as a span names it: the path with ids and object
//! names replaced by placeholders, so that spans group by route and carry
//! no names of a user's objects.

/// Docker collections whose next segment is an object (unless a verb of
/// the collection itself).
const DOCKER: &[&str] = &[
    "containers",
    "images",
    "volumes",
    "networks",
    "services",
    "tasks",
    "nodes",
    "secrets",
    "configs",
    "exec",
    "plugins",
    "distribution",
];
const DOCKER_VERBS: &[&str] = &["json", "create", "prune", "search", "load", "get", "pull"];

/// Where an image, plugin or distribution name ends (names hold slashes).
const NAME_ENDS: &[&str] = &[
    "json", "history", "push", "tag", "get", "enable", "disable", "set", "upgrade",
];

/// The path (query dropped) as a template: numbers and hex or UUID ids
/// become {id}; a Kubernetes namespace {namespace}, an object's name
/// {name} and whatever follows a `proxy` subresource {path}; a Docker
/// object {id} (a name with slashes too); a Helm release {release}.
pub fn template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or_default();
    let segs: Vec<&str> = path.split('/').collect();
    let mut out = String::with_capacity(path.len());
    let mut kube = false;
    let mut i = 0;
    while i < segs.len() {
        let s = segs[i];
        let prev = i.checked_sub(1).map(|j| segs[j]).unwrap_or_default();
        let before = i.checked_sub(2).map(|j| segs[j]).unwrap_or_default();
        if s == "kubernetes" {
            kube = true;
        }
        if i > 0 {
            out.push('/');
        }
        // What a Kubernetes proxy reaches is the service's own path.
        if kube && prev == "proxy" {
            out.push_str("{path}");
            break;
        }
        let placeholder = if is_id(s) {
            Some("{id}")
        } else if kube && prev == "namespaces" {
            Some("{namespace}")
        } else if kube && kube_object(before, prev, &segs[..i]) {
            Some("{name}")
        } else if prev == "helm" && !matches!(s, "repositories" | "values" | "git") {
            Some("{release}")
        } else if !kube && DOCKER.contains(&prev) && !DOCKER_VERBS.contains(&s) {
            // An image's name may hold slashes: up to its verb, one {id}.
            if matches!(prev, "images" | "plugins" | "distribution") {
                while i + 1 < segs.len() && !NAME_ENDS.contains(&segs[i + 1]) {
                    i += 1;
                }
            }
            Some("{id}")
        } else {
            None
        };
        out.push_str(placeholder.unwrap_or(s));
        i += 1;
    }
    out
}

/// Whether the segment after `prev` names an object: `prev` is a resource
/// (plural) right after a namespace, a version, or a group/version.
fn kube_object(before: &str, prev: &str, so_far: &[&str]) -> bool {
    if prev.is_empty() || prev == "namespaces" || is_id(prev) {
        return false;
    }
    let n = so_far.len();
    // …/namespaces/{ns}/pods/NAME
    let after_namespace = n >= 3 && so_far[n - 3] == "namespaces";
    // …/api/v1/nodes/NAME, …/apis/apps/v1/deployments/NAME (cluster-wide)
    let after_version =
        before.starts_with('v') && before[1..].starts_with(|c: char| c.is_ascii_digit());
    (after_namespace || after_version) && prev.chars().all(|c| c.is_ascii_lowercase() || c == '.')
}

fn is_id(s: &str) -> bool {
    let hexish = s.len() >= 12 && s.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    (!s.is_empty() && s.chars().all(|c| c.is_ascii_digit())) || hexish
}

#[cfg(test)]
mod tests {
    use super::template;

    #[test]
    fn names_and_ids_become_placeholders() {
        for (path, want) in [
            ("/api/stacks/7?endpointId=1", "/api/stacks/{id}"),
            ("/api/endpoints/3/docker/containers/web/json", "/api/endpoints/{id}/docker/containers/{id}/json"),
            ("/api/endpoints/3/docker/containers/json", "/api/endpoints/{id}/docker/containers/json"),
            (
                "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/pods/web-7d4b9c-x2x/log",
                "/api/endpoints/{id}/kubernetes/api/v1/namespaces/{namespace}/pods/{name}/log",
            ),
            (
                "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web",
                "/api/endpoints/{id}/kubernetes/apis/apps/v1/namespaces/{namespace}/deployments/{name}",
            ),
            ("/api/endpoints/3/kubernetes/api/v1/nodes/node-1", "/api/endpoints/{id}/kubernetes/api/v1/nodes/{name}"),
            ("/api/endpoints/3/kubernetes/api/v1/namespaces", "/api/endpoints/{id}/kubernetes/api/v1/namespaces"),
            ("/api/endpoints/3/kubernetes/helm/web/history", "/api/endpoints/{id}/kubernetes/helm/{release}/history"),
            ("/api/stacks/webhooks/0b1e3c5e-4f7a-4d2b-9c1e-2a3b4c5d6e7f", "/api/stacks/webhooks/{id}"),
            (
                "/api/endpoints/1/docker/images/reg.io/team/app:1.2/json",
                "/api/endpoints/{id}/docker/images/{id}/json",
            ),
            (
                "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/services/web:80/proxy/admin/users/alice",
                "/api/endpoints/{id}/kubernetes/api/v1/namespaces/{namespace}/services/{name}/proxy/{path}",
            ),
        ] {
            assert_eq!(template(path), want, "{path}");
        }
    }
}
