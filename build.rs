//! Generates the typed Portainer client, the MCP tool registry and the
//! compatibility table from spec/ (every Portainer description in it) and
//! tools.toml (see codegen/). A bad catalogue entry fails the build with a
//! message naming the tool.

use std::path::Path;

fn main() {
    // Read at run time (not env!) so tests can run this script on a copy.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let root = Path::new(&root);
    for input in ["tools.toml", "spec", "src/tools/handlers"] {
        println!("cargo:rerun-if-changed={input}");
    }
    let out = match codegen::generate(root) {
        Ok(out) => out,
        Err(e) => {
            eprintln!("\nerror: {e}\n");
            std::process::exit(1);
        }
    };
    println!(
        "cargo:rustc-env=PORTAINER_SPEC_VERSION={}",
        out.spec_version
    );
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for (name, text) in out.files() {
        std::fs::write(Path::new(&dir).join(name), text).expect("OUT_DIR is writable");
    }
}
