//! Derived text kept in the repository: a whole file (a snapshot) or a
//! block of a docs file between
//! `<!-- begin generated: NAME (COMMAND) -->` and `<!-- end generated: NAME -->`.
//! With UPDATE_GENERATED set (as `cargo xtask generate` does) a stale copy is
//! rewritten; otherwise it fails the test naming the command.

use std::path::{Path, PathBuf};

const REFRESH: &str = "run `cargo xtask generate` and review the diff";

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GENERATED").is_some()
}

/// The first line where two texts differ, to point the reader at it.
fn first_difference(a: &str, b: &str) -> usize {
    a.lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or_else(|| a.lines().count().min(b.lines().count()))
        + 1
}

/// `rel` (from the repository root) holds exactly `want`.
pub fn check_file(rel: &str, want: &str) {
    let path = root().join(rel);
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    if updating() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, want).unwrap();
        return;
    }
    panic!(
        "{rel} is stale (first difference at line {}); {REFRESH}",
        first_difference(&have, want)
    );
}

/// The block NAME of the docs file `rel` holds exactly `want` (which ends
/// with a newline).
pub fn check_block(rel: &str, name: &str, want: &str) {
    let path = root().join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let (start, end) = block_span(&text, name).unwrap_or_else(|e| panic!("{rel}: {e}"));
    if text[start..end] == *want {
        return;
    }
    if updating() {
        let updated = format!("{}{}{}", &text[..start], want, &text[end..]);
        std::fs::write(&path, updated).unwrap();
        return;
    }
    panic!(
        "{rel}: block `{name}` is stale (first difference at its line {}); {REFRESH}\n{want}",
        first_difference(&text[start..end], want)
    );
}

/// The byte range of a block's content: after its begin line, up to its end
/// line. Exactly one of each, in order.
fn block_span(text: &str, name: &str) -> Result<(usize, usize), String> {
    let begin = format!("<!-- begin generated: {name} ");
    let end = format!("<!-- end generated: {name} -->");
    let only = |marker: &str| -> Result<usize, String> {
        let mut found = text.match_indices(marker).map(|(i, _)| i);
        match (found.next(), found.next()) {
            (Some(i), None) => Ok(i),
            (None, _) => Err(format!("no `{}` marker", marker.trim())),
            (Some(_), Some(_)) => Err(format!("`{}` appears twice", marker.trim())),
        }
    };
    let b = only(&begin)?;
    let e = only(&end)?;
    let content = b + text[b..].find('\n').ok_or("begin marker ends the file")? + 1;
    if e < content {
        return Err(format!("block `{name}` ends before it begins"));
    }
    Ok((content, e))
}

/// Every block in the repository's markdown, as (file, name), so a block no
/// test writes is noticed.
pub fn all_blocks() -> Vec<(String, String)> {
    let mut files = vec![root().join("README.md")];
    markdown_under(&root().join("docs"), &mut files);
    let mut out = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .into_owned();
        for (i, _) in text.match_indices("<!-- begin generated: ") {
            let rest = &text[i + "<!-- begin generated: ".len()..];
            let name = rest.split([' ', '\n']).next().unwrap_or_default();
            out.push((rel.clone(), name.to_string()));
        }
    }
    out
}

fn markdown_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            markdown_under(&p, out);
        } else if p.extension().is_some_and(|x| x == "md") {
            out.push(p);
        }
    }
}

#[test]
fn a_block_is_found_by_its_markers() {
    let text = "a\n<!-- begin generated: x (cmd) -->\nold\n<!-- end generated: x -->\nb\n";
    let (s, e) = block_span(text, "x").unwrap();
    assert_eq!(&text[s..e], "old\n");
    assert!(block_span(text, "y").is_err());
    let twice = format!("{text}{text}");
    assert!(block_span(&twice, "x").unwrap_err().contains("twice"));
}
