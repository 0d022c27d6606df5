//! Drives the built binary over stdio with rmcp's own MCP client.

use rmcp::model::{CallToolRequestParams, CallToolResult, Tool};
use rmcp::service::{RunningService, ServiceError};
use rmcp::transport::TokioChildProcess;
use rmcp::{RoleClient, ServiceExt};
use serde_json::Value;
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use tokio::io::AsyncReadExt;
use tokio::process::Command;

pub const BIN: &str = env!("CARGO_BIN_EXE_portainer-mcp");

pub struct Session {
    client: RunningService<RoleClient, ()>,
    pub stderr: Arc<Mutex<String>>,
    reader: tokio::task::JoinHandle<()>,
    /// Every result's JSON, to look for leaked secrets afterwards.
    pub transcript: Mutex<String>,
}

/// The server command with a clean environment and the stand-in's URL.
pub fn command(url: &str, token: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    for (k, _) in std::env::vars() {
        if k.starts_with("PORTAINER") {
            cmd.env_remove(k);
        }
    }
    cmd.env("PORTAINER_URL", url)
        .env("PORTAINER_TOKEN", token)
        .args(args);
    cmd
}

/// Runs a server command with stdin closed until it exits (30 s at most).
pub async fn output_of(mut cmd: Command) -> std::process::Output {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::time::timeout(std::time::Duration::from_secs(30), cmd.output())
        .await
        .expect("server exits")
        .expect("server runs")
}

/// Whether the command succeeded, and what it wrote on stderr.
pub async fn exit_of(cmd: Command) -> (bool, String) {
    let out = output_of(cmd).await;
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

impl Session {
    pub async fn start(url: &str, args: &[&str]) -> Session {
        Self::start_with_token(url, super::portainer::TOKEN, args).await
    }

    pub async fn start_with_token(url: &str, token: &str, args: &[&str]) -> Session {
        let mut all = vec!["-vvv"];
        all.extend_from_slice(args);
        Self::spawn(command(url, token, &all)).await
    }

    /// `portainer-mcp demo` with `args`: no Portainer URL or token given.
    pub async fn demo(args: &[&str]) -> Session {
        let mut cmd = Command::new(BIN);
        for (k, _) in std::env::vars() {
            if k.starts_with("PORTAINER") {
                cmd.env_remove(k);
            }
        }
        cmd.args(["-vvv", "demo"]).args(args);
        Self::spawn(cmd).await
    }

    async fn spawn(cmd: Command) -> Session {
        let (transport, stderr_pipe) = TokioChildProcess::builder(cmd)
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn portainer-mcp");
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = stderr.clone();
        let reader = tokio::spawn(async move {
            if let Some(mut pipe) = stderr_pipe {
                let mut buf = vec![0u8; 8192];
                while let Ok(n) = pipe.read(&mut buf).await {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            }
        });
        let client = ().serve(transport).await.expect("MCP handshake with portainer-mcp");
        // As clients do: the tools list, which the server answers once its
        // start-up checks (Portainer's version) are done, so that a test's
        // count of requests starts after them.
        let _ = client.list_all_tools().await;
        Session {
            client,
            stderr,
            reader,
            transcript: Mutex::new(String::new()),
        }
    }

    /// The server's instructions from initialize.
    #[allow(dead_code)]
    pub fn instructions(&self) -> String {
        self.client
            .peer_info()
            .and_then(|i| i.instructions.clone())
            .unwrap_or_default()
    }

    pub async fn tools(&self) -> Vec<Tool> {
        let tools = self.client.list_all_tools().await.expect("tools/list");
        self.transcript
            .lock()
            .unwrap()
            .push_str(&serde_json::to_string(&tools).unwrap());
        tools
    }

    pub async fn call(&self, name: &str, args: Value) -> Result<CallToolResult, ServiceError> {
        let mut p = CallToolRequestParams::new(name.to_string());
        p.arguments = args.as_object().cloned();
        let r = self.client.call_tool(p).await;
        let text = match &r {
            Ok(res) => serde_json::to_string(res).unwrap(),
            Err(e) => e.to_string(),
        };
        self.transcript.lock().unwrap().push_str(&text);
        r
    }

    /// A call expected to succeed: its structured content.
    pub async fn ok(&self, name: &str, args: Value) -> Value {
        let r = self
            .call(name, args)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_ne!(r.is_error, Some(true), "{name} failed: {:?}", text_of(&r));
        // A text result (a log): the text, its notes beside it as `_notes`.
        let Some(structured) = r.structured_content.clone() else {
            let blocks: Vec<String> = r
                .content
                .iter()
                .filter_map(|c| c.as_text().map(|t| t.text.clone()))
                .collect();
            assert!(
                !blocks.is_empty(),
                "{name}: neither structured nor text content"
            );
            let mut v = serde_json::json!({"result": blocks[0]});
            if blocks.len() > 1 {
                v["_notes"] = serde_json::json!(blocks[1..]);
            }
            return v;
        };
        // The text copy is the same JSON, for clients that read only text.
        assert_eq!(
            serde_json::from_str::<Value>(&text_of(&r)).unwrap(),
            structured
        );
        structured
    }

    /// A call expected to come back as a tool error: its text.
    pub async fn tool_error(&self, name: &str, args: Value) -> String {
        let r = self
            .call(name, args)
            .await
            .unwrap_or_else(|e| panic!("{name}: protocol error {e}"));
        assert_eq!(
            r.is_error,
            Some(true),
            "{name} should fail: {:?}",
            text_of(&r)
        );
        text_of(&r)
    }

    /// Stops the server; returns what it wrote on stderr.
    pub async fn stop(self) -> (String, String) {
        let _ = self.client.cancel().await;
        let _ = tokio::time::timeout(std::time::Duration::from_secs(5), self.reader).await;
        let stderr = self.stderr.lock().unwrap().clone();
        let transcript = self.transcript.lock().unwrap().clone();
        (stderr, transcript)
    }
}

pub fn text_of(r: &CallToolResult) -> String {
    r.content
        .iter()
        .filter_map(|c| c.as_text().map(|t| t.text.clone()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `tools/list` results exactly as a server started with `args` writes
/// them on stdout (every page), read with a bare JSON-RPC exchange rather
/// than rmcp's typed client, so nothing is dropped or added on the way.
pub async fn raw_tools_list(url: &str, args: &[&str]) -> Vec<Value> {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let mut child = command(url, super::portainer::TOKEN, args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let send = |v: Value| {
        let mut line = v.to_string();
        line.push('\n');
        line
    };
    let init = send(
        serde_json::json!({"jsonrpc": "2.0", "id": 0, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "snapshot", "version": "0"}}}),
    );
    stdin.write_all(init.as_bytes()).await.unwrap();
    let mut pages = vec![];
    let mut cursor: Option<Value> = None;
    let mut id = 0;
    loop {
        // Answers come in order of the requests on stdio; skip the
        // initialize answer and any notification.
        let line = lines.next_line().await.unwrap().expect("server answers");
        let v: Value = serde_json::from_str(&line).unwrap();
        if v["id"] == 0 {
            let initialized =
                send(serde_json::json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
            stdin.write_all(initialized.as_bytes()).await.unwrap();
        } else if v["id"] == id {
            assert!(v.get("error").is_none(), "tools/list failed: {line}");
            cursor = v["result"].get("nextCursor").cloned();
            pages.push(v["result"].clone());
            if cursor.is_none() {
                break;
            }
        } else {
            continue;
        }
        id += 1;
        let mut params = serde_json::json!({});
        if let Some(c) = &cursor {
            params["cursor"] = c.clone();
        }
        let list = send(
            serde_json::json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": params}),
        );
        stdin.write_all(list.as_bytes()).await.unwrap();
    }
    drop(stdin);
    let _ = child.wait().await;
    pages
}
