//! The tool registry: static tool definitions and the dispatch function.

use crate::catalogue::{Access, Catalogue, ReadOnlyMode, ToolEntry};
use crate::client::{body_kind, passing, Method};
use crate::schema::{self, Arg, Location};
use crate::spec::Spec;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything the registry needs to know about one catalogued tool.
pub struct Planned<'a> {
    pub entry: &'a ToolEntry,
    pub kind: Kind,
}

pub enum Kind {
    Generated {
        method: String,
        path: String,
        client_fn: String,
        args: Vec<Arg>,
        input: Value,
        output: Option<Value>,
    },
    Handler(String),
}

pub fn generate(
    cat: &Catalogue,
    spec: &Spec,
    planned: &[Planned],
    methods: &BTreeMap<String, Method>,
) -> Result<TokenStream, String> {
    let version = spec.version();
    let toolsets = cat.toolsets.iter().map(|(name, t)| {
        let (default, desc) = (t.default, t.description.trim());
        quote!(ToolsetDef { name: #name, default: #default, description: #desc })
    });
    let mut defs = vec![];
    let mut arms = vec![];
    for p in planned {
        defs.push(tool_def(p));
        arms.push(dispatch_arm(p, methods)?);
    }
    Ok(quote! {
        use crate::args::Args;
        use crate::client::Client;
        use crate::outcome::ToolError;
        use crate::registry::{Access, ReadOnlyMode, ToolDef, ToolsetDef};

        /// Portainer version of the spec/ this registry was generated from.
        pub const SPEC_VERSION: &str = #version;

        pub static TOOLSETS: &[ToolsetDef] = &[#(#toolsets),*];

        pub static TOOLS: &[ToolDef] = &[#(#defs),*];

        /// Decodes the arguments of tool `name` and performs its call.
        pub async fn dispatch(
            client: &Client,
            name: &str,
            args: &Args,
        ) -> Result<serde_json::Value, ToolError> {
            match name {
                #(#arms)*
                _ => Err(ToolError::UnknownTool(name.to_string())),
            }
        }
    })
}

fn tool_def(p: &Planned) -> TokenStream {
    let e = p.entry;
    let (name, title, toolset) = (&e.name, e.title.trim(), &e.toolset);
    let description = e.description.trim();
    let access = match e.access {
        Access::Read => quote!(Access::Read),
        Access::Write => quote!(Access::Write),
    };
    let ro_mode = match e.read_only_mode {
        Some(ReadOnlyMode::GetOnly) => quote!(ReadOnlyMode::GetOnly),
        _ => quote!(ReadOnlyMode::Hidden),
    };
    let destructive = e.destructive;
    let project = match &e.project {
        Some(p) => quote!(Some(#p)),
        None => quote!(None),
    };
    let omit = &e.omit;
    let keep_tail = e.truncate == Some(crate::catalogue::Keep::Tail);
    let client_paging = e.paging.is_some();
    let (operation, method, path, input, output, idempotent) = match &p.kind {
        Kind::Generated {
            method,
            path,
            input,
            output,
            ..
        } => {
            let op = e.operation.clone().unwrap_or_default();
            let idem = e
                .idempotent
                .unwrap_or(matches!(method.as_str(), "get" | "put" | "delete" | "head"));
            let input = input.to_string();
            let output = match output {
                Some(o) => {
                    let s = o.to_string();
                    quote!(Some(#s))
                }
                None => quote!(None),
            };
            (
                op,
                method.to_uppercase(),
                path.clone(),
                quote!(#input),
                output,
                idem,
            )
        }
        Kind::Handler(h) => {
            let module = format_ident!("{}", h);
            (
                h.clone(),
                String::new(),
                String::new(),
                quote!(crate::handlers::#module::INPUT_SCHEMA),
                quote!(None),
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
            read_only_mode: #ro_mode,
            operation: #operation,
            method: #method,
            path: #path,
            input_schema: #input,
            output_schema: #output,
            project: #project,
            omit: &[#(#omit),*],
            keep_tail: #keep_tail,
            client_paging: #client_paging,
        }
    }
}

fn dispatch_arm(p: &Planned, methods: &BTreeMap<String, Method>) -> Result<TokenStream, String> {
    let name = &p.entry.name;
    let (client_fn, args) = match &p.kind {
        Kind::Handler(h) => {
            let module = format_ident!("{}", h);
            return Ok(quote!(#name => crate::handlers::#module::call(client, args).await,));
        }
        Kind::Generated {
            client_fn, args, ..
        } => (client_fn, args),
    };
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
            if arg.hidden {
                quote!(Args::fixed(#wire, #default)?)
            } else {
                quote!(args.get(#exposed, #default)?)
            }
        };
        lets.push(quote!(let #var: #owned = #decode;));
        passes.push(how.pass);
    }
    let finish = match body_kind(&m.ok) {
        "unit" => quote!(crate::outcome::finish_unit),
        "bytes" => quote!(crate::outcome::finish_bytes),
        _ => quote!(crate::outcome::finish_json),
    };
    let call = format_ident!("{}", client_fn);
    Ok(quote! {
        #name => {
            #(#lets)*
            #finish(client.#call(#(#passes),*).await).await
        }
    })
}

fn field_spec(a: &Arg) -> TokenStream {
    let (exposed, wire, hidden) = (&a.exposed, &a.wire, a.hidden);
    let default = opt_str(&a.default);
    quote!(crate::args::Field { exposed: #exposed, wire: #wire, hidden: #hidden, default: #default })
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

pub fn snake(s: &str) -> String {
    heck::ToSnakeCase::to_snake_case(s)
}

/// Plans every tool: arguments, schemas, client function.
pub fn plan<'a>(cat: &'a Catalogue, spec: &Spec) -> Result<Vec<Planned<'a>>, String> {
    let mut out = vec![];
    for e in &cat.tools {
        let kind = match (&e.operation, &e.handler) {
            (Some(id), _) => {
                let op = spec.operation(id).ok_or_else(|| {
                    crate::catalogue::problem(&e.name, format!("operation `{id}` vanished"))
                })?;
                let args = schema::args(e, &op)?;
                Kind::Generated {
                    input: schema::input_schema(spec, e, &op, &args),
                    output: schema::output_schema(spec, &op),
                    method: op.method.clone(),
                    path: op.path.clone(),
                    client_fn: snake(id),
                    args,
                }
            }
            (None, Some(h)) => Kind::Handler(h.clone()),
            (None, None) => unreachable!("validated"),
        };
        out.push(Planned { entry: e, kind });
    }
    Ok(out)
}
