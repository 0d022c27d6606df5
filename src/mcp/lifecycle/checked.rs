//! The first stage of a call: the tool found among those served, its
//! arguments checked against its schema, the shaping arguments and the
//! plan (does it write, is it held) worked out; and, on the second round
//! of an input_required confirmation, the user's answer unsealed. Nothing
//! is sent before a call is `Checked`.

use super::context::{Ask, CallContext, CallId};
use crate::error::ToolError;
use crate::mcp::callers::User;
use crate::mcp::confirm;
use crate::mcp::input_required::Answer;
use crate::mcp::menu::Menu;
use crate::mcp::state::ServerState;
use crate::shaping;
use crate::tools::args::Args;
use crate::tools::catalogue::{self, ToolDef};
use crate::tools::change_ref::CHANGE_REF;
use crate::tools::fleet;
use crate::tools::policy::Mode;
use crate::tools::wait::{self, Wait};
use rmcp::model::JsonObject;
use rmcp::ErrorData as McpError;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;

pub struct Checked<'s> {
    pub s: &'s ServerState,
    pub menu: Arc<Menu>,
    pub def: &'static ToolDef,
    pub mode: Mode,
    /// The arguments as given (what a confirmation is bound to).
    pub given: JsonObject,
    pub args: Args,
    pub req: shaping::Request,
    /// Several environments named at once (a `fan_out` read).
    pub fleet: Option<fleet::Selector>,
    pub plan: confirm::Plan,
    /// How long to wait for the change of a `converge` write.
    pub wait: Option<Wait>,
    pub user: Option<User>,
    pub id: CallId,
    /// The user's answer, on the second round of an input_required call.
    pub answer: Option<Answer>,
    /// What the request's headers narrowed the tools to (HTTP).
    pub narrow: Option<crate::mcp::narrow::Narrowing>,
    /// The call's span, when traces are on: its requests are its children.
    pub trace: Option<crate::trace::SpanContext>,
    pub started: Instant,
}

/// Why a call ends before it is checked: a protocol error (no such tool),
/// or a tool error the caller reads as the call's result.
pub enum Early<'s> {
    Protocol(McpError),
    Failed(Box<Checked<'s>>, ToolError),
}

impl<'s> Checked<'s> {
    pub async fn new(
        s: &'s ServerState,
        name: &str,
        arguments: Option<JsonObject>,
        user: Option<User>,
        ctx: &CallContext<'_>,
    ) -> Result<Checked<'s>, Early<'s>> {
        let ask = &ctx.ask;
        let menu = s.menu().await.map_err(Early::Protocol)?;
        let Some(tool) = menu.served.get(name) else {
            return Err(Early::Protocol(unknown(&menu, name)));
        };
        if let Some(n) = ctx.narrow.as_ref().filter(|n| !n.allows(tool.def)) {
            return Err(Early::Protocol(McpError::invalid_params(
                format!(
                    "tool `{name}` is not served to this request: its headers narrow the tools ({})",
                    n.describe()
                ),
                None,
            )));
        }
        let (def, mode) = (tool.def, tool.mode);
        let given = arguments.unwrap_or_default();
        let args = Args::new(given.clone()).lacking(tool.lacking.clone());
        let change_ref = tool.change_ref;
        let checked = args
            .check_against(&tool.schema)
            .and_then(|()| shaping_request(&args))
            .and_then(|req| Ok((req, confirm::plan(mode, &args)?)))
            .and_then(|(req, plan)| {
                // X-MCP-Readonly: a write is refused here, before any
                // confirmation; the HTTP layer would refuse it anyway.
                if plan.writes && ctx.narrow.as_ref().is_some_and(|n| n.read_only()) {
                    return Err(ToolError::Refused(format!(
                        "{}: this request is read-only (X-MCP-Readonly); nothing was sent",
                        def.name
                    )));
                }
                // A call that writes names its change (a proxy's GET need not).
                if let (Some(c), true, true) = (&s.options.change_ref, change_ref, plan.writes) {
                    c.check(args.raw(CHANGE_REF))?;
                }
                let fleet = match def.shape.fan_out {
                    Some(_) => fleet::selector(&args)?,
                    None => None,
                };
                // Read before anything is sent: a bad wait refuses the write.
                let wait = match def.converge {
                    Some(_) => args.get::<Option<Wait>>(wait::WAIT, None)?,
                    None => None,
                };
                Ok((req, plan, fleet, wait))
            });
        let mut c = Checked {
            s,
            menu: menu.clone(),
            def,
            mode,
            given,
            args,
            req: shaping::Request::default(),
            fleet: None,
            plan: confirm::Plan::default(),
            wait: None,
            user,
            id: CallId::default(),
            answer: None,
            narrow: ctx.narrow.clone(),
            trace: None,
            started: Instant::now(),
        };
        match checked {
            Ok((req, plan, fleet, wait)) => {
                c.req = req;
                c.plan = plan;
                c.fleet = fleet;
                c.wait = wait;
            }
            Err(e) => return Err(Early::Failed(Box::new(c), e)),
        }
        // The second round of an input_required confirmation.
        if let (
            Ask::Rounds {
                state: Some(st),
                responses,
                ..
            },
            true,
        ) = (ask, c.plan.unconfirmed)
        {
            let caller = c.caller_key();
            match s
                .options
                .sealer
                .answer(&caller, def.name, &c.given, st, responses.as_ref())
            {
                Ok(a) => {
                    // This round is a call of its own, answering the first.
                    c.id.asked_in = Some(a.call.clone());
                    let record =
                        json!({"phase": "answer", "via": "input_required", "accepted": a.accepted});
                    c.audit(record);
                    c.answer = Some(a);
                }
                Err(why) => return Err(Early::Failed(Box::new(c), ToolError::BadArguments(why))),
            }
        }
        Ok(c)
    }

    /// Who a confirmation state is bound to.
    pub fn caller_key(&self) -> String {
        match &self.user {
            Some(u) => format!("user:{}", u.id),
            None => "server".into(),
        }
    }

    /// One audit record of this call (Audit::write redacts it whole).
    pub fn audit(&self, mut record: Value) {
        let Some(audit) = &self.s.options.audit else {
            return;
        };
        record["call"] = json!(self.id.id);
        if let Some(first) = &self.id.asked_in {
            record["asked_in"] = json!(first);
        }
        record["caller"] = match &self.user {
            Some(u) => json!({"name": u.name, "id": u.id}),
            None => json!(self.s.options.caller),
        };
        record["tool"] = json!(self.def.name);
        if let Some(n) = &self.narrow {
            record["narrowed"] = n.describe();
        }
        record["access"] = json!(self.mode.label());
        record["arguments"] = self.args.as_value();
        // The change a write belongs to, where one is required.
        if let Some(r) = self
            .args
            .raw(CHANGE_REF)
            .filter(|_| self.s.options.change_ref.is_some())
        {
            record["change_ref"] = r.clone();
        }
        audit.write(record);
    }

    /// The audit record of asking the user: which requests they were shown.
    pub fn audit_ask(&self, via: &str, would_send: &[Value]) {
        let shown: Vec<Value> = would_send
            .iter()
            .map(|r| json!({"method": r["method"], "path": r["path"]}))
            .collect();
        self.audit(json!({"phase": "ask", "via": via, "requests": shown}));
    }
}

/// A tool not served: why, and for a toolset left off, the api_call that
/// reaches the same operation (the guard and confirmation apply there).
fn unknown(menu: &Menu, name: &str) -> McpError {
    let name = crate::error::cap_text(name.to_string(), 200);
    match menu.left_out.get(name.as_str()) {
        Some(why) => {
            // Not past an operator's own deny or mode: only for a toolset left off.
            let instead = if why.starts_with("its toolset") {
                api_call_instead(menu, &name)
            } else {
                String::new()
            };
            McpError::invalid_params(
                format!("tool `{name}` is not available: {why}{instead}"),
                None,
            )
        }
        None => McpError::invalid_params(format!("unknown tool `{name}`"), None),
    }
}

fn api_call_instead(menu: &Menu, name: &str) -> String {
    let Some(def) = catalogue::find(name) else {
        return String::new();
    };
    let generated = matches!(def.input, catalogue::Input::Schema(_));
    if !generated || !menu.served.contains_key("api_call") {
        return String::new();
    }
    let ops: Vec<String> = def.operation.split('|').map(|o| format!("`{o}`")).collect();
    format!(
        "; api_call with operation {} reaches the same API",
        ops.join(" or ")
    )
}

/// The shaping arguments, checked before anything is sent.
fn shaping_request(args: &Args) -> Result<shaping::Request, ToolError> {
    let select: Option<String> = args.get(shaping::SELECT, None)?;
    if let Some(expr) = &select {
        shaping::check_expression("select", expr)?;
    }
    // Only tools that fill rows declare it (the schema was checked first).
    let fields: Option<Vec<String>> = args.get(shaping::FIELDS, None)?;
    let fields = fields.unwrap_or_default();
    crate::tools::fill::check(&fields)?;
    Ok(shaping::Request {
        select,
        limit: args.get(shaping::LIMIT, None)?,
        offset: args.get(shaping::OFFSET, None)?,
        fields,
    })
}
