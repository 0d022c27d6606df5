//! Sends finished spans to the OTLP/HTTP endpoint in batches, from one
//! task: a bounded queue (full: the span is dropped and counted), drained
//! every 200 ms in POSTs of at most 512 spans, each with a deadline. A span
//! ending only pushes onto the queue: no task is woken per span, which on
//! a small machine costs a call more than the span itself.

use super::otlp::{self, Ended, ExportTraceServiceRequest, ResourceSpans, ScopeSpans};
use prost::Message;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

/// Spans waiting to be sent, at most.
const QUEUE: usize = 8_192;
const BATCH: usize = 512;
const EVERY: Duration = Duration::from_millis(200);
const DEADLINE: Duration = Duration::from_secs(10);

/// Where spans go and what goes with them.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// The traces URL (…/v1/traces).
    pub url: String,
    /// OTEL_EXPORTER_OTLP_HEADERS: sent with each export, never logged.
    pub headers: Vec<(String, String)>,
    pub service_name: String,
}

struct Exporter {
    queue: Mutex<Vec<Ended>>,
    dropped: AtomicU64,
    /// A drained batch is on its way (flush waits for it).
    busy: AtomicBool,
}

static EXPORTER: OnceLock<Exporter> = OnceLock::new();

pub fn enabled() -> bool {
    EXPORTER.get().is_some()
}

/// Starts the export (once per process), on the running Tokio runtime.
pub fn init(endpoint: Endpoint) -> Result<(), String> {
    // No redirects: the export's headers (an API key) go to the endpoint only.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .map_err(|e| format!("the OTLP client: {e}"))?;
    EXPORTER
        .set(Exporter {
            queue: Mutex::new(Vec::with_capacity(BATCH)),
            dropped: AtomicU64::new(0),
            busy: AtomicBool::new(false),
        })
        .map_err(|_| "traces are already on".to_string())?;
    tokio::spawn(run(client, endpoint));
    Ok(())
}

pub(super) fn send(span: Ended) {
    if let Some(e) = EXPORTER.get() {
        let mut q = e.queue.lock().unwrap_or_else(|p| p.into_inner());
        if q.len() < QUEUE {
            q.push(span);
        } else {
            e.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn drain() -> Vec<Ended> {
    EXPORTER.get().map_or_else(Vec::new, |e| {
        std::mem::take(&mut *e.queue.lock().unwrap_or_else(|p| p.into_inner()))
    })
}

/// Waits (2 s at most) until the spans queued so far have been handed to
/// the endpoint: before the process exits.
pub async fn flush() {
    let Some(e) = EXPORTER.get() else { return };
    for _ in 0..40 {
        let empty = e.queue.lock().map_or(true, |q| q.is_empty());
        if empty && !e.busy.load(Ordering::Acquire) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn run(client: reqwest::Client, to: Endpoint) {
    let resource = otlp::Resource {
        attributes: vec![
            otlp::key_value(
                "service.name",
                otlp::Value::StringValue(to.service_name.clone()),
            ),
            otlp::key_value(
                "service.version",
                otlp::Value::StringValue(env!("CARGO_PKG_VERSION").into()),
            ),
        ],
    };
    let scope = otlp::InstrumentationScope {
        name: "portainer-mcp".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    };
    let mut failing = false;
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let Some(exporter) = EXPORTER.get() else {
        return;
    };
    let mut dropped_said = 0;
    loop {
        tick.tick().await;
        let dropped = exporter.dropped.load(Ordering::Relaxed);
        if dropped > dropped_said {
            tracing::warn!(dropped, "OTLP: spans dropped, the queue was full (8,192)");
            dropped_said = dropped;
        }
        exporter.busy.store(true, Ordering::Release);
        let mut all = drain();
        while !all.is_empty() {
            let rest = all.split_off(all.len().min(BATCH));
            let spans = std::mem::replace(&mut all, rest)
                .into_iter()
                .map(otlp::Span::from)
                .collect();
            failing = post(&client, &to, &resource, &scope, spans, failing).await;
        }
        exporter.busy.store(false, Ordering::Release);
    }
}

/// One POST of `spans`; whether exports are failing now.
async fn post(
    client: &reqwest::Client,
    to: &Endpoint,
    resource: &otlp::Resource,
    scope: &otlp::InstrumentationScope,
    spans: Vec<otlp::Span>,
    failing: bool,
) -> bool {
    {
        let body = ExportTraceServiceRequest {
            resource_spans: vec![ResourceSpans {
                resource: Some(resource.clone()),
                scope_spans: vec![ScopeSpans {
                    scope: Some(scope.clone()),
                    spans,
                }],
            }],
        }
        .encode_to_vec();
        let mut req = client
            .post(&to.url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-protobuf")
            .body(body);
        for (k, v) in &to.headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let outcome = req.send().await.map(|r| r.status());
        // Said once when it starts failing and once when it recovers.
        match outcome {
            Ok(s) if s.is_success() => {
                if failing {
                    tracing::info!("OTLP export works again");
                }
                false
            }
            Ok(s) => {
                if !failing {
                    tracing::warn!(status = s.as_u16(), "OTLP export refused; spans dropped");
                }
                true
            }
            Err(e) => {
                if !failing {
                    tracing::warn!(error = %e.without_url(), "OTLP export failed; spans dropped");
                }
                true
            }
        }
    }
}
