//! Command line: every flag can also come from the environment. The official
//! Go server's single-dash spellings (-server, -token, -read-only,
//! -disable-version-check) are accepted so existing client configs work.

use clap::{ArgAction, Args as ClapArgs, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "portainer-mcp",
    version = concat!(env!("CARGO_PKG_VERSION"), " (tools generated for Portainer ", env!("PORTAINER_SPEC_VERSION"), ")"),
    about = "MCP server for Portainer"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub opts: Flags,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve MCP over stdio (the default).
    Serve,
    /// Serve MCP (stdio, or --http) against a built-in sample Portainer:
    /// no Portainer needed; every result says it is demo data.
    Demo,
    /// Check the URL, TLS, token, Portainer version and edition, the user's
    /// role, environments and toolsets; print what to fix (exit 1 on a failure).
    Doctor,
    /// Policy per environment (--policy FILE).
    Policy {
        #[command(subcommand)]
        action: PolicyAction,
    },
    /// The audit log (--audit-log): verify its chain, or report on it.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// Print the tools that would be served, without contacting Portainer.
    Tools {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// The tools a server connected to this Portainer would serve,
        /// e.g. 2.39.0-CE or 2.45.3-EE (default: every catalogued tool).
        #[arg(long, value_name = "VERSION[-EDITION]")]
        portainer: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyAction {
    /// Say what the policy lets agents do in each environment (or one),
    /// with names, groups and tags read from Portainer; warn of tags and
    /// groups a rule names that Portainer does not have.
    Check {
        /// Only this environment.
        #[arg(long)]
        environment: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AuditAction {
    /// Check every record's seal (with --audit-key-file when the log was
    /// sealed with a key); name the first line that breaks the chain.
    Verify {
        /// The log (default: --audit-log).
        file: Option<PathBuf>,
        /// A chain head a server published (its log line `audit record
        /// sealed head=...`): the file must still hold it.
        #[arg(long)]
        head: Option<String>,
        /// The log began before the chain: lines before its first sealed
        /// record are counted, not failed.
        #[arg(long)]
        allow_unsealed_prefix: bool,
    },
    /// Sum up the calls in the log by tool and outcome, caller and
    /// environment, or list the records (--records), filtered.
    Report {
        /// The log (default: --audit-log).
        file: Option<PathBuf>,
        /// Only this caller (the Portainer user's name).
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        tool: Option<String>,
        #[arg(long)]
        environment: Option<u64>,
        /// ok, error, held, cancelled, interrupted.
        #[arg(long)]
        outcome: Option<String>,
        /// Only the calls of this change (their `change_ref`).
        #[arg(long)]
        change_ref: Option<String>,
        /// From this time on (RFC 3339, e.g. 2026-12-01 or 2026-12-01T08:00:00Z).
        #[arg(long)]
        since: Option<String>,
        /// Before this time.
        #[arg(long)]
        until: Option<String>,
        /// JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// The matching records themselves, every phase, as JSON lines.
        #[arg(long)]
        records: bool,
    },
}

#[derive(Debug, Clone, ClapArgs)]
pub struct Flags {
    /// Portainer base URL, e.g. https://portainer.example.com:9443; several
    /// (comma separated) are tried in order when one cannot be reached.
    #[arg(long, env = "PORTAINER_URL", global = true, value_delimiter = ',')]
    pub url: Vec<String>,

    /// Portainer access token (X-API-Key). Prefer --token-file or the env var.
    #[arg(long, env = "PORTAINER_TOKEN", hide_env_values = true, global = true)]
    pub token: Option<String>,

    /// File holding the Portainer access token.
    #[arg(
        long,
        env = "PORTAINER_TOKEN_FILE",
        global = true,
        conflicts_with = "token"
    )]
    pub token_file: Option<PathBuf>,

    /// Serve read tools only; no request other than GET leaves the server.
    #[arg(long, env = "PORTAINER_READ_ONLY", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub read_only: bool,

    /// With --read-only: also serve docker_proxy and kubernetes_proxy, pinned
    /// to GET (a GET can still read file contents, e.g. a container export).
    #[arg(long, env = "PORTAINER_READ_ONLY_PROXIES", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub read_only_proxies: bool,

    /// Restrict every stack this server creates to this Portainer team
    /// (its resource control: that team only, not public).
    #[arg(long, env = "PORTAINER_TEAM_ID", global = true, value_parser = clap::value_parser!(u64).range(1..))]
    pub team_id: Option<u64>,

    /// Serve no tool whose purpose is to remove (deletes, prune, exec, Helm
    /// uninstall); api_call and both proxies stay served, and no DELETE
    /// request leaves the server whatever the tool.
    #[arg(long, env = "PORTAINER_DISABLE_DESTRUCTIVE", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub disable_destructive: bool,

    /// Kubernetes kinds no request may touch, comma separated: Secret,
    /// apps/Deployment, rbac.authorization.k8s.io/* (a whole group).
    #[arg(
        long,
        env = "PORTAINER_DENY_KINDS",
        global = true,
        value_delimiter = ','
    )]
    pub deny_kinds: Option<Vec<String>>,

    /// Policy per environment (TOML): rules picking environments by id,
    /// name, tag or group, each saying what agents may do there (none,
    /// read, write, destructive) and which tools are excepted.
    #[arg(long, env = "PORTAINER_MCP_POLICY", global = true)]
    pub policy: Option<std::path::PathBuf>,

    /// Toolsets to serve, comma separated: names, `default`, or `all`.
    #[arg(long, env = "PORTAINER_TOOLSETS", global = true, value_delimiter = ',')]
    pub toolsets: Option<Vec<String>>,

    /// Tools to serve by name, comma separated (alone: only these).
    #[arg(long, env = "PORTAINER_TOOLS", global = true, value_delimiter = ',')]
    pub tools: Option<Vec<String>>,

    /// Tools never to serve, comma separated.
    #[arg(
        long,
        env = "PORTAINER_DENY_TOOLS",
        global = true,
        value_delimiter = ','
    )]
    pub deny_tools: Option<Vec<String>>,

    /// TOML file of tool overrides: a title, a description, or hidden = true
    /// per tool (see docs/configuration.md, Tool overrides).
    #[arg(long, env = "PORTAINER_TOOL_OVERRIDES", global = true)]
    pub tool_overrides: Option<PathBuf>,

    /// Timeout of each request to Portainer, in seconds.
    #[arg(long, env = "PORTAINER_TIMEOUT", global = true, default_value_t = 30)]
    pub timeout: u64,

    /// PEM file of CA certificates to trust for Portainer's TLS certificate.
    #[arg(long, env = "PORTAINER_TLS_CA", global = true)]
    pub tls_ca: Option<PathBuf>,

    /// Accept any TLS certificate from Portainer (unsafe; off by default).
    #[arg(long, env = "PORTAINER_INSECURE", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub insecure: bool,

    /// Skip the start-up check of Portainer's version against the spec's.
    #[arg(long, env = "PORTAINER_DISABLE_VERSION_CHECK", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub disable_version_check: bool,

    /// Largest result returned, in characters; larger ones are cut with a note.
    #[arg(
        long,
        env = "PORTAINER_MAX_RESPONSE_CHARS",
        global = true,
        default_value_t = 20_000
    )]
    pub max_response_chars: usize,

    /// The largest answer from Portainer read into memory, in MiB; a larger
    /// one ends the call with an error saying how to narrow it. Lists are
    /// read as they arrive and only counted past what a result can show.
    #[arg(
        long,
        env = "PORTAINER_MAX_UPSTREAM_MB",
        global = true,
        default_value_t = 64
    )]
    pub max_upstream_mb: usize,

    /// Return secrets (passwords, tokens, env values, Secret data) unredacted.
    #[arg(long, env = "PORTAINER_SHOW_SECRETS", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub show_secrets: bool,

    /// Which write tools need `confirm: true`: destructive, writes or none.
    #[arg(
        long,
        env = "PORTAINER_CONFIRM",
        global = true,
        value_enum,
        default_value = "destructive"
    )]
    pub confirm: crate::tools::policy::Confirm,

    /// Append a JSON line per tool call to this file (writes: before and after).
    #[arg(long, env = "PORTAINER_AUDIT_LOG", global = true)]
    pub audit_log: Option<PathBuf>,

    /// Every write needs a `change_ref` argument (a ticket id matching
    /// --change-ref-pattern), kept in the audit log.
    #[arg(long, env = "PORTAINER_MCP_REQUIRE_CHANGE_REF", global = true)]
    pub require_change_ref: bool,

    /// What a change reference looks like (a regular expression).
    #[arg(long, env = "PORTAINER_MCP_CHANGE_REF_PATTERN", global = true,
          default_value = crate::tools::change_ref::DEFAULT_PATTERN)]
    pub change_ref_pattern: String,

    /// Writes leave only inside these weekly windows, UTC, e.g.
    /// "Mon-Fri 08:00-18:00" (repeat the flag, or separate with ';').
    #[arg(
        long,
        env = "PORTAINER_MCP_CHANGE_WINDOW",
        global = true,
        value_delimiter = ';'
    )]
    pub change_window: Vec<String>,

    /// While this file exists, no write leaves (its first line says why).
    #[arg(long, env = "PORTAINER_MCP_FREEZE_FILE", global = true)]
    pub freeze_file: Option<PathBuf>,

    /// Seal the audit log's records with an HMAC under the key in this file
    /// (at least 16 bytes; keep it where whoever can edit the log cannot
    /// read it). Without it the chain is a plain SHA-256 one, which finds
    /// accidents only.
    #[arg(long, env = "PORTAINER_AUDIT_KEY_FILE", global = true)]
    pub audit_key_file: Option<PathBuf>,

    /// Serve Streamable HTTP at ADDR (path /mcp) instead of stdio; each
    /// request then carries its caller's token in X-Portainer-API-Key.
    #[arg(long, env = "PORTAINER_MCP_HTTP", global = true)]
    pub http: Option<std::net::SocketAddr>,

    /// Serve Prometheus metrics at http://ADDR/metrics, in stdio mode too
    /// (with --http they are also at its /metrics).
    #[arg(long, env = "PORTAINER_MCP_METRICS", global = true)]
    pub metrics: Option<std::net::SocketAddr>,

    /// Send OpenTelemetry traces to this OTLP/HTTP endpoint (…/v1/traces is
    /// added unless given); otherwise the standard OTEL_EXPORTER_OTLP_*
    /// variables decide. Off by default.
    #[arg(long, global = true)]
    pub otlp_endpoint: Option<String>,

    /// Serve Streamable HTTP at ADDR when stdin is /dev/null (`docker run -d`
    /// without -i), stdio otherwise; the container image sets 0.0.0.0:8080.
    #[arg(long, env = "PORTAINER_MCP_DETACHED_HTTP", global = true)]
    pub detached_http: Option<std::net::SocketAddr>,

    /// Shared token every HTTP request must carry as `Authorization: Bearer`.
    #[arg(
        long,
        env = "PORTAINER_MCP_HTTP_TOKEN",
        hide_env_values = true,
        global = true
    )]
    pub http_token: Option<String>,

    /// PEM certificate (chain) to serve HTTPS with.
    #[arg(
        long,
        env = "PORTAINER_MCP_TLS_CERT",
        global = true,
        requires = "tls_key"
    )]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for --tls-cert.
    #[arg(
        long,
        env = "PORTAINER_MCP_TLS_KEY",
        global = true,
        requires = "tls_cert"
    )]
    pub tls_key: Option<PathBuf>,

    /// Allow plain HTTP on a non-loopback address (tokens cross the network
    /// in clear); the container image sets it, see docs/install.md.
    #[arg(long, env = "PORTAINER_MCP_ALLOW_INSECURE_HTTP", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_insecure_http: bool,

    /// Serve every HTTP client without sessions, so any replica behind a
    /// load balancer can answer any request. MCP 2026-07-28 clients are
    /// always served so; this extends it to older clients (which then
    /// confirm with `confirm: true` instead of being asked).
    #[arg(long, env = "PORTAINER_MCP_STATELESS", global = true, action = ArgAction::Set,
          num_args = 0..=1, require_equals = true, default_missing_value = "true",
          default_value = "false", value_parser = clap::builder::BoolishValueParser::new())]
    pub stateless: bool,

    /// Key (32+ characters) sealing confirmation states of MCP 2026-07-28
    /// calls; give every replica the same one. Default: random per process.
    #[arg(
        long,
        env = "PORTAINER_MCP_STATE_KEY",
        hide_env_values = true,
        global = true
    )]
    pub state_key: Option<String>,

    /// Seconds in-flight calls get to finish after SIGTERM or SIGINT (new
    /// ones are refused meanwhile); writes still running then are audited
    /// as interrupted.
    #[arg(
        long,
        env = "PORTAINER_MCP_SHUTDOWN_GRACE",
        global = true,
        default_value_t = 25,
        value_parser = clap::value_parser!(u64).range(0..=3600)
    )]
    pub shutdown_grace: u64,

    /// Host header values the HTTP transport accepts (DNS rebinding protection).
    #[arg(
        long,
        env = "PORTAINER_MCP_ALLOWED_HOSTS",
        global = true,
        value_delimiter = ','
    )]
    pub http_allowed_hosts: Option<Vec<String>>,

    /// Origin header values the HTTP transport accepts from browsers.
    #[arg(
        long,
        env = "PORTAINER_MCP_ALLOWED_ORIGINS",
        global = true,
        value_delimiter = ','
    )]
    pub http_allowed_origins: Option<Vec<String>>,

    /// Requests to /mcp per second per Portainer user (bursts of twice
    /// that); 0, the default, sets no limit. Failed authentications are
    /// always limited per client address.
    #[arg(
        long,
        env = "PORTAINER_MCP_RATE_LIMIT",
        global = true,
        default_value_t = 0
    )]
    pub http_rate_limit: u32,

    /// Open HTTP connections at most; more are closed as they arrive.
    #[arg(
        long,
        env = "PORTAINER_MCP_MAX_CONNECTIONS",
        global = true,
        default_value_t = 1024
    )]
    pub http_max_connections: usize,

    /// Addresses of reverse proxies whose X-Forwarded-For header names the
    /// client (for the failed-authentication limit and the audit log).
    #[arg(
        long,
        env = "PORTAINER_MCP_TRUSTED_PROXIES",
        global = true,
        value_delimiter = ','
    )]
    pub http_trusted_proxies: Option<Vec<std::net::IpAddr>>,

    /// The Go server's `-tools FILE` (a YAML of tool definitions), kept only
    /// to say why it is not read.
    #[arg(long = "go-tools-file", hide = true, global = true)]
    pub go_tools_file: Option<String>,

    /// More logging on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// Rewrites the Go server's single-dash flags into ours.
pub fn normalize_args(args: impl IntoIterator<Item = String>) -> Vec<String> {
    const ALIASES: [(&str, &str); 5] = [
        ("-server", "--url"),
        ("-tools", "--go-tools-file"),
        ("-token", "--token"),
        ("-read-only", "--read-only"),
        ("-disable-version-check", "--disable-version-check"),
    ];
    let mut out = vec![];
    for a in args {
        let (flag, value) = match a.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (a.clone(), None),
        };
        match ALIASES.iter().find(|(go, _)| *go == flag) {
            Some((_, ours)) => out.push(match value {
                Some(v) => format!("{ours}={v}"),
                None => ours.to_string(),
            }),
            None => out.push(a),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Cli {
        let v = normalize_args(args.iter().map(|s| s.to_string()));
        Cli::try_parse_from(v).unwrap()
    }

    #[test]
    fn go_spellings_are_aliases() {
        let c = parse(&[
            "portainer-mcp",
            "-server",
            "https://p:9443",
            "-token",
            "t",
            "-read-only",
            "-disable-version-check=true",
        ]);
        assert_eq!(c.opts.url, vec!["https://p:9443"]);
        assert_eq!(c.opts.token.as_deref(), Some("t"));
        assert!(c.opts.read_only);
        assert!(c.opts.disable_version_check);
        let c = parse(&["portainer-mcp", "-tools", "tools.yaml"]);
        assert_eq!(c.opts.go_tools_file.as_deref(), Some("tools.yaml"));
    }

    #[test]
    fn lists_and_subcommand() {
        let c = parse(&[
            "portainer-mcp",
            "tools",
            "--toolsets",
            "stacks,system",
            "--deny-tools=stack_stop",
            "--json",
        ]);
        assert!(matches!(c.command, Some(Command::Tools { json: true, .. })));
        assert_eq!(c.opts.toolsets.unwrap(), vec!["stacks", "system"]);
        assert_eq!(c.opts.deny_tools.unwrap(), vec!["stack_stop"]);
        assert!(!c.opts.insecure);
    }
}
