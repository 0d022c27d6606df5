//! The opt-in docker_manage tools against the stand-in: an image pull sent
//! as Portainer expects it (the registry by id in X-Registry-Auth), its
//! progress stream summed up, and a failure inside that stream reported.

mod support;

use base64::Engine;
use serde_json::{json, Value};
use support::mcp::Session;
use support::portainer::StandIn;

#[tokio::test]
async fn image_pull_names_the_registry_by_id_and_reads_the_stream() {
    let p = StandIn::start().await;
    let s = Session::start(&p.url(), &["--toolsets", "docker_manage"]).await;

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
