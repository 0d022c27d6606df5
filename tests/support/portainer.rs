//! A loopback stand-in for Portainer that answers the routes our tools use
//! with realistic bodies and records every request it receives.

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a";

pub struct StandIn {
    pub server: MockServer,
}

/// What the stand-in saw of one request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub query: Option<String>,
    pub body: Option<Value>,
    pub api_key: Option<String>,
}

impl StandIn {
    pub async fn start() -> StandIn {
        Self::with_version("2.45.3").await
    }

    pub async fn with_version(version: &'static str) -> StandIn {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(move |req: &Request| respond(req, version))
            .mount(&server)
            .await;
        StandIn { server }
    }

    pub fn url(&self) -> String {
        self.server.uri()
    }

    pub async fn seen(&self) -> Vec<Seen> {
        self.server
            .received_requests()
            .await
            .unwrap_or_default()
            .into_iter()
            .map(|r| Seen {
                method: r.method.to_string(),
                path: r.url.path().to_string(),
                query: r.url.query().map(str::to_string),
                body: serde_json::from_slice(&r.body).ok(),
                api_key: r
                    .headers
                    .get("x-api-key")
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_string),
            })
            .collect()
    }

    /// Requests other than the start-up version check.
    pub async fn seen_after_start(&self) -> Vec<Seen> {
        self.seen()
            .await
            .into_iter()
            .filter(|s| s.path != "/api/system/version")
            .collect()
    }

    pub async fn reset_log(&self) {
        // wiremock keeps mocks and the log together; re-mount after reset.
        self.server.reset().await;
    }
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string(), "application/json")
}

fn not_found(what: &str) -> ResponseTemplate {
    json_response(
        404,
        json!({"message": format!("Unable to find a {what} with the specified identifier inside the database"), "details": "object not found inside the database"}),
    )
}

fn respond(req: &Request, version: &str) -> ResponseTemplate {
    // Portainer answers 401 without a valid key, like the real one.
    if req.headers.get("x-api-key").and_then(|v| v.to_str().ok()) != Some(TOKEN)
        && req.url.path() != "/api/system/status"
    {
        return json_response(
            401,
            json!({"message": "Unauthorized", "details": "A valid authorisation token is missing"}),
        );
    }
    let path = req.url.path();
    let method = req.method.as_str();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match (method, segs.as_slice()) {
        ("GET", ["api", "system", "version"]) => json_response(200, fixtures::version(version)),
        ("GET", ["api", "system", "status"]) => json_response(
            200,
            json!({"Version": version, "InstanceID": "4b0b0e5d-8a4c-4c3e-9a55-2f3d1c9e0a11"}),
        ),
        ("GET", ["api", "endpoints"]) => json_response(200, Value::Array(fixtures::environments())),
        ("GET", ["api", "endpoints", "1"]) => {
            json_response(200, fixtures::environments()[0].clone())
        }
        ("GET", ["api", "endpoints", "500"]) => json_response(
            500,
            json!({"message": "Unable to retrieve environment", "details": "database is locked"}),
        ),
        ("GET", ["api", "endpoints", _]) => not_found("environment"),
        ("GET", ["api", "endpoint_groups"]) => json_response(200, fixtures::groups()),
        ("GET", ["api", "tags"]) => json_response(
            200,
            json!([{"ID": 1, "Name": "prod", "Endpoints": {"1": true}, "EndpointGroups": {}}, {"ID": 2, "Name": "edge", "Endpoints": null, "EndpointGroups": null}]),
        ),
        ("GET", ["api", "stacks"]) => json_response(200, json!([fixtures::stack()])),
        ("GET", ["api", "stacks", "7"]) => json_response(200, fixtures::stack()),
        ("GET", ["api", "stacks", "7", "file"]) => json_response(
            200,
            json!({"StackFileContent": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n"}),
        ),
        // A body that breaks its own schema (Id as a string, Env an object).
        ("GET", ["api", "stacks", "8"]) => json_response(
            200,
            json!({"Id": "eight", "Name": "odd", "Env": {"A": "1"}}),
        ),
        ("GET", ["api", "stacks", _] | ["api", "stacks", _, "file"]) => not_found("stack"),
        ("POST", ["api", "stacks", "7", "start"]) => json_response(
            409,
            json!({"message": "Stack is already active", "details": "stack is already active"}),
        ),
        ("POST", ["api", "stacks", "7", "stop"]) => {
            let mut s = fixtures::stack();
            s["Status"] = json!(2);
            json_response(200, s)
        }
        ("GET", ["api", "users"]) => json_response(
            200,
            json!([{"Id": 1, "Username": "admin", "Role": 1, "UseCache": true, "ThemeSettings": {"color": ""}}, {"Id": 2, "Username": "dev", "Role": 2}]),
        ),
        ("GET", ["api", "teams"]) => json_response(
            200,
            json!([{"Id": 1, "Name": "platform"}, {"Id": 2, "Name": "apps"}]),
        ),
        ("GET", ["api", "endpoints", "2", "docker", "containers", "json"]) => {
            json_response(200, Value::Array(fixtures::containers(300)))
        }
        (_, ["api", "endpoints", _, "docker", rest @ ..]) => docker(method, rest),
        (_, ["api", "endpoints", _, "kubernetes", rest @ ..]) => kubernetes(method, rest),
        _ => ResponseTemplate::new(404).set_body_string("404 page not found\n"),
    }
}

fn docker(method: &str, rest: &[&str]) -> ResponseTemplate {
    let no_such = |what: &str, id: &str| {
        json_response(404, json!({"message": format!("No such {what}: {id}")}))
    };
    match (method, rest) {
        ("GET", ["containers", "json"]) => {
            json_response(200, Value::Array(fixtures::containers(2)))
        }
        ("GET", ["containers", "missing", ..])
        | ("POST", ["containers", "missing", ..])
        | ("DELETE", ["containers", "missing"]) => no_such("container", "missing"),
        ("GET", ["containers", id, "json"]) => json_response(200, fixtures::container_inspect(id)),
        ("GET", ["containers", _, "logs"]) => ResponseTemplate::new(200).set_body_raw(
            fixtures::log_stream(&[
                (1, "listening on :8080\n"),
                (2, "warning: cache cold\n"),
                (1, "GET /health 200\n"),
            ]),
            "application/vnd.docker.raw-stream",
        ),
        ("GET", ["containers", _, "top"]) => json_response(
            200,
            json!({"Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], "Processes": [["root", "4211", "4190", "0", "08:00", "?", "00:00:01", "nginx: master process"]]}),
        ),
        ("GET", ["containers", _, "stats"]) => json_response(200, fixtures::stats()),
        ("POST", ["containers", "already", "start"]) => ResponseTemplate::new(304),
        ("POST", ["containers", _, "start" | "stop" | "restart" | "kill"]) => {
            ResponseTemplate::new(204)
        }
        ("DELETE", ["containers", _]) => ResponseTemplate::new(204),
        ("GET", ["images", "json"]) => json_response(
            200,
            json!([{"Id": "sha256:4f5e", "RepoTags": ["nginx:1.27"], "RepoDigests": null, "Created": 1732300000, "Size": 187654321, "Labels": null, "Containers": -1}]),
        ),
        ("GET", ["images", name @ .., "json"]) => json_response(
            200,
            json!({"Id": "sha256:4f5e", "RepoTags": [name.join("/")], "Config": {"Env": ["PATH=/usr/bin", "NGINX_VERSION=1.27.0"], "ExposedPorts": {"80/tcp": {}}}, "Architecture": "amd64", "Os": "linux"}),
        ),
        ("DELETE", ["images", ..]) => json_response(
            200,
            json!([{"Untagged": "nginx:1.27"}, {"Deleted": "sha256:4f5e"}]),
        ),
        ("GET", ["volumes"]) => json_response(
            200,
            json!({"Volumes": [{"Name": "pgdata", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/pgdata/_data", "Labels": null, "Scope": "local", "Options": null}], "Warnings": null}),
        ),
        ("GET", ["volumes", name]) => json_response(
            200,
            json!({"Name": name, "Driver": "local", "Mountpoint": format!("/var/lib/docker/volumes/{name}/_data"), "Scope": "local"}),
        ),
        ("DELETE", ["volumes", "busy"]) => json_response(
            409,
            json!({"message": "remove busy: volume is in use - [8dfafdbc3a40]"}),
        ),
        ("DELETE", ["volumes", _]) => ResponseTemplate::new(204),
        ("GET", ["networks"]) => json_response(
            200,
            json!([{"Name": "bridge", "Id": "f2de", "Driver": "bridge", "Scope": "local", "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}}]),
        ),
        ("GET", ["networks", id]) => json_response(
            200,
            json!({"Name": id, "Id": "f2de", "Driver": "bridge", "Containers": {"8dfa": {"Name": "web", "IPv4Address": "172.17.0.2/16"}}}),
        ),
        ("GET", ["info"]) => json_response(
            200,
            json!({"ID": "7TRN", "Containers": 3, "ContainersRunning": 2, "Images": 5, "Driver": "overlay2", "ServerVersion": "27.3.1", "NCPU": 4, "MemTotal": 8217473024u64, "Swarm": {"LocalNodeState": "inactive"}}),
        ),
        ("GET", ["version"]) => json_response(
            200,
            json!({"Version": "27.3.1", "ApiVersion": "1.47", "MinAPIVersion": "1.24", "Os": "linux", "Arch": "amd64"}),
        ),
        ("GET", ["system", "df"]) => json_response(
            200,
            json!({"LayersSize": 1092588, "Images": [], "Containers": [], "Volumes": [], "BuildCache": null}),
        ),
        (_, ["containers", ..]) => no_such("container", "?"),
        _ => json_response(404, json!({"message": "page not found"})),
    }
}

fn kubernetes(method: &str, rest: &[&str]) -> ResponseTemplate {
    match (method, rest) {
        ("GET", ["api", "v1", "namespaces"]) => json_response(
            200,
            json!({"kind": "NamespaceList", "apiVersion": "v1", "items": [{"metadata": {"name": "default"}}]}),
        ),
        _ => json_response(
            404,
            json!({"kind": "Status", "status": "Failure", "message": "the server could not find the requested resource", "code": 404}),
        ),
    }
}

pub mod fixtures {
    use serde_json::{json, Value};

    pub fn version(v: &str) -> Value {
        json!({
            "ServerVersion": v, "ServerEdition": "EE", "DatabaseVersion": v, "UpdateAvailable": false,
            "LatestVersion": "", "VersionSupport": "STS",
            "Build": {"BuildNumber": "52", "ImageTag": v, "NodejsVersion": "18.20.4", "YarnVersion": "1.22.22", "WebpackVersion": "5.88.2", "GoVersion": "go1.23.4", "GitCommit": "8ad1b9f"},
            "Dependencies": {"DockerVersion": "27.3.1", "HelmVersion": "v3.16.2", "KubectlVersion": "v1.31.0", "ComposeVersion": "v2.29.7"},
            "Runtime": {"Env": ["PORTAINER_EDITION=EE"], "Os": "linux", "Arch": "amd64"}
        })
    }

    pub fn environments() -> Vec<Value> {
        vec![
            json!({
                "Id": 1, "Name": "local", "Type": 1, "URL": "unix:///var/run/docker.sock", "GroupId": 1,
                "PublicURL": "", "Status": 1, "TagIds": [1], "UserTrusted": true, "Heartbeat": true,
                "TLSConfig": {"TLS": false, "TLSSkipVerify": false},
                "Snapshots": [], "Kubernetes": {"Snapshots": null, "Configuration": {"UseLoadBalancer": false}},
                "UserAccessPolicies": null, "TeamAccessPolicies": null,
                "Agent": {"Version": ""}, "EdgeCheckinInterval": 0, "QueryDate": 1732437600,
                "FieldNewerThanOurSpec": "kept"
            }),
            json!({
                "Id": 3, "Name": "k8s-prod", "Type": 6, "URL": "10.0.4.20:9001", "GroupId": 2,
                "Status": 2, "TagIds": null, "Snapshots": null,
                "Kubernetes": {"Snapshots": [], "Configuration": {"UseServerMetrics": true}},
                "Agent": {"Version": "2.45.3"}
            }),
        ]
    }

    /// `GET /containers/json` of a busy host, shaped like Docker's answer.
    pub fn containers(n: usize) -> Vec<Value> {
        (0..n)
            .map(|i| {
                json!({
                    "Id": format!("{:064x}", i * 7919 + 1),
                    "Names": [format!("/app-{i}")],
                    "Image": "registry.example.com/team/app:1.4.2",
                    "ImageID": format!("sha256:{:064x}", i + 99),
                    "Command": "/usr/local/bin/app --serve",
                    "Created": 1732400000 + i,
                    "Ports": [{"PrivatePort": 8080, "Type": "tcp"}],
                    "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": format!("svc{}", i % 7)},
                    "State": if i % 5 == 0 { "exited" } else { "running" },
                    "Status": "Up 2 days",
                    "HostConfig": {"NetworkMode": "bridge"},
                    "NetworkSettings": {"Networks": {"bridge": {"IPAddress": format!("172.17.{}.{}", i / 250, i % 250 + 2)}}},
                    "Mounts": []
                })
            })
            .collect()
    }

    pub fn container_inspect(id: &str) -> Value {
        json!({
            "Id": id, "Name": "/web", "Image": "sha256:4f5e", "RestartCount": 0,
            "State": {"Status": "running", "Running": true, "Pid": 4211, "StartedAt": "2026-11-24T08:00:00Z", "Health": null},
            "Config": {"Image": "nginx:1.27", "Env": ["PATH=/usr/bin", "DB_PASSWORD=s3cr3t-db-pass"], "Labels": {"team": "web"}},
            "HostConfig": {"RestartPolicy": {"Name": "unless-stopped"}},
            "Mounts": [{"Type": "volume", "Name": "pgdata", "Destination": "/data"}]
        })
    }

    /// Docker's multiplexed stream framing: [stream, 0, 0, 0, len(4, BE)] + payload.
    pub fn log_stream(frames: &[(u8, &str)]) -> Vec<u8> {
        let mut out = vec![];
        for (stream, text) in frames {
            out.extend_from_slice(&[*stream, 0, 0, 0]);
            out.extend_from_slice(&(text.len() as u32).to_be_bytes());
            out.extend_from_slice(text.as_bytes());
        }
        out
    }

    pub fn stats() -> Value {
        json!({
            "read": "2026-11-24T09:00:00Z", "name": "/web", "id": "8dfa",
            "cpu_stats": {"cpu_usage": {"total_usage": 123456789, "percpu_usage": [1, 2, 3, 4]}, "system_cpu_usage": 9876543210u64, "online_cpus": 4},
            "precpu_stats": {"cpu_usage": {"total_usage": 123000000}},
            "memory_stats": {"usage": 52428800, "limit": 8217473024u64, "stats": {"cache": 1, "rss": 2}},
            "networks": {"eth0": {"rx_bytes": 1024, "tx_bytes": 2048}}
        })
    }

    pub fn groups() -> Value {
        json!([
            {"Id": 1, "Name": "Unassigned", "Description": "Unassigned environments", "TagIds": [], "UserAccessPolicies": {}, "TeamAccessPolicies": {}},
            {"Id": 2, "Name": "production", "Description": "", "TagIds": [1], "UserAccessPolicies": {"2": {"RoleId": 0}}, "TeamAccessPolicies": null}
        ])
    }

    pub fn stack() -> Value {
        json!({
            "Id": 7, "Name": "web", "Type": 2, "EndpointId": 1, "SwarmId": "", "EntryPoint": "docker-compose.yml",
            "Env": [{"name": "LOG_LEVEL", "value": "info"}], "Status": 1, "ProjectPath": "/data/compose/7",
            "CreationDate": 1732400000, "CreatedBy": "admin", "UpdateDate": 0, "UpdatedBy": "",
            "ResourceControl": {"Id": 12, "ResourceId": "1_web", "Type": 6, "UserAccesses": [], "TeamAccesses": [], "Public": false, "AdministratorsOnly": true},
            "GitConfig": null, "AutoUpdate": null, "Option": null, "IsComposeFormat": false
        })
    }
}
