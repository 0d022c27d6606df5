//! The helm toolset.

use crate::support::served;
use serde_json::json;

/// helm_release_get: the release without its rendered manifest, hooks and
/// chart templates by default; values with their secrets redacted.
#[tokio::test]
async fn helm_release_get_shows_values_not_manifests() {
    let (_p, s) = served(&["--toolsets", "helm"]).await;
    let r = s
        .ok(
            "helm_release_get",
            json!({"environment_id": 3, "release": "ingress", "namespace": "ingress-nginx"}),
        )
        .await;
    assert_eq!(r["config"]["controller"]["replicaCount"], 2);
    assert_eq!(r["config"]["auth"]["password"], "<redacted>");
    for gone in ["manifest", "hooks"] {
        assert!(r.get(gone).is_none(), "{gone}: {r}");
    }
    assert!(r["chart"].get("templates").is_none());
    assert!(!r.to_string().contains("S-helm-get"));
    s.stop().await;
}

/// helm_install and helm_rollback with `wait`: the release followed until
/// deployed, then its workloads (from the rendered manifest) until rolled
/// out, under `rollout`; a stuck workload and a failed release say so.
#[tokio::test]
async fn helm_writes_wait_for_the_release_and_its_workloads() {
    let (p, s) = served(&["--toolsets", "helm", "--confirm", "none"]).await;
    let install = |name: &str, wait: u64| {
        json!({"environment_id": 3, "name": name, "namespace": "shop", "chart": "app",
               "repo": "https://charts.example.com", "wait": wait})
    };
    let out = s.ok("helm_install", install("shop-app", 30)).await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "complete", "{out}");
    assert_eq!(r["release_status"], "deployed");
    assert_eq!(r["workloads"][0]["name"], "rolling", "{out}");
    assert_eq!(r["workloads"][0]["status"], "complete");
    assert_eq!(out["name"], "shop-app", "the install's own answer kept");
    let reads = p
        .seen()
        .await
        .iter()
        .filter(|x| x.path.ends_with("/deployments/rolling"))
        .count();
    assert!(reads >= 3, "followed until rolled out: {reads} reads");

    let out = s
        .ok(
            "helm_rollback",
            json!({"environment_id": 3, "release": "shop-bad", "namespace": "shop", "wait": 30}),
        )
        .await;
    let r = &out["rollout"];
    assert_eq!(r["status"], "failed", "{out}");
    assert!(
        r["workloads"][0]["message"]
            .as_str()
            .unwrap()
            .contains("exceeded its progress deadline"),
        "{out}"
    );
    assert!(r["workloads"][0]["warnings"].is_array(), "{out}");
    // Helm's own wait is not sent: ours follows the release instead.
    let sent = p.seen().await;
    let rollback = sent.iter().find(|x| x.path.ends_with("/rollback")).unwrap();
    assert!(!rollback.query.clone().unwrap_or_default().contains("wait"));

    let out = s.ok("helm_install", install("shop-failed", 30)).await;
    assert_eq!(out["rollout"]["status"], "failed", "{out}");
    assert_eq!(out["rollout"]["release_status"], "failed");

    // A bad wait is refused before anything is sent.
    p.reset_log().await;
    for bad in [json!(0), json!(601), json!("soon")] {
        let mut a = install("shop-app", 1);
        a["wait"] = bad;
        let e = s.tool_error("helm_install", a).await;
        assert!(e.contains("wait"), "{e}");
    }
    assert!(p.seen().await.is_empty());
    s.stop().await;
}
