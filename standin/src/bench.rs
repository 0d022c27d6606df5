//! The benchmark's answers (bench/bench.py): many environments, a long
//! container list, a long Docker log. Each is serialized once, at start,
//! and then only shared.
//!
//! Fields keep the order a real answer has (Go writes struct fields in
//! declaration order; serde_json's map would sort them), so the bytes
//! match what the benchmark measured before this stand-in existed.

use crate::Options;
use bytes::Bytes;
use serde_json::{json, Value};

/// The bench answers an [`Options`] asks for, ready to send.
pub(crate) struct Prepared {
    pub environments: Option<Bytes>,
    pub containers: Option<Bytes>,
    pub log: Option<Bytes>,
}

impl Prepared {
    pub fn new(options: &Options) -> Prepared {
        Prepared {
            environments: options.environments.map(|n| environments(n).into()),
            containers: options.containers.map(|n| containers(n).into()),
            log: options.log_lines.map(|n| log_stream(n).into()),
        }
    }
}

/// `GET /api/endpoints` with `n` environments, ids from 1.
pub fn environments(n: usize) -> String {
    let items: Vec<String> = (1..=n).map(environment).collect();
    format!("[{}]", items.join(","))
}

fn environment(i: usize) -> String {
    let tls = Obj::new()
        .put("TLS", true)
        .put("TLSSkipVerify", false)
        .put("TLSCACert", format!("/data/tls/{i}/ca.pem"))
        .put("TLSCert", format!("/data/tls/{i}/cert.pem"))
        .put("TLSKey", format!("/data/tls/{i}/key.pem"))
        .end();
    let kube_config = Obj::new()
        .put("UseLoadBalancer", false)
        .put("UseServerMetrics", true)
        .put("StorageClasses", Value::Null)
        .end();
    let kube = Obj::new()
        .put("Snapshots", json!([]))
        .raw("Configuration", &kube_config)
        .end();
    let security = Obj::new()
        .put("allowBindMountsForRegularUsers", false)
        .put("allowPrivilegedModeForRegularUsers", false)
        .put("enableHostManagementFeatures", false)
        .end();
    let window = Obj::new()
        .put("Enabled", false)
        .put("StartTime", "")
        .put("EndTime", "")
        .end();
    Obj::new()
        .put("Id", i)
        .put("Name", format!("env-{i}"))
        .put("Type", if !i.is_multiple_of(3) { 1 } else { 6 })
        .put("URL", format!("tcp://10.0.{i}.2:2376"))
        .put("GroupId", 1 + i % 4)
        .put("PublicURL", "")
        .put("Status", if !i.is_multiple_of(5) { 1 } else { 2 })
        .put(
            "TagIds",
            if !i.is_multiple_of(2) {
                json!([1, 2])
            } else {
                json!([])
            },
        )
        .put("UserTrusted", true)
        .put("Heartbeat", true)
        .put("EdgeID", "")
        .put("EdgeKey", "")
        .put("EdgeCheckinInterval", 0)
        .put("QueryDate", 1732437600)
        .raw("TLSConfig", &tls)
        .put("Snapshots", json!([]))
        .raw("Kubernetes", &kube)
        .raw("SecuritySettings", &security)
        .put("UserAccessPolicies", json!({}))
        .put("TeamAccessPolicies", json!({}))
        .put("Agent", json!({"Version": "2.45.3"}))
        .put("LastCheckInDate", 0)
        .put("DeploymentOptions", Value::Null)
        .raw("ChangeWindow", &window)
        .end()
}

/// Docker's `GET /containers/json` with `n` containers of about 1.17 KB
/// each (compose labels, a published port, a network, a volume).
pub fn containers(n: usize) -> String {
    let mut out = String::with_capacity(n * 1200 + 2);
    out.push('[');
    for i in 0..n {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&container(i));
    }
    out.push(']');
    out
}

fn container(i: usize) -> String {
    let (project, service) = (format!("shop{}", i % 13), format!("svc{}", i % 7));
    let net = format!("{project}_default");
    let exited = i.is_multiple_of(5);
    let port = Obj::new()
        .put("IP", "0.0.0.0")
        .put("PrivatePort", 8080)
        .put("PublicPort", 20000 + i % 40000)
        .put("Type", "tcp")
        .end();
    let labels = Obj::new()
        .put("com.docker.compose.project", project.as_str())
        .put("com.docker.compose.service", service.as_str())
        .put(
            "com.docker.compose.container-number",
            (1 + i % 3).to_string(),
        )
        .put("com.docker.compose.version", "2.29.7")
        .end();
    let endpoint = Obj::new()
        .put(
            "MacAddress",
            format!("02:42:ac:12:{:02x}:{:02x}", i / 256 % 256, i % 256),
        )
        .put("NetworkID", format!("{:064x}", i % 13 + 4242))
        .put("EndpointID", format!("{:064x}", i * 31 + 7))
        .put("Gateway", "172.18.0.1")
        .put(
            "IPAddress",
            format!("172.18.{}.{}", i / 250 % 250, i % 250 + 2),
        )
        .put("IPPrefixLen", 16)
        .put("IPv6Gateway", "")
        .put("GlobalIPv6Address", "")
        .end();
    let networks = Obj::new()
        .raw("Networks", &Obj::new().raw(&net, &endpoint).end())
        .end();
    let mount = Obj::new()
        .put("Type", "volume")
        .put("Name", format!("{project}_data-{i}"))
        .put(
            "Source",
            format!("/var/lib/docker/volumes/{project}_data-{i}/_data"),
        )
        .put("Destination", "/data")
        .put("Driver", "local")
        .put("Mode", "z")
        .put("RW", true)
        .put("Propagation", "")
        .end();
    Obj::new()
        .put("Id", format!("{:064x}", i * 7919 + 1))
        .put("Names", json!([format!("/{project}-{service}-{i}")]))
        .put("Image", "registry.example.com/team/app:1.4.2")
        .put("ImageID", format!("sha256:{:064x}", i % 97 + 99))
        .put("Command", "/usr/local/bin/app --serve --port 8080")
        .put("Created", 1732400000 + i)
        .raw("Ports", &format!("[{port}]"))
        .raw("Labels", &labels)
        .put("State", if exited { "exited" } else { "running" })
        .put(
            "Status",
            if exited {
                "Exited (0) 3 hours ago"
            } else {
                "Up 2 days"
            },
        )
        .put("HostConfig", json!({"NetworkMode": net}))
        .raw("NetworkSettings", &networks)
        .raw("Mounts", &format!("[{mount}]"))
        .end()
}

/// A container log of `lines` lines in Docker's multiplexed framing, as
/// Portainer relays it.
pub fn log_stream(lines: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(lines * 70);
    for i in 0..lines {
        let line = format!(
            "2026-11-24T09:00:{:02}Z INFO request {i} handled in {} ms\n",
            i % 60,
            i % 17
        );
        out.extend_from_slice(&[1, 0, 0, 0]);
        out.extend_from_slice(&(line.len() as u32).to_be_bytes());
        out.extend_from_slice(line.as_bytes());
    }
    out
}

/// A compact JSON object written in the order its fields are put.
struct Obj(String);

impl Obj {
    fn new() -> Obj {
        Obj(String::from("{"))
    }

    fn put(self, key: &str, value: impl Into<Value>) -> Obj {
        let value: Value = value.into();
        self.raw(key, &value.to_string())
    }

    /// A field whose value is already JSON.
    fn raw(mut self, key: &str, json: &str) -> Obj {
        if self.0.len() > 1 {
            self.0.push(',');
        }
        self.0.push_str(&Value::from(key).to_string());
        self.0.push(':');
        self.0.push_str(json);
        self
    }

    fn end(mut self) -> String {
        self.0.push('}');
        self.0
    }
}
