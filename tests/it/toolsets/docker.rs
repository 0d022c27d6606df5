//! The docker toolsets against the stand-in: an image pull sent as
//! Portainer expects it (the registry by id in X-Registry-Auth), its
//! progress stream summed up, and a failure inside that stream reported;
//! the container list's `fields`, filled per row from each inspect.

use crate::support::mcp::Session;
use crate::support::portainer::fixtures;
use crate::support::{environment_ids, fleet, sent_to, served};
use base64::Engine;
use serde_json::{json, Value};

#[tokio::test]
async fn image_pull_names_the_registry_by_id_and_reads_the_stream() {
    let (p, s) = served(&["--toolsets", "docker_manage"]).await;

    let out = s
        .ok(
            "docker_image_pull",
            json!({"environment_id": 1, "image": "nginx:1.27"}),
        )
        .await;
    assert_eq!(
        out,
        json!({"image": "nginx:1.27", "layers": 1, "digest": "sha256:5eed",
               "status": "Status: Downloaded newer image for nginx:1.27"})
    );
    let seen = p.seen().await.last().unwrap().clone();
    assert_eq!(seen.path, "/api/endpoints/1/docker/images/create");
    assert_eq!(seen.query.as_deref(), Some("fromImage=nginx&tag=1.27"));
    assert!(
        seen.registry_auth.is_none(),
        "anonymous without registry_id"
    );

    // A 200 whose stream ends in an error is a failed pull.
    let e = s
        .tool_error(
            "docker_image_pull",
            json!({"environment_id": 1, "image": "team/private:v2"}),
        )
        .await;
    assert!(
        e.contains("team/private:v2") && e.contains("unauthorized: authentication required"),
        "{e}"
    );

    // With a registry: Portainer swaps {"registryId": N} for its credentials.
    let out = s
        .ok(
            "docker_image_pull",
            json!({"environment_id": 1, "image": "registry.example.com:5000/team/private:v2", "registry_id": 1}),
        )
        .await;
    assert_eq!(out["layers"], 1, "{out}");
    let seen = p.seen().await.last().unwrap().clone();
    let header = seen.registry_auth.expect("X-Registry-Auth sent");
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(header)
        .unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&decoded).unwrap(),
        json!({"registryId": 1})
    );

    // The image must come from the registry whose credentials go with it.
    let e = s
        .tool_error(
            "docker_image_pull",
            json!({"environment_id": 1, "image": "team/private:v2", "registry_id": 1}),
        )
        .await;
    assert!(
        e.contains("registry.example.com:5000/team/private:v2"),
        "{e}"
    );
    assert_eq!(
        p.seen().await.last().unwrap().path,
        "/api/registries/1",
        "nothing pulled"
    );

    // Bad references are refused before anything is sent.
    let n = p.seen().await.len();
    for image in ["", "nginx latest", "a;rm -rf"] {
        let e = s
            .tool_error(
                "docker_image_pull",
                json!({"environment_id": 1, "image": image}),
            )
            .await;
        assert!(e.contains("`image`"), "{e}");
    }
    let e = s
        .tool_error(
            "docker_image_pull",
            json!({"environment_id": 1, "image": "nginx", "platform": "linux amd64"}),
        )
        .await;
    assert!(e.contains("`platform`"), "{e}");
    assert_eq!(p.seen().await.len(), n);
    s.stop().await;

    // Read-only: not served, and nothing is pulled.
    let s = Session::start(&p.url(), &["--read-only", "--toolsets", "docker_manage"]).await;
    let names: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    assert!(
        !names.contains(&"docker_image_pull".to_string()),
        "{names:?}"
    );
    s.stop().await;
}

#[tokio::test]
async fn docker_tools_answer_in_their_own_shapes() {
    let (p, s) = served(&[]).await;
    // One list tool for images, volumes and networks, each as {items,
    // total}: Docker's {Volumes, Warnings} too, and paged like the others.
    for kind in ["image", "volume", "network"] {
        let v = s
            .ok("docker_list", json!({"environment_id": 1, "kind": kind}))
            .await;
        let n = v["items"]
            .as_array()
            .unwrap_or_else(|| panic!("{kind}: {v}"))
            .len();
        assert!(n >= 1 && v["total"] == n, "{kind}: {v}");
    }
    let v = s
        .ok(
            "docker_list",
            json!({"environment_id": 1, "kind": "volume", "limit": 0}),
        )
        .await;
    assert_eq!(
        (v["items"].clone(), v["total"].clone()),
        (json!([]), json!(1)),
        "{v}"
    );
    let e = s
        .tool_error("docker_list", json!({"environment_id": 1, "kind": "pod"}))
        .await;
    assert!(e.contains("kind `pod` is not one of: image"), "{e}");
    // docker_inspect: a container unless kind says otherwise.
    let n = p.seen().await.len();
    s.ok("docker_inspect", json!({"environment_id": 1, "id": "web"}))
        .await;
    s.ok(
        "docker_inspect",
        json!({"environment_id": 1, "kind": "volume", "id": "pgdata"}),
    )
    .await;
    let e = s
        .tool_error(
            "docker_remove",
            json!({"environment_id": 1, "kind": "image", "id": "nginx", "volumes": true}),
        )
        .await;
    assert!(
        e.contains("`volumes` not used when kind is `image`"),
        "the argument of another kind is named: {e}"
    );
    s.ok(
        "docker_info",
        json!({"environment_id": 1, "what": "version"}),
    )
    .await;
    let paths: Vec<String> = p.seen().await[n..].iter().map(|r| r.path.clone()).collect();
    assert_eq!(
        paths,
        [
            "/api/endpoints/1/docker/containers/web/json",
            "/api/endpoints/1/docker/volumes/pgdata",
            "/api/endpoints/1/docker/version"
        ]
    );
    // Logs come demultiplexed, as plain text.
    let logs = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert_eq!(
        logs,
        json!({"result": "listening on :8080\nwarning: cache cold\nGET /health 200\n"})
    );
    // grep with context; tail as a number, "all", or a number as text.
    let n = p.seen().await.len();
    for (tail, sent) in [
        (json!(5), "tail=5"),
        (json!("all"), "tail=all"),
        (json!("7"), "tail=7"),
    ] {
        let logs = s
            .ok(
                "docker_container_logs",
                json!({"environment_id": 1, "id": "web", "tail": tail, "grep": "warn|GET", "context": 0}),
            )
            .await;
        assert_eq!(logs["result"], "warning: cache cold\nGET /health 200\n");
        let q = p.seen().await.last().unwrap().query.clone().unwrap();
        assert!(q.contains(sent), "{q}");
    }
    assert_eq!(p.seen().await.len(), n + 3);
    let ctx = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "cache", "context": 1}),
        )
        .await;
    assert_eq!(
        ctx["result"],
        "listening on :8080\nwarning: cache cold\nGET /health 200\n"
    );
    let none = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "grep": "panic"}),
        )
        .await;
    assert_eq!(none["result"], "(no line of the 3 read matches `grep`)");
    for (args, word) in [
        (
            json!({"environment_id": 1, "id": "web", "tail": 0}),
            "`tail`",
        ),
        (
            json!({"environment_id": 1, "id": "web", "tail": "many"}),
            "`tail`",
        ),
        (
            json!({"environment_id": 1, "id": "web", "grep": "("}),
            "`grep`",
        ),
        (json!({"environment_id": 1, "id": "../web"}), "`id`"),
    ] {
        let e = s.tool_error("docker_container_logs", args).await;
        assert!(e.contains(word), "{word}: {e}");
    }
    // The same grep on pod logs.
    let pod = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "grep": "health"}),
        )
        .await;
    assert_eq!(pod["result"], "GET /health 200\n");
    // It says which run of the container the lines are from.
    assert!(
        pod["_notes"].to_string().contains("current instance"),
        "{pod}"
    );
    let pod = s
        .ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "previous": true}),
        )
        .await;
    assert!(
        pod["_notes"].to_string().contains("previous instance"),
        "{pod}"
    );
    // Env values in an inspect are redacted, names kept, harmless ones shown;
    // the result says how many were hidden and how to see them.
    let c = s
        .ok("docker_inspect", json!({"environment_id": 1, "id": "web"}))
        .await;
    assert_eq!(
        c["Config"]["Env"],
        json!(["PATH=/usr/bin", "DB_PASSWORD=<redacted>"])
    );
    assert!(
        c["_redacted"].as_str().unwrap().contains("--show-secrets"),
        "{c}"
    );
    // Stats as docker stats computes them, from the engine's two readings.
    let st = s
        .ok(
            "docker_container_stats",
            json!({"environment_id": 1, "id": "web"}),
        )
        .await;
    assert_eq!(
        (st["cpu_percent"].clone(), st["memory_mib"].clone()),
        (json!(78.0), json!(48.6)),
        "{st}"
    );
    let q = p.seen().await.last().unwrap().query.clone();
    assert_eq!(
        q.as_deref(),
        Some("stream=false"),
        "two readings, not one-shot"
    );
    // Every running container in one call, heaviest first.
    let all = s
        .ok(
            "docker_container_stats",
            json!({"environment_id": 5, "limit": 3}),
        )
        .await;
    assert_eq!(
        (all["total"].clone(), all["running"].clone()),
        (json!(40), json!(40)),
        "{all}"
    );
    let mem: Vec<f64> = all["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["memory_mib"].as_f64().unwrap())
        .collect();
    assert_eq!(mem.len(), 3);
    // Named as the list names them, not by id.
    let name = all["items"][0]["name"].as_str().unwrap();
    assert!(name.starts_with("app-"), "{name}");
    assert!(mem[0] >= mem[1] && mem[1] >= mem[2], "{mem:?}");
    // A page of environments says how many there are in all (Portainer's
    // X-Total-Count).
    let page = s.ok("environment_list", json!({"limit": 1})).await;
    let all = fixtures::environments().len();
    assert_eq!(
        (
            page["items"].as_array().unwrap().len(),
            page["total"].clone()
        ),
        (1, json!(all)),
        "{page}"
    );
    // Disk usage summed up as docker system df shows it.
    let df = s
        .ok("docker_disk_usage", json!({"environment_id": 1}))
        .await;
    assert_eq!(df["volumes"]["unused"], json!(["old-cache"]), "{df}");
    assert_eq!(
        (
            df["volumes"]["in_use"].clone(),
            df["reclaimable_mib"].clone()
        ),
        (json!(1), json!(3.0))
    );
    // 304 from Docker: nothing to do, not an error.
    let again = s
        .ok(
            "docker_container_action",
            json!({"environment_id": 1, "id": "already", "action": "start"}),
        )
        .await;
    assert_eq!(again["status"], 304);
    assert!(again["note"].as_str().unwrap().contains("already running"));
    // An action answers with the state it left the container in.
    let n = p.seen().await.len();
    let paused = s
        .ok(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "pause"}),
        )
        .await;
    assert_eq!(
        (paused["status"].clone(), paused["state"]["status"].clone()),
        (json!(204), json!("running")),
        "{paused}"
    );
    let seen: Vec<(String, String)> = p.seen().await[n..]
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "POST".to_string(),
                "/api/endpoints/1/docker/containers/web/pause".to_string()
            ),
            (
                "GET".to_string(),
                "/api/endpoints/1/docker/containers/web/json".to_string()
            ),
        ]
    );
    // An argument of another action is refused before anything is sent.
    let before = p.seen().await.len();
    let e = s
        .tool_error(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "start", "signal": "SIGKILL"}),
        )
        .await;
    assert!(e.contains("`signal`") && e.contains("`start`"), "{e}");
    let e = s
        .tool_error(
            "docker_container_action",
            json!({"environment_id": 1, "id": "web", "action": "explode"}),
        )
        .await;
    assert!(e.contains("explode") && e.contains("start"), "{e}");
    let e = s
        .tool_error(
            "docker_remove",
            json!({"environment_id": 1, "kind": "volume", "id": "busy", "confirm": true}),
        )
        .await;
    assert!(e.contains("409") && e.contains("volume is in use"), "{e}");
    let e = s
        .tool_error(
            "docker_inspect",
            json!({"environment_id": 1, "id": "missing"}),
        )
        .await;
    assert!(e.contains("404") && e.contains("No such container"), "{e}");
    assert_eq!(
        p.seen().await.len(),
        before + 2,
        "only the two valid calls were sent"
    );
    s.stop().await;
}

/// `fields` on the container list: the inspect values of each row shown,
/// from that row's own inspect, redacted like the rest, and only for the
/// rows the page shows.
#[tokio::test]
async fn container_list_fills_fields_of_the_rows_shown() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "all": true, "limit": 1, "offset": 1,
                   "fields": ["Id", "RestartCount", "HostConfig.RestartPolicy.Name", "Config.Env",
                              "HostConfig.Privileged"]}),
        )
        .await;
    let rows = out["items"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{out}");
    let row = &rows[0];
    // Filled from this row's own inspect (the stand-in echoes the id).
    assert_eq!(row["fields"]["Id"], row["Id"], "{row}");
    assert_eq!(row["fields"]["RestartCount"], 0);
    assert_eq!(
        row["fields"]["HostConfig"],
        json!({"RestartPolicy": {"Name": "unless-stopped"}, "Privileged": null})
    );
    let env = row["fields"]["Config"]["Env"].to_string();
    assert!(
        env.contains("DB_PASSWORD=<redacted>") && !env.contains("s3cr3t"),
        "{env}"
    );
    let inspected: Vec<String> = p
        .seen_after_start()
        .await
        .into_iter()
        .filter(|x| x.path.ends_with("/json") && !x.path.ends_with("containers/json"))
        .map(|x| x.path)
        .collect();
    let id = row["Id"].as_str().unwrap();
    assert_eq!(
        inspected,
        [format!("/api/endpoints/1/docker/containers/{id}/json")],
        "one inspect, of the row shown"
    );
}

#[tokio::test]
async fn container_list_fields_keep_row_errors_and_cap_the_cost() {
    let (p, s) = served(&[]).await;
    // 300 rows, one of which the engine no longer knows.
    let mut rows: Vec<Value> = (0..300)
        .map(|i| json!({"Id": format!("c{i:03}"), "Names": [format!("/c{i}")], "State": "running"}))
        .collect();
    rows[1]["Id"] = json!("missing");
    p.answer(
        "GET",
        "/api/endpoints/1/docker/containers/json",
        200,
        Value::Array(rows),
    );
    p.reset_log().await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "fields": ["RestartCount"], "select": "{rows: items[].fields, note: _fields_note}"}),
        )
        .await;
    let filled = out["selected"]["rows"].as_array().unwrap();
    assert_eq!(filled.len(), 250, "at most 250 rows filled per call");
    assert_eq!(filled[0], json!({"RestartCount": 0}));
    let err = filled[1]["_error"].as_str().unwrap();
    assert!(err.contains("404") && err.contains("missing"), "{err}");
    let note = out["selected"]["note"].as_str().unwrap();
    assert!(note.contains("rows 1 to 250 of the 300"), "{note}");
    let inspects = p
        .seen_after_start()
        .await
        .iter()
        .filter(|x| x.path.ends_with("/json") && !x.path.ends_with("containers/json"))
        .count();
    assert_eq!(inspects, 250);
}

#[tokio::test]
async fn container_list_refuses_hostile_fields_before_sending() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let many: Vec<String> = (0..1000).map(|i| format!("F{i}")).collect();
    let e = s
        .tool_error(
            "docker_container_list",
            json!({"environment_id": 1, "fields": many}),
        )
        .await;
    assert!(e.contains("fields") && e.contains("at most 32"), "{e}");
    for bad in [
        json!(["a..b"]),
        json!(["$(id)"]),
        json!("RestartCount"),
        json!([7]),
    ] {
        let e = s
            .tool_error(
                "docker_container_list",
                json!({"environment_id": 1, "fields": bad}),
            )
            .await;
        assert!(e.contains("fields"), "{bad}: {e}");
    }
    assert!(p.seen_after_start().await.is_empty(), "nothing was sent");
}

/// A select naming what list rows never carry says so and names `fields`,
/// instead of a column of nulls without a hint.
#[tokio::test]
async fn a_select_finding_nothing_names_fields() {
    let (_p, s) = served(&[]).await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "all": true, "select": "items[].HostConfig.RestartPolicy"}),
        )
        .await;
    let note = out["_note"].as_str().unwrap_or_default();
    assert!(
        note.contains("found nothing") && note.contains("`fields`"),
        "{out}"
    );
    // A column null in every row is named.
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "all": true,
                   "select": "items[].{id: Id, policy: HostConfig.RestartPolicy.Name}"}),
        )
        .await;
    let note = out["_note"].as_str().unwrap_or_default();
    assert!(
        note.contains("`policy` is null") && note.contains("`fields`") && !note.contains("`id`"),
        "{out}"
    );
    // A select that finds something carries no note.
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": 1, "all": true, "select": "items[].Id"}),
        )
        .await;
    assert!(out.get("_note").is_none(), "{out}");
}

fn logs_read(seen: &[crate::support::portainer::Seen]) -> Vec<(String, String)> {
    seen.iter()
        .filter(|x| x.path.ends_with("/logs"))
        .map(|x| (x.path.clone(), x.query.clone().unwrap_or_default()))
        .collect()
}

/// Several containers' logs in one call: a list, every running one ("*"),
/// or Docker filters; answered per container, grep matches only.
#[tokio::test]
async fn logs_of_several_containers_answer_per_container() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let out = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": ["web", "db", "missing"], "grep": "warn"}),
        )
        .await;
    let items = out["items"].as_array().unwrap();
    assert_eq!(items[0]["container"], "db", "sorted by name: {out}");
    assert_eq!(items[0]["matches"], 1);
    assert_eq!(items[0]["lines"], "warning: cache cold\n");
    assert!(
        items[1]["error"].as_str().unwrap().contains("404"),
        "a failed read stays with its container: {out}"
    );
    assert_eq!(items[2]["container"], "web");
    assert_eq!(out["tail"], 50, "many logs share one answer: 50 lines each");
    let read = logs_read(&p.seen_after_start().await);
    assert_eq!(read.len(), 3, "{read:?}");
    assert!(read.iter().all(|(_, q)| q.contains("tail=50")), "{read:?}");

    // Every running container: the engine's list, then each log.
    p.reset_log().await;
    let out = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "*", "grep": "nothing-like-this"}),
        )
        .await;
    assert_eq!(out["items"], json!([]));
    assert_eq!(out["no_match"], json!(["app-0", "app-1"]), "{out}");
    assert_eq!(out["containers"], 2);
    let seen = p.seen_after_start().await;
    assert_eq!(seen[0].path, "/api/endpoints/1/docker/containers/json");
    assert_eq!(seen[0].query, None, "running ones: Docker's default");
    assert_eq!(logs_read(&seen).len(), 2);

    // A compose project by its label; a status filter lists stopped ones too.
    p.reset_log().await;
    let out = s
        .ok(
            "docker_container_logs",
            json!({"environment_id": 1, "filters": {"label": ["com.docker.compose.project=shop"], "status": ["exited"]}, "tail": 5}),
        )
        .await;
    assert_eq!(out["items"].as_array().unwrap().len(), 2, "{out}");
    assert_eq!(
        out["items"][0]["log"],
        "listening on :8080\nwarning: cache cold\nGET /health 200\n"
    );
    let list = &p.seen_after_start().await[0];
    let q = list.query.clone().unwrap_or_default();
    assert!(
        q.contains("all=true") && q.contains("filters=") && q.contains("compose.project%3Dshop"),
        "{q}"
    );
}

#[tokio::test]
async fn logs_take_relative_and_absolute_times() {
    let (p, s) = served(&["--toolsets", "docker,kubernetes"]).await;
    p.reset_log().await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    s.ok(
        "docker_container_logs",
        json!({"environment_id": 1, "id": "web", "since": "10m", "until": "2026-12-07T09:00:00+01:00"}),
    )
    .await;
    let (_, q) = logs_read(&p.seen_after_start().await).pop().unwrap();
    let since: i64 = q
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .unwrap()
        .parse()
        .unwrap();
    assert!((now - 600 - since).abs() <= 5, "since {since}, now {now}");
    assert!(q.contains("until=1796630400"), "{q}");

    // Kubernetes: a span and a time both go as sinceSeconds.
    p.reset_log().await;
    for since in [json!("1m"), json!("2026-12-07T08:00:00Z")] {
        s.ok(
            "kubernetes_pod_logs",
            json!({"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "container": "web", "since": since}),
        )
        .await;
    }
    let queries: Vec<String> = p
        .seen_after_start()
        .await
        .into_iter()
        .filter(|x| x.path.ends_with("/log"))
        .map(|x| x.query.unwrap_or_default())
        .collect();
    assert!(queries[0].contains("sinceSeconds=60"), "{queries:?}");
    // A time goes as the seconds since it: the log endpoint's described
    // parameter (Kubernetes' OpenAPI has no sinceTime there).
    let since: i64 = queries[1]
        .split('&')
        .find_map(|kv| kv.strip_prefix("sinceSeconds="))
        .unwrap_or_else(|| panic!("{queries:?}"))
        .parse()
        .unwrap();
    assert!(
        ((now - 1796630400).max(1) - since).abs() <= 5,
        "{queries:?}"
    );
    let e = s
        .tool_error(
            "docker_container_logs",
            json!({"environment_id": 1, "id": "web", "since": "yesterday"}),
        )
        .await;
    assert!(e.contains("since") && e.contains("not a time"), "{e}");
}

#[tokio::test]
async fn logs_of_several_refuse_bad_selections_before_sending() {
    let (p, s) = served(&[]).await;
    p.reset_log().await;
    let many: Vec<String> = (0..51).map(|i| format!("c{i}")).collect();
    for (args, says) in [
        (json!({"environment_id": 1, "id": many}), "give 1 to 50"),
        (json!({"environment_id": 1, "id": []}), "give 1 to 50"),
        (
            json!({"environment_id": 1, "id": ["a"], "filters": {"label": ["x"]}}),
            "not both",
        ),
        (json!({"environment_id": 1}), "give `id`"),
        (
            json!({"environment_id": 1, "id": ["ok", "../x"]}),
            "not a container",
        ),
    ] {
        let e = s.tool_error("docker_container_logs", args.clone()).await;
        assert!(e.contains(says), "{args}: {e}");
    }
    assert!(p.seen_after_start().await.is_empty(), "nothing was sent");
}

/// One container search over the fleet: environment_id names several
/// environments ("*", a tag, a group, ids); each answers on its own, down
/// and non-Docker environments are skipped with a note.
#[tokio::test]
async fn container_list_over_many_environments() {
    let (p, s) = fleet(12).await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": "*", "all": true, "filters": {"label": ["com.docker.compose.project=shop"]}}),
        )
        .await;
    // env-i: Docker unless i % 3 == 0, down when i % 5 == 0.
    assert_eq!(environment_ids(&out), [1, 2, 4, 7, 8, 11], "{out}");
    let first = &out["items"][0];
    assert_eq!(first["environment"], "env-1");
    assert_eq!(first["items"].as_array().unwrap().len(), 2, "{first}");
    assert!(
        first["items"][0].get("NetworkSettings").is_none(),
        "each environment is shaped"
    );
    let notes = out["notes"].to_string();
    assert!(notes.contains("down") && notes.contains("5, 10"), "{notes}");
    assert!(
        notes.contains("not docker environments: 3, 6, 9, 12"),
        "{notes}"
    );
    let lists = sent_to(&p, "/containers/json").await;
    assert_eq!(lists, 6, "one list per environment read");

    // A tag, a group, ids; a select applies to each environment's answer.
    let ids = environment_ids;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": "tag:prod", "all": true, "select": "items[?State=='exited'].Names[0]"}),
        )
        .await;
    assert_eq!(ids(&out), [1, 7, 11], "odd ids carry tags 1, 2: {out}");
    assert_eq!(out["items"][0]["selected"], json!(["/app-0"]), "{out}");
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": "group:production"}),
        )
        .await;
    assert_eq!(
        ids(&out),
        [1],
        "GroupId 2: ids 1, 5, 9 (5 down, 9 Kubernetes)"
    );
    let out = s
        .ok("docker_container_list", json!({"environment_id": [2, 99]}))
        .await;
    assert_eq!(ids(&out), [2]);
    assert!(out["notes"].to_string().contains("99"), "{out}");

    // A selector naming nothing, or a tag no one has: a clear answer.
    let e = s
        .tool_error(
            "docker_container_list",
            json!({"environment_id": "tag:nope"}),
        )
        .await;
    assert!(e.contains("no tag named `nope`"), "{e}");
    let e = s
        .tool_error("docker_container_list", json!({"environment_id": "prod"}))
        .await;
    assert!(
        e.contains("environment_id") && e.contains("tag:NAME"),
        "{e}"
    );
}

/// An environment that fails or does not answer keeps its error in its row;
/// the others answer.
#[tokio::test]
async fn a_failing_environment_keeps_its_error() {
    use crate::support::portainer::{Options, StandIn};
    let p = StandIn::with_options(Options::default().environments(4)).await;
    p.answer(
        "GET",
        "/api/endpoints/2/docker/containers/json",
        502,
        json!({"message": "agent unreachable"}),
    );
    let s = Session::start(&p.url(), &[]).await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": [1, 2, 4]}),
        )
        .await;
    let envs = out["items"].as_array().unwrap();
    assert_eq!(envs.len(), 3);
    assert!(
        envs[1]["error"]
            .as_str()
            .unwrap()
            .contains("agent unreachable"),
        "{out}"
    );
    assert!(envs[0]["items"].is_array() && envs[2]["items"].is_array());
    assert_eq!(out["failed"], 1);
}

/// docker_proxy reading a log reads it as the log tools do: its end, in a
/// window, without Docker's framing, whatever its size.
#[tokio::test]
async fn proxy_log_reads_keep_the_end_in_a_window() {
    use crate::support::portainer::{Options, StandIn};
    let p = StandIn::with_options(Options::default().log_lines(200_000)).await;
    let s = Session::start(&p.url(), &[]).await;
    let r = s
        .call(
            "docker_proxy",
            json!({"environment_id": 1, "path": "containers/app-1/logs", "query": {"stdout": true, "tail": "all"}}),
        )
        .await
        .unwrap();
    let all = format!("{r:?}");
    assert!(!all.contains("\\u{1}\\0\\0\\0"), "no frame headers");
    let text = crate::support::mcp::text_of(&r);
    assert!(text.len() < 100_000, "{}", text.len());
    // The end of the log, and the cut said.
    assert!(
        text.contains("request 199999 handled"),
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
    assert!(
        all.contains("keeps its last"),
        "{}",
        &all[all.len().saturating_sub(600)..]
    );
}

/// docker_list reads images, volumes or networks of several environments
/// as docker_container_list does: each environment's list apart.
#[tokio::test]
async fn image_list_over_many_environments() {
    let (p, s) = fleet(12).await;
    let out = s
        .ok(
            "docker_list",
            json!({"kind": "image", "environment_id": "tag:prod"}),
        )
        .await;
    assert_eq!(environment_ids(&out), [1, 7, 11], "{out}");
    assert!(
        out["items"][0]["items"]
            .as_array()
            .is_some_and(|i| !i.is_empty()),
        "{out}"
    );
    assert_eq!(sent_to(&p, "/images/json").await, 3);
    // Only reads fan out: a write still names one environment.
    let e = s
        .tool_error(
            "docker_remove",
            json!({"kind": "image", "environment_id": "*", "id": "nginx:1.27"}),
        )
        .await;
    assert!(e.contains("environment_id"), "{e}");
    s.stop().await;
}

/// A tag carried by thousands of environments: the first 1,000 by id are
/// read, a note says how many matched, and the answer stays within the
/// cap (rows past twice the cap keep only their counts).
#[tokio::test]
async fn a_tag_matching_ten_thousand_environments_is_capped() {
    let (p, s) = fleet(10_000).await;
    let out = s
        .ok(
            "docker_container_list",
            json!({"environment_id": "tag:prod", "select": "length(items)"}),
        )
        .await;
    let notes = out["notes"].to_string();
    assert!(
        notes.contains("environments matched; the first 1000 by id were read"),
        "{notes}"
    );
    let lists = sent_to(&p, "/containers/json").await;
    assert!(lists <= 1_000, "{lists} lists sent");
    assert!(out.to_string().len() <= 40_000, "within the cap");
    s.stop().await;
}

/// Engine facts and disk use of the fleet in one call each; an id below 1
/// is refused by name although the fan-out schema lists no minimum.
#[tokio::test]
async fn engine_info_and_disk_usage_over_the_fleet() {
    let (p, s) = fleet(6).await;
    let out = s
        .ok(
            "docker_info",
            json!({"environment_id": "*", "select": "ServerVersion"}),
        )
        .await;
    // env-i: Docker unless i % 3 == 0, down when i % 5 == 0.
    assert_eq!(environment_ids(&out), [1, 2, 4], "{out}");
    assert!(out["items"][0]["selected"].is_string(), "{out}");
    assert_eq!(sent_to(&p, "/docker/info").await, 3, "one per environment");
    let out = s
        .ok("docker_disk_usage", json!({"environment_id": [1, 2]}))
        .await;
    assert_eq!(environment_ids(&out), [1, 2], "{out}");
    assert!(out["items"][1].get("error").is_none(), "{out}");
    assert_eq!(sent_to(&p, "/docker/system/df").await, 2);
    for bad in [json!(0), json!(-3)] {
        let e = s
            .tool_error("docker_info", json!({"environment_id": bad}))
            .await;
        assert!(
            e.contains("environment_id") && e.contains("1 or more"),
            "{e}"
        );
    }
}
