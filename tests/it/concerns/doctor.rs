//! `portainer-mcp doctor` against the stand-in, in each way a set-up can
//! be wrong: every failure names the check and says what to fix.

use crate::support::mcp::command;
use crate::support::portainer::{StandIn, BOB_TOKEN, TOKEN};

/// Runs doctor; returns (exit success, stdout).
async fn doctor(url: &str, token: &str, args: &[&str]) -> (bool, String) {
    let mut all = vec!["doctor"];
    all.extend_from_slice(args);
    let (ok, stdout) = report(command(url, token, &all)).await;
    assert!(
        token.is_empty() || !stdout.contains(token),
        "the token is never printed"
    );
    (ok, stdout)
}

async fn report(cmd: tokio::process::Command) -> (bool, String) {
    let out = crate::support::mcp::output_of(cmd).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

fn line<'a>(report: &'a str, check: &str) -> &'a str {
    report
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(check))
        .unwrap_or_else(|| panic!("no {check} line in\n{report}"))
}

#[tokio::test]
async fn a_sound_set_up_passes_every_check() {
    let p = StandIn::start().await;
    let (ok, out) = doctor(&p.url(), TOKEN, &[]).await;
    assert!(ok, "{out}");
    for check in ["configuration", "reach", "tls", "token", "role"] {
        assert!(line(&out, check).starts_with("ok"), "{out}");
    }
    assert!(line(&out, "token").contains("user `admin`"), "{out}");
    assert!(
        line(&out, "version").contains("Portainer 2.45.3 EE"),
        "{out}"
    );
    assert!(line(&out, "role").contains("administrator"), "{out}");
    assert!(line(&out, "environments").contains("Docker"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
}

#[tokio::test]
async fn a_refused_token_fails_and_says_where_to_get_one() {
    let p = StandIn::start().await;
    let (ok, out) = doctor(&p.url(), "ptr_wrong", &[]).await;
    assert!(!ok);
    let token = line(&out, "token");
    assert!(token.starts_with("FAIL") && token.contains("401"), "{out}");
    assert!(out.contains("Access tokens"), "{out}");
    assert!(line(&out, "version").contains("skipped"), "{out}");
    let (ok, out) = doctor(&p.url(), "", &[]).await;
    assert!(
        !ok && line(&out, "configuration").contains("the Portainer token is empty"),
        "{out}"
    );
    // A token file that cannot be read says so, not "no token".
    let mut cmd = command(
        &p.url(),
        "",
        &["doctor", "--token-file", "/nonexistent/token"],
    );
    cmd.env_remove("PORTAINER_TOKEN");
    let (ok, out) = report(cmd).await;
    assert!(
        !ok && line(&out, "configuration").contains("--token-file /nonexistent/token"),
        "{out}"
    );
    // Settings only start-up checks are reported too, not a bare error.
    let (ok, out) = doctor(&p.url(), TOKEN, &["--read-only-proxies"]).await;
    assert!(
        !ok && line(&out, "configuration").contains("--read-only-proxies"),
        "{out}"
    );
}

#[tokio::test]
async fn an_address_nothing_or_something_else_answers_at() {
    // A port nothing listens on.
    let closed = crate::support::free_port();
    let (ok, out) = doctor(&format!("http://127.0.0.1:{closed}"), TOKEN, &[]).await;
    assert!(!ok);
    assert!(line(&out, "reach").starts_with("FAIL"), "{out}");
    assert!(out.contains("9443"), "{out}");
    // A web server that is not Portainer's API at that path.
    let p = StandIn::start().await;
    let (ok, out) = doctor(&format!("{}/portainer", p.url()), TOKEN, &[]).await;
    assert!(!ok);
    assert!(
        line(&out, "reach").contains("not Portainer's status"),
        "{out}"
    );
    // https to a port that speaks plain HTTP.
    let https = p.url().replace("http://", "https://");
    let (ok, out) = doctor(&https, TOKEN, &[]).await;
    assert!(!ok);
    let tls = line(&out, "tls");
    assert!(tls.starts_with("FAIL"), "{out}");
    assert!(out.contains("does not speak TLS"), "{out}");
    // A bad flag is a configuration failure, not a crash.
    let (ok, out) = doctor(&p.url(), TOKEN, &["--toolsets", "nope"]).await;
    assert!(
        !ok && line(&out, "configuration").contains("unknown toolset `nope`"),
        "{out}"
    );
}

#[tokio::test]
async fn an_unsupported_version_and_an_unknown_team_fail() {
    let p = StandIn::with_version("3.1.0").await;
    let (ok, out) = doctor(&p.url(), TOKEN, &[]).await;
    assert!(!ok && line(&out, "version").starts_with("FAIL"), "{out}");
    let p = StandIn::start().await;
    let (ok, out) = doctor(&p.url(), TOKEN, &["--team-id", "5"]).await;
    assert!(!ok, "{out}");
    let team = line(&out, "team");
    assert!(
        team.starts_with("FAIL") && team.contains("Unable to find a team"),
        "{out}"
    );
    let (ok, out) = doctor(&p.url(), TOKEN, &["--team-id", "1"]).await;
    assert!(ok && line(&out, "team").contains("platform"), "{out}");
}

#[tokio::test]
async fn a_standard_user_is_told_which_toolsets_need_an_admin() {
    let p = StandIn::start().await;
    let (ok, out) = doctor(&p.url(), BOB_TOKEN, &["--toolsets", "all"]).await;
    assert!(ok, "warnings are not failures: {out}");
    assert!(line(&out, "role").starts_with("warn"), "{out}");
    let toolsets = line(&out, "toolsets");
    assert!(
        toolsets.starts_with("warn") && toolsets.contains("access (needs an administrator)"),
        "{out}"
    );
}
