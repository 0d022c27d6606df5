//! Prometheus metrics, served at /metrics by the HTTP transport and, with
//! --metrics ADDR, by a listener of their own (stdio mode too). The
//! dashboard and alert rules in deploy/ read these names.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct CallLabels {
    pub tool: String,
    /// read, or write: the call would change something (held or not).
    pub access: String,
    pub outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ToolLabel {
    pub tool: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct StatusLabel {
    pub status: String,
}

/// The audit chain's head: the last seal this server wrote.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct HeadLabel {
    pub seal: String,
}

pub struct Metrics {
    registry: Registry,
    pub calls: Family<CallLabels, Counter>,
    pub latency: Family<ToolLabel, Histogram>,
    pub upstream: Family<StatusLabel, Counter>,
    pub in_flight: Gauge,
    /// Records this server sealed, under the label of the last seal (one
    /// series at a time): compared with `audit verify --head`.
    pub audit_head: Family<HeadLabel, Gauge>,
}

impl Default for Metrics {
    fn default() -> Self {
        let calls = Family::<CallLabels, Counter>::default();
        let latency = Family::<ToolLabel, Histogram>::new_with_constructor(|| {
            // 5 ms to about 20 s.
            Histogram::new(exponential_buckets(0.005, 2.0, 13))
        });
        let upstream = Family::<StatusLabel, Counter>::default();
        let in_flight = Gauge::default();
        let mut registry = Registry::with_prefix("portainer_mcp");
        registry.register(
            "tool_calls",
            "Tool calls by tool, access (read, write) and outcome (ok, error, held, cancelled, interrupted)",
            calls.clone(),
        );
        registry.register("tool_call_seconds", "Tool call duration", latency.clone());
        registry.register(
            "upstream_responses",
            "Responses from Portainer by HTTP status",
            upstream.clone(),
        );
        registry.register(
            "tool_calls_in_flight",
            "Tool calls being served",
            in_flight.clone(),
        );
        let audit_head = Family::<HeadLabel, Gauge>::default();
        registry.register(
            "audit_head",
            "Audit records sealed by this server, labelled with the last seal (the chain head)",
            audit_head.clone(),
        );
        Metrics {
            audit_head,
            registry,
            calls,
            latency,
            upstream,
            in_flight,
        }
    }
}

impl Metrics {
    /// Publishes the audit chain's head.
    pub fn set_audit_head(&self, seal: &str, records: u64) {
        self.audit_head.clear();
        self.audit_head
            .get_or_create(&HeadLabel { seal: seal.into() })
            .set(records as i64);
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
