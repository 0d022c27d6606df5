//! A loopback stand-in for Portainer that answers the routes our tools use
//! with realistic bodies and records every request it receives.

use serde_json::{json, Value};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

pub const TOKEN: &str = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a";
/// A second user's token (HTTP transport tests).
pub const BOB_TOKEN: &str = "ptr_BOBTOKEN_77aa0c1d2e3f4a5b";

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

fn body_of(req: &Request) -> Value {
    serde_json::from_slice(&req.body).unwrap_or(Value::Null)
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
    let key = req.headers.get("x-api-key").and_then(|v| v.to_str().ok());
    if !matches!(key, Some(TOKEN) | Some(BOB_TOKEN)) && req.url.path() != "/api/system/status" {
        return json_response(
            401,
            json!({"message": "Unauthorized", "details": "A valid authorisation token is missing"}),
        );
    }
    if req.url.path() == "/api/users/me" {
        return match key {
            Some(BOB_TOKEN) => json_response(200, json!({"Id": 2, "Username": "bob", "Role": 2})),
            _ => json_response(200, json!({"Id": 1, "Username": "admin", "Role": 1})),
        };
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
        ("GET", ["api", "stacks", "11"]) => json_response(200, fixtures::git_stack()),
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
        ("PUT", ["api", "endpoints", "1"]) => {
            let mut e = fixtures::environments()[0].clone();
            if let Some(n) = body_of(req).get("Name") {
                e["Name"] = n.clone();
            }
            json_response(200, e)
        }
        ("GET", ["api", "endpoint_groups", "2"]) => {
            json_response(200, fixtures::groups()[1].clone())
        }
        ("POST", ["api", "endpoint_groups"]) => json_response(
            200,
            json!({"Id": 3, "Name": body_of(req)["Name"], "TagIds": []}),
        ),
        ("PUT", ["api", "endpoint_groups", "2"]) => {
            json_response(200, fixtures::groups()[1].clone())
        }
        ("DELETE", ["api", "endpoint_groups", "2"]) => ResponseTemplate::new(204),
        ("POST", ["api", "tags"]) => json_response(
            200,
            json!({"ID": 3, "Name": body_of(req)["Name"], "Endpoints": {}, "EndpointGroups": {}}),
        ),
        ("DELETE", ["api", "tags", "2"]) => ResponseTemplate::new(204),
        ("POST", ["api", "stacks", "create", "standalone" | "swarm", "string"]) => {
            let b = body_of(req);
            json_response(
                200,
                json!({"Id": 9, "Name": b["Name"], "Type": if segs[4] == "swarm" { 1 } else { 2 }, "EndpointId": 1, "Env": b["Env"], "Status": 1}),
            )
        }
        ("PUT", ["api", "stacks", "7"]) => {
            let mut st = fixtures::stack();
            st["Env"] = body_of(req)["Env"].clone();
            json_response(200, st)
        }
        ("DELETE", ["api", "stacks", "7"]) => ResponseTemplate::new(204),
        ("PUT", ["api", "stacks", "11", "git", "redeploy"]) => {
            let mut st = fixtures::git_stack();
            st["Env"] = body_of(req)["Env"].clone();
            json_response(200, st)
        }
        ("PUT", ["api", "stacks", "7", "git", "redeploy"]) => json_response(
            400,
            json!({"message": "Stack is not created from git", "details": "stack is not a git stack"}),
        ),
        ("GET", ["api", "settings"]) => json_response(
            200,
            json!({"AuthenticationMethod": 2, "SnapshotInterval": "5m", "EdgeAgentCheckinInterval": 5,
            "LDAPSettings": {"URL": "ldap.example.com:389", "ReaderDN": "cn=reader", "Password": "ldap-bind-secret", "AnonymousMode": false},
            "OAuthSettings": {"ClientID": "portainer", "ClientSecret": "oauth-client-secret", "AuthorizationURI": "https://sso.example.com/auth"}}),
        ),
        ("GET", ["api", "users", "2"]) => {
            json_response(200, json!({"Id": 2, "Username": "dev", "Role": 2}))
        }
        ("POST", ["api", "users"]) => json_response(
            200,
            json!({"Id": 5, "Username": body_of(req)["Username"], "Role": body_of(req)["Role"]}),
        ),
        ("PUT", ["api", "users", "2"]) => json_response(
            200,
            json!({"Id": 2, "Username": "dev", "Role": body_of(req)["Role"]}),
        ),
        ("DELETE", ["api", "users", "2"]) => ResponseTemplate::new(204),
        ("GET", ["api", "teams", "1"]) => json_response(200, json!({"Id": 1, "Name": "platform"})),
        ("POST", ["api", "teams"]) => {
            json_response(200, json!({"Id": 3, "Name": body_of(req)["Name"]}))
        }
        ("PUT", ["api", "teams", "1"]) => {
            json_response(200, json!({"Id": 1, "Name": body_of(req)["Name"]}))
        }
        ("DELETE", ["api", "teams", "1"]) => ResponseTemplate::new(204),
        ("GET", ["api", "team_memberships"]) => {
            json_response(200, json!([{"Id": 1, "UserID": 2, "TeamID": 1, "Role": 2}]))
        }
        ("POST", ["api", "team_memberships"]) => {
            json_response(200, json!({"Id": 2, "UserID": 2, "TeamID": 2, "Role": 1}))
        }
        ("DELETE", ["api", "team_memberships", "1"]) => ResponseTemplate::new(204),
        ("GET", ["api", "roles"]) => json_response(
            200,
            json!([{"Id": 1, "Name": "Environment administrator", "Priority": 1, "Authorizations": {"DockerContainerList": true}}]),
        ),
        ("GET", ["api", "registries"]) => json_response(200, json!([fixtures::registry()])),
        ("GET", ["api", "registries", "1"]) => json_response(200, fixtures::registry()),
        ("POST", ["api", "registries"]) => json_response(200, fixtures::registry()),
        ("PUT", ["api", "registries", "1"]) => json_response(200, fixtures::registry()),
        ("DELETE", ["api", "registries", "1"]) => ResponseTemplate::new(204),
        ("GET", ["api", "edge_groups"]) => json_response(
            200,
            json!([{"Id": 1, "Name": "stores", "Dynamic": true, "TagIds": [2], "Endpoints": null, "PartialMatch": false}]),
        ),
        ("GET", ["api", "edge_stacks"]) => json_response(
            200,
            json!([{"Id": 1, "Name": "pos", "EdgeGroups": [1], "DeploymentType": 0, "Status": {}}]),
        ),
        ("GET", ["api", "edge_stacks", "1"]) => json_response(
            200,
            json!({"Id": 1, "Name": "pos", "EdgeGroups": [1], "DeploymentType": 0}),
        ),
        ("GET", ["api", "edge_jobs"]) => json_response(
            200,
            json!([{"Id": 1, "Name": "cleanup", "CronExpression": "0 3 * * *", "Recurring": true}]),
        ),
        ("GET", ["api", "endpoints", "3", "kubernetes", "helm"]) => json_response(
            200,
            json!([{"name": "ingress", "namespace": "ingress-nginx", "chart": {"metadata": {"name": "ingress-nginx", "version": "4.11.3", "appVersion": "1.11.3"}}, "info": {"status": "deployed"}, "version": 3}]),
        ),
        ("POST", ["api", "endpoints", "3", "kubernetes", "helm"]) => json_response(
            201,
            json!({"name": body_of(req)["name"], "namespace": body_of(req)["namespace"], "version": 1, "info": {"status": "deployed"}}),
        ),
        ("DELETE", ["api", "endpoints", "3", "kubernetes", "helm", _]) => {
            ResponseTemplate::new(204)
        }
        ("GET", ["api", "kubernetes", "3", "namespaces"]) => json_response(
            200,
            json!([{"Id": "a1", "Name": "default", "Status": {"phase": "Active"}, "IsSystem": false}, {"Id": "b2", "Name": "kube-system", "IsSystem": true}]),
        ),
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
        ("GET", ["api", "endpoints", "9", "docker", "containers", "json"]) => {
            json_response(200, Value::Array(fixtures::containers(5000)))
        }
        ("GET", ["api", "endpoints", "5", "docker", "containers", "json"]) => {
            json_response(200, Value::Array(fixtures::containers(50)))
        }
        // `ps e` (ps_args "auxe", "eww"): each command line ends with the
        // process's environment.
        ("GET", ["api", "endpoints", _, "docker", "containers", _, "top"])
            if req
                .url
                .query()
                .is_some_and(|q| q.contains("ps_args=") && q.contains('e')) =>
        {
            json_response(
                200,
                json!({"Titles": ["USER", "PID", "COMMAND"], "Processes": [
                    ["root", "1", "sleep 1000 PATH=/usr/local/bin:/usr/bin HOSTNAME=web DB_PASSWORD=hunter2 API_TOKEN=tok-9f8e"],
                    ["root", "7", "/app --db postgres://app:pgpass-77@db:5432/shop SESSION_KEY=abcdef"]]}),
            )
        }
        ("GET", ["api", "endpoints", _, "docker", "containers", "huge500", "json"]) => {
            json_response(
                500,
                json!({"message": format!("database error: {}", "x".repeat(2 << 20))}),
            )
        }
        ("GET", ["api", "endpoints", _, "docker", "containers", "deep", "json"]) => {
            ResponseTemplate::new(200).set_body_raw(
                "[".repeat(100_000) + &"]".repeat(100_000),
                "application/json",
            )
        }
        ("GET", ["api", "endpoints", _, "docker", "containers", id, "json"]) if id.len() > 1000 => {
            json_response(404, json!({"message": format!("No such container: {id}")}))
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
        // A TTY container's log is not framed, and may look like JSON.
        ("GET", ["containers", "tty", "logs"]) => ResponseTemplate::new(200).set_body_raw(
            "[INFO] started\n[WARN] cache cold\n",
            "application/vnd.docker.raw-stream",
        ),
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
        ("GET", ["services"]) => json_response(200, json!([fixtures::service()])),
        ("GET", ["services", "shop_web"]) => json_response(200, fixtures::service()),
        ("GET", ["services", "agent"]) => json_response(
            200,
            json!({"ID": "g1", "Version": {"Index": 9}, "Spec": {"Name": "agent", "Mode": {"Global": {}}, "TaskTemplate": {"ContainerSpec": {"Image": "agent:2"}}}}),
        ),
        ("POST", ["services", "shop_web", "update"]) => {
            json_response(200, json!({"Warnings": null}))
        }
        ("GET", ["tasks"]) => json_response(
            200,
            json!([{"ID": "t1", "ServiceID": "s1", "NodeID": "n1", "Slot": 1, "DesiredState": "running",
            "Status": {"State": "running", "Message": "started"}, "Spec": {"ContainerSpec": {"Image": "shop/web:1.4", "Env": ["SECRET_KEY=abc"]}}}]),
        ),
        ("GET", ["nodes"]) => json_response(
            200,
            json!([{"ID": "n1", "Description": {"Hostname": "mgr-1", "Engine": {"EngineVersion": "27.3.1"}},
            "Spec": {"Role": "manager", "Availability": "active"}, "Status": {"State": "ready"}, "ManagerStatus": {"Leader": true}}]),
        ),
        (_, ["containers", ..]) => no_such("container", "?"),
        _ => json_response(404, json!({"message": "page not found"})),
    }
}

fn kubernetes(method: &str, rest: &[&str]) -> ResponseTemplate {
    let not_found = || {
        json_response(
            404,
            json!({"kind": "Status", "status": "Failure", "message": "the server could not find the requested resource", "reason": "NotFound", "code": 404}),
        )
    };
    match (method, rest) {
        ("GET", ["api", "v1"]) => json_response(
            200,
            json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod"},
            {"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod"},
            {"name": "secrets", "singularName": "secret", "namespaced": true, "kind": "Secret"},
            {"name": "namespaces", "singularName": "namespace", "namespaced": false, "kind": "Namespace"},
            {"name": "events", "singularName": "event", "namespaced": true, "kind": "Event"}]}),
        ),
        ("GET", ["apis", "apps", "v1"]) => json_response(
            200,
            json!({"kind": "APIResourceList", "groupVersion": "apps/v1", "resources": [
            {"name": "deployments", "singularName": "deployment", "namespaced": true, "kind": "Deployment"},
            {"name": "deployments/scale", "singularName": "", "namespaced": true, "kind": "Scale"}]}),
        ),
        ("GET", ["api", "v1", "namespaces"]) => json_response(
            200,
            json!({"kind": "NamespaceList", "apiVersion": "v1", "items": [{"metadata": {"name": "default"}}]}),
        ),
        ("GET", ["api", "v1", "namespaces", "shop", "pods"] | ["api", "v1", "pods"]) => {
            json_response(
                200,
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "811", "continue": "eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ"},
            "items": [{"metadata": {"name": "web-7d4b9c-x2x", "namespace": "shop", "labels": {"app": "web"}, "managedFields": [{"manager": "kube-controller-manager", "operation": "Update", "fieldsV1": {"f:metadata": {}}}]},
                       "status": {"phase": "Running", "podIP": "10.42.0.12"}}]}),
            )
        }
        ("GET", ["api", "v1", "namespaces", "shop", "secrets", "db"]) => json_response(
            200,
            json!({"kind": "Secret", "apiVersion": "v1",
            "metadata": {"name": "db", "namespace": "shop", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"czNjcjN0\"}}"}},
            "type": "Opaque", "data": {"password": "czNjcjN0", "user": "YWRtaW4="}}),
        ),
        ("GET", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web"]) => {
            json_response(200, fixtures::deployment(3))
        }
        ("GET", ["api", "v1", "namespaces", "shop", "pods", "web-7d4b9c-x2x", "log"]) => {
            ResponseTemplate::new(200).set_body_string("GET / 200\nGET /health 200\n")
        }
        ("GET", ["api", "v1", "namespaces", "shop", "events"] | ["api", "v1", "events"]) => {
            json_response(
                200,
                json!({"kind": "EventList", "items": [
            {"metadata": {"name": "web.1", "namespace": "shop"}, "type": "Warning", "reason": "BackOff", "message": "Back-off restarting failed container", "count": 7,
             "involvedObject": {"kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"}, "lastTimestamp": "2026-11-24T08:59:00Z", "source": {"component": "kubelet"}}]}),
            )
        }
        ("PATCH", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web", "scale"]) => {
            json_response(
                200,
                json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"replicas": 5}, "status": {"replicas": 3}}),
            )
        }
        ("PATCH", ["apis", "apps", "v1", "namespaces", "shop", "deployments", "web"]) => {
            json_response(200, fixtures::deployment(3))
        }
        _ => not_found(),
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
                "TLSConfig": {"TLS": true, "TLSSkipVerify": false, "TLSCACert": "/data/tls/1/ca.pem", "TLSKey": "/data/tls/1/key.pem"},
                "EdgeKey": "aHR0cHM6Ly9wb3J0YWluZXI6OTQ0M3xwb3J0YWluZXI6ODAwMHxrZXktc2VjcmV0fDE",
                "AzureCredentials": {"ApplicationID": "app", "TenantID": "tenant", "AuthenticationKey": "azure-auth-key"},
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

    pub fn git_stack() -> Value {
        json!({
            "Id": 11, "Name": "api", "Type": 2, "EndpointId": 1, "Status": 1,
            "Env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "db-pass-123"}],
            "GitConfig": {"URL": "https://git.example.com/team/api.git", "ReferenceName": "refs/heads/release", "ConfigFilePath": "docker-compose.yml",
                          "Authentication": {"Username": "deploy-bot", "Password": "", "AuthorizationType": 0}, "ConfigHash": "8ad1b9f"}
        })
    }

    pub fn registry() -> Value {
        json!({"Id": 1, "Name": "internal", "Type": 3, "URL": "registry.example.com:5000", "BaseURL": "", "Authentication": true,
               "Username": "ci", "Password": "registry-pass", "ManagementConfiguration": null,
               "Gitlab": {"ProjectId": 0}, "Quay": {"UseOrganisation": false}, "Ecr": {"Region": ""},
               "RegistryAccesses": {"1": {"UserAccessPolicies": null, "TeamAccessPolicies": null}}})
    }

    pub fn deployment(replicas: u32) -> Value {
        json!({"kind": "Deployment", "apiVersion": "apps/v1",
               "metadata": {"name": "web", "namespace": "shop", "generation": 4, "managedFields": [{"manager": "kubectl"}]},
               "spec": {"replicas": replicas, "template": {"metadata": {"annotations": {}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                        "env": [{"name": "API_TOKEN", "value": "tok-123"}]}]}}},
               "status": {"replicas": replicas, "readyReplicas": replicas}})
    }

    pub fn service() -> Value {
        json!({"ID": "s1", "Version": {"Index": 42},
               "Spec": {"Name": "shop_web", "Labels": {"com.docker.stack.namespace": "shop"}, "Mode": {"Replicated": {"Replicas": 2}},
                        "TaskTemplate": {"ContainerSpec": {"Image": "shop/web:1.4", "Env": ["LOG_LEVEL=info", "SECRET_KEY=abc"]}, "ForceUpdate": 0}},
               "PreviousSpec": {"Name": "shop_web"}})
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
