//! The stand-in as the tests use it: keys, recording, registered answers,
//! the bench shapes, and how it serves on the wire.

mod http;

use http::Conn;
use portainer_standin::{Options, StandIn, BOB_TOKEN, TOKEN};
use serde_json::json;

#[tokio::test]
async fn a_key_is_needed_except_for_the_status() {
    let p = StandIn::start().await;
    let mut c = Conn::open(&p.url());
    assert_eq!(c.get("/api/endpoints", None).status, 401);
    assert_eq!(c.get("/api/endpoints", Some("ptr_other")).status, 401);
    assert_eq!(c.get("/api/system/status", None).status, 200);
    assert_eq!(
        c.get("/api/users/me", Some(TOKEN)).json()["Username"],
        "admin"
    );
    assert_eq!(
        c.get("/api/users/me", Some(BOB_TOKEN)).json()["Username"],
        "bob"
    );

    let extra = StandIn::with_options(Options::default().key("ptr_mine")).await;
    let mut c = Conn::open(&extra.url());
    assert_eq!(c.get("/api/users/me", Some("ptr_mine")).json()["Id"], 1);
}

#[tokio::test]
async fn serves_like_go_keep_alive_and_content_length() {
    let p = StandIn::with_version("2.39.0").await;
    let mut c = Conn::open(&p.url());
    // Several answers on one connection, each with its length.
    let r = c.get("/api/system/version", Some(TOKEN));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json()["ServerVersion"], "2.39.0");
    let r = c.get("/api/endpoints/1/docker/containers/web/logs", Some(TOKEN));
    assert_eq!(
        r.header("content-type"),
        Some("application/vnd.docker.raw-stream")
    );
    assert_eq!(&r.body[..4], &[1, 0, 0, 0], "framed");
    let r = c.send("DELETE", "/api/stacks/7", Some(TOKEN), "");
    assert_eq!((r.status, r.body.len()), (204, 0));
    let r = c.get("/api/nothing/here", Some(TOKEN));
    assert_eq!(
        (r.status, r.body.as_slice()),
        (404, &b"404 page not found\n"[..])
    );
    assert_eq!(c.get("/api/stacks/7", Some(TOKEN)).json()["Id"], 7);
}

#[tokio::test]
async fn records_requests_and_forgets_them_on_reset() {
    let p = StandIn::start().await;
    let mut c = Conn::open(&p.url());
    c.send(
        "PUT",
        "/api/stacks/7?endpointId=1",
        Some(TOKEN),
        r#"{"Env":[{"name":"A","value":"1"}]}"#,
    );
    c.get("/api/system/version", Some(BOB_TOKEN));
    let seen = p.seen().await;
    assert_eq!(seen.len(), 2);
    assert_eq!(
        (seen[0].method.as_str(), seen[0].path.as_str()),
        ("PUT", "/api/stacks/7")
    );
    assert_eq!(seen[0].query.as_deref(), Some("endpointId=1"));
    assert_eq!(
        seen[0].body,
        Some(json!({"Env": [{"name": "A", "value": "1"}]}))
    );
    assert_eq!(seen[0].api_key.as_deref(), Some(TOKEN));
    assert_eq!(seen[1].api_key.as_deref(), Some(BOB_TOKEN));
    assert_eq!(
        p.seen_after_start().await.len(),
        1,
        "the version check left out"
    );

    p.reset_log().await;
    assert!(p.seen().await.is_empty());
    // The routes outlive the reset.
    assert_eq!(c.get("/api/stacks/7", Some(TOKEN)).status, 200);
    assert_eq!(p.seen().await.len(), 1);
}

#[tokio::test]
async fn recording_off_keeps_nothing() {
    let p = StandIn::with_options(Options::default().record(false)).await;
    let mut c = Conn::open(&p.url());
    for _ in 0..10 {
        assert_eq!(c.get("/api/endpoints", Some(TOKEN)).status, 200);
    }
    assert!(p.seen().await.is_empty());
}

#[tokio::test]
async fn a_registered_answer_comes_before_the_routes() {
    let p = StandIn::start().await;
    p.answer(
        "GET",
        "/api/stacks/7",
        200,
        json!({"Id": 7, "Name": "mine"}),
    );
    p.answer("post", "/api/tags", 409, json!({"message": "exists"}));
    p.answer("DELETE", "/api/tags/9", 204, json!(null));
    let mut c = Conn::open(&p.url());
    // Any query; exact method and path.
    let r = c.get("/api/stacks/7?endpointId=1", Some(TOKEN));
    assert_eq!(r.json(), json!({"Id": 7, "Name": "mine"}));
    assert_eq!(c.get("/api/stacks/7/file", Some(TOKEN)).status, 200);
    assert_eq!(
        c.send("PUT", "/api/stacks/7", Some(TOKEN), "{}").json()["Name"],
        "web",
        "other methods keep the built-in answer"
    );
    assert_eq!(
        c.send("POST", "/api/tags", Some(TOKEN), r#"{"Name":"x"}"#)
            .status,
        409
    );
    let r = c.send("DELETE", "/api/tags/9", Some(TOKEN), "");
    assert_eq!((r.status, r.body.len()), (204, 0));
    // The key check still comes first.
    assert_eq!(c.get("/api/stacks/7", None).status, 401);
}

#[tokio::test]
async fn bench_shapes_replace_the_test_answers_only_when_asked() {
    let tests = StandIn::start().await;
    let bench = StandIn::with_options(Options::bench(50)).await;
    let (mut t, mut b) = (Conn::open(&tests.url()), Conn::open(&bench.url()));

    let envs = "/api/endpoints";
    assert_eq!(t.get(envs, Some(TOKEN)).json().as_array().unwrap().len(), 2);
    let r = b.get(envs, Some(TOKEN));
    assert_eq!(r.json().as_array().unwrap().len(), 20);
    assert_eq!(r.body.len(), 16_477, "the bytes the README's figures used");

    let list = "/api/endpoints/1/docker/containers/json?all=1";
    assert_eq!(t.get(list, Some(TOKEN)).json().as_array().unwrap().len(), 2);
    let r = b.get(list, Some(TOKEN));
    assert_eq!(r.json().as_array().unwrap().len(), 50);
    assert_eq!(r.body.len(), 58_243, "about 1.17 KB a container");

    let logs = "/api/endpoints/1/docker/containers/app-1/logs?stdout=1";
    assert_eq!(t.get(logs, Some(TOKEN)).body.len(), 79);
    let r = b.get(logs, Some(TOKEN));
    assert_eq!(r.body.len(), 62_300);
    assert_eq!(r.body.iter().filter(|&&c| c == b'\n').count(), 1000);

    // The rest is the tests' stand-in, unchanged; nothing recorded.
    assert_eq!(b.get("/api/stacks/7", Some(TOKEN)).json()["Id"], 7);
    assert!(bench.seen().await.is_empty());
}
