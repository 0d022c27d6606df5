//! What one tool call did over HTTP, kept in a task-local for the duration
//! of the call: the raw last response (the typed client only hands back
//! decoded values), every request sent (for the audit log), and in dry-run
//! mode the writes that were held back.

use crate::portainer::exchange::Exchange;
use crate::shaping::log_filter::Filter;
use crate::shaping::log_window::{LogText, TextPlan};
use crate::shaping::stream_list::ListPlan;
use serde_json::{json, Value};
use std::cell::RefCell;

/// One request that left the process.
#[derive(Debug, Clone)]
pub struct Sent {
    pub method: String,
    pub path: String,
    pub status: u16,
}

#[derive(Debug, Default)]
pub struct CallState {
    /// Writes are captured instead of sent.
    pub dry_run: bool,
    /// Nothing is sent at all; every request is captured (fuzzing, tests).
    pub offline: bool,
    /// The caller's own Portainer token (HTTP transport), instead of the
    /// server's.
    pub token: Option<String>,
    pub last: Option<Exchange>,
    pub sent: Vec<Sent>,
    /// The writes a dry run held back: method, path, body.
    pub would_send: Vec<Value>,
    /// The running tool asks the Kubernetes API server for its own dry run
    /// of held writes (kubernetes_apply, kubernetes_delete); see http.rs.
    pub server_dry_run: bool,
    /// What the API server answered to its own dry run of those writes
    /// (Kubernetes `dryRun=All`), when a tool asked for one.
    pub preview: Vec<Value>,
    /// What a held call would change, as the tool itself worked it out from
    /// what it read (the objects a prune would remove).
    pub would_change: Option<Value>,
    /// How to shape a list answer while it arrives (taken by the first GET).
    pub list_plan: Option<ListPlan>,
    /// How to read a log answer while it arrives (taken by the next GET),
    /// and what was read.
    pub text_plan: Option<TextPlan>,
    pub text_read: Option<LogText>,
    /// Bytes of a log the result may keep before shaping (a few times the
    /// response cap).
    pub text_window: Option<usize>,
    /// A list shaped on arrival: the value, and whether it is final.
    pub streamed: Option<(Value, bool)>,
    /// The call's result is that final list: shaping it again would cut twice.
    pub shaped: bool,
    /// Why the call failed on the way back (an answer too large...).
    pub failure: Option<crate::error::ToolError>,
    /// The next body read stops at this time or this many bytes and keeps
    /// what arrived (a command's output that may not end in time or size);
    /// `read_cut` says which stopped it.
    pub read_deadline: Option<tokio::time::Instant>,
    pub read_limit: Option<usize>,
    pub read_cut: Option<ReadCut>,
    /// How many items a paged list has in all (Portainer's X-Total-Count).
    pub list_total: Option<u64>,
    /// The request on its way now (method, path, since when): what progress
    /// reports, and what a cancelled call may have left unfinished.
    pub in_flight: Option<(String, String, std::time::Instant)>,
}

/// What the client can do to a running call: cancel it (the request on
/// its way is dropped, its connection closed), and be told how it goes.
#[derive(Clone, Default)]
pub struct Watch {
    pub cancel: Option<tokio_util::sync::CancellationToken>,
    /// Called about once a second with a rising count and a message.
    pub progress: Option<std::sync::Arc<dyn Fn(u32, String) + Send + Sync>>,
}

/// How often a running call reports progress.
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

tokio::task_local! {
    static CALL: RefCell<CallState>;
}

/// Runs one tool call with its own record; returns the call's output (None
/// when the client cancelled it) and what it did.
pub async fn run<F: std::future::Future>(
    dry_run: bool,
    token: Option<String>,
    list_plan: Option<ListPlan>,
    watch: &Watch,
    f: F,
) -> (Option<F::Output>, CallState) {
    let state = CallState {
        dry_run,
        token,
        list_plan,
        ..CallState::default()
    };
    scoped(state, watch, f).await
}

/// Runs `f` with `state` as the call's record and hands the record back.
async fn scoped<F: std::future::Future>(
    state: CallState,
    watch: &Watch,
    f: F,
) -> (Option<F::Output>, CallState) {
    CALL.scope(RefCell::new(state), async move {
        let cancel = watch.cancel.clone().unwrap_or_default();
        let mut tick =
            tokio::time::interval_at(tokio::time::Instant::now() + PROGRESS_EVERY, PROGRESS_EVERY);
        let started = std::time::Instant::now();
        let mut count = 0u32;
        tokio::pin!(f);
        let out = loop {
            tokio::select! {
                // A call that has finished is not reported cancelled.
                biased;
                out = &mut f => break Some(out),
                // Dropping `f` drops the request on its way.
                _ = cancel.cancelled() => break None,
                _ = tick.tick(), if watch.progress.is_some() => {
                    count += 1;
                    let message = CALL.with(|c| progress_message(&c.borrow(), started));
                    if let Some(report) = &watch.progress {
                        report(count, message);
                    }
                }
            }
        };
        let state = CALL.with(|c| std::mem::take(&mut *c.borrow_mut()));
        (out, state)
    })
    .await
}

fn progress_message(c: &CallState, started: std::time::Instant) -> String {
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

/// A request is about to leave (see http.rs).
pub fn leaving(method: &str, path: &str) {
    let _ = CALL.try_with(|c| {
        c.borrow_mut().in_flight = Some((
            method.to_string(),
            path.to_string(),
            std::time::Instant::now(),
        ))
    });
}

pub fn token() -> Option<String> {
    CALL.try_with(|c| c.borrow().token.clone()).ok().flatten()
}

pub fn dry_run() -> bool {
    CALL.try_with(|c| c.borrow().dry_run).unwrap_or(false)
}

pub fn offline() -> bool {
    CALL.try_with(|c| c.borrow().offline).unwrap_or(false)
}

/// Runs a call in which no request leaves the process: every request is
/// captured and answered with an empty 200 (for fuzzing the decoders).
pub async fn run_offline<F: std::future::Future>(f: F) -> (F::Output, CallState) {
    let state = CallState {
        dry_run: true,
        offline: true,
        ..CallState::default()
    };
    let (out, state) = scoped(state, &Watch::default(), f).await;
    (out.expect("nothing cancels an offline call"), state)
}

/// The last response, for the finishers in decode.rs.
pub fn take_exchange() -> Option<Exchange> {
    CALL.try_with(|c| c.borrow_mut().last.take()).ok().flatten()
}

pub fn take_list_plan() -> Option<ListPlan> {
    CALL.try_with(|c| c.borrow_mut().list_plan.take())
        .ok()
        .flatten()
}

/// The call's results keep at most this much of a log (see log_window.rs).
pub fn set_text_window(bytes: usize) {
    let _ = CALL.try_with(|c| c.borrow_mut().text_window = Some(bytes));
}

/// The next GET's answer is a log (Docker's framed stream when `docker`):
/// read as it arrives, its end (or its `filter` matches) kept.
pub fn expect_log(docker: bool, filter: Option<Filter>) {
    let _ = CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        let keep = c.text_window.unwrap_or(DEFAULT_TEXT_WINDOW);
        c.text_plan = Some(TextPlan {
            docker,
            keep,
            filter,
        });
    });
}

/// Without a window set by the server (tests of the HTTP layer alone).
const DEFAULT_TEXT_WINDOW: usize = 256 << 10;

pub fn take_text_plan() -> Option<TextPlan> {
    CALL.try_with(|c| c.borrow_mut().text_plan.take())
        .ok()
        .flatten()
}

pub fn set_text_read(t: LogText) {
    let _ = CALL.try_with(|c| c.borrow_mut().text_read = Some(t));
}

/// What the last log read saw (its text is the answer's body).
pub fn take_text_read() -> Option<LogText> {
    CALL.try_with(|c| c.borrow_mut().text_read.take())
        .ok()
        .flatten()
}

pub fn set_list_total(n: u64) {
    let _ = CALL.try_with(|c| c.borrow_mut().list_total = Some(n));
}

/// Why a body read stopped before the answer ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadCut {
    Time,
    Size,
}

/// The next answer's body is read until `at` or `bytes`, whichever comes
/// first, then cut (see http.rs).
pub fn set_read_bounds(at: tokio::time::Instant, bytes: usize) {
    let _ = CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        c.read_deadline = Some(at);
        c.read_limit = Some(bytes);
    });
}

pub fn take_read_bounds() -> (Option<tokio::time::Instant>, Option<usize>) {
    CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        (c.read_deadline.take(), c.read_limit.take())
    })
    .unwrap_or((None, None))
}

pub fn mark_read_cut(why: ReadCut) {
    let _ = CALL.try_with(|c| c.borrow_mut().read_cut = Some(why));
}

pub fn read_cut() -> Option<ReadCut> {
    CALL.try_with(|c| c.borrow().read_cut).ok().flatten()
}

pub fn set_streamed(value: Value, shaped: bool) {
    let _ = CALL.try_with(|c| c.borrow_mut().streamed = Some((value, shaped)));
}

pub fn fail(e: crate::error::ToolError) {
    let _ = CALL.try_with(|c| c.borrow_mut().failure = Some(e));
}

/// Keeps the exchange as the call's last; one that left the process is
/// also listed as sent (for the audit log).
pub fn record(x: &Exchange) {
    let _ = CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        c.in_flight = None;
        if x.sent {
            c.sent.push(Sent {
                method: x.method.to_string(),
                path: x.path.clone(),
                status: x.status,
            });
        }
        c.last = Some(x.clone());
    });
}

/// Marks this call's held writes as Kubernetes server-side dry runs.
pub fn allow_server_dry_run() {
    let _ = CALL.try_with(|c| c.borrow_mut().server_dry_run = true);
}

pub fn server_dry_run_allowed() -> bool {
    CALL.try_with(|c| c.borrow().server_dry_run)
        .unwrap_or(false)
}

/// What the running tool would change, for the held answer.
pub fn set_would_change(v: Value) {
    let _ = CALL.try_with(|c| c.borrow_mut().would_change = Some(v));
}

/// An API server's answer to a server-side dry run, for the held answer.
pub fn add_preview(v: Value) {
    let _ = CALL.try_with(|c| c.borrow_mut().preview.push(v));
}

pub fn capture(method: &str, path: &str, body: Option<&[u8]>) {
    let body = body
        .map(crate::portainer::exchange::body_value)
        .unwrap_or(Value::Null);
    let _ = CALL.try_with(|c| {
        c.borrow_mut()
            .would_send
            .push(json!({"method": method, "path": path, "body": body}));
    });
}
