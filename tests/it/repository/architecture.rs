//! The import graph of src/: each top-level folder may use only the ones
//! below it (cli → transport → mcp → tools → portainer → shaping → trace →
//! clock → error). In every crate of the repository (the server, codegen, the stand-in,
//! xtask, this suite) no two files use each other, directly or around a circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Bottom first. main.rs and lib.rs wire everything and are not checked.
const LAYERS: [&str; 9] = [
    "error",
    "clock",
    "trace",
    "shaping",
    "portainer",
    "tools",
    "mcp",
    "transport",
    "cli",
];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `tools/handlers/mod.rs` → "tools::handlers"; `tools/args.rs` → "tools::args".
fn module_of(src: &Path, file: &Path) -> String {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    parts.join("::")
}

/// The paths a use or an expression names after `crate::` or `super::`:
/// `a::b::C`, and each member of a group `{a::X, b::{Y, Z}}`.
fn paths_after(rest: &str) -> Vec<String> {
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':';
    if let Some(inner) = rest.strip_prefix('{') {
        // The group's members, split at the commas of this level only.
        let (mut depth, mut start, mut out) = (0, 0, vec![]);
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    out.extend(paths_after(inner[start..i].trim()));
                    return out;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    out.extend(paths_after(inner[start..i].trim()));
                    start = i + 1;
                }
                _ => {}
            }
        }
        return out;
    }
    let path: String = rest.chars().take_while(|c| ident(*c)).collect();
    let after = &rest[path.len()..];
    match path.strip_suffix("::") {
        Some(head) if after.starts_with('{') => paths_after(after)
            .into_iter()
            .map(|tail| format!("{head}::{tail}"))
            .collect(),
        _ => vec![path],
    }
}

/// The modules a file's code (tests left out) refers to: through
/// `crate::` and `super::` paths, and through bare or `self::` paths to its
/// own children (`use child::X`, `child::f()` in a mod.rs).
fn uses(module: &str, text: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let code = text.split("#[cfg(test)]").next().unwrap_or("");
    let mut out = BTreeSet::new();
    let ident = |c: char| c.is_ascii_alphanumeric() || c == '_';
    for child in known {
        let Some(name) = child
            .strip_prefix(module)
            .and_then(|r| r.strip_prefix("::"))
            .filter(|n| !n.contains("::"))
        else {
            continue;
        };
        let needle = format!("{name}::");
        let named = code.match_indices(&needle).any(|(i, _)| {
            let before = &code[..i];
            !before.ends_with(ident) && (!before.ends_with("::") || before.ends_with("self::"))
        });
        if named {
            out.insert(child.clone());
        }
    }
    // `super` is the parent of the module, whether the module is a file
    // (a/b.rs: a) or a folder (a/b/mod.rs: a).
    let here: Vec<&str> = module.split("::").collect();
    for prefix in ["crate::", "super::"] {
        for (i, _) in code.match_indices(prefix) {
            if prefix == "super::" && code[..i].ends_with("super::") {
                continue; // counted from the first `super::` of the chain
            }
            let mut rest = &code[i + prefix.len()..];
            let mut base: Vec<&str> = if prefix == "crate::" {
                vec![]
            } else {
                here.clone()
            };
            if prefix == "super::" {
                base.pop();
                while let Some(r) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = r;
                }
            }
            for path in paths_after(rest) {
                let mut parts: Vec<&str> = base.clone();
                parts.extend(path.split("::").filter(|s| !s.is_empty()));
                // The longest prefix that is a module of ours.
                while !parts.is_empty() {
                    let candidate = parts.join("::");
                    if known.contains(&candidate) {
                        if candidate != module {
                            out.insert(candidate);
                        }
                        break;
                    }
                    parts.pop();
                }
            }
        }
    }
    out
}

/// The crates whose files are checked for circles, by source folder.
const CRATES: [&str; 5] = ["src", "codegen/src", "standin/src", "xtask/src", "tests/it"];

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    graph_of("src")
}

fn graph_of(crate_src: &str) -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join(crate_src);
    let mut files = vec![];
    rust_files(&src, &mut files);
    let modules: Vec<(String, PathBuf)> = files
        .iter()
        .map(|f| (module_of(&src, f), f.clone()))
        .filter(|(m, _)| m != "main" && m != "lib")
        .collect();
    let known: BTreeSet<String> = modules.iter().map(|(m, _)| m.clone()).collect();
    modules
        .iter()
        .map(|(m, f)| {
            let text = with_included(&std::fs::read_to_string(f).unwrap());
            (m.clone(), uses(m, &text, &known))
        })
        .collect()
}

/// A file's text with the build-time code it includes from OUT_DIR, read
/// from its committed copy in generated/: what that code names is used by
/// the file that includes it.
fn with_included(text: &str) -> String {
    let mut all = text.to_string();
    let generated = Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    for (i, _) in text.match_indices("include!(concat!(env!(\"OUT_DIR\"), \"/") {
        let rest = &text[i..];
        let start = rest.find("\"/").unwrap() + 2;
        let name = &rest[start..start + rest[start..].find('"').unwrap()];
        let copy = generated.join(name);
        assert!(
            copy.exists(),
            "{name} is included but has no copy in generated/"
        );
        all.push_str(&std::fs::read_to_string(copy).unwrap());
    }
    all
}

fn layer(module: &str) -> usize {
    let top = module.split("::").next().unwrap();
    LAYERS
        .iter()
        .position(|l| *l == top)
        .unwrap_or_else(|| panic!("src/{top} is in no layer: add it to LAYERS"))
}

#[test]
fn groups_and_super_chains_are_read() {
    let known: BTreeSet<String> = ["a", "a::b", "a::x", "c", "c::d", "e"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let used = uses(
        "a::b",
        "use crate::{c::d::X, e};\nuse super::super::c;",
        &known,
    );
    assert_eq!(
        used,
        ["c", "c::d", "e"].iter().map(|s| s.to_string()).collect()
    );
    // In a file a/b.rs, `super` is a.
    let used = uses("a::b", "use super::x::Y;", &known);
    assert_eq!(used, ["a::x"].iter().map(|s| s.to_string()).collect());
    // In a mod.rs, `super` is the parent folder.
    let used = uses("c::d", "use super::X; use super::super::e::Y;", &known);
    assert_eq!(used, ["c", "e"].iter().map(|s| s.to_string()).collect());
    // A folder's own children, named bare or through self::, and nothing
    // that merely ends with a child's name.
    let used = uses(
        "a",
        "use b::X; let y = self::x::f(); crate::e::b::g();",
        &known,
    );
    assert_eq!(
        used,
        ["a::b", "a::x", "e"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
}

#[test]
fn no_arrow_runs_back_up() {
    let mut wrong = vec![];
    for (m, used) in graph() {
        for u in used {
            if layer(&u) > layer(&m) {
                wrong.push(format!("{m} uses {u}"));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_import_circles() {
    let circles: Vec<String> = CRATES
        .iter()
        .flat_map(|c| {
            circles_in(&graph_of(c))
                .into_iter()
                .map(move |x| format!("{c}: {x}"))
        })
        .collect();
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

#[test]
fn a_circle_is_found() {
    let g: BTreeMap<String, BTreeSet<String>> = [("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]
        .iter()
        .map(|(m, u)| (m.to_string(), BTreeSet::from([u.to_string()])))
        .collect();
    assert_eq!(circles_in(&g), ["a -> b -> c -> a"]);
}

fn circles_in(g: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    // Depth-first search; a module met again on the current path closes a circle.
    fn visit(
        m: &str,
        g: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        circles: &mut Vec<String>,
    ) {
        if let Some(i) = path.iter().position(|p| p == m) {
            circles.push(format!("{} -> {m}", path[i..].join(" -> ")));
            return;
        }
        if !done.insert(m.to_string()) {
            return;
        }
        path.push(m.to_string());
        for u in g.get(m).into_iter().flatten() {
            visit(u, g, path, done, circles);
        }
        path.pop();
    }
    let mut circles = vec![];
    let mut done = BTreeSet::new();
    for m in g.keys() {
        visit(m, g, &mut vec![], &mut done, &mut circles);
    }
    circles
}

/// A call's state travels in its `Call` value: no task-local, thread-local
/// or mutable static in src/ may carry it. The few process-wide values that
/// are not a call's (fixed matchers, the call-id source) are named here.
#[test]
fn no_call_state_in_statics() {
    const ALLOWED: [&str; 6] = [
        "static ALL: LazyLock",
        "static FINDER: LazyLock",
        "static WORDS: LazyLock",
        "static PREFIX: OnceLock",
        // The trace exporter and span ids: the process's, not a call's.
        "static EXPORTER: OnceLock",
        "static SPAN_IDS: LazyLock",
    ];
    const NEXT_ID: &str = "static NEXT: AtomicU64";
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![];
    rust_files(&src, &mut files);
    let mut found = vec![];
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or("");
        for (n, line) in code.lines().enumerate() {
            let line = line.trim();
            let mutable = [
                "Mutex", "RwLock", "Atomic", "OnceLock", "OnceCell", "LazyLock", "Cell<",
            ]
            .iter()
            .any(|k| line.contains(k));
            let shared = line.contains("task_local!")
                || line.contains("thread_local!")
                || line.starts_with("static mut")
                || (line.contains("static ") && mutable);
            let allowed = ALLOWED.iter().any(|a| line.contains(a))
                || (line.contains(NEXT_ID) && f.ends_with("mcp/audit.rs"));
            if shared && !allowed {
                found.push(format!("{}:{}: {line}", f.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "process-wide state (a call's belongs in its Call):\n{}",
        found.join("\n")
    );
}
