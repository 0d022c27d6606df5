//! The command line: flags, the configuration they make, the `tools`
//! subcommand's listing and the `doctor` checks.

pub mod audit;
pub mod config;
pub mod demo;
pub mod doctor;
pub mod flags;
pub mod policy_check;
pub mod tools_listing;
