//! TLS: certificates are verified by default; --tls-ca trusts a private CA;
//! --insecure turns verification off only when asked. The TLS server is
//! `openssl s_server -WWW`, serving Portainer-shaped files from a folder.

use crate::support::mcp::Session;
use serde_json::json;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct TlsServer {
    child: Child,
    port: u16,
    _dir: tempfile::TempDir,
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let st = Command::new("openssl")
        .args(args)
        .current_dir(dir)
        .stderr(Stdio::null())
        .status()
        .expect("openssl runs");
    assert!(st.success(), "openssl {args:?}");
}

fn start() -> TlsServer {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    openssl(
        d,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=test CA",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    );
    std::fs::write(
        d.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-out",
            "server.pem",
            "-days",
            "2",
            "-extfile",
            "ext.cnf",
        ],
    );
    std::fs::create_dir_all(d.join("www/api/system")).unwrap();
    std::fs::write(
        d.join("www/api/system/version"),
        r#"{"ServerVersion":"2.45.3"}"#,
    )
    .unwrap();
    std::fs::write(
        d.join("www/api/system/status"),
        r#"{"Version":"2.45.3","InstanceID":"tls-test"}"#,
    )
    .unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-quiet",
            "-WWW",
            "-accept",
            &format!("127.0.0.1:{port}"),
            "-cert",
            "../server.pem",
            "-key",
            "../server.key",
        ])
        .current_dir(d.join("www"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("openssl s_server starts");
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    TlsServer {
        child,
        port,
        _dir: dir,
    }
}

#[tokio::test]
async fn certificates_are_verified_unless_told_otherwise() {
    let server = start();
    let url = format!("https://127.0.0.1:{}", server.port);
    let ca = server._dir.path().join("ca.pem");

    let s = Session::start(&url, &["--timeout", "5"]).await;
    let e = s
        .tool_error("system_version", json!({"what": "status"}))
        .await;
    assert!(
        e.to_lowercase().contains("certificate"),
        "an unknown CA is refused: {e}"
    );
    s.stop().await;

    let s = Session::start(&url, &["--tls-ca", ca.to_str().unwrap()]).await;
    let v = s.ok("system_version", json!({"what": "status"})).await;
    assert_eq!(v["InstanceID"], "tls-test");
    s.stop().await;

    let s = Session::start(&url, &["--insecure"]).await;
    let v = s.ok("system_version", json!({"what": "status"})).await;
    assert_eq!(v["InstanceID"], "tls-test");
    let (stderr, _) = s.stop().await;
    assert!(
        stderr.contains("--insecure"),
        "the unsafe mode is logged: {stderr}"
    );
}
