//! The install paths' configuration files (packaging/, deploy/) agree with
//! the crate: one version everywhere, and every environment variable they
//! set is one the server reads. .ci/run builds and starts each of them, and
//! checks the Kubernetes objects against Kubernetes' schema.

mod support;

use serde_json::Value;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn help() -> String {
    let out = std::process::Command::new(support::mcp::BIN)
        .arg("--help")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn versions_and_variables_match_the_server() {
    let version = env!("CARGO_PKG_VERSION");
    let help = help();
    let read_by_server =
        |name: &str| help.contains(&format!("[env: {name}")) || name == "SSL_CERT_FILE";

    let manifest: Value = serde_json::from_str(&read("packaging/mcpb/manifest.json")).unwrap();
    assert_eq!(manifest["version"], version);
    assert_eq!(manifest["server"]["entry_point"], "server/portainer-mcp");
    let env = manifest["server"]["mcp_config"]["env"].as_object().unwrap();
    for (name, value) in env {
        assert!(
            read_by_server(name),
            "the bundle sets {name}, which the server does not read"
        );
        // Every user_config a variable refers to is declared.
        let key = value
            .as_str()
            .unwrap()
            .trim_start_matches("${user_config.")
            .trim_end_matches('}');
        assert!(manifest["user_config"].get(key).is_some(), "{name}: {key}");
    }

    let server: Value = serde_json::from_str(&read("packaging/server.json")).unwrap();
    assert_eq!(server["version"], version);
    for p in server["packages"].as_array().unwrap() {
        if let Some(v) = p.get("version") {
            assert_eq!(v, version, "{p}");
        }
        for e in p["environmentVariables"].as_array().into_iter().flatten() {
            assert!(read_by_server(e["name"].as_str().unwrap()), "{e}");
        }
    }
    assert!(
        server["description"].as_str().unwrap().len() <= 100,
        "the registry's limit"
    );

    let docker = read("packaging/Dockerfile");
    for line in docker.lines().filter(|l| l.starts_with("ENV ")) {
        let name = line[4..].split('=').next().unwrap();
        assert!(read_by_server(name), "the image sets {name}");
    }
    // deploy/: the Kubernetes manifest's variables, and the Secret keys
    // they name.
    let k8s = read("deploy/kubernetes/portainer-mcp.yaml");
    let mut names = 0;
    for line in k8s.lines().map(str::trim) {
        if let Some(name) = line.strip_prefix("- name: PORTAINER") {
            let name = format!("PORTAINER{name}");
            assert!(read_by_server(&name), "the Deployment sets {name}");
            names += 1;
        }
        if let Some(key) = line.strip_prefix("key: ") {
            assert!(k8s.contains(&format!("  {key}: \"")), "Secret key {key}");
        }
    }
    assert!(names >= 8, "{names} variables found");
    assert!(k8s.contains(&format!("portainer-mcp:{version}")));

    let pyproject = read("packaging/python/pyproject.toml");
    assert!(
        pyproject.contains("bindings = \"bin\"")
            && pyproject.contains("manifest-path = \"../../Cargo.toml\"")
    );
}
