#![allow(dead_code)]

pub mod examples;
pub mod mcp;
pub mod portainer;
