//! What one tool call did over HTTP: every request sent (for the audit
//! log), the last answer, what a held call would have sent, how to read
//! the next answer (a list shaped as it arrives, a log into a window, a
//! bounded read), and what the client can do meanwhile (cancel, follow
//! progress). A value: the call's `Http` holds it (http.rs), so anything
//! the call runs, a spawned task included, writes to the same record.

use crate::portainer::exchange::Exchange;
use crate::shaping::log_filter::Filter;
use crate::shaping::log_window::{LogText, TextPlan};
use crate::shaping::stream_list::ListPlan;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex, MutexGuard};

/// One request that left the process.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub path: String,
    pub status: u16,
}

/// Why a body read stopped before the answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadCut {
    Time,
    Size,
}

#[derive(Debug, Default)]
pub struct CallState {
    /// Writes are captured instead of sent (a dry run, or confirmation
    /// missing).
    pub held: bool,
    /// Nothing is sent at all; every request is captured (fuzzing, tests).
    pub offline: bool,
    /// The caller's own Portainer token (HTTP transport), instead of the
    /// server's.
    pub token: Option<String>,
    /// The tool the call runs (a policy may except it by name), and
    /// whether it is marked destructive (its writes count as such).
    pub tool: Option<(&'static str, bool)>,
    /// Only reads may leave (the request's X-MCP-Readonly): the HTTP
    /// layer's guard holds it as it holds --read-only.
    pub read_only: bool,
    /// The call's span: each request to Portainer is a child span of it.
    pub trace: Option<crate::trace::SpanContext>,
    pub last: Option<Exchange>,
    pub sent: Vec<Sent>,
    /// The writes a held call kept back: method, path, body.
    pub would_send: Vec<Value>,
    /// The running tool asks the Kubernetes API server for its own dry run
    /// of held writes (kubernetes_apply, kubernetes_delete); see http.rs.
    pub server_dry_run: bool,
    /// What the API server answered to its own dry run of those writes.
    pub preview: Vec<Value>,
    /// What a held call would change, as the tool worked it out from what
    /// it read (the objects a prune would remove).
    pub would_change: Option<Value>,
    /// How to shape a list answer while it arrives (taken by the first GET).
    pub list_plan: Option<ListPlan>,
    /// How to read a log answer while it arrives (taken by the next GET),
    /// and what was read.
    pub text_plan: Option<TextPlan>,
    pub text_read: Option<LogText>,
    /// Bytes of a log the result may keep before shaping.
    pub text_window: Option<usize>,
    /// Why the call failed on the way back (an answer too large...).
    pub failure: Option<crate::error::ToolError>,
    /// The next body read stops at this time or this many bytes and keeps
    /// what arrived; `read_cut` says which stopped it.
    pub read_deadline: Option<tokio::time::Instant>,
    pub read_limit: Option<usize>,
    pub read_cut: Option<ReadCut>,
    /// The request on its way now (method, path, since when): what progress
    /// reports, and what a cancelled call may have left unfinished.
    pub in_flight: Option<(String, String, std::time::Instant)>,
    /// The user confirmed this call (confirm: true, or an accepted ask).
    pub confirmed: bool,
    /// What the policy's content rules warn of in what the call deploys.
    pub content_warnings: Vec<Value>,
    /// Stacks the policy read for the request being checked (their
    /// environment and type only), by id: one GET each, however many of
    /// that request's checks ask. Forgotten when the next request's checks
    /// begin, so nothing is judged on what an earlier write changed.
    pub policy_stacks: Vec<(u64, Value)>,
    /// What a call that waits for its change to converge is waiting for:
    /// progress reports it, and a cancelled call says the change was made.
    pub waiting: Option<String>,
}

/// What the client can do to a running call: cancel it (the request on
/// its way is dropped, its connection closed), and be told how it goes.
#[derive(Clone, Default)]
pub struct Watch {
    pub cancel: Option<tokio_util::sync::CancellationToken>,
    /// Called about once a second with a rising count and a message.
    pub progress: Option<Arc<dyn Fn(u32, String) + Send + Sync>>,
}

/// How often a running call reports progress.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Without a window set by the server (a call of the HTTP layer alone).
const DEFAULT_TEXT_WINDOW: usize = 256 << 10;

/// One call's record, shared by what the call runs.
#[derive(Clone, Default)]
pub struct Record(Arc<Mutex<CallState>>);

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Record")
    }
}

impl Record {
    pub fn new(state: CallState) -> Record {
        Record(Arc::new(Mutex::new(state)))
    }

    /// A record in which no request leaves the process: every request is
    /// captured and answered with an empty 200 (fuzzing the decoders).
    pub fn offline() -> Record {
        Record::new(CallState {
            held: true,
            offline: true,
            ..CallState::default()
        })
    }

    fn lock(&self) -> MutexGuard<'_, CallState> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the call did, taken out (the record is empty after).
    pub fn take(&self) -> CallState {
        std::mem::take(&mut *self.lock())
    }

    /// Runs `f` (the call) and watches it: None when the client cancelled
    /// it (dropping `f` drops the request on its way); progress about once
    /// a second while it runs.
    pub async fn run<F: std::future::Future>(&self, watch: &Watch, f: F) -> Option<F::Output> {
        let cancel = watch.cancel.clone().unwrap_or_default();
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        let started = std::time::Instant::now();
        let mut count = 0u32;
        tokio::pin!(f);
        loop {
            tokio::select! {
                // A call that has finished is not reported cancelled.
                biased;
                out = &mut f => return Some(out),
                _ = cancel.cancelled() => return None,
                _ = tick.tick(), if watch.progress.is_some() => {
                    count += 1;
                    let message = progress_message(&self.lock(), started);
                    if let Some(report) = &watch.progress {
                        report(count, message);
                    }
                }
            }
        }
    }

    /// The call now waits for its change to converge; `status` is where it
    /// stands.
    pub fn waiting(&self, status: &str) {
        self.lock().waiting = Some(status.to_string());
    }

    /// A request is about to leave (see http.rs).
    pub fn leaving(&self, method: &str, path: &str) {
        self.lock().in_flight = Some((
            method.to_string(),
            path.to_string(),
            std::time::Instant::now(),
        ));
    }

    pub fn token(&self) -> Option<String> {
        self.lock().token.clone()
    }

    pub fn set_tool(&self, name: &'static str, destructive: bool) {
        self.lock().tool = Some((name, destructive));
    }

    pub fn tool(&self) -> Option<(&'static str, bool)> {
        self.lock().tool
    }

    /// Writes are held back (captured, not sent).
    pub fn held(&self) -> bool {
        self.lock().held
    }

    pub fn is_offline(&self) -> bool {
        self.lock().offline
    }

    /// The last response, for the finishers in decode.rs.
    pub fn take_exchange(&self) -> Option<Exchange> {
        self.lock().last.take()
    }

    /// How the call's first list answer is shaped as it arrives.
    pub fn set_list_plan(&self, plan: Option<ListPlan>) {
        self.lock().list_plan = plan;
    }

    pub fn take_list_plan(&self) -> Option<ListPlan> {
        self.lock().list_plan.take()
    }

    /// The call's results keep at most this much of a log (log_window.rs).
    pub fn set_text_window(&self, bytes: usize) {
        self.lock().text_window = Some(bytes);
    }

    /// The next GET's answer is a log (Docker's framed stream when
    /// `docker`): read as it arrives, its end (or its `filter` matches) kept.
    pub fn expect_log(&self, docker: bool, filter: Option<Filter>) {
        let mut c = self.lock();
        let keep = c.text_window.unwrap_or(DEFAULT_TEXT_WINDOW);
        c.text_plan = Some(TextPlan {
            docker,
            keep,
            filter,
        });
    }

    pub fn take_text_plan(&self) -> Option<TextPlan> {
        self.lock().text_plan.take()
    }

    pub fn set_text_read(&self, t: LogText) {
        self.lock().text_read = Some(t);
    }

    /// What the last log read saw (its text is the answer's body).
    pub fn take_text_read(&self) -> Option<LogText> {
        self.lock().text_read.take()
    }

    /// The next answer's body is read until `at` or `bytes`, whichever
    /// comes first, then cut (see http.rs).
    pub fn set_read_bounds(&self, at: tokio::time::Instant, bytes: usize) {
        let mut c = self.lock();
        c.read_deadline = Some(at);
        c.read_limit = Some(bytes);
    }

    pub fn take_read_bounds(&self) -> (Option<tokio::time::Instant>, Option<usize>) {
        let mut c = self.lock();
        (c.read_deadline.take(), c.read_limit.take())
    }

    pub fn mark_read_cut(&self, why: ReadCut) {
        self.lock().read_cut = Some(why);
    }

    pub fn read_cut(&self) -> Option<ReadCut> {
        self.lock().read_cut
    }

    pub fn fail(&self, e: crate::error::ToolError) {
        self.lock().failure = Some(e);
    }

    pub fn set_trace(&self, ctx: crate::trace::SpanContext) {
        self.lock().trace = Some(ctx);
    }

    pub fn trace(&self) -> Option<crate::trace::SpanContext> {
        self.lock().trace
    }

    pub fn set_read_only(&self) {
        self.lock().read_only = true;
    }

    pub fn read_only(&self) -> bool {
        self.lock().read_only
    }

    pub fn has_failure(&self) -> bool {
        self.lock().failure.is_some()
    }

    /// The failure marked so far, no longer the call's (a wait's reading
    /// that failed after the change was made: wait.rs tells it apart).
    pub fn take_failure(&self) -> Option<crate::error::ToolError> {
        self.lock().failure.take()
    }

    /// Keeps the exchange as the call's last; one that left the process is
    /// also listed as sent (for the audit log).
    pub fn record(&self, x: &Exchange) {
        let mut c = self.lock();
        c.in_flight = None;
        if x.sent {
            c.sent.push(Sent {
                method: x.method.to_string(),
                path: x.path.clone(),
                status: x.status,
            });
        }
        c.last = Some(x.clone());
    }

    /// Marks this call's held writes as Kubernetes server-side dry runs.
    pub fn allow_server_dry_run(&self) {
        self.lock().server_dry_run = true;
    }

    pub fn server_dry_run_allowed(&self) -> bool {
        self.lock().server_dry_run
    }

    /// What the running tool would change, for the held answer.
    pub fn set_would_change(&self, v: Value) {
        self.lock().would_change = Some(v);
    }

    /// An API server's answer to a server-side dry run, for the held answer.
    pub fn add_preview(&self, v: Value) {
        self.lock().preview.push(v);
    }

    pub fn set_confirmed(&self, yes: bool) {
        self.lock().confirmed = yes;
    }

    pub fn confirmed(&self) -> bool {
        self.lock().confirmed
    }

    /// Content warnings, each kept once (a manifest is checked before it
    /// is applied and again as it goes).
    pub fn add_content_warnings(&self, warnings: Vec<Value>) {
        let mut st = self.lock();
        for w in warnings {
            if !st.content_warnings.contains(&w) {
                st.content_warnings.push(w);
            }
        }
    }

    pub fn policy_stack(&self, id: u64) -> Option<Value> {
        let st = self.lock();
        st.policy_stacks
            .iter()
            .find(|(i, _)| *i == id)
            .map(|(_, v)| v.clone())
    }

    pub fn keep_policy_stack(&self, id: u64, stack: Value) {
        let mut st = self.lock();
        if !st.policy_stacks.iter().any(|(i, _)| *i == id) {
            st.policy_stacks.push((id, stack));
        }
    }

    pub fn forget_policy_stacks(&self) {
        self.lock().policy_stacks.clear();
    }

    pub fn capture(&self, method: &str, path: &str, body: Option<&[u8]>) {
        let body = body
            .map(crate::portainer::exchange::body_value)
            .unwrap_or(Value::Null);
        self.lock()
            .would_send
            .push(json!({"method": method, "path": path, "body": body}));
    }
}

fn progress_message(c: &CallState, started: std::time::Instant) -> String {
    if let Some(status) = &c.waiting {
        return format!("{} s; waiting: {status}", started.elapsed().as_secs());
    }
    let done = c.sent.len();
    match &c.in_flight {
        Some((method, path, since)) => format!(
            "{done} request(s) done; waiting {} s for {method} {path}",
            since.elapsed().as_secs()
        ),
        None => format!(
            "{done} request(s) done in {} s; working",
            started.elapsed().as_secs()
        ),
    }
}
