//! The tools: the catalogue generated from tools.toml, which of them this
//! server serves and how (selection and policy), argument decoding, and the
//! hand-written handlers.

pub mod args;
pub mod call;
pub mod catalogue;
pub mod change_ref;
pub mod converge;
pub mod fill;
pub mod fleet;
pub mod handler;
pub mod handlers;
pub mod operations;
pub mod overrides;
pub mod policy;
pub mod rollout;
pub mod selection;
pub mod target;
pub mod team_access;
pub mod tool_def;
pub mod wait;
pub mod when;
