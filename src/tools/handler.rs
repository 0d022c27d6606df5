//! What every hand-written tool is made of: the `Handler` static the
//! registry points at, the `handler!` macro that builds one from a typed
//! argument struct and an async function, and the compact JSON Schema
//! tools/list shows for those arguments.

use crate::error::ToolError;
use crate::shaping::Got;
use crate::tools::args::Args;
use crate::tools::call::Call;
use serde_json::{Map, Value};
use std::future::Future;
use std::pin::Pin;

pub type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Got, ToolError>> + Send + 'a>>;

/// One hand-written tool: its arguments' schema and its call.
pub struct Handler {
    pub schema: fn() -> Value,
    pub call: for<'a> fn(&'a Call, &'a Args) -> CallFuture<'a>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Handler")
    }
}

/// `handler!(NAME, ArgsType, function)`: a `Handler` whose call decodes the
/// arguments into `ArgsType` and runs `function(call, args)`; the function
/// answers a value, or a `Got` (a list shaped as it arrived).
macro_rules! handler {
    ($name:ident, $args:ty, $f:path) => {
        pub static $name: $crate::tools::handler::Handler = $crate::tools::handler::Handler {
            schema: $crate::tools::handler::schema_of::<$args>,
            call: {
                fn call<'a>(
                    call: &'a $crate::tools::call::Call,
                    args: &'a $crate::tools::args::Args,
                ) -> $crate::tools::handler::CallFuture<'a> {
                    Box::pin(async move {
                        $f(call, args.decode::<$args>()?)
                            .await
                            .map(::std::convert::Into::into)
                    })
                }
                call
            },
        };
    };
}
pub(crate) use handler;

/// The JSON Schema of a handler's arguments, in the compact form tools/list
/// uses: subschemas inlined, no meta keys or Rust number formats, optional
/// fields plain (not "or null"). Not closed with additionalProperties:
/// the server refuses undeclared arguments by name (Args::check_against).
pub fn schema_of<T: schemars::JsonSchema>() -> Value {
    let generator = schemars::generate::SchemaSettings::draft2020_12()
        .with(|s| {
            s.inline_subschemas = true;
            s.meta_schema = None;
        })
        .into_generator();
    let mut v = generator.into_root_schema_for::<T>().to_value();
    if let Some(o) = v.as_object_mut() {
        o.remove("title");
        o.remove("description");
        o.remove("additionalProperties");
        if let Some(Value::Object(props)) = o.get_mut("properties") {
            props.values_mut().for_each(compact);
        }
    }
    v
}

fn compact(v: &mut Value) {
    let Some(o) = v.as_object_mut() else { return };
    o.remove("format");
    if let Some(items) = o.get_mut("items") {
        compact(items);
    }
    // Option<T> reads as ["T", "null"]: absence already says "not given".
    if let Some(Value::Array(types)) = o.get("type") {
        let real: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        if real.len() == 1 {
            o.insert("type".into(), real[0].clone());
        } else {
            o.insert("type".into(), Value::Array(real));
        }
    }
    if let Some(Value::Array(any)) = o.get("anyOf") {
        // An optional enum: anyOf [{enum...}, {type: null}].
        let real: Vec<&Value> = any.iter().filter(|s| s["type"] != "null").collect();
        if let [one] = real.as_slice() {
            let one: Map<String, Value> = one.as_object().cloned().unwrap_or_default();
            o.remove("anyOf");
            o.extend(one);
        }
    }
    if let Some(Value::Array(values)) = o.get_mut("enum") {
        values.retain(|x| !x.is_null());
    }
}

#[cfg(test)]
mod tests {
    use crate::tools::catalogue::{Input, TOOLS};
    use serde_json::Value;

    /// Every handler's schema is an object whose required arguments
    /// are declared, with no Rust-only keywords left.
    #[test]
    fn handler_schemas_are_compact_and_closed() {
        for t in TOOLS {
            let Input::Handler(h) = t.input else { continue };
            let s = (h.schema)();
            assert_eq!(s["type"], "object", "{}", t.name);
            // Open on the wire; Args::check_against refuses undeclared names.
            assert!(s.get("additionalProperties").is_none(), "{}", t.name);
            let text = s.to_string();
            for word in ["\"format\"", "$defs", "$ref", "$schema"] {
                assert!(!text.contains(word), "{}: {word} in {text}", t.name);
            }
            let props = s["properties"].as_object().unwrap();
            for (name, p) in props {
                let types = p["type"].as_array().into_iter().flatten();
                assert!(types.clone().all(|t| t != "null"), "{}.{name}", t.name);
                assert!(p.get("anyOf").is_none(), "{}.{name}: {p}", t.name);
            }
            for r in s["required"].as_array().into_iter().flatten() {
                assert!(props.contains_key(r.as_str().unwrap()), "{}", t.name);
            }
            if let Some(m) = t.method_argument {
                let methods = &props[m]["enum"];
                assert!(
                    methods
                        .as_array()
                        .is_some_and(|a| a.contains(&Value::from("GET"))),
                    "{}: {m} must list GET",
                    t.name
                );
            }
        }
    }
}
