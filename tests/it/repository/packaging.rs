//! The install paths' configuration files (packaging/, deploy/) agree with
//! the crate: one version everywhere, and every environment variable they
//! set is one the server reads. .ci/run builds and starts each of them, and
//! checks the Kubernetes objects against Kubernetes' schema.

use serde_json::Value;
use std::path::Path;

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn help() -> String {
    let out = std::process::Command::new(crate::support::mcp::BIN)
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
    // The image the release workflow pushes (portainer-mcp-rs, like the
    // other packages), at this version.
    let release = read(".github/workflows/release.yml");
    assert!(release.contains("image=ghcr.io/${GITHUB_REPOSITORY_OWNER,,}/portainer-mcp-rs"));
    assert!(
        k8s.contains(&format!("/portainer-mcp-rs:{version}")),
        "the Deployment runs the image the release pushes"
    );

    let pyproject = read("packaging/python/pyproject.toml");
    assert!(
        pyproject.contains("bindings = \"bin\"")
            && pyproject.contains("manifest-path = \"../../Cargo.toml\"")
    );
}

/// The distribution names this project holds (looked up on PyPI, npm and
/// the crate registry before use; `portainer-mcp` on PyPI is another
/// project's). The command stays `portainer-mcp`.
const OURS: [&str; 4] = [
    "portainer-mcp-rs",
    "portainer-mcp-rs-linux-x64",
    "ghcr.io/OWNER/portainer-mcp-rs",
    "io.github.OWNER/portainer-mcp-rs",
];

/// The packages an install or run line names: `uvx [--from P] C`, `pipx
/// run [--spec P] C`, `pip install P`, `npx [-y] P`, `npm i[nstall] [-g] P`,
/// `cargo install P` (not `--path`), and container images.
fn packages_named(line: &str) -> Vec<String> {
    let words: Vec<String> = line
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '`' | ',' | '[' | ']' | '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut out = vec![];
    for (i, w) in words.iter().enumerate() {
        let rest = &words[i + 1..];
        let first_plain = |from: &[String]| {
            from.iter()
                .find(|x| !x.starts_with('-') && !x.ends_with(':'))
                .cloned()
        };
        let option = |name: &str| {
            rest.iter()
                .position(|x| x == name)
                .and_then(|j| rest.get(j + 1))
                .cloned()
        };
        match w.as_str() {
            "uvx" => out.extend(option("--from").or_else(|| first_plain(rest))),
            "pipx" if rest.first().is_some_and(|x| x == "run") => {
                out.extend(option("--spec").or_else(|| first_plain(&rest[1..])))
            }
            "pip" | "npm" if rest.first().is_some_and(|x| x == "install" || x == "i") => {
                out.extend(first_plain(&rest[1..]))
            }
            "npx" => out.extend(first_plain(rest)),
            "cargo"
                if rest.first().is_some_and(|x| x == "install")
                    && !rest.iter().any(|x| x == "--path") =>
            {
                out.extend(first_plain(&rest[1..]))
            }
            _ if w.starts_with("ghcr.io/") || w.starts_with("docker.io/") => {
                out.push(w.split(':').next().unwrap().to_string())
            }
            _ => {}
        }
    }
    out
}

fn markdown_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            markdown_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

#[test]
fn install_lines_name_only_our_packages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("README.md"),
        root.join("packaging/python/README.md"),
    ];
    markdown_files(&root.join("docs"), &mut files);
    let mut seen = 0;
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            for p in packages_named(line) {
                let about_this_server = p.contains("portainer");
                if about_this_server {
                    seen += 1;
                    assert!(
                        OURS.contains(&p.as_str()),
                        "{}:{}: `{p}` is not ours: {line}",
                        f.display(),
                        n + 1
                    );
                }
            }
        }
    }
    assert!(seen >= 5, "the install lines were found ({seen})");
    // The parsing itself, on the lines that went wrong before.
    assert_eq!(
        packages_named("uvx portainer-mcp --read-only"),
        ["portainer-mcp"]
    );
    assert_eq!(
        packages_named("pipx run portainer-mcp --read-only"),
        ["portainer-mcp"]
    );
    assert_eq!(
        packages_named(
            r#""command": "uvx", "args": ["--from", "portainer-mcp-rs", "portainer-mcp"]"#
        ),
        ["portainer-mcp-rs"]
    );
    // The packaging files use the same names.
    let py = read("packaging/python/pyproject.toml");
    assert!(py.contains("name = \"portainer-mcp-rs\""));
    let server: Value = serde_json::from_str(&read("packaging/server.json")).unwrap();
    assert_eq!(server["name"], "io.github.OWNER/portainer-mcp-rs");
    for p in server["packages"].as_array().unwrap() {
        let id = p["identifier"].as_str().unwrap();
        assert!(id.contains("portainer-mcp-rs"), "{id}");
    }
    assert!(read("packaging/Dockerfile").contains("io.github.OWNER/portainer-mcp-rs"));
}
