//! The integration suite, one binary: a module per toolset, one per
//! concern that cuts across toolsets, the repository's own rules, and the
//! tool surface the model sees (snapshots and the generated docs blocks).
//! `cargo test --test it toolsets::docker` runs one module.

mod concerns;
mod repository;
mod support;
mod surface;
mod toolsets;
