//! What holds for every tool: arguments, confirmation, redaction, results,
//! sizes, the transports, start-up and shutdown, versions.

mod arguments;
mod catalogue_examples;
mod change_control;
mod confirmation;
mod content_rules;
mod demo;
mod doctor;
mod guardrails;
mod handler_alone;
mod hardening;
mod http;
mod long_calls;
mod multi_request;
mod policy;
mod read_only;
mod redaction;
mod results;
mod safety;
mod startup;
mod tls;
mod tool_overrides;
mod tools_list;
mod versions;
