//! The MCP server: tools/list from the selection, tools/call through the
//! generated dispatch, results as structured content plus a text copy.

use crate::error::ToolError;
use crate::mcp::audit::Audit;
use crate::mcp::callers::{User, Users, TOKEN_HEADER};
use crate::mcp::confirm;
use crate::mcp::input_required;
use crate::mcp::menu::{Menu, Pending, Ready};
use crate::mcp::metrics::{CallLabels, Metrics, StatusLabel, ToolLabel};
use crate::portainer::call_record;
use crate::portainer::client::Client;
use crate::shaping;
use crate::tools::args::Args;
use crate::tools::catalogue::{self, ToolDef};
use crate::tools::policy::Mode;
use crate::tools::selection::Selection;
use crate::tools::team_access;
use progenitor_client::ClientInfo;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, GetPromptRequestParams,
    GetPromptResponse, Implementation, InputResponses, JsonObject, ListPromptsResult,
    ListToolsResult, PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

/// What every tool shares, told once here so each tool's own text stays short.
const INSTRUCTIONS: &str = "Tools for one Portainer server and the Docker, Swarm and Kubernetes \
environments it manages. Most tools need a numeric environment_id: get it from environment_list first. \
Lists answer {items}; where a list takes `limit`/`offset` it adds total. Logs answer as plain text. Long results are cut with a `_truncated` note. \
`select` is a JMESPath expression applied to the result (e.g. items[?State=='running'].Names); \
the answer then comes as {selected: ...}; run a list once with a small limit to see its fields. \
Write tools change real systems: `dry_run: true` returns the requests that would be sent and writes \
nothing (Kubernetes apply/delete ask the API server for its own dry run, which stores nothing); where \
a tool takes `confirm`, it acts only with `confirm: true` and otherwise shows what it would do. Secrets in results read <redacted> unless the server runs with --show-secrets. \
Operations without a tool of their own: api_find, then api_describe, then api_call.";

/// How the server treats calls: everything but the tool list itself.
pub struct CallSettings {
    pub shaping: shaping::Limits,
    pub audit: Option<Audit>,
    /// Who is calling, for the audit log ("stdio" for the local transport).
    pub caller: String,
    /// HTTP mode: each request's own Portainer token, checked per user.
    pub users: Option<Arc<Users>>,
    pub metrics: Option<Arc<Metrics>>,
    /// --team-id: the team every stack this server creates is restricted to.
    pub team: Option<u64>,
    /// Seals the state of input_required confirmations (MCP 2026-07-28).
    pub sealer: input_required::Sealer,
}

/// What the client can do around one call: be asked to confirm, cancel
/// it, follow its progress.
#[derive(Default)]
pub struct CallContext<'a> {
    pub ask: Ask<'a>,
    pub watch: call_record::Watch,
}

/// One call's id in the audit log, and, for the second round of an
/// input_required confirmation, the id of the round that asked.
pub struct CallId {
    pub id: String,
    pub asked_in: Option<String>,
}

impl Default for CallId {
    fn default() -> Self {
        CallId {
            id: super::audit::new_call_id(),
            asked_in: None,
        }
    }
}

/// How a call that needs confirmation can ask the user.
#[derive(Default)]
pub enum Ask<'a> {
    /// Nobody to ask: the call answers with what it would send.
    #[default]
    Nobody,
    /// A session before MCP 2026-07-28: an elicitation request, where the
    /// client supports it.
    Elicit(&'a rmcp::Peer<RoleServer>),
    /// MCP 2026-07-28: an input_required answer (if the client can show a
    /// form), and a second round carrying the sealed state and the answer.
    Rounds {
        can_ask: bool,
        state: Option<String>,
        responses: Option<InputResponses>,
    },
}

/// The sealer for --state-key (or a random key for this process alone).
pub fn input_required_sealer(key: Option<&str>) -> Result<input_required::Sealer, String> {
    input_required::Sealer::new(key.map(str::as_bytes))
}

/// Sends a call's progress to the client in order, as notifications on
/// the token it gave; stops when the call ends (the sender is dropped).
fn progress_sender(
    peer: rmcp::Peer<RoleServer>,
    token: rmcp::model::ProgressToken,
) -> Arc<dyn Fn(u32, String) + Send + Sync> {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(u32, String)>();
    tokio::spawn(async move {
        while let Some((n, message)) = rx.recv().await {
            let p = rmcp::model::ProgressNotificationParam::new(token.clone(), f64::from(n))
                .with_message(message);
            if peer.notify_progress(p).await.is_err() {
                break;
            }
        }
    });
    Arc::new(move |n, message| {
        let _ = tx.send((n, message));
    })
}

/// What a cancelled call reports: whether a write had left (its outcome
/// then unknown) and which were done.
fn cancelled(state: &call_record::CallState) -> ToolError {
    let done: Vec<String> = state
        .sent
        .iter()
        .filter(|x| x.method != "GET")
        .map(|x| format!("{} {} (HTTP {})", x.method, x.path, x.status))
        .collect();
    let mut text = String::from("the client cancelled the call");
    match state.in_flight.as_ref().filter(|(m, _, _)| m != "GET") {
        Some((m, p, _)) => text.push_str(&format!(
            "; a write had already left and its outcome is unknown: {m} {p} \
             (Portainer may have applied it: check before calling again)"
        )),
        None if done.is_empty() => text.push_str("; no write had been sent"),
        None => {}
    }
    if !done.is_empty() {
        text.push_str(&format!("; writes done before: {}", done.join(", ")));
    }
    ToolError::Cancelled(text)
}

/// Who a confirmation state is bound to.
fn caller_key(user: Option<&User>) -> String {
    match user {
        Some(u) => format!("user:{}", u.id),
        None => "server".into(),
    }
}

/// Cheap to clone: the HTTP transport makes one per session.
#[derive(Clone)]
pub struct PortainerServer {
    client: Arc<Client>,
    options: Arc<CallSettings>,
    /// What is served, once known (menu.rs).
    menu: Ready,
    drain: Arc<super::drain::Drain>,
}

impl PortainerServer {
    pub fn new(client: Client, selection: Selection, options: CallSettings) -> Self {
        Self::with_menu(client, Ready::now(Menu::of(selection)), options)
    }

    /// A server whose tools are decided later (after Portainer's version
    /// is known): calls that need them wait; `initialize` does not.
    pub fn pending(client: Client, options: CallSettings) -> (Self, Pending) {
        let (ready, pending) = Ready::pending();
        (Self::with_menu(client, ready, options), pending)
    }

    fn with_menu(client: Client, menu: Ready, options: CallSettings) -> Self {
        PortainerServer {
            client: Arc::new(client),
            options: Arc::new(options),
            menu,
            drain: Arc::default(),
        }
    }

    /// The menu, once ready; an error the client sees if start-up failed.
    async fn menu(&self) -> Result<Arc<Menu>, McpError> {
        self.menu
            .wait()
            .await
            .map_err(|e| McpError::internal_error(e, None))
    }

    /// Dispatches one call under its plan, audit and metrics around it.
    #[allow(clippy::too_many_arguments)]
    async fn execute(
        &self,
        def: &ToolDef,
        args: &Args,
        plan: &confirm::Plan,
        user: Option<&User>,
        req: &shaping::Request,
        call: &CallId,
        watch: &call_record::Watch,
    ) -> (Result<Value, ToolError>, call_record::CallState) {
        if plan.writes && !plan.hold {
            self.audit(def, args, user, call, json!({"phase": "intent"}));
        }
        if let Some(m) = &self.options.metrics {
            m.in_flight.inc();
        }
        // Boxed: the dispatch future holds every tool's locals and is large.
        let team = self
            .options
            .team
            .filter(|_| team_access::creates_stack(def.name, args));
        // A log is read into a window a few times the cap (log_window.rs);
        // a generated log tool's one GET is its log.
        let window = 4 * self.options.shaping.max_chars;
        let generated_log = def.shape.keep_tail && matches!(def.input, catalogue::Input::Schema(_));
        let dispatch = Box::pin(async move {
            call_record::set_text_window(window);
            if generated_log {
                call_record::expect_log(true, None);
            }
            let out = catalogue::dispatch(&self.client, def.name, args).await;
            match (out, team) {
                (Ok(created), Some(team)) => {
                    team_access::restrict(self.client.inner(), team, created).await
                }
                (out, _) => out,
            }
        });
        let token = user.map(|u| u.token.clone());
        let list = shaping::list_plan(&def.shape, req, &self.options.shaping);
        let (raw, mut state) = call_record::run(plan.hold, token, list, watch, dispatch).await;
        let mut raw = raw.unwrap_or_else(|| Err(cancelled(&state)));
        // The body was too large, or a list was already shaped on arrival.
        if let Some(e) = state.failure.take() {
            raw = Err(e);
        } else if let (Ok(_), Some((value, shaped))) = (&raw, state.streamed.take()) {
            raw = Ok(value);
            state.shaped = shaped;
        }
        if let (Ok(v), Some(total)) = (&mut raw, state.list_total) {
            shaping::add_total(v, total);
        }
        let out = (raw, state);
        if let Some(m) = &self.options.metrics {
            m.in_flight.dec();
        }
        out
    }

    /// For a tool whose toolset is off, where api_call still reaches the
    /// same operation: how to call it (the guard and confirmation apply
    /// there as well).
    fn api_call_instead(menu: &Menu, name: &str) -> String {
        let Some(def) = crate::tools::catalogue::find(name) else {
            return String::new();
        };
        let generated = matches!(def.input, crate::tools::catalogue::Input::Schema(_));
        if !generated || !menu.served.contains_key("api_call") {
            return String::new();
        }
        let ops: Vec<String> = def.operation.split('|').map(|o| format!("`{o}`")).collect();
        format!(
            "; api_call with operation {} reaches the same API",
            ops.join(" or ")
        )
    }

    /// Runs one call; errors the model can act on become isError results.
    pub async fn call(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
    ) -> Result<CallToolResult, McpError> {
        match self
            .call_as(name, arguments, None, CallContext::default())
            .await?
        {
            CallToolResponse::Complete(r) => Ok(r),
            _ => Err(McpError::internal_error("the call asked for input", None)),
        }
    }

    /// A call on behalf of a Portainer user (HTTP mode), or with the
    /// server's own token (`user` None); `ask` is how the user can be asked
    /// to confirm.
    pub async fn call_as(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
        user: Option<User>,
        ctx: CallContext<'_>,
    ) -> Result<CallToolResponse, McpError> {
        let ask = &ctx.ask;
        let menu = self.menu().await?;
        let Some(tool) = menu.served.get(name) else {
            let name = crate::error::cap_text(name.to_string(), 200);
            return Err(match menu.left_out.get(name.as_str()) {
                Some(why) => McpError::invalid_params(
                    format!(
                        "tool `{name}` is not available: {why}{}",
                        // Not past an operator's own deny or mode: only
                        // for a toolset left off.
                        if why.starts_with("its toolset") {
                            Self::api_call_instead(&menu, &name)
                        } else {
                            String::new()
                        }
                    ),
                    None,
                ),
                None => McpError::invalid_params(format!("unknown tool `{name}`"), None),
            });
        };
        let (def, mode, schema) = (tool.def, tool.mode, &tool.schema);
        let given = arguments.unwrap_or_default();
        let args = Args::new(given.clone()).lacking(tool.lacking.clone());
        let started = Instant::now();
        let mut call = CallId::default();
        let checked = args
            .check_against(schema)
            .and_then(|()| shaping_request(&args))
            .and_then(|req| Ok((req, confirm::plan(mode, &args)?)));
        let (req, mut plan) = match checked {
            Ok(v) => v,
            Err(e) => {
                let out = self.finish(def, &args, user.as_ref(), &call, started, None, Err(e));
                return Ok(out.into());
            }
        };
        let caller = caller_key(user.as_ref());
        // The second round of an input_required confirmation.
        let mut answer = None;
        if let (
            Ask::Rounds {
                state: Some(st),
                responses,
                ..
            },
            true,
        ) = (&ask, plan.unconfirmed)
        {
            let sealer = &self.options.sealer;
            match sealer.answer(&caller, def.name, &given, st, responses.as_ref()) {
                Ok(a) => {
                    // This round is a call of its own, answering the first.
                    call.asked_in = Some(a.call.clone());
                    let record =
                        json!({"phase": "answer", "via": "input_required", "accepted": a.accepted});
                    self.audit(def, &args, user.as_ref(), &call, record);
                    answer = Some(a);
                }
                Err(why) => {
                    let e = Err(ToolError::BadArguments(why));
                    let out = self.finish(def, &args, user.as_ref(), &call, started, None, e);
                    return Ok(out.into());
                }
            }
        }
        let u = user.as_ref();
        let (mut raw, mut state) = self
            .execute(def, &args, &plan, u, &req, &call, &ctx.watch)
            .await;
        if plan.unconfirmed && raw.is_ok() {
            let shown = input_required::shown_digest(&state.would_send);
            let yes = match (ask, answer) {
                (_, Some(a)) if !a.accepted => Some(false),
                (_, Some(a)) if a.shown == shown => Some(true),
                // First round, or what would be sent changed since the
                // user saw it: ask (again).
                (Ask::Rounds { can_ask: true, .. }, _) => {
                    self.audit_ask(def, &args, u, &call, "input_required", &state.would_send);
                    let asked = self.options.sealer.ask(
                        &caller,
                        def.name,
                        &given,
                        &call.id,
                        &state.would_send,
                    );
                    self.count(def, true, "held", started, &state.sent);
                    return Ok(CallToolResponse::InputRequired(asked));
                }
                (Ask::Elicit(peer), None) => {
                    self.audit_ask(def, &args, u, &call, "elicitation", &state.would_send);
                    let said = super::elicitation::ask(peer, def.name, &state.would_send).await;
                    if let Some(yes) = said {
                        let record =
                            json!({"phase": "answer", "via": "elicitation", "accepted": yes});
                        self.audit(def, &args, u, &call, record);
                    }
                    said
                }
                _ => None,
            };
            match yes {
                Some(true) => {
                    plan = confirm::Plan {
                        writes: true,
                        ..Default::default()
                    };
                    (raw, state) = self
                        .execute(def, &args, &plan, u, &req, &call, &ctx.watch)
                        .await;
                }
                Some(false) => plan.declined = true,
                None => {}
            }
        }
        let result = if plan.hold {
            // What the call would have sent; a failed read on the way is still an error.
            raw.map(|_| {
                confirm::held_answer(
                    &plan,
                    state.would_send.clone(),
                    state.preview.clone(),
                    state.would_change.clone(),
                )
            })
            .and_then(|v| {
                shaping::shape(
                    v,
                    &HELD,
                    &shaping::Request::default(),
                    &self.options.shaping,
                )
            })
        } else {
            // A list shaped while it arrived is final; anything else
            // (a list collected whole for a select included) is shaped now.
            raw.and_then(|v| match state.shaped {
                true => Ok(v),
                false => shaping::shape(v, &def.shape, &req, &self.options.shaping),
            })
        };
        let ran = Some((&plan, &state));
        Ok(self
            .finish(def, &args, u, &call, started, ran, result)
            .into())
    }

    /// The audit record of asking the user: which requests they were shown.
    fn audit_ask(
        &self,
        def: &ToolDef,
        args: &Args,
        user: Option<&User>,
        call: &CallId,
        via: &str,
        would_send: &[Value],
    ) {
        let shown: Vec<Value> = would_send
            .iter()
            .map(|r| json!({"method": r["method"], "path": r["path"]}))
            .collect();
        let record = json!({"phase": "ask", "via": via, "requests": shown});
        self.audit(def, args, user, call, record);
    }

    #[allow(clippy::too_many_arguments)]
    fn finish(
        &self,
        def: &ToolDef,
        args: &Args,
        user: Option<&User>,
        call: &CallId,
        started: Instant,
        ran: Option<(&confirm::Plan, &call_record::CallState)>,
        result: Result<Value, ToolError>,
    ) -> CallToolResult {
        let ms = started.elapsed().as_millis() as u64;
        let sent: Vec<Value> = ran
            .map(|(_, st)| {
                st.sent
                    .iter()
                    .map(|x| json!({"method": x.method, "path": x.path, "status": x.status}))
                    .collect()
            })
            .unwrap_or_default();
        let held = ran.is_some_and(|(p, _)| p.hold);
        let mut record =
            json!({"phase": "outcome", "requests": sent, "duration_ms": ms, "held": held});
        let answer = match result {
            Ok(v) => {
                tracing::info!(tool = def.name, ms, held, "ok");
                record["outcome"] = json!("ok");
                match super::results::as_text(&v) {
                    Some(blocks) => CallToolResult::success(
                        blocks.into_iter().map(ContentBlock::text).collect(),
                    ),
                    None => CallToolResult::structured(v),
                }
            }
            Err(e) => {
                let text = super::results::error_text(&e);
                tracing::info!(tool = def.name, ms, error = %text, "failed");
                record["outcome"] = json!(match e {
                    // Cut by a shutdown past its grace, not by the client.
                    ToolError::Cancelled(_) if self.drain.is_draining() => "interrupted",
                    ToolError::Cancelled(_) => "cancelled",
                    _ => "error",
                });
                let left = ran.and_then(|(_, st)| st.in_flight.as_ref());
                if let Some((m, p, _)) = left.filter(|(m, _, _)| m != "GET") {
                    record["write_in_flight"] = json!({"method": m, "path": p});
                }
                record["error"] = json!(text);
                error_result(&e)
            }
        };
        let outcome = if held {
            "held"
        } else {
            record["outcome"].as_str().unwrap_or("error")
        };
        let writes = ran.is_some_and(|(p, _)| p.writes);
        let sent = ran.map(|(_, st)| st.sent.as_slice()).unwrap_or_default();
        self.count(def, writes, outcome, started, sent);
        self.audit(def, args, user, call, record);
        answer
    }

    /// The metrics of one finished call.
    fn count(
        &self,
        def: &ToolDef,
        writes: bool,
        outcome: &str,
        started: Instant,
        sent: &[call_record::Sent],
    ) {
        let Some(m) = &self.options.metrics else {
            return;
        };
        let call = CallLabels {
            tool: def.name.into(),
            access: if writes { "write" } else { "read" }.into(),
            outcome: outcome.into(),
        };
        m.calls.get_or_create(&call).inc();
        let tool = ToolLabel {
            tool: def.name.into(),
        };
        m.latency
            .get_or_create(&tool)
            .observe(started.elapsed().as_secs_f64());
        for x in sent {
            let status = StatusLabel {
                status: x.status.to_string(),
            };
            m.upstream.get_or_create(&status).inc();
        }
    }

    fn audit(
        &self,
        def: &ToolDef,
        args: &Args,
        user: Option<&User>,
        call: &CallId,
        mut record: Value,
    ) {
        let Some(audit) = &self.options.audit else {
            return;
        };
        record["call"] = json!(call.id);
        if let Some(first) = &call.asked_in {
            record["asked_in"] = json!(first);
        }
        // Audit::write redacts the whole record, these included.
        let arguments = args.as_value();
        record["caller"] = match user {
            Some(u) => json!({"name": u.name, "id": u.id}),
            None => json!(self.options.caller),
        };
        record["tool"] = json!(def.name);
        let mode = self
            .menu
            .get()
            .and_then(|m| m.served.get(def.name).map(|s| s.mode));
        record["access"] = json!(mode.map_or("read", Mode::label));
        record["arguments"] = arguments;
        audit.write(record);
    }

    /// HTTP mode: the Portainer user a token belongs to.
    pub async fn verify_caller(&self, token: Option<&str>) -> Result<User, ToolError> {
        match &self.options.users {
            Some(users) => users.verify(&self.client, token).await,
            None => Err(ToolError::Refused(
                "callers are checked in HTTP mode only".into(),
            )),
        }
    }

    /// HTTP mode: whether Portainer has lately accepted this token (its
    /// requests are never held back by the failed-authentication budget).
    pub fn knows_caller(&self, token: Option<&str>) -> bool {
        match (&self.options.users, token) {
            (Some(users), Some(t)) => users.knows(t),
            _ => false,
        }
    }

    /// A request the HTTP transport refused before any tool ran.
    pub fn audit_refusal(&self, client: &str, why: &str) {
        if let Some(audit) = &self.options.audit {
            audit.write(json!({"phase": "refused", "client": client, "reason": why}));
        }
    }

    /// Calls in flight, and whether shutdown has begun.
    pub fn drain(&self) -> &Arc<super::drain::Drain> {
        &self.drain
    }

    /// Shutdown past its deadline: writes still running are audited as
    /// interrupted. Returns how many.
    pub fn interrupt_open(&self, why: &str) -> usize {
        self.options
            .audit
            .as_ref()
            .map_or(0, |a| a.interrupt_open(why))
    }

    /// The Portainer this server talks to (readiness checks).
    pub fn portainer(&self) -> &crate::portainer::http::Http {
        self.client.inner()
    }

    /// The tools served, once they are known.
    pub async fn tools(&self) -> Result<Vec<Tool>, McpError> {
        Ok(self.menu().await?.tools.clone())
    }
}

/// Shaping for a held call's answer: redaction and the cap, no projection.
const HELD: shaping::Rules = shaping::Rules {
    project: None,
    omit: &[],
    keep_tail: false,
    client_paging: false,
    single_request: false,
};

fn error_result(e: &ToolError) -> CallToolResult {
    CallToolResult::error(vec![ContentBlock::text(super::results::error_text(e))])
}

/// The shaping arguments, checked before anything is sent.
fn shaping_request(args: &Args) -> Result<shaping::Request, ToolError> {
    let select: Option<String> = args.get(shaping::SELECT, None)?;
    if let Some(expr) = &select {
        shaping::check_expression("select", expr)?;
    }
    Ok(shaping::Request {
        select,
        limit: args.get(shaping::LIMIT, None)?,
        offset: args.get(shaping::OFFSET, None)?,
    })
}

impl ServerHandler for PortainerServer {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(
            ServerCapabilities::builder()
                .enable_tools()
                .enable_prompts()
                .build(),
        )
        .with_server_info(Implementation::new(
            "portainer-mcp",
            env!("CARGO_PKG_VERSION"),
        ))
        .with_instructions(INSTRUCTIONS)
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        Ok(ListToolsResult::with_all_items(
            self.menu().await?.tools.clone(),
        ))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(_running) = self.drain.enter() else {
            let e = ToolError::Refused("the server is shutting down; call again".into());
            return Ok(error_result(&e).into());
        };
        let user = match &self.options.users {
            None => None,
            Some(_) => {
                let parts = context.extensions.get::<http::request::Parts>();
                // The HTTP transport checked the caller before this request
                // reached us; otherwise check here.
                match parts.and_then(|p| p.extensions.get::<User>()) {
                    Some(u) => Some(u.clone()),
                    None => {
                        let token = parts
                            .and_then(|p| p.headers.get(TOKEN_HEADER))
                            .and_then(|v| v.to_str().ok());
                        match self.verify_caller(token).await {
                            Ok(u) => Some(u),
                            Err(e) => return Ok(error_result(&e).into()),
                        }
                    }
                }
            }
        };
        // 2026-07-28 has no session to send requests on: confirmation goes
        // through input_required rounds instead of elicitation.
        let modern = context
            .protocol_version()
            .is_some_and(|v| !v.has_initialize());
        let ask = if modern {
            Ask::Rounds {
                can_ask: context
                    .client_capabilities()
                    .is_some_and(|c| c.elicitation.is_some()),
                state: request.request_state,
                responses: request.input_responses,
            }
        } else {
            Ask::Elicit(&context.peer)
        };
        let watch = call_record::Watch {
            cancel: Some(context.ct.clone()),
            progress: context
                .meta
                .get_progress_token()
                .map(|token| progress_sender(context.peer.clone(), token)),
        };
        let ctx = CallContext { ask, watch };
        self.call_as(&request.name, request.arguments, user, ctx)
            .await
    }

    async fn list_prompts(
        &self,
        _request: Option<PaginatedRequestParams>,
        _context: RequestContext<RoleServer>,
    ) -> Result<ListPromptsResult, McpError> {
        Ok(ListPromptsResult::with_all_items(super::prompts::list()))
    }

    async fn get_prompt(
        &self,
        request: GetPromptRequestParams,
        _context: RequestContext<RoleServer>,
    ) -> Result<GetPromptResponse, McpError> {
        super::prompts::get(&request.name, request.arguments.as_ref())
            .map(Into::into)
            .map_err(|e| McpError::invalid_params(e, None))
    }

    fn get_tool(&self, name: &str) -> Option<Tool> {
        let menu = self.menu.get()?;
        menu.tools.iter().find(|t| t.name == name).cloned()
    }
}
