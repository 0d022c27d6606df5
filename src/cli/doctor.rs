//! `portainer-mcp doctor`: checks, in order, what a server with these
//! settings would need (configuration, the address, TLS, the token,
//! Portainer's version and edition, the user's role, the environments it
//! sees, which toolsets will work, --team-id), and prints what to fix.
//! A check whose premise failed is skipped rather than reported twice.

use crate::cli::config;
use crate::cli::flags::Flags;
use crate::error::ToolError;
use crate::portainer::exchange::text_message;
use crate::portainer::http::{Http, HttpSettings};
use crate::portainer::version_check;
use crate::tools::catalogue::DESCRIPTIONS;
use crate::tools::selection::{select, Choice};
use crate::tools::target;
use crate::tools::team_access;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write;
use std::time::Instant;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Default)]
struct Report {
    text: String,
    worst: Option<Level>,
}

impl Report {
    fn line(&mut self, level: Level, check: &str, detail: impl AsRef<str>, fix: Option<&str>) {
        let tag = match level {
            Level::Ok => "ok",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        let _ = writeln!(self.text, "{tag:<5} {check:<13} {}", detail.as_ref());
        if let Some(fix) = fix {
            let _ = writeln!(self.text, "{:<19}fix: {fix}", "");
        }
        self.worst = self.worst.max(Some(level));
    }

    fn skip(&mut self, checks: &[&str], why: &str) {
        for c in checks {
            let _ = writeln!(self.text, "{:<5} {c:<13} skipped: {why}", "-");
        }
    }
}

/// Runs every check; returns the report and whether nothing failed.
pub async fn run(o: &Flags) -> (String, bool) {
    let mut r = Report::default();
    let checks = [
        "reach",
        "tls",
        "token",
        "version",
        "role",
        "environments",
        "toolsets",
    ];
    let (settings, mut choice, http, served) = match prepare(o) {
        Ok(v) => v,
        Err((e, fix, why)) => {
            r.line(Level::Fail, "configuration", &e, Some(fix));
            r.skip(&checks, why);
            return (r.text, false);
        }
    };
    let mode = if o.read_only {
        "read-only"
    } else {
        "write mode"
    };
    r.line(
        Level::Ok,
        "configuration",
        format!(
            "{} ({mode}; {served} tools before the version check)",
            settings.api_root
        ),
        None,
    );

    // Reach: the public status route needs no token.
    let https = settings.api_root.scheme() == "https";
    let started = Instant::now();
    let status = get(&http, "system/status").await;
    match &status {
        Err(ToolError::Transport(e)) => {
            let (what, fix) = transport_fix(e, https);
            r.line(
                Level::Fail,
                if what == "tls" { "tls" } else { "reach" },
                e,
                Some(fix),
            );
            r.skip(&checks[2..], "Portainer did not answer");
            return (r.text, false);
        }
        Ok((200..=299, body)) if version_check::read_info(body).is_some() => r.line(
            Level::Ok,
            "reach",
            format!("Portainer answered in {} ms", started.elapsed().as_millis()),
            None,
        ),
        Ok((status, body)) => {
            r.line(
                Level::Fail,
                "reach",
                format!(
                    "{}/system/status answered HTTP {status}, not Portainer's status: {}",
                    settings.api_root.as_str().trim_end_matches('/'),
                    short(body)
                ),
                Some("give the address Portainer is served at (e.g. https://portainer.example.com:9443), without /api"),
            );
            r.skip(&checks[2..], "this is not Portainer's API");
            return (r.text, false);
        }
        Err(e) => {
            r.line(Level::Fail, "reach", e.to_string(), None);
            return (r.text, false);
        }
    }
    match (https, o.insecure) {
        (true, false) => r.line(Level::Ok, "tls", "certificate verified", None),
        (true, true) => r.line(
            Level::Warn,
            "tls",
            "--insecure: Portainer's certificate is not verified",
            Some("drop --insecure and trust Portainer's CA with --tls-ca FILE"),
        ),
        (false, _) if is_loopback(&settings.api_root) => {
            r.line(Level::Ok, "tls", "plain HTTP on this machine", None)
        }
        (false, _) => r.line(
            Level::Warn,
            "tls",
            "plain HTTP: the token crosses the network in clear",
            Some("use Portainer's HTTPS address (port 9443 by default)"),
        ),
    }

    // The token, and whose it is.
    let me = match get(&http, "users/me?noEndpointAuthorizations=true").await {
        Ok((200..=299, me)) => me,
        Ok((status @ (401 | 403), body)) => {
            r.line(
                Level::Fail,
                "token",
                format!("Portainer refused the token (HTTP {status}: {})", short(&body)),
                Some("create an access token in Portainer (My account > Access tokens) and set PORTAINER_TOKEN to it"),
            );
            r.skip(&checks[3..], "the token was refused");
            return (r.text, false);
        }
        Ok((status, body)) => {
            r.line(
                Level::Fail,
                "token",
                format!("HTTP {status}: {}", short(&body)),
                None,
            );
            r.skip(&checks[3..], "the token could not be checked");
            return (r.text, false);
        }
        Err(e) => {
            r.line(Level::Fail, "token", e.to_string(), None);
            r.skip(&checks[3..], "the token could not be checked");
            return (r.text, false);
        }
    };
    let user = me["Username"].as_str().unwrap_or("?").to_string();
    r.line(Level::Ok, "token", format!("accepted: user `{user}`"), None);

    // Version and edition: which tools a server would serve.
    match version_check::run(&http, true).await {
        Ok(Some(info)) => {
            let edition = info.edition.as_deref().and_then(target::edition);
            match target::choose(&info.version, edition, DESCRIPTIONS) {
                Ok(Some(t)) => {
                    // The toolsets check below then sees this Portainer's tools.
                    choice.portainer = Some(t.clone());
                    let served = select(&choice).map(|s| s.served.len()).unwrap_or_default();
                    let level = if t.note.is_some() { Level::Warn } else { Level::Ok };
                    let detail = match &t.note {
                        Some(note) => format!("{note}; {served} tools"),
                        None => format!(
                            "Portainer {}: the tools of its API description, {served} served",
                            t.portainer
                        ),
                    };
                    r.line(level, "version", detail, None);
                }
                Ok(None) => r.line(
                    Level::Warn,
                    "version",
                    format!("cannot read the version `{}`; every tool would be served", info.version),
                    None,
                ),
                Err(e) => r.line(
                    Level::Fail,
                    "version",
                    &e,
                    Some("use a Portainer 2.x this server has a description of (`portainer-mcp --version`)"),
                ),
            }
        }
        Ok(None) => r.line(
            Level::Warn,
            "version",
            "Portainer did not say its version",
            None,
        ),
        Err(e) => r.line(Level::Fail, "version", &e, None),
    }

    let admin = me["Role"].as_i64() == Some(1);
    if admin {
        r.line(Level::Ok, "role", "administrator", None);
    } else {
        r.line(
            Level::Warn,
            "role",
            "standard user: only the environments and resources Portainer grants this user",
            Some("the access, registries, edge and environments_manage toolsets need an administrator's token"),
        );
    }

    // What the user can act on.
    let envs = match get(&http, "endpoints?limit=500&excludeSnapshots=true").await {
        Ok((200..=299, Value::Array(list))) => list,
        Ok((status, body)) => {
            r.line(
                Level::Fail,
                "environments",
                format!("HTTP {status}: {}", short(&body)),
                None,
            );
            vec![]
        }
        Err(e) => {
            r.line(Level::Fail, "environments", e.to_string(), None);
            vec![]
        }
    };
    let kind = |e: &Value| match e["Type"].as_i64() {
        Some(1 | 2 | 4) => "docker",
        Some(5..=7) => "kubernetes",
        _ => "other",
    };
    let count = |k: &str| envs.iter().filter(|e| kind(e) == k).count();
    let (docker, kubernetes) = (count("docker"), count("kubernetes"));
    let down = envs
        .iter()
        .filter(|e| e["Status"].as_i64() == Some(2))
        .count();
    if envs.is_empty() {
        r.line(
            Level::Warn,
            "environments",
            format!("user `{user}` sees no environment"),
            Some("give the user (or a team of theirs) access to environments in Portainer"),
        );
    } else {
        r.line(
            if down > 0 { Level::Warn } else { Level::Ok },
            "environments",
            format!(
                "{} visible: {docker} Docker, {kubernetes} Kubernetes{}",
                envs.len(),
                if down > 0 {
                    format!("; {down} down")
                } else {
                    String::new()
                }
            ),
            None,
        );
    }

    // Toolsets: what each enabled one needs.
    let enabled: BTreeSet<&str> = select(&choice)
        .map(|s| s.served.iter().map(|t| t.def.toolset).collect())
        .unwrap_or_default();
    let mut idle = vec![];
    for t in &enabled {
        let need = match *t {
            "docker" | "docker_manage" if docker == 0 => Some("a Docker environment"),
            "kubernetes" | "kubernetes_manage" | "helm" if kubernetes == 0 => {
                Some("a Kubernetes environment")
            }
            "access" | "registries" | "edge" | "environments_manage" if !admin => {
                Some("an administrator")
            }
            _ => None,
        };
        if let Some(need) = need {
            idle.push(format!("{t} (needs {need})"));
        }
    }
    let names: Vec<&str> = enabled.iter().copied().collect();
    if idle.is_empty() {
        r.line(Level::Ok, "toolsets", names.join(", "), None);
    } else {
        r.line(
            Level::Warn,
            "toolsets",
            format!(
                "{}; will not work here: {}",
                names.join(", "),
                idle.join(", ")
            ),
            Some("leave those out with --toolsets, or fix what they need"),
        );
    }

    if let Some(team) = o.team_id {
        match team_access::check_team(&http, team).await {
            Ok(Some(name)) => r.line(
                Level::Ok,
                "team",
                format!("stacks created are restricted to team {team} ({name})"),
                None,
            ),
            Ok(None) => r.line(Level::Warn, "team", "the team could not be read", None),
            Err(e) => r.line(
                Level::Fail,
                "team",
                &e,
                Some("set PORTAINER_TEAM_ID to the id of an existing team (Portainer: Settings > Teams)"),
            ),
        }
    }
    let ok = r.worst != Some(Level::Fail);
    (r.text, ok)
}

type Prepared = (HttpSettings, Choice, Http, usize);

/// The settings as the server would take them, or what is wrong, how to
/// fix it and why the other checks cannot run.
fn prepare(o: &Flags) -> Result<Prepared, (String, &'static str, &'static str)> {
    const FIX: &str = "correct the setting named above";
    const UNUSABLE: &str = "the configuration is not usable";
    let settings = config::http_settings(o, true).map_err(|e| (e, FIX, UNUSABLE))?;
    let choice = config::choice(o).map_err(|e| (e, FIX, UNUSABLE))?;
    config::token(o).map_err(|e| {
        (
            e,
            "set PORTAINER_TOKEN (or --token-file) to an access token from Portainer: My account > Access tokens",
            "no token to check with",
        )
    })?;
    let http = Http::new(&settings).map_err(|e| (e, FIX, UNUSABLE))?;
    let served = select(&choice)
        .map_err(|e| (e, FIX, UNUSABLE))?
        .served
        .len();
    Ok((settings, choice, http, served))
}

/// GET below the API root: (status, body as JSON or text).
async fn get(http: &Http, path: &str) -> Result<(u16, Value), ToolError> {
    let x = http.portainer_get(path).await?;
    let body =
        serde_json::from_slice(&x.body).unwrap_or_else(|_| Value::String(text_message(&x.body)));
    Ok((x.status, body))
}

fn short(v: &Value) -> String {
    let text = match v {
        Value::String(s) => s.clone(),
        v => match (v["message"].as_str(), v["details"].as_str()) {
            (Some(m), Some(d)) if m != d => format!("{m} ({d})"),
            (Some(m), _) => m.to_string(),
            _ => v.to_string(),
        },
    };
    crate::error::cap_text(text, 300)
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(a)) => a.is_loopback(),
        Some(url::Host::Ipv6(a)) => a.is_loopback(),
        None => false,
    }
}

/// Which check a connection error belongs to, and what to do about it.
fn transport_fix(error: &str, https: bool) -> (&'static str, &'static str) {
    let e = error.to_ascii_lowercase();
    if e.contains("certificate") || e.contains("unknownissuer") || e.contains("notvalidforname") {
        ("tls", "trust the CA that signed Portainer's certificate with --tls-ca FILE (--insecure turns verification off; not recommended)")
    } else if https
        && (e.contains("corrupt message")
            || e.contains("invalidcontenttype")
            || e.contains("handshake"))
    {
        ("tls", "that port does not speak TLS: use http:// for it, or Portainer's HTTPS port (9443 by default)")
    } else if e.contains("dns") || e.contains("lookup") || e.contains("name or service not known") {
        ("reach", "check the host name in --url / PORTAINER_URL")
    } else if e.contains("refused") {
        ("reach", "nothing listens there: check the port (Portainer serves HTTPS on 9443, HTTP on 9000) and that Portainer runs")
    } else if e.contains("timed out") {
        (
            "reach",
            "check the network path (firewall, proxy) or raise --timeout",
        )
    } else {
        (
            "reach",
            "check --url / PORTAINER_URL and that Portainer runs",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_errors_get_the_right_advice() {
        let (c, fix) = transport_fix("Portainer could not connect (https://p/api/system/status): invalid peer certificate: UnknownIssuer", true);
        assert_eq!(c, "tls");
        assert!(fix.contains("--tls-ca"));
        let (c, fix) = transport_fix(
            "Portainer could not connect: received corrupt message of type InvalidContentType",
            true,
        );
        assert_eq!(c, "tls");
        assert!(fix.contains("http://"));
        let (c, fix) = transport_fix(
            "Portainer could not connect: Connection refused (os error 111)",
            false,
        );
        assert_eq!(c, "reach");
        assert!(fix.contains("9443"));
        assert!(transport_fix("dns error: failed to lookup address", false)
            .1
            .contains("host name"));
    }
}
