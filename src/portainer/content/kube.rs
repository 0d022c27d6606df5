//! Kubernetes objects that run pods (Pod, the workloads, Jobs, CronJobs,
//! and Lists of them), checked at pod and container level.

use super::finding::{
    image_issue, is_docker_socket, is_true, listed, Check, Finding, MAX_FINDINGS,
};
use serde_json::Value;

/// `full`: the whole object (create, replace, server-side apply). A merge
/// or strategic patch carries only what changes, so what it lacks (a
/// memory limit, a user) says nothing. `kind`: the kind the request's
/// path names, for a patch body that does not say.
pub fn check(text: &str, full: bool, kind: Option<&str>, out: &mut Vec<Finding>) {
    let docs = super::finding::yaml_documents(text, "manifest", out);
    for (i, doc) in docs.iter().enumerate() {
        if out.len() > MAX_FINDINGS {
            break;
        }
        // One object a request (an apply sends each alone): its kind and
        // name say which.
        let label = if docs.len() == 1 {
            String::new()
        } else {
            format!("document {}", i + 1)
        };
        object(doc, &label, full, kind, out);
    }
}

/// Lists nest objects; this many levels are read.
const MAX_LIST_DEPTH: usize = 4;

fn object(v: &Value, label: &str, full: bool, kind: Option<&str>, out: &mut Vec<Finding>) {
    object_at(v, label, full, kind, 0, out);
}

fn object_at(
    v: &Value,
    label: &str,
    full: bool,
    path_kind: Option<&str>,
    depth: usize,
    out: &mut Vec<Finding>,
) {
    // The path's kind is the object's (a patch may name another).
    let kind = path_kind.or(v["kind"].as_str()).unwrap_or_default();
    if kind.ends_with("List") {
        if depth >= MAX_LIST_DEPTH {
            return;
        }
        for (i, item) in v["items"].as_array().into_iter().flatten().enumerate() {
            let item_label = if label.is_empty() {
                format!("item {}", i + 1)
            } else {
                format!("{label} item {}", i + 1)
            };
            object_at(item, &item_label, full, None, depth + 1, out);
        }
        return;
    }
    let pointer = match kind {
        "Pod" => "/spec",
        "Deployment"
        | "StatefulSet"
        | "DaemonSet"
        | "ReplicaSet"
        | "Job"
        | "ReplicationController" => "/spec/template/spec",
        "CronJob" => "/spec/jobTemplate/spec/template/spec",
        _ => return,
    };
    let Some(pod) = v.pointer(pointer) else {
        return;
    };
    let name = v["metadata"]["name"].as_str().unwrap_or("?");
    let object = match v["metadata"]["namespace"].as_str() {
        Some(ns) => format!("{kind} {ns}/{name}"),
        None => format!("{kind} {name}"),
    };
    let doc = if label.is_empty() {
        object
    } else {
        format!("{label} ({object})")
    };
    let at = pointer.trim_start_matches('/').replace('/', ".");
    pod_spec(pod, &doc, &at, full, out);
}

fn pod_spec(pod: &Value, doc: &str, at: &str, full: bool, out: &mut Vec<Finding>) {
    for key in ["hostNetwork", "hostPID", "hostIPC", "hostUsers"] {
        // hostUsers is the reverse: false isolates, true shares.
        let shares = if key == "hostUsers" {
            false
        } else {
            is_true(pod, key)
        };
        if shares {
            out.push(Finding::new(
                Check::HostNamespaces,
                doc,
                &format!("{at}.{key}"),
                format!("{key}: true"),
            ));
        }
    }
    for (i, vol) in pod["volumes"].as_array().into_iter().flatten().enumerate() {
        let Some(host) = vol.get("hostPath") else {
            continue;
        };
        let path = host["path"].as_str().unwrap_or_default();
        let place = format!("{at}.volumes[{i}].hostPath");
        if is_docker_socket(path) {
            out.push(Finding::new(
                Check::DockerSocket,
                doc,
                &place,
                format!("mounts the Docker socket {path}"),
            ));
        } else {
            out.push(Finding::new(
                Check::HostPath,
                doc,
                &place,
                format!("mounts the host path {path}"),
            ));
        }
    }
    let pod_sc = &pod["securityContext"];
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        for (i, c) in pod[list].as_array().into_iter().flatten().enumerate() {
            if out.len() > MAX_FINDINGS {
                return;
            }
            let cname = c["name"].as_str().unwrap_or("?");
            let place = format!("{at}.{list}[{i}]");
            // Ephemeral containers take no resources: no limit to ask for.
            let whole = full && list != "ephemeralContainers";
            container(c, cname, pod_sc, doc, &place, at, whole, out);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn container(
    c: &Value,
    name: &str,
    pod_sc: &Value,
    doc: &str,
    at: &str,
    pod_at: &str,
    full: bool,
    out: &mut Vec<Finding>,
) {
    let sc = &c["securityContext"];
    let mut found = |check: Check, path: String, what: &str| {
        out.push(Finding::new(
            check,
            doc,
            &path,
            format!("container {name}: {what}"),
        ));
    };
    let here = |key: &str| format!("{at}{key}");
    if is_true(sc, "privileged") {
        found(
            Check::Privileged,
            here(".securityContext.privileged"),
            "runs privileged",
        );
    }
    if let Some(caps) = listed(&sc["capabilities"], "add") {
        found(
            Check::Capabilities,
            here(".securityContext.capabilities.add"),
            &format!("adds capabilities {caps}"),
        );
    }
    if let Some(issue) = c["image"].as_str().and_then(image_issue) {
        found(Check::ImageTag, here(".image"), &issue);
    }
    // The container's own setting wins over the pod's; a finding points at
    // the one in force.
    let own = sc["runAsUser"].as_i64();
    let user = own.or(pod_sc["runAsUser"].as_i64());
    let non_root = sc["runAsNonRoot"]
        .as_bool()
        .or(pod_sc["runAsNonRoot"].as_bool());
    match (user, non_root) {
        (Some(0), _) if own.is_some() => {
            found(Check::RootUser, here(".securityContext.runAsUser"), "runs as uid 0")
        }
        (Some(0), _) => found(
            Check::RootUser,
            format!("{pod_at}.securityContext.runAsUser"),
            "runs as uid 0 (the pod's)",
        ),
        (Some(_), _) | (None, Some(true)) => {}
        (None, _) if full => found(
            Check::RootUser,
            here(".securityContext"),
            "neither runAsNonRoot nor a non-zero runAsUser: the image's user, root unless the image says otherwise",
        ),
        (None, _) => {}
    }
    if full
        && c.pointer("/resources/limits/memory")
            .is_none_or(Value::is_null)
    {
        found(
            Check::MemoryLimit,
            here(".resources.limits.memory"),
            "no memory limit",
        );
    }
}
