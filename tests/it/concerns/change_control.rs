//! Change management: a change reference on every write, change windows
//! and a freeze file, each refusing before anything is sent.

use crate::support::mcp::{command, output_of, Session};
use crate::support::portainer::{StandIn, TOKEN};
use crate::support::writes;
use serde_json::{json, Value};

#[tokio::test]
async fn every_write_names_its_change() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("audit.jsonl");
    let log_s = log.to_str().unwrap();
    let s = Session::start(&p.url(), &["--require-change-ref", "--audit-log", log_s]).await;
    let tools = s.tools().await;
    for t in &tools {
        let schema = serde_json::to_value(&*t.input_schema).unwrap();
        let takes = schema["properties"].get("change_ref").is_some();
        let writes = t.annotations.as_ref().and_then(|a| a.read_only_hint) != Some(true);
        assert_eq!(takes, writes, "{}: {schema}", t.name);
    }
    p.reset_log().await;
    let update = json!({"id": 7, "environment_id": 1, "env": {"A": "1"}});
    let e = s.tool_error("stack_update", update.clone()).await;
    assert!(
        e.contains("`change_ref` is required") && e.contains("[A-Za-z]"),
        "{e}"
    );
    let mut bad = update.clone();
    bad["change_ref"] = json!("because");
    let e = s.tool_error("stack_update", bad).await;
    assert!(e.contains("\"because\" is not a change reference"), "{e}");
    assert_eq!(writes(&p).await, Vec::<String>::new(), "nothing sent");
    let mut good = update.clone();
    good["change_ref"] = json!("CHG-1042");
    s.ok("stack_update", good).await;
    let sent = p.seen().await;
    let put = sent
        .iter()
        .find(|r| r.method == "PUT")
        .expect("the update went");
    assert!(
        !put.body.as_ref().unwrap().to_string().contains("CHG-1042"),
        "the reference is ours, not Portainer's"
    );
    // Reads need none, through a proxy too.
    s.ok("stack_list", json!({})).await;
    s.ok(
        "docker_proxy",
        json!({"environment_id": 1, "method": "GET", "path": "containers/json"}),
    )
    .await;
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/web/restart"}),
        )
        .await;
    assert!(e.contains("`change_ref` is required"), "{e}");
    s.stop().await;
    let records: Vec<Value> = std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let done = records
        .iter()
        .find(|r| r["phase"] == "outcome" && r["outcome"] == "ok" && r["tool"] == "stack_update")
        .unwrap();
    assert_eq!(done["change_ref"], "CHG-1042");
    let out = output_of(command(
        &p.url(),
        TOKEN,
        &[
            "audit",
            "report",
            log_s,
            "--change-ref",
            "CHG-1042",
            "--json",
        ],
    ))
    .await;
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["calls"], 1, "{report}");
}

#[tokio::test]
async fn a_freeze_and_the_windows_hold_every_write() {
    let p = StandIn::start().await;
    let dir = tempfile::tempdir().unwrap();
    let freeze = dir.path().join("FREEZE");
    let args = [
        "--toolsets",
        "all",
        "--confirm",
        "none",
        "--freeze-file",
        freeze.to_str().unwrap(),
    ];
    let s = Session::start(&p.url(), &args).await;
    std::fs::write(&freeze, "year-end freeze\n").unwrap();
    p.reset_log().await;
    let restart = json!({"environment_id": 1, "id": "web", "action": "restart"});
    let e = s
        .tool_error("docker_container_action", restart.clone())
        .await;
    assert!(e.contains("year-end freeze") && e.contains("once"), "{e}");
    let e = s
        .tool_error(
            "docker_proxy",
            json!({"environment_id": 1, "method": "POST", "path": "containers/web/restart"}),
        )
        .await;
    assert!(e.contains("freeze"), "{e}");
    // A preview still shows what would be sent; reads go.
    let mut preview = restart.clone();
    preview["dry_run"] = json!(true);
    s.ok("docker_container_action", preview).await;
    s.ok("docker_container_list", json!({"environment_id": 1}))
        .await;
    assert_eq!(writes(&p).await, Vec::<String>::new());
    std::fs::remove_file(&freeze).unwrap();
    s.ok("docker_container_action", restart.clone()).await;
    assert_eq!(writes(&p).await.len(), 1, "thawed");
    s.stop().await;

    // A window that opens in two hours' time: not now.
    let hour = (portainer_mcp::clock::unix_now() / 3600 % 24) as u32;
    let window = format!("* {:02}:00-{:02}:00", (hour + 2) % 24, (hour + 3) % 24);
    let s = Session::start(&p.url(), &["--change-window", &window]).await;
    p.reset_log().await;
    let e = s.tool_error("docker_container_action", restart).await;
    assert!(
        e.contains("outside the change windows") && e.contains("next allowed at"),
        "{e}"
    );
    assert_eq!(writes(&p).await, Vec::<String>::new());
    s.stop().await;
}
