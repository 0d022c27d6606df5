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
    match (method, rest) {
        ("GET", ["containers", "json"]) => json_response(
            200,
            json!([{"Id": "8dfafdbc3a40", "Names": ["/web"], "Image": "nginx:1.27", "State": "running", "Status": "Up 3 hours", "Labels": null}]),
        ),
        ("POST", ["containers", id, "stop"]) => {
            let _ = id;
            ResponseTemplate::new(204)
        }
        ("GET", ["containers", id, "json"]) if *id != "missing" => json_response(
            200,
            json!({"Id": id, "Name": "/web", "State": {"Status": "running"}}),
        ),
        (_, ["containers", ..]) => {
            json_response(404, json!({"message": "No such container: missing"}))
        }
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
