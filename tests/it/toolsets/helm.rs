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
