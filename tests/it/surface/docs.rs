//! The docs' tables of toolsets and tools, derived from the catalogue
//! (tools.toml), and the rule that every generated block has a writer.

use super::blocks::{all_blocks, check_block};
use portainer_mcp::tools::catalogue::{Access, TOOLS, TOOLSETS};

/// Blocks written by scripts that measure (timings, artifact sizes, fuzz
/// runs): the suite cannot reproduce them, only check they are marked.
const MEASURED: [&str; 5] = [
    "bench",
    "agent-tasks",
    "scale-out",
    "install-figures",
    "fuzz-runs",
];

/// Blocks this suite writes (here and in figures.rs).
const DERIVED: [&str; 5] = [
    "toolsets",
    "tools",
    "tools-list-sizes",
    "api-figures",
    "shaping-figures",
];

fn yes_no(b: bool) -> &'static str {
    if b {
        "yes"
    } else {
        "no"
    }
}

fn toolsets_table() -> String {
    let mut out = String::from("| toolset | on by default | tools | what it holds |\n| --- | --- | ---: | --- |\n");
    for set in TOOLSETS {
        let count = TOOLS.iter().filter(|t| t.toolset == set.name).count();
        out += &format!(
            "| `{}` | {} | {} | {} |\n",
            set.name,
            yes_no(set.default),
            count,
            set.description
        );
    }
    out
}

fn tools_table() -> String {
    let mut out = String::from("| tool | toolset | default | access | destructive | title |\n| --- | --- | --- | --- | --- | --- |\n");
    for t in TOOLS {
        let default = TOOLSETS.iter().any(|s| s.name == t.toolset && s.default);
        out += &format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            t.name,
            t.toolset,
            yes_no(default),
            match t.access {
                Access::Read => "read",
                Access::Write => "write",
            },
            yes_no(t.destructive),
            t.title
        );
    }
    out
}

#[test]
fn readme_lists_the_toolsets() {
    check_block("README.md", "toolsets", &toolsets_table());
}

#[test]
fn the_tools_page_lists_every_tool() {
    check_block("docs/tools.md", "tools", &tools_table());
}

#[test]
fn every_generated_block_has_a_writer() {
    let blocks = all_blocks();
    for (file, name) in &blocks {
        assert!(
            DERIVED.contains(&name.as_str()) || MEASURED.contains(&name.as_str()),
            "{file}: block `{name}` has no writer; add it to surface/docs.rs"
        );
    }
    for name in DERIVED.iter().chain(&MEASURED) {
        assert!(
            blocks.iter().any(|(_, n)| n == name),
            "no docs file has the block `{name}`"
        );
    }
}
