//! generated/ holds reviewable copies of what build.rs generates. This fails
//! when they differ from what it generates now: run `cargo xtask generate`.

const BUILT: [(&str, &str); 4] = [
    (
        "client.rs",
        include_str!(concat!(env!("OUT_DIR"), "/client.rs")),
    ),
    (
        "registry.rs",
        include_str!(concat!(env!("OUT_DIR"), "/registry.rs")),
    ),
    (
        "operations.rs",
        include_str!(concat!(env!("OUT_DIR"), "/operations.rs")),
    ),
    (
        "compatibility.md",
        include_str!(concat!(env!("OUT_DIR"), "/compatibility.md")),
    ),
];

#[test]
fn generated_copies_match_the_build() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("generated");
    for (name, built) in BUILT {
        let committed = std::fs::read_to_string(dir.join(name))
            .unwrap_or_else(|e| panic!("generated/{name}: {e}; run `cargo xtask generate`"));
        if committed != built {
            let line = committed
                .lines()
                .zip(built.lines())
                .position(|(a, b)| a != b)
                .map(|i| i + 1)
                .unwrap_or_else(|| committed.lines().count().min(built.lines().count()) + 1);
            panic!("generated/{name} is stale (first difference at line {line}); run `cargo xtask generate` and commit it");
        }
    }
}
