//! Docker's `/system/df` summed up as `docker system df` shows it: per
//! type the count, how many are in use, the space and what could be
//! reclaimed, plus the names of unused volumes. Sizes in MiB, one decimal.

use serde_json::{json, Value};

fn mib(bytes: i64) -> f64 {
    (bytes.max(0) as f64 / 1_048_576.0 * 10.0).round() / 10.0
}

fn n(v: &Value) -> i64 {
    v.as_i64().unwrap_or(0)
}

fn list(v: &Value) -> &[Value] {
    v.as_array().map_or(&[], Vec::as_slice)
}

pub fn summary(df: &Value) -> Value {
    let images = list(&df["Images"]);
    let unused_images = images.iter().filter(|i| n(&i["Containers"]) == 0);
    // Shared layers stay while any image uses them: only an image's own
    // part is freed (SharedSize is -1 where Docker did not count it).
    let image_reclaim: i64 = unused_images
        .clone()
        .map(|i| n(&i["Size"]) - n(&i["SharedSize"]).max(0))
        .sum();
    let containers = list(&df["Containers"]);
    let running = |c: &&Value| c["State"] == "running";
    let volumes = list(&df["Volumes"]);
    let in_use = |v: &&Value| n(&v["UsageData"]["RefCount"]) > 0;
    let unused: Vec<&Value> = volumes.iter().filter(|v| !in_use(v)).collect();
    let size_of = |v: &Value| n(&v["UsageData"]["Size"]);
    let cache = list(&df["BuildCache"]);
    let cache_reclaim: i64 = cache
        .iter()
        .filter(|c| c["InUse"] != true && c["Shared"] != true)
        .map(|c| n(&c["Size"]))
        .sum();
    let container_reclaim: i64 = containers
        .iter()
        .filter(|c| !running(c))
        .map(|c| n(&c["SizeRw"]))
        .sum();
    let volume_reclaim: i64 = unused.iter().map(|v| size_of(v)).sum();
    json!({
        "images": {"total": images.len(), "in_use": images.len() - unused_images.count(),
                   "size_mib": mib(n(&df["LayersSize"])), "reclaimable_mib": mib(image_reclaim)},
        "containers": {"total": containers.len(), "running": containers.iter().filter(running).count(),
                       "size_mib": mib(containers.iter().map(|c| n(&c["SizeRw"])).sum()),
                       "reclaimable_mib": mib(container_reclaim)},
        "volumes": {"total": volumes.len(), "in_use": volumes.len() - unused.len(),
                    "size_mib": mib(volumes.iter().map(size_of).sum()),
                    "reclaimable_mib": mib(volume_reclaim),
                    "unused": unused.iter().map(|v| v["Name"].clone()).collect::<Vec<_>>()},
        "build_cache": {"total": cache.len(), "size_mib": mib(cache.iter().map(|c| n(&c["Size"])).sum()),
                        "reclaimable_mib": mib(cache_reclaim)},
        "reclaimable_mib": mib(image_reclaim + container_reclaim + volume_reclaim + cache_reclaim),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_as_docker_system_df() {
        let df = json!({"LayersSize": 104_857_600,
            "Images": [{"Id": "a", "Size": 52_428_800, "SharedSize": 10_485_760, "Containers": 2},
                       {"Id": "b", "Size": 31_457_280, "SharedSize": 10_485_760, "Containers": 0},
                       {"Id": "c", "Size": 1_048_576, "SharedSize": -1, "Containers": 0}],
            "Containers": [{"Id": "1", "State": "running", "SizeRw": 1_048_576},
                           {"Id": "2", "State": "exited", "SizeRw": 2_097_152}],
            "Volumes": [{"Name": "data", "UsageData": {"Size": 5_242_880, "RefCount": 1}},
                        {"Name": "old", "UsageData": {"Size": 3_145_728, "RefCount": 0}},
                        {"Name": "unknown", "UsageData": {"Size": -1, "RefCount": 0}}],
            "BuildCache": [{"Size": 1_048_576, "InUse": false, "Shared": false}, {"Size": 4_194_304, "InUse": true}]});
        let s = summary(&df);
        assert_eq!(
            s["images"],
            json!({"total": 3, "in_use": 1, "size_mib": 100.0, "reclaimable_mib": 21.0})
        );
        assert_eq!(
            s["containers"],
            json!({"total": 2, "running": 1, "size_mib": 3.0, "reclaimable_mib": 2.0})
        );
        assert_eq!(s["volumes"]["unused"], json!(["old", "unknown"]));
        assert_eq!(s["volumes"]["reclaimable_mib"], 3.0);
        assert_eq!(s["build_cache"]["reclaimable_mib"], 1.0);
        assert_eq!(s["reclaimable_mib"], 27.0);
    }

    #[test]
    fn nulls_and_junk() {
        let s = summary(&json!({"Images": null, "BuildCache": null, "Volumes": "x"}));
        assert_eq!(s["reclaimable_mib"], 0.0);
        let _ = summary(&json!([1, 2]));
    }
}
