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
        Err(Early::Failed(c, e)) => return Ok(finish::finish(&c, None, Err(e)).into()),
    };
    let plan = c.plan;
    let ran = execute::execute(&c, &plan, &ctx.watch).await;
    let Ran { got, state } = match ask::ask(&mut c, ran, &ctx).await {
        Settled::Ran(ran) => *ran,
        Settled::Asked(question) => return Ok(question),
    };
    let result = finish::shape(&c, got, &state);
    Ok(finish::finish(&c, Some(&state), result).into())
}
