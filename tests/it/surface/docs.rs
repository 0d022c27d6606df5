//! The docs' tables of toolsets and tools, derived from the catalogue
//! (tools.toml), and the rule that every generated block has a writer.

use super::blocks::{all_blocks, check_block};
use portainer_mcp::tools::catalogue::{Access, TOOLS, TOOLSETS};

/// Blocks written by scripts that measure (timings, artifact sizes, fuzz
/// runs): the suite cannot reproduce them, only check they are marked.
const MEASURED: [&str; 7] = [
    "bench",
    "bench-tracing",
    "agent-tasks",
    "audit-verify",
    "scale-out",
    "install-figures",
    "fuzz-runs",
];

/// Blocks this suite writes (here and in figures.rs).
const DERIVED: [&str; 7] = [
    "modules",
    "toolsets",
    "tools",
    "fan-out-tools",
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
    let mut out = String::from(
        "| toolset | on by default | tools | what it holds |\n| --- | --- | ---: | --- |\n",
    );
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

/// The first sentence of a file's `//!` comment: what the module holds.
fn module_summary(text: &str) -> Option<String> {
    let mut para = String::new();
    for line in text.lines() {
        let Some(doc) = line.strip_prefix("//!") else {
            break;
        };
        let doc = doc.trim();
        if doc.is_empty() {
            break;
        }
        if !para.is_empty() {
            para.push(' ');
        }
        para += doc;
    }
    if para.is_empty() {
        return None;
    }
    let end = para.find(". ").map_or(para.len(), |i| i + 1);
    Some(para[..end].replace('|', "\\|"))
}

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Every file under src/ with the first sentence of its module comment.
fn module_map() -> String {
    let root = super::blocks::root();
    let mut files = vec![];
    rust_files(&root.join("src"), &mut files);
    files.sort();
    let mut out = String::from("| file | what it holds |\n| --- | --- |\n");
    for f in files {
        let rel = f
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = std::fs::read_to_string(&f).unwrap();
        let summary = module_summary(&text)
            .unwrap_or_else(|| panic!("{rel} has no `//!` comment saying what it holds"));
        out += &format!("| `{rel}` | {summary} |\n");
    }
    out
}

#[test]
fn architecture_page_maps_every_module() {
    check_block("docs/dev/architecture.md", "modules", &module_map());
}

#[test]
fn a_module_summary_is_its_first_sentence() {
    let text = "//! Holds a thing. And more\n//! on the next line.\n\nuse x;\n";
    assert_eq!(module_summary(text).unwrap(), "Holds a thing.");
    assert_eq!(module_summary("use x;\n"), None);
}

#[test]
fn readme_lists_the_toolsets() {
    check_block("README.md", "toolsets", &toolsets_table());
}

/// The tools whose environment_id names several environments (`fan_out`
/// in tools.toml), with the kind of environment each reads.
fn fan_out_list() -> String {
    let mut out = String::new();
    for t in TOOLS {
        if let Some(kind) = t.shape.fan_out {
            out += &format!(
                "- `{}` (toolset `{}`): {kind} environments\n",
                t.name, t.toolset
            );
        }
    }
    out
}

#[test]
fn the_tools_page_lists_the_fan_out_tools() {
    check_block("docs/tools.md", "fan-out-tools", &fan_out_list());
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
