//! The binary: parse the command line, build the server from its parts,
//! and serve on stdio or Streamable HTTP (or print the tool list).

use clap::Parser;
use portainer_mcp::cli::flags::{normalize_args, AuditAction, Cli, Command, PolicyAction};
use portainer_mcp::cli::{config, demo, doctor, policy_check, tools_listing};
use portainer_mcp::mcp::audit::Audit;
use portainer_mcp::mcp::callers::Users;
use portainer_mcp::mcp::metrics::Metrics;
use portainer_mcp::mcp::server;
use portainer_mcp::portainer::{client, http, version_check};
use portainer_mcp::shaping;
use portainer_mcp::tools::catalogue::DESCRIPTIONS;
use portainer_mcp::tools::selection::select;
use portainer_mcp::tools::target::{self, Target};
use portainer_mcp::tools::team_access;
use portainer_mcp::transport;
use progenitor_client::ClientInfo;
use rmcp::ServiceExt;
use std::process::ExitCode;
use std::sync::Arc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_from(normalize_args(std::env::args()));
    init_logging(cli.opts.verbose);
    let outcome = run(cli).await;
    // The last calls' spans, before the process goes.
    portainer_mcp::trace::flush().await;
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portainer-mcp: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Says which description's tools are served, and why if it is not an exact match.
fn announce(t: Target) -> Target {
    match &t.note {
        Some(note) => tracing::warn!("{note}"),
        None => tracing::info!(
            portainer = %t.portainer,
            description = %t.description(),
            "serving the tools of this Portainer's API description"
        ),
    }
    t
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // Our own crate at the chosen level, dependencies one step quieter.
    // The audit chain's head, published at each record (only with
    // --audit-log), shows whatever the level.
    let default = format!("{}={level},audit=info,warn", env!("CARGO_CRATE_NAME"));
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTAINER_MCP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // stdout carries the MCP protocol: logs go to stderr only.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

async fn run(mut cli: Cli) -> Result<(), String> {
    // Held for the process's life: the sample Portainer it serves.
    let demo = match &cli.command {
        Some(Command::Demo) => Some(demo::start(&mut cli.opts).await),
        _ => None,
    };
    let o = &cli.opts;
    // Doctor reports a bad setting as one of its checks.
    if let Some(Command::Doctor) = &cli.command {
        let (report, ok) = doctor::run(o).await;
        print!("{report}");
        return if ok {
            Ok(())
        } else {
            Err("doctor: a check failed (see FAIL above)".into())
        };
    }
    if let Some(Command::Audit { action }) = &cli.command {
        print!("{}", audit_command(o, action)?);
        return Ok(());
    }
    if let Some(Command::Policy {
        action: PolicyAction::Check { environment },
    }) = &cli.command
    {
        print!("{}", policy_check::run(o, *environment).await?);
        return Ok(());
    }
    let mut choice = config::choice(o)?;
    if let Some(Command::Tools { json, portainer }) = &cli.command {
        if let Some(p) = portainer {
            let (version, edition) = target::parse_assumed(p)?;
            let t = target::choose(&version, edition.as_deref(), DESCRIPTIONS)?;
            choice.portainer = t.map(announce);
        }
        let selection = select(&choice)?;
        print!(
            "{}",
            tools_listing::render(&selection, choice.portainer.as_ref(), *json)
        );
        return Ok(());
    }
    // Flags are checked before Portainer is asked anything.
    select(&choice)?;
    // Read before Portainer is asked anything; started once TLS is set up.
    let otlp = config::otlp(o)?;
    if o.max_response_chars < 1000 {
        return Err("--max-response-chars must be at least 1000".into());
    }
    let mut http_options = config::http_transport(o);
    if let Some(h) = &http_options {
        h.check()?;
    }
    if o.insecure {
        tracing::warn!("--insecure: Portainer's TLS certificate is not verified");
    }
    if o.show_secrets {
        tracing::warn!("--show-secrets: results include passwords, tokens and secret values");
    }
    let settings = config::http_settings(o, http_options.is_some())?;
    let has_token = settings.token.is_some();
    if let Some(h) = &mut http_options {
        h.server_token = has_token;
    }
    let api_root = settings.api_root.to_string();
    let http = http::Http::new(&settings)?;
    if let Some(endpoint) = otlp {
        tracing::info!("sending traces over OTLP/HTTP");
        portainer_mcp::trace::init(endpoint)?;
    }
    if let (Some(policy), true) = (&settings.policy, has_token) {
        policy_check::warn_unknown_names(&http, policy.clone());
    }
    let checks = Checks {
        version: !o.disable_version_check,
        has_token,
        team: o.team_id,
        read_only: o.read_only,
    };
    let reqwest_client = http.client().clone();
    let client =
        client::Client::new_with_client(api_root.trim_end_matches('/'), reqwest_client, http);
    let metrics = Arc::new(Metrics::default());
    let options = server::CallSettings {
        shaping: shaping::Limits {
            show_secrets: o.show_secrets,
            max_chars: o.max_response_chars,
        },
        audit: match &o.audit_log {
            Some(path) => {
                Some(Audit::open(path, config::audit_key(o)?)?.with_metrics(metrics.clone()))
            }
            None => None,
        },
        caller: "stdio".into(),
        users: http_options.as_ref().map(|_| Arc::new(Users::default())),
        metrics: (http_options.is_some() || o.metrics.is_some()).then(|| metrics.clone()),
        team: o.team_id.filter(|_| !o.read_only),
        sealer: server::input_required_sealer(o.state_key.as_deref())?,
        change_ref: config::change_ref(o)?,
        demo: demo.as_ref().map(|_| demo::NOTE),
    };
    if let Some(addr) = o.metrics {
        transport::metrics_listener::bind(addr, metrics.clone()).await?;
    }
    if let Some(h) = http_options {
        // Many clients: what is served is decided before the first one.
        let selection = checks.run(client.inner(), choice).await?;
        let tools = selection.served.len();
        let server = server::PortainerServer::new(client, selection, options);
        tracing::info!(tools, read_only = o.read_only, "serving MCP over HTTP");
        return transport::streamable_http::serve(h, server, metrics).await;
    }
    // One client, which waits for `initialize` before anything else: it is
    // answered at once, while Portainer is asked for its version; the
    // tools wait for that answer.
    let (server, pending) = server::PortainerServer::pending(client, options);
    let ready = {
        let server = server.clone();
        let read_only = o.read_only;
        tokio::spawn(async move {
            match checks.run(server.portainer(), choice).await {
                Ok(s) => {
                    tracing::info!(tools = s.served.len(), read_only, "serving MCP on stdio");
                    pending.set(Ok(s));
                    Ok(())
                }
                Err(e) => {
                    pending.set(Err(format!("start-up failed: {e}")));
                    Err(e)
                }
            }
        })
    };
    // A failed start-up check (a refused token, an unsupported version)
    // stops the server, before or after `initialize`; a client gone before
    // `initialize` is told why if a check failed.
    let mut checking = Some(ready);
    let mut handshake = Box::pin(server.clone().serve(transport::stdio::transport()));
    let service = loop {
        tokio::select! {
            s = &mut handshake => match s {
                Ok(service) => break service,
                Err(e) => {
                    if let Some(Ok(Err(why))) = match checking.take() {
                        Some(c) => Some(c.await),
                        None => None,
                    } {
                        return Err(why);
                    }
                    return Err(format!("MCP handshake failed: {e}"));
                }
            },
            done = async { checking.as_mut().expect("guarded").await }, if checking.is_some() => {
                checking = None;
                match done {
                    Ok(Ok(())) => {}
                    Ok(Err(why)) => return Err(why),
                    Err(e) => return Err(format!("start-up checks: {e}")),
                }
            }
        }
    };
    let failed = async move {
        match checking {
            Some(c) => match c.await {
                Ok(Err(why)) => why,
                Ok(Ok(())) => std::future::pending().await,
                Err(e) => format!("start-up checks: {e}"),
            },
            None => std::future::pending().await,
        }
    };
    tokio::pin!(failed);
    let grace = std::time::Duration::from_secs(o.shutdown_grace);
    let stop = service.cancellation_token();
    let waiting = service.waiting();
    tokio::pin!(waiting);
    tokio::select! {
        done = &mut waiting => {
            done.map_err(|e| format!("MCP service stopped: {e}"))?;
        }
        e = &mut failed => return Err(e),
        signal = transport::shutdown::signalled() => {
            transport::shutdown::drain(&server, signal, grace, std::time::Duration::ZERO).await;
            // The service writes the answers still queued before it stops.
            stop.cancel();
            let _ = waiting.await;
        }
    }
    Ok(())
}

/// What start-up asks Portainer before it decides the tools: its version
/// (and so which API description's tools), and the team `--team-id` names.
struct Checks {
    version: bool,
    has_token: bool,
    team: Option<u64>,
    read_only: bool,
}

impl Checks {
    async fn run(
        self,
        http: &http::Http,
        mut choice: portainer_mcp::tools::selection::Choice,
    ) -> Result<portainer_mcp::tools::selection::Selection, String> {
        if self.version {
            if let Some(info) = version_check::run(http, self.has_token).await? {
                let edition = info.edition.as_deref().and_then(target::edition);
                match target::choose(&info.version, edition, DESCRIPTIONS)? {
                    Some(t) => choice.portainer = Some(announce(t)),
                    None => tracing::warn!(
                        "cannot read Portainer's version `{}`; serving every tool",
                        info.version
                    ),
                }
            }
        }
        if let Some(team) = self.team {
            if self.read_only {
                tracing::info!("--team-id {team}: nothing is created in read-only mode");
            } else if self.has_token {
                if let Some(name) = team_access::check_team(http, team).await? {
                    tracing::info!(
                        "stacks this server creates are restricted to team {team} ({name})"
                    );
                }
            }
        }
        select(&choice)
    }
}

/// `audit verify` and `audit report`, on the named log or --audit-log.
fn audit_command(
    o: &portainer_mcp::cli::flags::Flags,
    action: &AuditAction,
) -> Result<String, String> {
    use portainer_mcp::cli::audit;
    let file = |f: &Option<std::path::PathBuf>| {
        f.clone()
            .or_else(|| o.audit_log.clone())
            .ok_or_else(|| "no audit log: name the file or give --audit-log".to_string())
    };
    match action {
        AuditAction::Verify {
            file: f,
            head,
            allow_unsealed_prefix,
        } => audit::run_verify(
            &file(f)?,
            &config::audit_key(o)?,
            head.as_deref(),
            *allow_unsealed_prefix,
        ),
        AuditAction::Report {
            file: f,
            user,
            tool,
            environment,
            outcome,
            change_ref,
            since,
            until,
            json,
            records,
        } => {
            let filter = audit::Filter {
                user: user.clone(),
                tool: tool.clone(),
                environment: *environment,
                outcome: outcome.clone(),
                change_ref: change_ref.clone(),
                since: since.clone(),
                until: until.clone(),
            };
            audit::run_report(&file(f)?, &filter, *json, *records)
        }
    }
}
