//! Start-up: configuration errors, the version check, an unreachable Portainer.

use crate::support::mcp::{command, Session};
use crate::support::portainer::{StandIn, TOKEN};
use serde_json::json;

/// Runs the server with stdin closed; returns (success, stderr).
async fn run_to_exit(url: &str, token: &str, args: &[&str]) -> (bool, String) {
    crate::support::mcp::exit_of(command(url, token, args)).await
}

#[tokio::test]
async fn other_major_version_is_refused() {
    let p = StandIn::with_version("3.1.0").await;
    let (ok, stderr) = run_to_exit(&p.url(), TOKEN, &[]).await;
    assert!(!ok);
    assert!(
        stderr.contains("Portainer 3.1.0") && stderr.contains("--disable-version-check"),
        "{stderr}"
    );
    assert!(!stderr.contains(TOKEN));
}

#[tokio::test]
async fn version_check_can_be_skipped() {
    let p = StandIn::with_version("3.1.0").await;
    let s = Session::start(&p.url(), &["--disable-version-check"]).await;
    s.ok("system_version", json!({"what": "status"})).await;
    s.stop().await;
    assert!(p
        .seen()
        .await
        .iter()
        .all(|r| r.path != "/api/system/version"));
    // The Go server's spelling works too.
    let s = Session::start(&p.url(), &["-disable-version-check"]).await;
    s.ok("system_version", json!({"what": "status"})).await;
    s.stop().await;
}

#[tokio::test]
async fn other_minor_version_warns() {
    let p = StandIn::with_version("2.39.0").await;
    let s = Session::start(&p.url(), &[]).await;
    s.ok("environment_list", json!({})).await;
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("WARN") && stderr.contains("2.39.0") && stderr.contains("2.45.3"),
        "{stderr}"
    );
}

#[tokio::test]
async fn a_refused_token_stops_start_up() {
    let p = StandIn::start().await;
    let wrong = "ptr_WRONGTOKEN_0000";
    let (ok, stderr) = run_to_exit(&p.url(), wrong, &[]).await;
    assert!(!ok);
    assert!(
        stderr.contains("refused the access token") && stderr.contains("401"),
        "{stderr}"
    );
    assert!(!stderr.contains(wrong));
}

#[tokio::test]
async fn configuration_errors_name_the_setting() {
    let (ok, stderr) = run_to_exit("https://portainer.invalid", "", &[]).await;
    assert!(!ok && stderr.contains("token"), "{stderr}");
    let (ok, stderr) = run_to_exit("ftp://portainer", TOKEN, &[]).await;
    assert!(!ok && stderr.contains("--url"), "{stderr}");
    let (ok, stderr) = run_to_exit(
        "https://portainer.invalid",
        TOKEN,
        &["--toolsets", "stacks,nope"],
    )
    .await;
    assert!(!ok && stderr.contains("unknown toolset `nope`"), "{stderr}");
    let (ok, stderr) = run_to_exit(
        "https://portainer.invalid",
        TOKEN,
        &["--tls-ca", "/nonexistent/ca.pem"],
    )
    .await;
    assert!(!ok && stderr.contains("--tls-ca"), "{stderr}");
    // The Go server's -tools FILE is not silently ignored.
    let (ok, stderr) = run_to_exit(
        "https://portainer.invalid",
        TOKEN,
        &["-tools", "tools.yaml"],
    )
    .await;
    assert!(
        !ok && stderr.contains("tools.yaml is not read") && stderr.contains("--toolsets"),
        "{stderr}"
    );
    // GET-only proxies are a read-only choice; in write mode it means nothing.
    let (ok, stderr) =
        run_to_exit("https://portainer.invalid", TOKEN, &["--read-only-proxies"]).await;
    assert!(
        !ok && stderr.contains("--read-only-proxies") && stderr.contains("--read-only"),
        "{stderr}"
    );
}

/// Portainer's Python server reads PORTAINER_API_KEY: the same variable
/// works here when no token of ours is set.
#[tokio::test]
async fn the_python_servers_key_variable_is_read() {
    let p = StandIn::start().await;
    let mut cmd = command(&p.url(), TOKEN, &[]);
    cmd.env_remove("PORTAINER_TOKEN")
        .env("PORTAINER_API_KEY", TOKEN)
        .env("PORTAINER_READ_ONLY", "1")
        .arg("tools")
        .arg("--json");
    let out = cmd.output().await.expect("server runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Its boolean spelling (1) holds too: read-only lists no write tool.
    let tools: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(tools
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["access"] == "read"));
    // And start-up takes the key: the version check reads with it.
    // (It then ends at the handshake: stdin is closed.)
    let mut cmd = command(&p.url(), TOKEN, &[]);
    cmd.env_remove("PORTAINER_TOKEN")
        .env("PORTAINER_API_KEY", TOKEN);
    let (_, stderr) = crate::support::mcp::exit_of(cmd).await;
    assert!(
        !stderr.contains("no Portainer token") && !stderr.contains("refused"),
        "{stderr}"
    );
    assert!(p
        .seen()
        .await
        .iter()
        .any(|r| r.api_key.as_deref() == Some(TOKEN)));
}

#[tokio::test]
async fn unreachable_portainer_gives_clear_call_errors() {
    // A port nothing listens on: bind, read the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let s = Session::start(&url, &["--timeout", "2"]).await;
    let e = s.tool_error("environment_list", json!({})).await;
    assert!(
        e.contains("could not connect") && e.contains(&format!("127.0.0.1:{port}")),
        "{e}"
    );
    let (stderr, transcript) = s.stop().await;
    assert!(stderr.contains("version check skipped"), "{stderr}");
    assert!(!stderr.contains(TOKEN) && !transcript.contains(TOKEN));
}

#[tokio::test]
async fn tools_subcommand_prints_the_catalogue_offline() {
    let run = |args: &[&str]| {
        let out = std::process::Command::new(crate::support::mcp::BIN)
            .args(args)
            .env_remove("PORTAINER_URL")
            .env_remove("PORTAINER_TOKEN")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let all: serde_json::Value =
        serde_json::from_str(&run(&["tools", "--toolsets", "all", "--json"])).unwrap();
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), portainer_mcp::tools::catalogue::TOOLS.len());
    for t in all {
        for k in [
            "name",
            "title",
            "toolset",
            "access",
            "destructive",
            "operation",
        ] {
            assert!(t.get(k).is_some(), "{k} in {t}");
        }
    }
    let ro: serde_json::Value = serde_json::from_str(&run(&[
        "tools",
        "--toolsets",
        "all",
        "--read-only",
        "--json",
    ]))
    .unwrap();
    let ro = ro.as_array().unwrap();
    assert!(ro.iter().all(|t| t["access"] == "read"), "{ro:?}");
    assert!(!ro.iter().any(|t| t["name"] == "docker_proxy"), "{ro:?}");
    assert!(!ro.iter().any(|t| t["name"] == "stack_action"));
    let ro: serde_json::Value = serde_json::from_str(&run(&[
        "tools",
        "--read-only",
        "--read-only-proxies",
        "--json",
    ]))
    .unwrap();
    assert!(ro
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "docker_proxy" && t["get_only"] == true));
    let table = run(&["-read-only", "tools"]);
    assert!(
        table.contains("environment_list") && !table.contains("stack_action"),
        "{table}"
    );
}
