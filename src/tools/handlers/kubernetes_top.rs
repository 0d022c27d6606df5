//! `kubectl top`: CPU and memory of pods or nodes from the Metrics API
//! (metrics.k8s.io, served by metrics-server). An environment without it
//! gets an error saying so, found by discovery before anything else.

use crate::error::ToolError;
use crate::portainer::kubernetes as kube;
use crate::tools::call::Call;
use crate::tools::handler::handler;
use reqwest::Method;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

const METRICS: &str = "apis/metrics.k8s.io/v1beta1";

#[derive(Deserialize, JsonSchema, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Of {
    Pods,
    Nodes,
}

#[derive(Deserialize, JsonSchema, Clone, Copy, Default)]
#[serde(rename_all = "snake_case")]
pub enum SortBy {
    Cpu,
    #[default]
    Memory,
}

#[derive(Deserialize, JsonSchema)]
pub struct Top {
    #[schemars(range(min = 1))]
    environment_id: u64,
    of: Of,
    /// Pods: all namespaces if left out.
    namespace: Option<String>,
    #[serde(default)]
    sort_by: SortBy,
    /// Default 20.
    #[schemars(range(min = 1, max = 500))]
    limit: Option<usize>,
}

handler!(KUBERNETES_TOP, Top, top);

async fn top(call: &Call, a: Top) -> Result<Value, ToolError> {
    let http = call.http();
    let env = a.environment_id;
    // Discovery first: a missing Metrics API is a 404 there, not an error
    // deep in a list call.
    let x = crate::portainer::passthrough::passthrough(
        http,
        crate::portainer::passthrough::Backend::Kubernetes,
        env,
        Method::GET,
        METRICS,
        &[],
        None,
    )
    .await?;
    if x.status == 404 || x.status == 503 {
        return Err(ToolError::BadArguments(format!(
            "environment {env} has no Metrics API (metrics.k8s.io answered {}): install metrics-server to see CPU and memory",
            x.status
        )));
    }
    x.into_json()?;
    let path = match (a.of, &a.namespace) {
        (Of::Nodes, _) => format!("{METRICS}/nodes"),
        (Of::Pods, Some(ns)) => {
            kube::check_name("namespace", ns)?;
            format!("{METRICS}/namespaces/{ns}/pods")
        }
        (Of::Pods, None) => format!("{METRICS}/pods"),
    };
    let list = kube::request(http, env, Method::GET, &path, &[], None).await?;
    let mut rows: Vec<Value> = list["items"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|m| row(m, a.of))
        .collect();
    let key = match a.sort_by {
        SortBy::Cpu => "cpu_millicores",
        SortBy::Memory => "memory_mib",
    };
    rows.sort_by(|x, y| {
        let (x, y) = (
            x[key].as_f64().unwrap_or(0.0),
            y[key].as_f64().unwrap_or(0.0),
        );
        y.total_cmp(&x)
    });
    let total = rows.len();
    rows.truncate(a.limit.unwrap_or(20));
    Ok(json!({"items": rows, "total": total, "sorted_by": key}))
}

/// One object's usage: a node's own, or a pod's summed over its containers.
fn row(m: &Value, of: Of) -> Value {
    let usages: Vec<&Value> = match of {
        Of::Nodes => vec![&m["usage"]],
        Of::Pods => m["containers"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| &c["usage"])
            .collect(),
    };
    let cpu: f64 = usages
        .iter()
        .filter_map(|u| u["cpu"].as_str())
        .map(cpu_millicores)
        .sum();
    let mem: f64 = usages
        .iter()
        .filter_map(|u| u["memory"].as_str())
        .map(bytes)
        .sum();
    let mut r = json!({"name": m["metadata"]["name"], "cpu_millicores": round(cpu), "memory_mib": round(mem / 1048576.0)});
    if of == Of::Pods {
        r["namespace"] = m["metadata"]["namespace"].clone();
    }
    r
}

fn round(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A CPU quantity ("250m", "1", "123456789n", "5u") in millicores.
fn cpu_millicores(q: &str) -> f64 {
    let (num, scale) = match q.chars().last() {
        Some('n') => (&q[..q.len() - 1], 1e-6),
        Some('u') => (&q[..q.len() - 1], 1e-3),
        Some('m') => (&q[..q.len() - 1], 1.0),
        _ => (q, 1000.0),
    };
    num.parse::<f64>().map(|n| n * scale).unwrap_or(0.0)
}

/// A memory quantity ("1234Ki", "56Mi", "1G", "1000") in bytes.
fn bytes(q: &str) -> f64 {
    const UNITS: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
        ("Ti", 1099511627776.0),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
    ];
    for (suffix, scale) in UNITS {
        if let Some(n) = q.strip_suffix(suffix) {
            return n.parse::<f64>().map(|n| n * scale).unwrap_or(0.0);
        }
    }
    q.parse::<f64>().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_as_kubectl_reads_them() {
        assert_eq!(cpu_millicores("250m"), 250.0);
        assert_eq!(cpu_millicores("2"), 2000.0);
        assert_eq!(cpu_millicores("123456789n"), 123.456789);
        assert_eq!(cpu_millicores("500u"), 0.5);
        assert_eq!(bytes("1Ki"), 1024.0);
        assert_eq!(bytes("64Mi"), 67108864.0);
        assert_eq!(bytes("1G"), 1e9);
        assert_eq!(bytes("4096"), 4096.0);
        assert_eq!(bytes("junk"), 0.0);
    }
}
