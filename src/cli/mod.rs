//! The command line: flags, the configuration they make, and the `tools`
//! subcommand's listing.

pub mod config;
pub mod flags;
pub mod tools_listing;
