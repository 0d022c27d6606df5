//! docker_container_exec: runs one command in a running container through
//! Portainer's Docker passthrough (create the exec, start it attached and
//! read Docker's multiplexed stream until the command ends or the time
//! limit, then read the exit code). Portainer's own /websocket/exec always
//! starts with a TTY and never reports an end, so it is not used here.

use super::log_args::check_container;
use crate::error::ToolError;
use crate::portainer::docker_log::split_streams;
use crate::portainer::passthrough::{passthrough, request, send_bounded, Backend};
use crate::portainer::record::ReadCut;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;

/// Characters of each stream kept (the end of it); a command's output can
/// be anything in size.
const KEEP_CHARS: usize = 8_000;
/// Bytes of output read at most; reading stops there.
const READ_BYTES: usize = 4 << 20;

/// Both exec tools' default time limit, in seconds.
pub(super) fn thirty() -> u64 {
    30
}

#[derive(Deserialize, JsonSchema)]
pub struct Exec {
    #[schemars(range(min = 1))]
    environment_id: u64,
    /// Container id or name (running).
    id: String,
    /// Program and arguments, no shell: ["ls", "-la", "/data"]; for a pipe, ["sh", "-c", "ps | grep x"].
    #[schemars(length(min = 1, max = 64))]
    command: Vec<String>,
    /// User (name or uid[:gid]) to run as; the container's own by default.
    user: Option<String>,
    /// Working directory inside the container.
    workdir: Option<String>,
    /// Reading stops after this long (the command itself may go on).
    #[serde(default = "thirty")]
    #[schemars(range(min = 1, max = 300))]
    timeout_seconds: u64,
}

handler!(DOCKER_CONTAINER_EXEC, Exec, exec);

async fn exec(call: &Call, a: Exec) -> Result<Value, ToolError> {
    let http = call.http();
    check_container(&a.id)?;
    check_command(&a.command)?;
    if !(1..=300).contains(&a.timeout_seconds) {
        return Err(ToolError::BadArguments(
            "`timeout_seconds` is from 1 to 300".into(),
        ));
    }
    let env = a.environment_id;
    let mut create = json!({"AttachStdin": false, "AttachStdout": true, "AttachStderr": true,
                            "Tty": false, "Cmd": a.command});
    for (field, v) in [("User", &a.user), ("WorkingDir", &a.workdir)] {
        if let Some(v) = v {
            create[field] = json!(v);
        }
    }
    let path = format!("containers/{}/exec", a.id);
    let body = Some((create, "application/json"));
    let created = passthrough(http, Backend::Docker, env, Method::POST, &path, &[], body).await?;
    let start_body = json!({"Detach": false, "Tty": false});
    if call.held() {
        // The start's path holds the id Docker gives the exec on creation.
        let start = format!(
            "{}/endpoints/{env}/docker/exec/{{exec id}}/start",
            http.api_root().path().trim_end_matches('/')
        );
        call.record()
            .capture("POST", &start, Some(start_body.to_string().as_bytes()));
        return Ok(json!({"container": a.id, "command": a.command}));
    }
    let created = created.into_json()?;
    let exec_id = created["Id"].as_str().unwrap_or_default().to_string();
    if exec_id.is_empty() || !exec_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ToolError::Upstream {
            status: 502,
            message: "Docker's answer to the exec create has no exec id".into(),
        });
    }
    let limit = Duration::from_secs(a.timeout_seconds);
    let started = tokio::time::Instant::now();
    let start_path = format!("exec/{exec_id}/start");
    let body = Some((start_body, "application/json"));
    let req = request(
        http,
        Backend::Docker,
        env,
        Method::POST,
        &start_path,
        &[],
        body,
    )?;
    // No answer at all by the time limit (Portainer held the headers back)
    // is the same outcome as a command that outlives it.
    let body = match send_bounded(http, req, limit, READ_BYTES).await? {
        Some(x) if !(200..300).contains(&x.status) => return x.into_json(),
        Some(x) => x.body,
        None => Default::default(),
    };
    let cut = call.record().read_cut();
    let seconds = started.elapsed().as_secs_f64();
    let (stdout, stderr) = split_streams(&body)
        .unwrap_or_else(|| (String::from_utf8_lossy(&body).into_owned(), String::new()));
    let state = passthrough(
        http,
        Backend::Docker,
        env,
        Method::GET,
        &format!("exec/{exec_id}/json"),
        &[],
        None,
    )
    .await?
    .into_json()?;
    let mut out = json!({
        "exit_code": state["ExitCode"],
        "running": state["Running"],
        "seconds": (seconds * 10.0).round() / 10.0,
        "stdout": keep_end(&stdout),
        "stderr": keep_end(&stderr),
    });
    let still = "the command may still run in the container (Docker cannot stop an exec)";
    match cut {
        Some(ReadCut::Time) => {
            out["timed_out"] = json!(format!(
                "stopped reading after {} s; {still}",
                a.timeout_seconds
            ))
        }
        Some(ReadCut::Size) => {
            out["output_cut"] = json!(format!(
                "stopped reading after {} MiB of output; {still}",
                READ_BYTES >> 20
            ))
        }
        None => {}
    }
    for (name, s) in [("stdout", &stdout), ("stderr", &stderr)] {
        let n = s.chars().count();
        if n > KEEP_CHARS {
            out[format!("{name}_cut")] =
                json!(format!("showing the last {KEEP_CHARS} of {n} characters"));
        }
    }
    Ok(out)
}

/// Argv as Docker takes it: not empty, each part without NUL and of a
/// sane size.
fn check_command(command: &[String]) -> Result<(), ToolError> {
    let bad = |why: &str| Err(ToolError::BadArguments(format!("`command`: {why}")));
    match command.first() {
        None => return bad("give the program and its arguments, e.g. [\"ls\", \"/\"]"),
        Some(p) if p.trim().is_empty() => return bad("the program (first item) is empty"),
        _ => {}
    }
    if command.len() > 64 {
        return bad("more than 64 items");
    }
    if command.iter().any(|c| c.contains('\0')) {
        return bad("an item contains a NUL character");
    }
    if command.iter().map(String::len).sum::<usize>() > 16_384 {
        return bad("longer than 16 KiB in all");
    }
    Ok(())
}

/// The last KEEP_CHARS characters.
fn keep_end(s: &str) -> String {
    let n = s.chars().count();
    if n <= KEEP_CHARS {
        return s.to_string();
    }
    s.chars().skip(n - KEEP_CHARS).collect()
}
