//! The typed client: progenitor over the pruned spec, plus a reading of the
//! generated method signatures so the registry can call them.

use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle};
use quote::{quote, ToTokens};
use serde_json::Value;
use std::collections::BTreeMap;

pub fn generate(pruned: &Value) -> Result<TokenStream, String> {
    let spec: openapiv3::OpenAPI = serde_json::from_value(pruned.clone())
        .map_err(|e| format!("spec/ is not OpenAPI 3.0 as progenitor reads it: {e}"))?;
    let mut settings = GenerationSettings::default();
    settings
        .with_interface(InterfaceStyle::Positional)
        .with_tag(TagStyle::Merged)
        // Our HTTP layer (auth, timeouts, the read-only guard) sits behind
        // the client's hooks; see src/portainer/http.rs.
        .with_hooks(HooksMode::Expected)
        .with_inner_type(quote!(crate::portainer::http::Http));
    Generator::new(&settings)
        .generate_tokens(&spec)
        .map_err(|e| format!("progenitor: {e}"))
}

/// A generated client method: its parameters and what it returns.
#[derive(Clone)]
pub struct Method {
    pub params: Vec<(String, syn::Type)>,
    /// The `T` in `Result<ResponseValue<T>, Error<E>>`.
    pub ok: syn::Type,
}

/// Reads `impl Client { pub async fn op(&'a self, ...) -> Result<...> }`.
pub fn methods(client: &syn::File) -> BTreeMap<String, Method> {
    let mut out = BTreeMap::new();
    for item in &client.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || imp.self_ty.to_token_stream().to_string() != "Client" {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.asyncness.is_none() {
                continue;
            }
            let params = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(pt) => {
                        Some((pt.pat.to_token_stream().to_string(), (*pt.ty).clone()))
                    }
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            let syn::ReturnType::Type(_, ret) = &f.sig.output else {
                continue;
            };
            let Some(ok) =
                generic_arg(ret, "Result", 0).and_then(|rv| generic_arg(&rv, "ResponseValue", 0))
            else {
                continue;
            };
            out.insert(f.sig.ident.to_string(), Method { params, ok });
        }
    }
    out
}

/// The n-th generic argument of a path type whose last segment is `name`.
fn generic_arg(ty: &syn::Type, name: &str, n: usize) -> Option<syn::Type> {
    let syn::Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != name {
        return None;
    }
    let syn::PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .nth(n)
}

/// How an argument is held and passed, given the parameter type progenitor chose.
pub struct Passing {
    /// Owned type the JSON argument decodes into.
    pub owned: TokenStream,
    /// Expression passing `var` to the method.
    pub pass: TokenStream,
}

pub fn passing(ty: &syn::Type, var: &syn::Ident) -> Passing {
    if let Some(inner) = generic_arg(ty, "Option", 0) {
        return match &inner {
            syn::Type::Reference(r) if is_str(&r.elem) => Passing {
                owned: quote!(Option<String>),
                pass: quote!(#var.as_deref()),
            },
            syn::Type::Reference(r) => {
                let elem = &r.elem;
                Passing {
                    owned: quote!(Option<#elem>),
                    pass: quote!(#var.as_ref()),
                }
            }
            other => Passing {
                owned: quote!(Option<#other>),
                pass: quote!(#var),
            },
        };
    }
    match ty {
        syn::Type::Reference(r) if is_str(&r.elem) => Passing {
            owned: quote!(String),
            pass: quote!(&#var),
        },
        syn::Type::Reference(r) => {
            let elem = &r.elem;
            Passing {
                owned: quote!(#elem),
                pass: quote!(&#var),
            }
        }
        other => Passing {
            owned: quote!(#other),
            pass: quote!(#var),
        },
    }
}

fn is_str(ty: &syn::Type) -> bool {
    ty.to_token_stream().to_string() == "str"
}

/// What kind of success body a method returns, which picks the finisher.
pub fn body_kind(ok: &syn::Type) -> &'static str {
    let s = ok.to_token_stream().to_string().replace(' ', "");
    if s == "()" {
        "unit"
    } else if s.ends_with("ByteStream") {
        "bytes"
    } else {
        "json"
    }
}
