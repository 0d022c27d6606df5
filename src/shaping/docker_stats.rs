//! One container's usage as `docker stats` computes it from the Engine's
//! raw sample: CPU % from the two samples Docker sends (this one and the
//! previous), memory without the page cache Docker's CLI leaves out
//! (cgroup v1 `total_inactive_file`, v2 `inactive_file`), network and block
//! I/O summed over interfaces and devices. Sizes in MiB, one decimal.

use serde_json::{json, Value};

const MIB: f64 = 1024.0 * 1024.0;

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// CPU % over the interval between the two samples, as a share of one CPU
/// times the CPUs online (200% = two CPUs busy); None without two samples.
pub fn cpu_percent(s: &Value) -> Option<f64> {
    let cpu = &s["cpu_stats"];
    let pre = &s["precpu_stats"];
    let used =
        u(&cpu["cpu_usage"]["total_usage"]).checked_sub(u(&pre["cpu_usage"]["total_usage"]))?;
    let system = u(&cpu["system_cpu_usage"]).checked_sub(u(&pre["system_cpu_usage"]))?;
    if system == 0 || u(&pre["system_cpu_usage"]) == 0 {
        return None;
    }
    let cpus = match u(&cpu["online_cpus"]) {
        0 => cpu["cpu_usage"]["percpu_usage"]
            .as_array()
            .map_or(1, Vec::len) as u64,
        n => n,
    };
    Some((used as f64 / system as f64) * cpus as f64 * 100.0)
}

/// Memory in use without the inactive page cache, as `docker stats` shows.
pub fn memory_used(s: &Value) -> u64 {
    let m = &s["memory_stats"];
    let usage = u(&m["usage"]);
    for key in ["total_inactive_file", "inactive_file"] {
        if let Some(cache) = m["stats"][key].as_u64() {
            if cache < usage {
                return usage - cache;
            }
        }
    }
    usage
}

/// An exited container's sample: all zeros, read at the zero time.
pub fn never_read(s: &Value) -> bool {
    s["read"]
        .as_str()
        .is_some_and(|r| r.starts_with("0001-01-01"))
}

/// The figures an operator compares, for one container's sample.
pub fn summary(s: &Value) -> Value {
    let used = memory_used(s);
    let limit = u(&s["memory_stats"]["limit"]);
    let (mut rx, mut tx) = (0u64, 0u64);
    if let Some(nets) = s["networks"].as_object() {
        for n in nets.values() {
            rx += u(&n["rx_bytes"]);
            tx += u(&n["tx_bytes"]);
        }
    }
    let (mut read, mut write) = (0u64, 0u64);
    for e in s["blkio_stats"]["io_service_bytes_recursive"]
        .as_array()
        .into_iter()
        .flatten()
    {
        match e["op"].as_str().map(str::to_ascii_lowercase).as_deref() {
            Some("read") => read += u(&e["value"]),
            Some("write") => write += u(&e["value"]),
            _ => {}
        }
    }
    let name = s["name"]
        .as_str()
        .unwrap_or_default()
        .trim_start_matches('/');
    let mut out = json!({
        "name": name,
        "cpu_percent": cpu_percent(s).map(|p| (p * 100.0).round() / 100.0),
        "memory_mib": round1(used as f64 / MIB),
        "memory_limit_mib": round1(limit as f64 / MIB),
        "memory_percent": if limit > 0 { Some(round1(used as f64 * 100.0 / limit as f64)) } else { None },
        "net_rx_mib": round1(rx as f64 / MIB),
        "net_tx_mib": round1(tx as f64 / MIB),
        "block_read_mib": round1(read as f64 / MIB),
        "block_write_mib": round1(write as f64 / MIB),
        "pids": s["pids_stats"]["current"],
    });
    if never_read(s) {
        out["note"] = json!("not running: no usage to report");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v2_sample() -> Value {
        json!({"read": "2026-12-04T09:00:01Z", "name": "/web",
            "cpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000u64}, "system_cpu_usage": 20_000_000_000u64, "online_cpus": 2},
            "precpu_stats": {"cpu_usage": {"total_usage": 1_500_000_000u64}, "system_cpu_usage": 18_000_000_000u64},
            "memory_stats": {"usage": 58_929_152u64, "limit": 2_084_278_272u64, "stats": {"inactive_file": 7_962_624u64, "active_anon": 1}},
            "networks": {"eth0": {"rx_bytes": 1_048_576u64, "tx_bytes": 2_097_152u64}, "eth1": {"rx_bytes": 1_048_576u64, "tx_bytes": 0}},
            "blkio_stats": {"io_service_bytes_recursive": [{"major": 8, "minor": 0, "op": "read", "value": 3_145_728u64}, {"major": 8, "minor": 0, "op": "write", "value": 1_048_576u64}]},
            "pids_stats": {"current": 3}})
    }

    #[test]
    fn as_docker_stats_computes_them() {
        let s = summary(&v2_sample());
        // 0.5e9 of 2e9 ns on 2 CPUs: 50%.
        assert_eq!(s["cpu_percent"], 50.0);
        // (58,929,152 - 7,962,624) bytes = 48.6 MiB, what `docker stats` shows.
        assert_eq!(s["memory_mib"], 48.6);
        assert_eq!(s["memory_percent"], 2.4);
        assert_eq!(
            (s["net_rx_mib"].clone(), s["net_tx_mib"].clone()),
            (json!(2.0), json!(2.0))
        );
        assert_eq!(
            (s["block_read_mib"].clone(), s["block_write_mib"].clone()),
            (json!(3.0), json!(1.0))
        );
        assert_eq!(
            (s["name"].clone(), s["pids"].clone()),
            (json!("web"), json!(3))
        );
    }

    #[test]
    fn cgroup_v1_cache_one_sample_and_exited() {
        let mut v1 = v2_sample();
        v1["memory_stats"]["stats"] = json!({"total_inactive_file": 8_388_608u64, "cache": 9});
        assert_eq!(memory_used(&v1), 58_929_152 - 8_388_608);
        // one-shot: no previous sample, no CPU figure rather than a wrong one.
        v1["precpu_stats"] = json!({"cpu_usage": {"total_usage": 0}});
        assert_eq!(summary(&v1)["cpu_percent"], Value::Null);
        let exited = json!({"read": "0001-01-01T00:00:00Z", "name": "/old", "memory_stats": {}});
        let s = summary(&exited);
        assert!(s["note"].as_str().unwrap().contains("not running"));
        assert_eq!(s["memory_percent"], Value::Null);
    }

    #[test]
    fn hostile_samples_do_not_panic() {
        for v in [
            json!(null),
            json!([]),
            json!({"cpu_stats": "x", "networks": [1], "blkio_stats": {"io_service_bytes_recursive": "no"}}),
        ] {
            let _ = summary(&v);
        }
    }
}
