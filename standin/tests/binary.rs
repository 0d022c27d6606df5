//! The `portainer-standin` process: its first line is the port, and its
//! options pick the bench shapes and extra keys.

mod http;

use http::Conn;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_portainer-standin");

/// Kills the process when the test ends, passed or not.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Running, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("start portainer-standin");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().expect("the port on the first line");
    (Running(child), format!("http://127.0.0.1:{port}"))
}

#[test]
fn prints_its_port_and_serves_the_bench_shapes() {
    let (_p, url) = start(&[
        "--port",
        "0",
        "--bench",
        "--containers",
        "7",
        "--no-record",
        "--token",
        "ptr_BENCH",
    ]);
    let mut c = Conn::open(&url);
    let list = c.get("/api/endpoints/1/docker/containers/json", Some("ptr_BENCH"));
    assert_eq!(list.json().as_array().unwrap().len(), 7);
    let envs = c.get("/api/endpoints", Some("ptr_BENCH"));
    assert_eq!(envs.json().as_array().unwrap().len(), 20);
    assert_eq!(c.get("/api/endpoints", Some("ptr_nobody")).status, 401);
}

#[test]
fn without_options_it_is_the_tests_stand_in() {
    let (_p, url) = start(&["--portainer-version", "2.39.0"]);
    let mut c = Conn::open(&url);
    let v = c.get("/api/system/version", Some(portainer_standin::TOKEN));
    assert_eq!(v.json()["ServerVersion"], "2.39.0");
    let envs = c.get("/api/endpoints", Some(portainer_standin::TOKEN));
    assert_eq!(envs.json().as_array().unwrap().len(), 2);
}

#[test]
fn refuses_unknown_arguments() {
    let out = Command::new(BIN).arg("--nope").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--nope"));
}
