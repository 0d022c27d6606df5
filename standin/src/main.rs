//! `portainer-standin`: the stand-in as a process, for the benchmark and
//! the conformance run. Prints the port it listens on as its first line.

use portainer_standin::{serve, Options, Shared};
use std::io::Write;
use std::net::TcpListener;
use std::process::ExitCode;
use std::sync::Arc;

const USAGE: &str = "\
portainer-standin: a loopback stand-in for Portainer's HTTP API

usage: portainer-standin [options]

  --port N               listen on 127.0.0.1:N (default 0: any free port)
  --bench                the benchmark's shapes: 20 environments, 50 containers
                         on environment 1, a 1,000-line log for container app-1
  --containers N         environment 1 lists N containers (~1.17 KB each)
  --environments N       /api/endpoints lists N environments
  --log-lines N          container app-1's log on environment 1 has N lines
  --fleet                every environment lists the --containers containers
  --env-latency-ms N     each request through an environment's passthrough waits N ms
  --no-record            keep no request log (memory stays flat under load)
  --token T              accept T as the admin's API key too (repeatable)
  --portainer-version V  the version Portainer reports (default 2.45.3)

Without options it answers exactly like the tests' stand-in. The first line
on stdout is the port; requests need X-API-Key (401 otherwise), except
GET /api/system/status.";

fn main() -> ExitCode {
    let (port, options) = match parse(std::env::args().skip(1)) {
        Ok(Some(parsed)) => parsed,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("portainer-standin: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let listener = match TcpListener::bind(("127.0.0.1", port)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("portainer-standin: cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The bench lists are built here, before the port is announced, so the
    // first request never waits for them.
    let shared = Arc::new(Shared::new(&options));
    let port = listener.local_addr().map(|a| a.port()).unwrap_or(port);
    let mut out = std::io::stdout();
    let _ = writeln!(out, "{port}").and_then(|_| out.flush());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match rt.block_on(serve(listener, shared)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("portainer-standin: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The port and options, or None for --help.
fn parse(mut args: impl Iterator<Item = String>) -> Result<Option<(u16, Options)>, String> {
    let mut port = 0u16;
    let mut bench = false;
    let mut options = Options::default();
    let (mut containers, mut environments, mut log_lines) = (None, None, None);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "-h" | "--help" => return Ok(None),
            "--port" => port = number(&value("--port")?)?,
            "--bench" => bench = true,
            "--containers" => containers = Some(number(&value("--containers")?)?),
            "--environments" => environments = Some(number(&value("--environments")?)?),
            "--log-lines" => log_lines = Some(number(&value("--log-lines")?)?),
            "--no-record" => options.record = false,
            "--fleet" => options.fleet = true,
            "--env-latency-ms" => {
                options.env_latency =
                    std::time::Duration::from_millis(number::<u64>(&value("--env-latency-ms")?)?)
            }
            "--token" => options.keys.push(value("--token")?),
            "--portainer-version" => options.version = value("--portainer-version")?,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    // Explicit counts win over --bench's.
    let bench_or = |n: Option<usize>, shape: usize| n.or(bench.then_some(shape));
    options.containers = bench_or(containers, 50);
    options.environments = bench_or(environments, 20);
    options.log_lines = bench_or(log_lines, 1000);
    Ok(Some((port, options)))
}

fn number<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not a number in range"))
}
