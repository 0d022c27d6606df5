//! kubernetes_pod_exec: one command in a pod container through Portainer's
//! own exec route (`/api/websocket/pod`), the route Portainer's UI console
//! uses. What that route does decides what this tool can promise:
//! - it splits `command` at spaces, with no quoting, so each item must be
//!   one word (no `sh -c "a b"`);
//! - it runs with a TTY: stderr comes merged into the output, lines end in
//!   CRLF, and there is no exit code;
//! - it never says the command ended: the socket goes quiet. Reading stops
//!   when Portainer closes it, after `idle_seconds` without output, or at
//!   `timeout_seconds`.
//!
//! The Kubernetes passthrough's own exec (a websocket or SPDY upgrade of
//! pods/{name}/exec) is reported not to carry the websocket handshake
//! through Portainer, so it is not used.

use crate::error::ToolError;
use crate::portainer::http::Http;
use crate::portainer::kubernetes as kube;
use crate::portainer::websocket;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use futures_util::StreamExt;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::time::{timeout_at, Instant};
use tokio_tungstenite::tungstenite::Message;

/// Characters of output kept (the end of it).
const KEEP_CHARS: usize = 16_000;

fn three() -> u64 {
    3
}

#[derive(Deserialize, JsonSchema)]
pub struct PodExec {
    #[schemars(range(min = 1))]
    environment_id: u64,
    namespace: String,
    pod: String,
    /// The pod's default container when left out.
    container: Option<String>,
    /// Program and arguments, one word each (Portainer splits at spaces): ["ls", "-la", "/data"].
    #[schemars(length(min = 1, max = 64))]
    command: Vec<String>,
    /// Stop reading after this long.
    #[serde(default = "super::docker_exec::thirty")]
    #[schemars(range(min = 1, max = 300))]
    timeout_seconds: u64,
    /// Stop after this long without output (the route never says the command ended).
    #[serde(default = "three")]
    #[schemars(range(min = 1, max = 60))]
    idle_seconds: u64,
}

handler!(KUBERNETES_POD_EXEC, PodExec, pod_exec);

async fn pod_exec(call: &Call, a: PodExec) -> Result<Value, ToolError> {
    let http = call.http();
    kube::check_name("namespace", &a.namespace)?;
    kube::check_name("pod", &a.pod)?;
    check_words(&a.command)?;
    for (arg, v, max) in [
        ("timeout_seconds", a.timeout_seconds, 300),
        ("idle_seconds", a.idle_seconds, 60),
    ] {
        if !(1..=max).contains(&v) {
            return Err(ToolError::BadArguments(format!(
                "`{arg}` is from 1 to {max}"
            )));
        }
    }
    let env = a.environment_id;
    let container = match a.container {
        Some(c) => {
            kube::check_name("container", &c)?;
            c
        }
        None => default_container(http, env, &a.namespace, &a.pod).await?,
    };
    let mut url = http.api_root().clone();
    url.path_segments_mut()
        .map_err(|_| ToolError::Internal("the API root cannot take a path".into()))?
        .pop_if_empty()
        .extend(["websocket", "pod"]);
    url.query_pairs_mut()
        .append_pair("endpointId", &env.to_string())
        .append_pair("namespace", &a.namespace)
        .append_pair("podName", &a.pod)
        .append_pair("containerName", &container)
        .append_pair("command", &a.command.join(" "));
    let Some(mut socket) = websocket::open(http, url).await? else {
        return Ok(json!({"pod": a.pod, "container": container, "command": a.command}));
    };
    let started = Instant::now();
    let deadline = started + Duration::from_secs(a.timeout_seconds);
    let idle = Duration::from_secs(a.idle_seconds);
    let mut out = Tail::default();
    // Silence counts once output has started: the exec may take a while to
    // reach the container (agent, kubelet) before its first byte.
    let ended = loop {
        let quiet_until = if out.total == 0 {
            deadline
        } else {
            (Instant::now() + idle).min(deadline)
        };
        match timeout_at(quiet_until, socket.next()).await {
            Err(_) if Instant::now() >= deadline => break "time limit",
            Err(_) => break "no output for idle_seconds",
            Ok(None) | Ok(Some(Ok(Message::Close(_)))) => break "closed by Portainer",
            Ok(Some(Err(_))) => break "connection dropped by Portainer",
            Ok(Some(Ok(Message::Text(t)))) => out.push(t.as_bytes()),
            Ok(Some(Ok(Message::Binary(b)))) => out.push(&b),
            Ok(Some(Ok(_))) => {}
        }
    };
    // Closing the socket ends the exec's stdin and TTY on Portainer's side.
    let _ = tokio::time::timeout(Duration::from_secs(2), socket.close(None)).await;
    let seconds = started.elapsed().as_secs_f64();
    let (output, cut) = out.text();
    let mut result = json!({
        "container": container,
        "output": output,
        "ended": ended,
        "seconds": (seconds * 10.0).round() / 10.0,
    });
    if let Some(total) = cut {
        result["output_cut"] = json!(format!(
            "showing the last {KEEP_CHARS} of {total} characters"
        ));
    }
    if ended != "closed by Portainer" {
        result["note"] = json!(
            "the route does not say when a command ends: it may still be running in the container"
        );
    }
    Ok(result)
}

/// Each item one word: Portainer joins nothing back, it splits at spaces.
fn check_words(command: &[String]) -> Result<(), ToolError> {
    if command.is_empty() || command.len() > 64 {
        return Err(ToolError::BadArguments(
            "`command`: give 1 to 64 items, the program first, e.g. [\"ls\", \"/\"]".into(),
        ));
    }
    for c in command {
        if c.is_empty() || c.chars().any(char::is_whitespace) || c.len() > 4096 {
            return Err(ToolError::BadArguments(format!(
                "`command`: item `{}` is empty, too long or holds whitespace; Portainer's pod exec \
                 splits the command at spaces with no quoting, so each item must be one word \
                 (a shell one-liner cannot be passed)",
                crate::error::cap_text(c.clone(), 80)
            )));
        }
    }
    Ok(())
}

/// kubectl's choice: the default-container annotation, else the first.
async fn default_container(
    http: &Http,
    env: u64,
    namespace: &str,
    pod: &str,
) -> Result<String, ToolError> {
    let path = format!("api/v1/namespaces/{namespace}/pods/{pod}");
    let p = kube::request(http, env, Method::GET, &path, &[], None).await?;
    let named = p["metadata"]["annotations"]["kubectl.kubernetes.io/default-container"]
        .as_str()
        .or(p["spec"]["containers"][0]["name"].as_str());
    match named {
        Some(c) => Ok(c.to_string()),
        None => Err(ToolError::BadArguments(format!(
            "pod `{pod}` lists no container: give `container`"
        ))),
    }
}

/// The output, bounded: the last KEEP_CHARS characters, NUL padding (some
/// agents send whole buffers) and carriage returns of the TTY left out.
#[derive(Default)]
struct Tail {
    text: String,
    /// Characters in `text`.
    kept: usize,
    /// Characters seen in all.
    total: usize,
}

impl Tail {
    fn push(&mut self, bytes: &[u8]) {
        let chunk = String::from_utf8_lossy(bytes);
        let clean: String = chunk.chars().filter(|&c| c != '\0' && c != '\r').collect();
        let n = clean.chars().count();
        self.total += n;
        self.kept += n;
        self.text.push_str(&clean);
        // Trimmed now and then, not on every message.
        if self.kept > 2 * KEEP_CHARS {
            self.text = self.text.chars().skip(self.kept - KEEP_CHARS).collect();
            self.kept = KEEP_CHARS;
        }
    }

    /// The kept text, and the total length when some was dropped.
    fn text(self) -> (String, Option<usize>) {
        if self.kept <= KEEP_CHARS {
            return (self.text, None);
        }
        let kept = self.text.chars().skip(self.kept - KEEP_CHARS).collect();
        (kept, Some(self.total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tail_keeps_the_end_within_bounds() {
        let mut t = Tail::default();
        for i in 0..10_000 {
            t.push(format!("line {i}\r\n\0\0").as_bytes());
            assert!(t.text.chars().count() <= 2 * KEEP_CHARS + 20);
        }
        let (text, cut) = t.text();
        assert!(text.ends_with("line 9999\n"));
        assert_eq!(text.chars().count(), KEEP_CHARS);
        assert!(cut.unwrap() > KEEP_CHARS);
    }

    #[test]
    fn words_only() {
        assert!(check_words(&["ls".into(), "-la".into()]).is_ok());
        let e = check_words(&["sh".into(), "-c".into(), "ps aux".into()]).unwrap_err();
        assert!(e.to_string().contains("one word"), "{e}");
        assert!(check_words(&[]).is_err());
    }
}
