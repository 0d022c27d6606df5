//! The README's tool table is generated from the registry (tools.toml).
//! `UPDATE_README=1 cargo test --test readme` rewrites it.

use portainer_mcp::tools::catalogue::{Access, TOOLS, TOOLSETS};

const BEGIN: &str = "<!-- tools:begin";
const END: &str = "<!-- tools:end -->";

fn table() -> String {
    let mut out = String::from("| tool | toolset | default | access | destructive | title |\n| --- | --- | --- | --- | --- | --- |\n");
    for t in TOOLS {
        let default = TOOLSETS.iter().any(|s| s.name == t.toolset && s.default);
        out += &format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            t.name,
            t.toolset,
            if default { "yes" } else { "no" },
            match t.access {
                Access::Read => "read",
                Access::Write => "write",
            },
            if t.destructive { "yes" } else { "no" },
            t.title
        );
    }
    out
}

#[test]
fn readme_lists_every_tool() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme.find(BEGIN).expect("tools:begin marker");
    let body_start = start + readme[start..].find('\n').unwrap() + 1;
    let end = readme.find(END).expect("tools:end marker");
    let want = table();
    if readme[body_start..end] != want {
        if std::env::var_os("UPDATE_README").is_some() {
            let updated = format!("{}{}{}", &readme[..body_start], want, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!("README tool table is stale; run `UPDATE_README=1 cargo test --test readme`:\n{want}");
        }
    }
}
