//! A held call that needs confirmation asks, one way or another: its
//! input_required answer checked (second round), an input_required
//! question (MCP 2026-07-28), an elicitation (older sessions), or nobody,
//! in which case it answers with what it would send. A yes runs the call
//! again, for real; a no marks it declined.

use super::checked::Checked;
use super::context::{Ask, CallContext};
use super::execute::{execute, Ran};
use crate::mcp::confirm::Plan;
use crate::mcp::input_required;
use rmcp::model::CallToolResponse;
use serde_json::json;

/// After asking: the call (run again if the user said yes), or the
/// input_required question to send back.
pub enum Settled {
    Ran(Box<Ran>),
    Asked(CallToolResponse),
}

pub async fn ask(c: &mut Checked<'_>, ran: Ran, ctx: &CallContext<'_>) -> Settled {
    if !c.plan.unconfirmed || ran.got.is_err() {
        return Settled::Ran(Box::new(ran));
    }
    let would_send = &ran.state.would_send;
    let shown = input_required::shown_digest(would_send);
    let yes = match (&ctx.ask, c.answer.take()) {
        (_, Some(a)) if !a.accepted => Some(false),
        (_, Some(a)) if a.shown == shown => Some(true),
        // First round, or what would be sent changed since the user saw
        // it: ask (again).
        (Ask::Rounds { can_ask: true, .. }, _) => {
            c.audit_ask("input_required", would_send);
            let asked =
                c.s.options
                    .sealer
                    .ask(&c.caller_key(), c.def.name, &c.given, &c.id.id, would_send);
            super::finish::count(c, true, "held", &ran.state.sent);
            return Settled::Asked(CallToolResponse::InputRequired(asked));
        }
        (Ask::Elicit(peer), None) => {
            c.audit_ask("elicitation", would_send);
            let said = crate::mcp::elicitation::ask(peer, c.def.name, would_send).await;
            if let Some(yes) = said {
                c.audit(json!({"phase": "answer", "via": "elicitation", "accepted": yes}));
            }
            said
        }
        _ => None,
    };
    match yes {
        Some(true) => {
            c.plan = Plan {
                writes: true,
                ..Default::default()
            };
            Settled::Ran(Box::new(execute(c, &c.plan.clone(), &ctx.watch).await))
        }
        Some(false) => {
            c.plan.declined = true;
            Settled::Ran(Box::new(ran))
        }
        None => Settled::Ran(Box::new(ran)),
    }
}
