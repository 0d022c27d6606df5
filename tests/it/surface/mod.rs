//! What the model sees, checked in: tools/list per toolset (snapshots/) and
//! the docs blocks derived from the catalogue and measured here.
//! `cargo xtask generate` refreshes them all; a difference fails the suite.

mod blocks;
mod docs;
mod figures;
mod snapshots;
