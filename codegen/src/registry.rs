//! The tool registry: static tool definitions and the dispatch function.

use crate::catalogue::{Access, Catalogue};
use crate::client::{body_kind, passing, Method};
use crate::compat::ToolAvailability;
use crate::descriptions::Description;
use crate::plan::{snake, Call, Kind, Planned};
use crate::schema::{Arg, Location};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;

pub fn generate(
    cat: &Catalogue,
    described: &[Description],
    planned: &[Planned],
    availability: &[ToolAvailability],
    methods: &BTreeMap<String, Method>,
) -> Result<TokenStream, String> {
    if described.len() > 32 {
        return Err("spec/ holds more than 32 Portainer descriptions; retire old ones".into());
    }
    let descriptions = described.iter().map(|d| {
        let (edition, version) = (&d.edition, &d.version);
        quote!(Description { edition: #edition, version: #version })
    });
    let toolsets = cat.toolsets.iter().map(|(name, t)| {
        let (default, desc) = (t.default, t.description.trim());
        quote!(ToolsetDef { name: #name, default: #default, description: #desc })
    });
    let mut defs = vec![];
    let mut arms = vec![];
    for (p, a) in planned.iter().zip(availability) {
        defs.push(tool_def(p, a));
        arms.push(dispatch_arm(p, a, methods)?);
    }
    Ok(quote! {
        use crate::tools::args::Args;
        #[allow(unused_imports)]
        use crate::portainer::client::types;
        use crate::error::ToolError;
        use crate::tools::catalogue::{Access, Description, Gap, Input, ToolDef, ToolsetDef};
        #[allow(unused_imports)]
        use progenitor_client::ClientInfo;

        /// The Portainer descriptions in spec/, oldest first; a tool's
        /// `missing_in` bit i stands for DESCRIPTIONS[i].
        pub static DESCRIPTIONS: &[Description] = &[#(#descriptions),*];

        pub static TOOLSETS: &[ToolsetDef] = &[#(#toolsets),*];

        pub static TOOLS: &[ToolDef] = &[#(#defs),*];

        /// Decodes the arguments of tool `name` and performs `call`.
        pub async fn dispatch(
            call: &crate::tools::call::Call,
            name: &str,
            args: &Args,
        ) -> Result<crate::shaping::Got, ToolError> {
            let client = call.client();
            match name {
                #(#arms)*
                _ => Err(ToolError::UnknownTool(name.to_string())),
            }
        }
    })
}

/// Bit i set: description i lacks it.
fn bits(set: impl IntoIterator<Item = usize>) -> u32 {
    set.into_iter().fold(0, |acc, i| acc | (1 << i))
}

fn tool_def(p: &Planned, a: &ToolAvailability) -> TokenStream {
    let missing_in = bits(a.missing.keys().copied());
    let gaps = a.gaps.iter().map(|g| {
        let wire = &g.wire;
        let exposed = opt_str(&g.exposed);
        let missing = bits(g.missing.iter().copied());
        quote!(Gap { wire: #wire, exposed: #exposed, missing_in: #missing })
    });
    let e = p.entry;
    let (name, title, toolset) = (&e.name, e.title.trim(), &e.toolset);
    let description = e.description.trim();
    let access = match e.access {
        Access::Read => quote!(Access::Read),
        Access::Write => quote!(Access::Write),
    };
    let method_argument = opt_str(&e.method_argument);
    let operation_argument = opt_str(&e.operation_argument);
    let destructive = e.destructive;
    let project = match &e.project {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    let omit = &e.omit;
    let keep_tail = e.truncate == Some(crate::catalogue::Keep::Tail);
    let client_paging = e.paging.is_some();
    let fill = opt_str(&e.fill);
    let fan_out = opt_str(&e.fan_out);
    let converge = opt_str(&e.converge);
    let find = &e.find;
    // Generated tools send one request; of the handlers, only the proxies do.
    let single_request = matches!(p.kind, Kind::Generated { .. })
        || e.method_argument.is_some()
        || e.operation_argument.is_some();
    let (operation, method, path, input, idempotent) = match &p.kind {
        Kind::Generated { calls, input } => {
            let join = |f: &dyn Fn(&Call) -> String| {
                let mut seen: Vec<String> = vec![];
                for c in calls {
                    let v = f(c);
                    if !seen.contains(&v) {
                        seen.push(v);
                    }
                }
                seen.join("|")
            };
            let idem = e.idempotent.unwrap_or(
                calls
                    .iter()
                    .all(|c| matches!(c.method.as_str(), "get" | "put" | "delete" | "head")),
            );
            let input = input.to_string();
            (
                join(&|c| c.operation.clone()),
                join(&|c| c.method.to_uppercase()),
                join(&|c| c.path.clone()),
                quote!(Input::Schema(#input)),
                idem,
            )
        }
        Kind::Handler(h) => {
            let handler = format_ident!("{}", h.to_ascii_uppercase());
            (
                h.clone(),
                String::new(),
                String::new(),
                quote!(Input::Handler(&crate::tools::handlers::#handler)),
                e.idempotent.unwrap_or(false),
            )
        }
    };
    quote! {
        ToolDef {
            name: #name,
            title: #title,
            description: #description,
            toolset: #toolset,
            access: #access,
            destructive: #destructive,
            idempotent: #idempotent,
            method_argument: #method_argument,
            operation_argument: #operation_argument,
            operation: #operation,
            method: #method,
            path: #path,
            input: #input,
            missing_in: #missing_in,
            gaps: &[#(#gaps),*],
            find: &[#(#find),*],
            converge: #converge,
            shape: crate::shaping::Rules {
                project: #project,
                omit: &[#(#omit),*],
                keep_tail: #keep_tail,
                client_paging: #client_paging,
                single_request: #single_request,
                fill: #fill,
                fan_out: #fan_out,
            },
        }
    }
}

fn dispatch_arm(
    p: &Planned,
    a: &ToolAvailability,
    methods: &BTreeMap<String, Method>,
) -> Result<TokenStream, String> {
    let gaps: Vec<&str> = a.gaps.iter().map(|g| g.wire.as_str()).collect();
    let name = &p.entry.name;
    let calls = match &p.kind {
        Kind::Handler(h) => {
            let handler = format_ident!("{}", h.to_ascii_uppercase());
            return Ok(quote!(#name => (crate::tools::handlers::#handler.call)(call, args).await,));
        }
        Kind::Generated { calls, .. } => calls,
    };
    if let [only] = calls.as_slice() {
        let body = call_body(name, only, &gaps, methods)?;
        return Ok(quote!(#name => { #body }));
    }
    let selector = p.entry.selector();
    let mut branches = vec![];
    let choices: Vec<&str> = calls.iter().filter_map(|c| c.choice.as_deref()).collect();
    let listed = choices.join(", ");
    // As JSON text, the form Args::get takes defaults in.
    let default = match &p.entry.selector_default {
        Some(d) => {
            let text = Value::String(d.clone()).to_string();
            quote!(Some(#text))
        }
        None => quote!(None),
    };
    for c in calls {
        let choice = c.choice.as_deref().unwrap_or_default();
        let body = call_body(name, c, &gaps, methods)?;
        // Arguments of the other operations are refused, not ignored.
        let mut allowed: Vec<&str> = c
            .args
            .iter()
            .filter(|a| !a.hidden)
            .map(|a| a.exposed.as_str())
            .collect();
        allowed.push(selector);
        branches
            .push(quote!(#choice => { args.only(&[#(#allowed),*], #selector, #choice)?; #body }));
    }
    Ok(quote! {
        #name => {
            let choice: String = args.get(#selector, #default)?;
            match choice.as_str() {
                #(#branches)*
                other => Err(ToolError::BadArguments(format!("{} `{other}` is not one of: {}", #selector, #listed))),
            }
        }
    })
}

/// Decodes one operation's arguments and calls the client. Arguments in
/// `gaps` (missing from some Portainer versions) are not sent to a Portainer
/// that lacks them.
fn call_body(
    name: &str,
    c: &Call,
    gaps: &[&str],
    methods: &BTreeMap<String, Method>,
) -> Result<TokenStream, String> {
    let (client_fn, args) = (&c.client_fn, &c.args);
    let problem = |what: String| crate::catalogue::problem(name, what);
    let m = methods
        .get(client_fn)
        .ok_or_else(|| problem(format!("progenitor generated no method `{client_fn}`")))?;
    let mut lets = vec![];
    let mut passes = vec![];
    let body_fields: Vec<&Arg> = args
        .iter()
        .filter(|a| a.location == Location::BodyField)
        .collect();
    for (pname, ty) in &m.params {
        let var = format_ident!("a_{}", pname.trim_start_matches("r#"));
        let how = passing(ty, &var);
        let owned = &how.owned;
        let decode = if pname == "body" && !body_fields.is_empty() {
            let fields = body_fields.iter().map(|a| field_spec(a));
            quote!(args.body(&[#(#fields),*])?)
        } else {
            let arg = args
                .iter()
                .find(|a| a.location != Location::BodyField && same_ident(&a.wire, pname))
                .ok_or_else(|| {
                    problem(format!(
                        "cannot match client parameter `{pname}` to an API parameter"
                    ))
                })?;
            let (exposed, wire) = (&arg.exposed, &arg.wire);
            let default = opt_str(&arg.default);
            let decode = match (arg.hidden, arg.json_text) {
                (true, _) => quote!(Args::fixed(#wire, #default)?),
                (false, true) => quote!(args.get_json_text(#exposed)?),
                (false, false) if arg.location == Location::Path => {
                    quote!(args.get_segment(#exposed, #default)?)
                }
                (false, false) => quote!(args.get(#exposed, #default)?),
            };
            if gaps.contains(&wire.as_str()) {
                quote!(if args.lacks(#wire) { None } else { #decode })
            } else {
                decode
            }
        };
        lets.push(quote!(let #var: #owned = #decode;));
        passes.push(how.pass);
    }
    let finish = match body_kind(&m.ok) {
        "unit" => quote!(crate::portainer::decode::finish_unit),
        "bytes" => quote!(crate::portainer::decode::finish_bytes),
        _ => quote!(crate::portainer::decode::finish_json),
    };
    let call = format_ident!("{}", client_fn);
    Ok(quote! {
        #(#lets)*
        #finish(client.inner(), client.#call(#(#passes),*).await).await
    })
}

fn field_spec(a: &Arg) -> TokenStream {
    let (exposed, wire, hidden) = (&a.exposed, &a.wire, a.hidden);
    let default = opt_str(&a.default);
    quote!(crate::tools::args::Field { exposed: #exposed, wire: #wire, hidden: #hidden, default: #default })
}

fn opt_str(s: &Option<String>) -> TokenStream {
    match s {
        Some(s) => quote!(Some(#s)),
        None => quote!(None),
    }
}

/// progenitor's parameter names: snake case, keywords suffixed with `_`.
fn same_ident(wire: &str, generated: &str) -> bool {
    let s = snake(crate::spec::plain(wire));
    generated == s || generated == format!("{s}_")
}
