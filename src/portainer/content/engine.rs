//! A Docker container create body and a Swarm service spec, checked;
//! their keys come folded to lower case (route.rs), and paths are shown
//! as the API spells them.

use super::finding::{image_issue, is_docker_socket, is_root, is_true, listed, Check, Finding};
use serde_json::Value;

/// A container create body (`/containers/create`); `at` prefixes paths
/// (a service's container spec is checked by `service`).
pub fn container(v: &Value, doc: &str, at: &str, out: &mut Vec<Finding>) {
    let path = |k: &str| format!("{at}{k}");
    let host = &v["hostconfig"];
    if is_true(host, "privileged") {
        out.push(Finding::new(
            Check::Privileged,
            doc,
            &path("HostConfig.Privileged"),
            "runs privileged",
        ));
    }
    for key in ["NetworkMode", "PidMode", "IpcMode", "UTSMode", "UsernsMode"] {
        if host.get(key.to_lowercase()).and_then(Value::as_str) == Some("host") {
            out.push(Finding::new(
                Check::HostNamespaces,
                doc,
                &path(&format!("HostConfig.{key}")),
                format!("{key}: host"),
            ));
        }
    }
    let binds = host
        .get("binds")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, b) in binds.enumerate() {
        if let Some((src, _)) = b.as_str().and_then(|b| b.split_once(':')) {
            if src.starts_with('/') {
                mount(doc, &path(&format!("HostConfig.Binds[{i}]")), src, out);
            }
        }
    }
    bind_mounts(host, doc, &path("HostConfig.Mounts"), out);
    if let Some(caps) = listed(host, "capadd") {
        out.push(Finding::new(
            Check::Capabilities,
            doc,
            &path("HostConfig.CapAdd"),
            format!("adds capabilities {caps}"),
        ));
    }
    image(v, doc, &path("Image"), out);
    if host.get("memory").and_then(Value::as_i64).unwrap_or(0) <= 0 {
        out.push(Finding::new(
            Check::MemoryLimit,
            doc,
            &path("HostConfig.Memory"),
            "no memory limit",
        ));
    }
    user(v.get("user"), doc, &path("User"), out);
}

/// A service create or update body (`TaskTemplate.ContainerSpec`).
pub fn service(v: &Value, out: &mut Vec<Finding>) {
    let doc = "service spec";
    let spec = &v["tasktemplate"]["containerspec"];
    let at = "TaskTemplate.ContainerSpec";
    bind_mounts(spec, doc, &format!("{at}.Mounts"), out);
    if let Some(caps) = listed(spec, "capabilityadd") {
        out.push(Finding::new(
            Check::Capabilities,
            doc,
            &format!("{at}.CapabilityAdd"),
            format!("adds capabilities {caps}"),
        ));
    }
    image(spec, doc, &format!("{at}.Image"), out);
    let memory = v
        .pointer("/tasktemplate/resources/limits/memorybytes")
        .and_then(Value::as_i64);
    if memory.unwrap_or(0) <= 0 {
        out.push(Finding::new(
            Check::MemoryLimit,
            doc,
            "TaskTemplate.Resources.Limits.MemoryBytes",
            "no memory limit",
        ));
    }
    let networks = v["tasktemplate"]["networks"]
        .as_array()
        .into_iter()
        .flatten();
    for (i, n) in networks.enumerate() {
        if n["target"] == "host" {
            out.push(Finding::new(
                Check::HostNamespaces,
                doc,
                &format!("TaskTemplate.Networks[{i}]"),
                "on the host network",
            ));
        }
    }
    user(spec.get("user"), doc, &format!("{at}.User"), out);
}

/// The bind mounts of `v`'s `Mounts` (shown at `at`).
fn bind_mounts(v: &Value, doc: &str, at: &str, out: &mut Vec<Finding>) {
    let mounts = v
        .get("mounts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (i, m) in mounts.enumerate() {
        if m["type"] == "bind" {
            let src = m["source"].as_str().unwrap_or_default();
            mount(doc, &format!("{at}[{i}]"), src, out);
        }
    }
}

fn mount(doc: &str, path: &str, src: &str, out: &mut Vec<Finding>) {
    if is_docker_socket(src) {
        out.push(Finding::new(
            Check::DockerSocket,
            doc,
            path,
            format!("mounts the Docker socket {src}"),
        ));
    } else {
        out.push(Finding::new(
            Check::HostPath,
            doc,
            path,
            format!("mounts the host path {src}"),
        ));
    }
}

fn image(v: &Value, doc: &str, path: &str, out: &mut Vec<Finding>) {
    if let Some(issue) = v.get("image").and_then(Value::as_str).and_then(image_issue) {
        out.push(Finding::new(Check::ImageTag, doc, path, issue));
    }
}

fn user(u: Option<&Value>, doc: &str, path: &str, out: &mut Vec<Finding>) {
    match u.and_then(Value::as_str).map(str::trim) {
        None | Some("") => out.push(Finding::new(
            Check::RootUser,
            doc,
            path,
            "no user: runs as the image's user, root unless the image says otherwise",
        )),
        Some(u) if is_root(u) => out.push(Finding::new(
            Check::RootUser,
            doc,
            path,
            format!("runs as {u}"),
        )),
        Some(_) => {}
    }
}
