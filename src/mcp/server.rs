//! The MCP server as rmcp sees it: tools/list from the menu, tools/call
//! handed to the call lifecycle (lifecycle/), prompts. A thin adapter: what
//! a call does is in lifecycle/, what the server holds in state.rs.

use crate::error::ToolError;
use crate::mcp::callers::{User, TOKEN_HEADER};
use crate::mcp::drain::Drain;
use crate::mcp::input_required;
use crate::mcp::lifecycle::{self, finish::error_result};
use crate::mcp::menu::{Menu, Pending, Ready};
use crate::mcp::narrow::Narrowing;
use crate::mcp::state::ServerState;
use crate::portainer::client::Client;
use crate::portainer::record::Watch;
use crate::tools::selection::Selection;
use progenitor_client::ClientInfo;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, GetPromptRequestParams,
    GetPromptResponse, Implementation, JsonObject, ListPromptsResult, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::RequestContext;
use rmcp::{ErrorData as McpError, RoleServer, ServerHandler};
use serde_json::json;
use std::sync::Arc;

pub use crate::mcp::lifecycle::context::{Ask, CallContext, CallId};
pub use crate::mcp::state::CallSettings;

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

/// Told when --policy is in force: the tools are the same everywhere, what
/// they may do is not.
const POLICY_NOTE: &str = "An organisation's policy decides, per environment, what may be done there (nothing, reads, writes, deletes and exec); a refused request names the rule, and was not sent.";

/// Told when the policy has content rules.
const CONTENT_NOTE: &str = "Its content rules read what a deploy carries (compose files, manifests, container specs, Helm values): a denied finding refuses the deploy, warnings come as content_warnings; policy_content_check judges a file first.";

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

/// What the HTTP request's narrowing headers ask for (mcp/narrow.rs); none
/// over stdio. A header naming what does not exist is the request's error.
fn narrowing(context: &RequestContext<RoleServer>) -> Result<Option<Narrowing>, McpError> {
    match context.extensions.get::<http::request::Parts>() {
        None => Ok(None),
        Some(parts) => {
            Narrowing::from_headers(&parts.headers).map_err(|e| McpError::invalid_params(e, None))
        }
    }
}

/// Cheap to clone: the HTTP transport makes one per session.
#[derive(Clone)]
pub struct PortainerServer {
    state: Arc<ServerState>,
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
            state: Arc::new(ServerState {
                client,
                options,
                menu,
                drain: Arc::default(),
            }),
        }
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
    /// server's own token (`user` None); `ctx.ask` is how the user can be
    /// asked to confirm.
    pub async fn call_as(
        &self,
        name: &str,
        arguments: Option<JsonObject>,
        user: Option<User>,
        ctx: CallContext<'_>,
    ) -> Result<CallToolResponse, McpError> {
        lifecycle::run(&self.state, name, arguments, user, ctx).await
    }

    /// HTTP mode: the Portainer user a token belongs to.
    pub async fn verify_caller(&self, token: Option<&str>) -> Result<User, ToolError> {
        match &self.state.options.users {
            Some(users) => users.verify(&self.state.client, token).await,
            None => Err(ToolError::Refused(
                "callers are checked in HTTP mode only".into(),
            )),
        }
    }

    /// HTTP mode: whether Portainer has lately accepted this token (its
    /// requests are never held back by the failed-authentication budget).
    pub fn knows_caller(&self, token: Option<&str>) -> bool {
        match (&self.state.options.users, token) {
            (Some(users), Some(t)) => users.knows(t),
            _ => false,
        }
    }

    /// A request the HTTP transport refused before any tool ran.
    pub fn audit_refusal(&self, client: &str, why: &str) {
        if let Some(audit) = &self.state.options.audit {
            audit.write(json!({"phase": "refused", "client": client, "reason": why}));
        }
    }

    /// Calls in flight, and whether shutdown has begun.
    pub fn drain(&self) -> &Arc<Drain> {
        &self.state.drain
    }

    /// Shutdown past its deadline: writes still running are audited as
    /// interrupted. Returns how many.
    pub fn interrupt_open(&self, why: &str) -> usize {
        self.state
            .options
            .audit
            .as_ref()
            .map_or(0, |a| a.interrupt_open(why))
    }

    /// The Portainer this server talks to (readiness checks).
    pub fn portainer(&self) -> &crate::portainer::http::Http {
        self.state.client.inner()
    }

    /// The tools served, once they are known.
    pub async fn tools(&self) -> Result<Vec<Tool>, McpError> {
        Ok(self.state.menu().await?.tools.clone())
    }
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
        .with_instructions({
            let http = self.state.client.inner();
            let text = match (http.has_policy(), http.content_policy().is_some()) {
                (true, true) => format!("{INSTRUCTIONS} {POLICY_NOTE} {CONTENT_NOTE}"),
                (true, false) => format!("{INSTRUCTIONS} {POLICY_NOTE}"),
                _ => INSTRUCTIONS.to_string(),
            };
            match self.state.options.demo {
                Some(demo) => format!("{demo}. {text}"),
                None => text,
            }
        })
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        context: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, McpError> {
        let menu = self.state.menu().await?;
        let tools = match narrowing(&context)? {
            None => menu.tools.clone(),
            Some(n) => menu
                .tools
                .iter()
                .filter(|t| menu.allows(&n, &t.name))
                .cloned()
                .collect(),
        };
        Ok(ListToolsResult::with_all_items(tools))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        context: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, McpError> {
        let Some(_running) = self.state.drain.enter() else {
            let e = ToolError::Refused("the server is shutting down; call again".into());
            return Ok(error_result(&e).into());
        };
        let user = match &self.state.options.users {
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
        let watch = Watch {
            cancel: Some(context.ct.clone()),
            progress: context
                .meta
                .get_progress_token()
                .map(|token| progress_sender(context.peer.clone(), token)),
        };
        let narrow = narrowing(&context)?;
        let trace = context
            .meta
            .get_traceparent()
            .and_then(crate::trace::SpanContext::from_traceparent);
        let ctx = CallContext {
            ask,
            watch,
            narrow,
            trace,
        };
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
        let menu = self.state.menu.get()?;
        menu.tools.iter().find(|t| t.name == name).cloned()
    }
}
