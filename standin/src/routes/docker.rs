//! Docker through Portainer's proxy: `/api/endpoints/{env}/docker/...`.
//! Environments 2, 5 and 9 hold 300, 50 and 5,000 containers; a few
//! container ids answer with hostile bodies (the hardening tests').

use crate::answer::{empty, json, raw, Answer};
use crate::fixtures;
use crate::request::Req;
use crate::shared::Shared;
use serde_json::{json, Value};

const RAW_STREAM: &str = "application/vnd.docker.raw-stream";

/// `rest` is the path after `/docker`.
pub(super) fn route(req: &Req, shared: &Shared, env: &str, rest: &[&str]) -> Answer {
    if let Some(answer) = bench(req, shared, env, rest) {
        return answer;
    }
    match (req.method, env, rest) {
        ("GET", "2", ["containers", "json"]) => json(200, Value::Array(fixtures::containers(300))),
        ("GET", "9", ["containers", "json"]) => json(200, Value::Array(fixtures::containers(5000))),
        ("GET", "5", ["containers", "json"]) => json(200, Value::Array(fixtures::containers(50))),
        // `ps e` (ps_args "auxe", "eww"): each command line ends with the
        // process's environment.
        ("GET", _, ["containers", _, "top"])
            if req
                .query
                .is_some_and(|q| q.contains("ps_args=") && q.contains('e')) =>
        {
            json(
                200,
                json!({"Titles": ["USER", "PID", "COMMAND"], "Processes": [
                    ["root", "1", "sleep 1000 PATH=/usr/local/bin:/usr/bin HOSTNAME=web DB_PASSWORD=hunter2 API_TOKEN=tok-9f8e"],
                    ["root", "7", "/app --db postgres://app:pgpass-77@db:5432/shop SESSION_KEY=abcdef"]]}),
            )
        }
        ("GET", _, ["containers", "huge500", "json"]) => json(
            500,
            json!({"message": format!("database error: {}", "x".repeat(2 << 20))}),
        ),
        ("GET", _, ["containers", "deep", "json"]) => raw(
            200,
            "application/json",
            "[".repeat(100_000) + &"]".repeat(100_000),
        ),
        ("GET", _, ["containers", id, "json"]) if id.len() > 1000 => {
            json(404, json!({"message": format!("No such container: {id}")}))
        }
        _ => engine(req, rest),
    }
}

/// The bench's long list and long log, when the options ask for them
/// (shared bytes, serialized once).
fn bench(req: &Req, shared: &Shared, env: &str, rest: &[&str]) -> Option<Answer> {
    let (prepared, kind) = match (req.method, env, rest) {
        ("GET", "1", ["containers", "json"]) => (&shared.bench.containers, "application/json"),
        ("GET", _, ["containers", "json"]) if shared.fleet => {
            (&shared.bench.containers, "application/json")
        }
        ("GET", "1", ["containers", "app-1", "logs"]) => (&shared.bench.log, RAW_STREAM),
        _ => return None,
    };
    prepared.clone().map(|body| raw(200, kind, body))
}

/// The engine's own answers, the same on every environment.
fn engine(req: &Req, rest: &[&str]) -> Answer {
    let method = req.method;
    let no_such =
        |what: &str, id: &str| json(404, json!({"message": format!("No such {what}: {id}")}));
    match (method, rest) {
        ("GET", ["containers", "json"]) => json(200, Value::Array(fixtures::containers(2))),
        ("GET", ["containers", "missing", ..])
        | ("POST", ["containers", "missing", ..])
        | ("DELETE", ["containers", "missing"]) => no_such("container", "missing"),
        ("GET", ["containers", id, "json"]) => json(200, fixtures::container_inspect(id)),
        // A TTY container's log is not framed, and may look like JSON.
        ("GET", ["containers", "tty", "logs"]) => {
            raw(200, RAW_STREAM, "[INFO] started\n[WARN] cache cold\n")
        }
        ("GET", ["containers", _, "logs"]) => raw(
            200,
            RAW_STREAM,
            fixtures::log_stream(&[
                (1, "listening on :8080\n"),
                (2, "warning: cache cold\n"),
                (1, "GET /health 200\n"),
            ]),
        ),
        ("GET", ["containers", _, "top"]) => json(
            200,
            json!({"Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"], "Processes": [["root", "4211", "4190", "0", "08:00", "?", "00:00:01", "nginx: master process"]]}),
        ),
        ("GET", ["containers", id, "stats"]) => json(200, fixtures::stats(id)),
        ("POST", ["containers", "already", "start"]) => empty(304),
        (
            "POST",
            ["containers", _, "start" | "stop" | "restart" | "kill" | "pause" | "unpause"],
        ) => empty(204),
        ("DELETE", ["containers", _]) => empty(204),
        ("GET", ["images", "json"]) => json(
            200,
            json!([{"Id": "sha256:4f5e", "RepoTags": ["nginx:1.27"], "RepoDigests": null, "Created": 1732300000, "Size": 187654321, "Labels": null, "Containers": -1}]),
        ),
        ("GET", ["images", name @ .., "json"]) => json(
            200,
            json!({"Id": "sha256:4f5e", "RepoTags": [name.join("/")], "Config": {"Env": ["PATH=/usr/bin", "NGINX_VERSION=1.27.0"], "ExposedPorts": {"80/tcp": {}}}, "Architecture": "amd64", "Os": "linux"}),
        ),
        ("DELETE", ["images", ..]) => json(
            200,
            json!([{"Untagged": "nginx:1.27"}, {"Deleted": "sha256:4f5e"}]),
        ),
        ("GET", ["volumes"]) => json(
            200,
            json!({"Volumes": [{"Name": "pgdata", "Driver": "local", "Mountpoint": "/var/lib/docker/volumes/pgdata/_data", "Labels": null, "Scope": "local", "Options": null}], "Warnings": null}),
        ),
        ("GET", ["volumes", name]) => json(
            200,
            json!({"Name": name, "Driver": "local", "Mountpoint": format!("/var/lib/docker/volumes/{name}/_data"), "Scope": "local"}),
        ),
        ("DELETE", ["volumes", "busy"]) => json(
            409,
            json!({"message": "remove busy: volume is in use - [8dfafdbc3a40]"}),
        ),
        ("DELETE", ["volumes", _]) => empty(204),
        // A pull answers 200 and streams progress; a failure is a line
        // with `error`. team/private needs the registry Portainer holds.
        ("POST", ["images", "create"]) => {
            let private = req
                .query
                .is_some_and(|q| q.contains("fromImage=team%2Fprivate"));
            let body = if private && req.registry_auth.is_none() {
                "{\"status\":\"Pulling from team/private\",\"id\":\"v2\"}\r\n{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},\"error\":\"unauthorized: authentication required\"}\r\n"
            } else {
                "{\"status\":\"Pulling from library/nginx\",\"id\":\"1.27\"}\r\n{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"a1\"}\r\n{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"a1\"}\r\n{\"status\":\"Digest: sha256:5eed\"}\r\n{\"status\":\"Status: Downloaded newer image for nginx:1.27\"}\r\n"
            };
            raw(200, "application/json", body)
        }
        // The engine echoes what it made.
        ("POST", ["volumes", "create"]) => {
            let b = req.json();
            json(
                201,
                json!({"Name": b["Name"], "Driver": "local", "Mountpoint": format!("/var/lib/docker/volumes/{}/_data", b["Name"].as_str().unwrap_or("")),
                       "Labels": b["Labels"], "Scope": "local", "CreatedAt": "2026-12-04T10:00:00Z"}),
            )
        }
        ("POST", ["networks", "create"]) => json(
            201,
            json!({"Id": "5c1f3e4c1b2a9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e", "Warning": ""}),
        ),
        ("GET", ["networks"]) => json(
            200,
            json!([{"Name": "bridge", "Id": "f2de", "Driver": "bridge", "Scope": "local", "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}}]),
        ),
        ("GET", ["networks", id]) => json(
            200,
            json!({"Name": id, "Id": "f2de", "Driver": "bridge", "Containers": {"8dfa": {"Name": "web", "IPv4Address": "172.17.0.2/16"}}}),
        ),
        ("GET", ["info"]) => json(
            200,
            json!({"ID": "7TRN", "Containers": 3, "ContainersRunning": 2, "Images": 5, "Driver": "overlay2", "ServerVersion": "27.3.1", "NCPU": 4, "MemTotal": 8217473024u64, "Swarm": {"LocalNodeState": "inactive"}}),
        ),
        ("GET", ["version"]) => json(
            200,
            json!({"Version": "27.3.1", "ApiVersion": "1.47", "MinAPIVersion": "1.24", "Os": "linux", "Arch": "amd64"}),
        ),
        ("GET", ["system", "df"]) => json(
            200,
            json!({"LayersSize": 1092588,
                   "Images": [{"Id": "sha256:4f5e", "RepoTags": ["nginx:1.27"], "Size": 1092588, "SharedSize": 0, "Containers": 1}],
                   "Containers": [{"Id": "8dfa", "Names": ["/web"], "State": "running", "SizeRw": 4096, "SizeRootFs": 1096684}],
                   "Volumes": [{"Name": "pgdata", "UsageData": {"Size": 5242880, "RefCount": 1}},
                               {"Name": "old-cache", "UsageData": {"Size": 3145728, "RefCount": 0}}],
                   "BuildCache": null}),
        ),
        ("GET", ["services"]) => json(200, json!([fixtures::service()])),
        ("GET", ["services", "shop_web"]) => json(200, fixtures::service()),
        // For waits: `steady` runs its 2 tasks; `broken`'s update paused
        // after a task failed.
        ("GET", ["services", name @ ("steady" | "broken")]) => {
            let mut svc = fixtures::service();
            svc["ID"] = json!(name);
            svc["Spec"]["Name"] = json!(name);
            if *name == "broken" {
                svc["UpdateStatus"] = json!({"State": "paused", "Message": "update paused due to failure or early termination of task b2"});
            }
            json(200, svc)
        }
        ("POST", ["services", "steady" | "broken", "update"]) => {
            json(200, json!({"Warnings": null}))
        }
        ("GET", ["tasks"])
            if req
                .query
                .is_some_and(|q| q.contains("steady") || q.contains("broken")) =>
        {
            let broken = req.query.is_some_and(|q| q.contains("broken"));
            let task = |id: &str, state: &str, desired: &str| {
                json!({"ID": id, "ServiceID": "x", "DesiredState": desired,
                "Status": {"State": state, "Err": if state == "failed" { "task: non-zero exit (1)" } else { "" }, "ContainerStatus": {"ExitCode": if state == "failed" { 1 } else { 0 }}}})
            };
            if broken {
                json(
                    200,
                    json!([
                        task("b1", "running", "running"),
                        task("b2", "failed", "shutdown")
                    ]),
                )
            } else {
                json(
                    200,
                    json!([
                        task("s1", "running", "running"),
                        task("s2", "running", "running")
                    ]),
                )
            }
        }
        // Its tasks' lines, interleaved, as the API sends them.
        ("GET", ["services", "shop_web", "logs"]) => raw(
            200,
            RAW_STREAM,
            fixtures::log_stream(&[
                (1, "listening on :8080\n"),
                (2, "error: upstream timeout\n"),
                (1, "GET /health 200\n"),
            ]),
        ),
        ("GET", ["services", "agent"]) => json(
            200,
            json!({"ID": "g1", "Version": {"Index": 9}, "Spec": {"Name": "agent", "Mode": {"Global": {}}, "TaskTemplate": {"ContainerSpec": {"Image": "agent:2"}}}}),
        ),
        ("POST", ["services", "shop_web", "update"]) => json(200, json!({"Warnings": null})),
        ("GET", ["tasks"]) => json(
            200,
            json!([{"ID": "t1", "ServiceID": "s1", "NodeID": "n1", "Slot": 1, "DesiredState": "running",
            "Status": {"State": "running", "Message": "started"}, "Spec": {"ContainerSpec": {"Image": "shop/web:1.4", "Env": ["SECRET_KEY=abc"]}}}]),
        ),
        ("GET", ["nodes"]) => json(
            200,
            json!([{"ID": "n1", "Description": {"Hostname": "mgr-1", "Engine": {"EngineVersion": "27.3.1"}},
            "Spec": {"Role": "manager", "Availability": "active"}, "Status": {"State": "ready"}, "ManagerStatus": {"Leader": true}}]),
        ),
        (_, ["containers", ..]) => no_such("container", "?"),
        _ => json(404, json!({"message": "page not found"})),
    }
}
