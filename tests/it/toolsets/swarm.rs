//! The swarm toolset.

use crate::support::pairs;
use crate::support::served;
use serde_json::json;

/// swarm_service_rollback writes the current spec back at its version with
/// rollback=previous, as `docker service rollback` does.
#[tokio::test]
async fn swarm_service_rollback_asks_docker_for_the_previous_spec() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let n = p.seen().await.len();
    let out = s
        .ok(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "shop_web"}),
        )
        .await;
    let seen = p.seen().await[n..].to_vec();
    let reqs: Vec<(String, String)> = seen
        .iter()
        .map(|r| (r.method.clone(), r.path.clone()))
        .collect();
    assert_eq!(
        reqs,
        pairs(&[
            ("GET", "/api/endpoints/1/docker/services/shop_web"),
            ("POST", "/api/endpoints/1/docker/services/shop_web/update")
        ])
    );
    assert_eq!(
        seen[1].query.as_deref(),
        Some("version=42&rollback=previous")
    );
    assert_eq!(
        seen[1].body.as_ref().unwrap()["TaskTemplate"]["ContainerSpec"]["Image"],
        "shop/web:1.4",
        "the current spec goes with the request"
    );
    assert_eq!(
        (out["image_before"].clone(), out["image_after"].clone()),
        (json!("shop/web:1.4"), json!("shop/web:1.3"))
    );
    // A service never updated has nothing to go back to.
    let e = s
        .tool_error(
            "swarm_service_rollback",
            json!({"environment_id": 1, "id": "agent"}),
        )
        .await;
    assert!(e.contains("no previous spec"), "{e}");
    s.stop().await;
}

/// swarm_service_logs reads every task's lines as text, takes a relative
/// since, and greps; both streams off is refused before anything is sent.
#[tokio::test]
async fn swarm_service_logs_read_grep_and_take_relative_times() {
    let (p, s) = served(&["--toolsets", "swarm"]).await;
    p.reset_log().await;
    let out = s
        .ok(
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "shop_web", "since": "10m"}),
        )
        .await;
    let text = out.as_str().unwrap_or_default().to_string() + &out.to_string();
    assert!(text.contains("upstream timeout"), "{out}");
    assert!(text.contains("GET /health 200"), "{out}");
    let seen = p.seen().await;
    let read = seen.last().unwrap();
    assert_eq!(read.path, "/api/endpoints/1/docker/services/shop_web/logs");
    let query = read.query.clone().unwrap_or_default();
    let since: i64 = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("since="))
        .expect("since sent")
        .parse()
        .expect("Unix seconds");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    assert!((now - 600 - since).abs() <= 5, "ten minutes back: {since}");
    assert!(query.contains("tail=200"), "{query}");

    let out = s
        .ok(
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "shop_web", "grep": "error"}),
        )
        .await;
    let text = out.to_string();
    assert!(text.contains("upstream timeout"), "{out}");
    assert!(!text.contains("GET /health"), "only matches: {out}");

    p.reset_log().await;
    let e = s
        .tool_error(
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "shop_web", "stdout": false, "stderr": false}),
        )
        .await;
    assert!(e.contains("nothing to read"), "{e}");
    let e = s
        .tool_error(
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "../x"}),
        )
        .await;
    assert!(e.contains("`id`") && e.contains("service"), "{e}");
    let e = s
        .tool_error(
            "swarm_service_logs",
            json!({"environment_id": 1, "id": "shop_web", "since": "yesterday-ish"}),
        )
        .await;
    assert!(e.contains("is not a time"), "{e}");
    assert!(p.seen().await.is_empty(), "nothing sent");
    s.stop().await;
}

/// `wait` on Swarm service writes: converged once the desired tasks run;
/// a paused update is a failure with its message and the failed tasks.
#[tokio::test]
async fn swarm_writes_wait_until_the_service_converges() {
    let (_p, s) = served(&["--toolsets", "swarm"]).await;
    let out = s
        .ok(
            "swarm_service_scale",
            json!({"environment_id": 1, "id": "steady", "replicas": 2, "wait": 10}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "converged", "{out}");
    assert_eq!(r["replicas"], json!({"desired": 2, "running": 2}));
    let out = s
        .ok(
            "swarm_service_update",
            json!({"environment_id": 1, "id": "broken", "force": true, "wait": 10}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "failed", "{out}");
    assert!(
        r["message"].as_str().unwrap().contains("update paused"),
        "{r}"
    );
    assert_eq!(r["failed_tasks"][0]["error"], "task: non-zero exit (1)");
    assert_eq!(r["failed_tasks"][0]["exit_code"], 1);
    s.stop().await;
}

/// `fields` on the Swarm lists: read from each row (the whole service or
/// task), hidden paths included and redacted, with no request of its own.
#[tokio::test]
async fn swarm_lists_fill_fields_from_their_rows() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    p.reset_log().await;
    let out = s
        .ok(
            "swarm_service_list",
            json!({"environment_id": 1,
                   "fields": ["Spec.TaskTemplate.ContainerSpec.Env", "PreviousSpec.TaskTemplate.ContainerSpec.Image", "UpdateStatus.State"]}),
        )
        .await;
    let row = &out["items"][0];
    assert!(row.get("PreviousSpec").is_none(), "still hidden in the row");
    let f = &row["fields"];
    assert_eq!(
        f["Spec"]["TaskTemplate"]["ContainerSpec"]["Env"],
        json!(["LOG_LEVEL=<redacted>", "SECRET_KEY=<redacted>"]),
        "names kept, every value redacted: {out}"
    );
    assert_eq!(
        f["PreviousSpec"]["TaskTemplate"]["ContainerSpec"]["Image"],
        "shop/web:1.3"
    );
    assert_eq!(f["UpdateStatus"], json!({"State": null}), "absent is null");
    let out = s
        .ok(
            "swarm_task_list",
            json!({"environment_id": 1, "fields": ["Spec.ContainerSpec.Env", "Status.State"],
                   "select": "items[].fields"}),
        )
        .await;
    assert_eq!(
        out["selected"],
        json!([{"Spec": {"ContainerSpec": {"Env": ["SECRET_KEY=<redacted>"]}}, "Status": {"State": "running"}}])
    );
    let sent: Vec<String> = p
        .seen_after_start()
        .await
        .into_iter()
        .map(|x| x.path)
        .collect();
    assert_eq!(
        sent,
        [
            "/api/endpoints/1/docker/services",
            "/api/endpoints/1/docker/tasks"
        ],
        "one list each, nothing inspected"
    );
    let e = s
        .tool_error(
            "swarm_service_list",
            json!({"environment_id": 1, "fields": ["$(id)"]}),
        )
        .await;
    assert!(e.contains("fields"), "{e}");
}

/// The Swarm and Helm lists read several environments at once.
#[tokio::test]
async fn swarm_and_helm_lists_read_the_fleet() {
    let (_p, s) = crate::support::fleet_with(6, &["--toolsets", "all"]).await;
    let out = s
        .ok(
            "swarm_service_list",
            json!({"environment_id": "*", "select": "items[].Spec.Name"}),
        )
        .await;
    // env-i: Docker unless i % 3 == 0, down when i % 5 == 0.
    assert_eq!(crate::support::environment_ids(&out), [1, 2, 4], "{out}");
    assert_eq!(out["items"][0]["selected"], json!(["shop_web"]), "{out}");
    let out = s
        .ok("swarm_node_list", json!({"environment_id": [1, 2]}))
        .await;
    assert_eq!(crate::support::environment_ids(&out), [1, 2], "{out}");
    let out = s
        .ok("helm_release_list", json!({"environment_id": "*"}))
        .await;
    assert_eq!(crate::support::environment_ids(&out), [3, 6], "{out}");
    assert!(
        out["notes"]
            .to_string()
            .contains("not kubernetes environments"),
        "{out}"
    );
}
