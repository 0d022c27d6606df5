//! The plan of every catalogued tool: which operations it performs, with
//! what arguments and input schema, or which hand-written handler it runs.
//! The registry generates code from it and the compatibility table checks
//! it against each Portainer description.

use crate::catalogue::{Catalogue, ToolEntry};
use crate::schema::{self, Arg};
use crate::spec::Spec;
use serde_json::Value;

/// Everything the registry needs to know about one catalogued tool.
pub struct Planned<'a> {
    pub entry: &'a ToolEntry,
    pub kind: Kind,
}

pub enum Kind {
    Generated {
        /// One call, or one per value of the selector argument.
        calls: Vec<Call>,
        input: Value,
    },
    Handler(String),
}

/// One operation a generated tool can perform.
pub struct Call {
    /// Selector value choosing this operation (multi-operation tools).
    pub choice: Option<String>,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub client_fn: String,
    pub args: Vec<Arg>,
}

/// progenitor names client functions and parameters in snake case.
pub fn snake(s: &str) -> String {
    heck::ToSnakeCase::to_snake_case(s)
}

/// Plans every tool: arguments, schemas, client functions.
pub fn plan<'a>(cat: &'a Catalogue, spec: &Spec) -> Result<Vec<Planned<'a>>, String> {
    let mut out = vec![];
    for e in &cat.tools {
        let kind = match &e.handler {
            Some(h) => Kind::Handler(h.clone()),
            None => {
                let mut calls = vec![];
                let mut ops = vec![];
                for (choice, id) in e.operation_ids() {
                    let op = spec.operation(id).ok_or_else(|| {
                        crate::catalogue::problem(&e.name, format!("operation `{id}` vanished"))
                    })?;
                    calls.push(Call {
                        choice: choice.map(str::to_string),
                        operation: id.to_string(),
                        method: op.method.clone(),
                        path: op.path.clone(),
                        client_fn: snake(id),
                        args: schema::args(e, &op)?,
                    });
                    ops.push(op);
                }
                let inputs: Vec<Value> = calls
                    .iter()
                    .zip(&ops)
                    .map(|(c, op)| schema::input_schema(spec, e, op, &c.args))
                    .collect();
                let choices: Vec<String> = calls.iter().filter_map(|c| c.choice.clone()).collect();
                let input = if choices.is_empty() {
                    inputs.into_iter().next().unwrap_or_default()
                } else {
                    schema::union_input(
                        e.selector(),
                        e.selector_default.as_deref(),
                        &choices,
                        &inputs,
                    )
                };
                Kind::Generated { calls, input }
            }
        };
        out.push(Planned { entry: e, kind });
    }
    Ok(out)
}
