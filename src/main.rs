use clap::Parser;
use portainer_mcp::cli::{normalize_args, Cli, Command};
use portainer_mcp::selection::{select, Choice};
use portainer_mcp::{client, config, http, registry, server, shaping, tools_cmd, version_check};
use rmcp::ServiceExt;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse_from(normalize_args(std::env::args()));
    init_logging(cli.opts.verbose);
    match run(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portainer-mcp: {e}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    // Our own crate at the chosen level, dependencies one step quieter.
    let default = format!("{}={level},warn", env!("CARGO_CRATE_NAME"));
    let filter = tracing_subscriber::EnvFilter::try_from_env("PORTAINER_MCP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // stdout carries the MCP protocol: logs go to stderr only.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
}

async fn run(cli: Cli) -> Result<(), String> {
    let o = &cli.opts;
    let choice = Choice {
        read_only: o.read_only,
        toolsets: o.toolsets.clone(),
        tools: o.tools.clone(),
        deny_tools: o.deny_tools.clone(),
    };
    let selection = select(&choice)?;
    if let Some(Command::Tools { json }) = cli.command {
        print!("{}", tools_cmd::render(&selection, o.read_only, json));
        return Ok(());
    }
    if o.insecure {
        tracing::warn!("--insecure: Portainer's TLS certificate is not verified");
    }
    let settings = config::http_settings(o)?;
    let api_root = settings.api_root.to_string();
    let http = http::Http::new(&settings)?;
    if !o.disable_version_check {
        version_check::run(&http, registry::SPEC_VERSION).await?;
    }
    let reqwest_client = http.client().clone();
    let client =
        client::Client::new_with_client(api_root.trim_end_matches('/'), reqwest_client, http);
    tracing::info!(
        tools = selection.served.len(),
        read_only = o.read_only,
        "serving MCP on stdio"
    );
    if o.max_response_chars < 1000 {
        return Err("--max-response-chars must be at least 1000".into());
    }
    if o.show_secrets {
        tracing::warn!("--show-secrets: results include passwords, tokens and secret values");
    }
    let options = server::Options {
        read_only: o.read_only,
        shaping: shaping::Options {
            show_secrets: o.show_secrets,
            max_chars: o.max_response_chars,
        },
        confirm: o.confirm,
        audit: o
            .audit_log
            .as_deref()
            .map(portainer_mcp::audit::Audit::open)
            .transpose()?,
        caller: "stdio".into(),
    };
    let service = server::PortainerServer::new(client, selection, options)
        .serve(rmcp::transport::stdio())
        .await
        .map_err(|e| format!("MCP handshake failed: {e}"))?;
    service
        .waiting()
        .await
        .map_err(|e| format!("MCP service stopped: {e}"))?;
    Ok(())
}
