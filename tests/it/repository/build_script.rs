//! The real build script, run on a copy of the inputs with a broken
//! tools.toml, must fail and name the tool and the problem.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The newest compiled build script of this package. With an explicit
/// --target (CI builds that way) build scripts stay in the host's profile
/// folder, target/debug, not beside the test in target/<triple>/debug.
fn build_script() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().unwrap().parent().unwrap();
    let profile = profile_dir.file_name().unwrap();
    let host_dir = profile_dir
        .parent()
        .unwrap()
        .parent()
        .unwrap()
        .join(profile);
    [profile_dir.join("build"), host_dir.join("build")]
        .iter()
        .filter_map(|dir| std::fs::read_dir(dir).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("portainer-mcp-")
        })
        .map(|e| e.path().join("build-script-build"))
        .filter(|p| p.exists())
        .max_by_key(|p| p.metadata().and_then(|m| m.modified()).ok())
        .expect("compiled build script")
}

fn copy_inputs(to: &Path, tools_toml: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::create_dir_all(to.join("spec")).unwrap();
    std::fs::create_dir_all(to.join("src/tools/handlers")).unwrap();
    for f in std::fs::read_dir(root.join("spec")).unwrap().flatten() {
        std::fs::copy(f.path(), to.join("spec").join(f.file_name())).unwrap();
    }
    for h in std::fs::read_dir(root.join("src/tools/handlers"))
        .unwrap()
        .flatten()
    {
        std::fs::copy(h.path(), to.join("src/tools/handlers").join(h.file_name())).unwrap();
    }
    std::fs::write(to.join("tools.toml"), tools_toml).unwrap();
}

fn run(tools_toml: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_inputs(dir.path(), tools_toml);
    let out_dir = dir.path().join("out");
    std::fs::create_dir_all(&out_dir).unwrap();
    let out = Command::new(build_script())
        .env("CARGO_MANIFEST_DIR", dir.path())
        .env("OUT_DIR", &out_dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_catalogue_fails_the_build_naming_the_tool() {
    let good =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tools.toml")).unwrap();
    let (ok, stderr) = run(&good);
    assert!(ok, "the real catalogue builds: {stderr}");

    let bad = good.replacen(
        "operation = \"EndpointSnapshot\"",
        "operation = \"EndpointSnap\"",
        1,
    );
    let (ok, stderr) = run(&bad);
    assert!(!ok);
    assert!(
        stderr.contains("tool `environment_snapshot`: operation `EndpointSnap` is in no description in spec/ (portainer-*.json, docker.json)"),
        "{stderr}"
    );

    let bad = good.replacen(
        "name = \"environment_snapshot\"\noperation = \"EndpointSnapshot\"\naccess = \"write\"",
        "name = \"environment_snapshot\"\noperation = \"EndpointSnapshot\"\naccess = \"read\"",
        1,
    );
    assert_ne!(bad, good);
    let (ok, stderr) = run(&bad);
    assert!(!ok);
    assert!(
        stderr.contains("tool `environment_snapshot`: operation `EndpointSnapshot` is POST"),
        "{stderr}"
    );

    // Examples: a generated tool needs one, and it must be one of the
    // tool's own requests.
    let example = "[[tool.example]]\nargs = '{\"environment_id\": 1}'\nmethod = \"POST\"\npath = \"/api/endpoints/1/snapshot\"\nanswer = '{\"status\": 204, \"body\": null}'\n";
    assert!(good.contains(example));
    let (ok, stderr) = run(&good.replacen(example, "", 1));
    assert!(!ok);
    assert!(
        stderr.contains("tool `environment_snapshot`: add an [[tool.example]]"),
        "{stderr}"
    );
    let elsewhere = example.replace("/api/endpoints/1/snapshot", "/api/endpoints/1/snapshots");
    let (ok, stderr) = run(&good.replacen(example, &elsewhere, 1));
    assert!(!ok);
    assert!(
        stderr.contains("tool `environment_snapshot`: example 1: POST /api/endpoints/1/snapshots is not a request of this tool's operations (POST /api/endpoints/{id}/snapshot)"),
        "{stderr}"
    );
}
