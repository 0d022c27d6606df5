//! One tools/call from start to end, as typed stages:
//! checked (checked.rs: tool, arguments, plan; nothing sent before) →
//! ran (execute.rs: a `Call` value dispatched under the client's watch) →
//! asked or answered (ask.rs: confirmation, elicitation and input_required
//! behind one `ask`) → shaped and finished (finish.rs: the result, the
//! audit record, the metrics).

pub mod ask;
pub mod checked;
pub mod context;
pub mod dispatch;
pub mod execute;
pub mod fan_out;
pub mod finish;

use crate::mcp::callers::User;
use crate::mcp::state::ServerState;
use crate::trace;
use ask::Settled;
use checked::{Checked, Early};
use context::CallContext;
use execute::Ran;
use rmcp::model::{CallToolResponse, JsonObject};
use rmcp::ErrorData as McpError;

/// Runs one call on behalf of `user` (HTTP mode), or with the server's own
/// token; errors the model can act on become isError results.
pub async fn run(
    s: &ServerState,
    name: &str,
    arguments: Option<JsonObject>,
    user: Option<User>,
    ctx: CallContext<'_>,
) -> Result<CallToolResponse, McpError> {
    let mut c = match Checked::new(s, name, arguments, user, &ctx).await {
        Ok(c) => c,
        Err(Early::Protocol(e)) => return Err(e),
        Err(Early::Failed(c, e)) => {
            let span = call_span(&c, &ctx);
            let r = finish::finish(&c, None, Err(e));
            end_span(span, &c, &r);
            return Ok(r.into());
        }
    };
    let span = call_span(&c, &ctx);
    c.trace = span.as_ref().map(|s| s.ctx);
    let plan = c.plan;
    let ran = execute::execute(&c, &plan, &ctx.watch).await;
    let Ran { got, state } = match ask::ask(&mut c, ran, &ctx).await {
        Settled::Ran(ran) => *ran,
        Settled::Asked(question) => {
            if let Some(mut s) = span {
                s.attr("portainer_mcp.outcome", "asked");
                s.end(None);
            }
            return Ok(question);
        }
    };
    let result = finish::shape(&c, got, &state);
    let r = finish::finish(&c, Some(&state), result);
    end_span(span, &c, &r);
    Ok(r.into())
}

/// The call's span (traces on): what was called, how, for whom; never an
/// argument's value but the environment's id.
fn call_span(c: &Checked<'_>, ctx: &CallContext<'_>) -> Option<trace::Span> {
    let mut s = trace::Span::start(
        format!("tools/call {}", c.def.name),
        trace::Kind::Server,
        ctx.trace,
    )?;
    s.attr("mcp.method.name", "tools/call");
    s.attr("mcp.tool.name", c.def.name);
    s.attr("portainer_mcp.access", c.mode.label());
    if let Some(env) = c
        .args
        .raw("environment_id")
        .and_then(serde_json::Value::as_u64)
    {
        s.attr("portainer.environment.id", env);
    }
    let caller = match &c.user {
        Some(u) => u.name.clone(),
        None => c.s.options.caller.clone(),
    };
    s.attr("enduser.id", caller);
    Some(s)
}

fn end_span(span: Option<trace::Span>, c: &Checked<'_>, r: &rmcp::model::CallToolResult) {
    let Some(mut s) = span else { return };
    let failed = r.is_error == Some(true);
    let outcome = match (failed, c.plan.hold) {
        (true, _) => "error",
        (false, true) => "held",
        (false, false) => "ok",
    };
    s.attr("portainer_mcp.outcome", outcome);
    s.end(failed.then_some("the call failed"));
}
