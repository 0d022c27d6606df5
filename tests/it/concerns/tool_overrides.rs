//! --tool-overrides FILE: titles, descriptions and hidden tools at run
//! time, as tools/list, calls and the `tools` subcommand see them.

use crate::support::mcp::{command, Session};
use crate::support::portainer::{StandIn, TOKEN};
use serde_json::json;
use std::process::Stdio;

fn file(text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("pmcp-overrides-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("{n}.toml"));
    std::fs::write(&path, text).unwrap();
    path
}

#[tokio::test]
async fn overrides_change_the_list_and_hide_tools() {
    let p = StandIn::start().await;
    let path = file(
        "[tools.stack_list]\ntitle = \"Shop stacks\"\n\
         description = \"Stacks of the shop team. Ask before touching prod-*.\"\n\
         [tools.docker_proxy]\nhidden = true\n",
    );
    let s = Session::start(&p.url(), &["--tool-overrides", path.to_str().unwrap()]).await;
    let tools = s.tools().await;
    let list = tools.iter().find(|t| t.name == "stack_list").unwrap();
    assert_eq!(list.title.as_deref(), Some("Shop stacks"));
    assert_eq!(
        list.description.as_deref(),
        Some("Stacks of the shop team. Ask before touching prod-*.")
    );
    assert!(!tools.iter().any(|t| t.name == "docker_proxy"));
    assert!(tools.iter().any(|t| t.name == "kubernetes_proxy"));
    // The tool itself is unchanged, and the hidden one says why.
    s.ok("stack_list", json!({})).await;
    let e = s
        .call("docker_proxy", json!({"environment_id": 1, "path": "info"}))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("hidden by --tool-overrides"), "{e}");
    s.stop().await;

    // The offline listing follows the same file.
    let out = command(
        &p.url(),
        TOKEN,
        &[
            "tools",
            "--json",
            "--tool-overrides",
            path.to_str().unwrap(),
        ],
    )
    .output()
    .await
    .unwrap();
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(rows
        .iter()
        .any(|r| r["name"] == "stack_list" && r["title"] == "Shop stacks"));
    assert!(!rows.iter().any(|r| r["name"] == "docker_proxy"));
}

#[tokio::test]
async fn a_bad_file_stops_start_up_naming_it() {
    let p = StandIn::start().await;
    for (text, want) in [
        (
            "[tools.stack_lst]\nhidden = true\n",
            "[tools.stack_lst]: no such tool",
        ),
        ("[tools.stack_list]\nparams = 1\n", "unknown field `params`"),
        ("tools:\n  - name: x\n", "--tool-overrides"),
    ] {
        let path = file(text);
        let mut cmd = command(
            &p.url(),
            TOKEN,
            &["--tool-overrides", path.to_str().unwrap()],
        );
        cmd.stdin(Stdio::null()).stderr(Stdio::piped());
        let out = cmd.output().await.unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(
            stderr.contains(want) && stderr.contains(path.to_str().unwrap()),
            "{stderr}"
        );
    }
    let mut cmd = command(
        &p.url(),
        TOKEN,
        &["--tool-overrides", "/nonexistent/o.toml"],
    );
    cmd.stdin(Stdio::null()).stderr(Stdio::piped());
    let out = cmd.output().await.unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--tool-overrides /nonexistent/o.toml"));
}
