//! Developer commands. `cargo xtask help` lists them.

mod import;
mod swagger2;

use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask import-spec FILE [--origin TEXT]    import a Portainer OpenAPI 3.0 description into
                                                  spec/portainer-<edition>-<version>.json (beside the others)
  cargo xtask import-docker FILE [--origin TEXT]  import the Docker Engine API (Swagger 2.0) into spec/docker.json
  cargo xtask generate                            refresh every derived file: generated/ (client, registry,
                                                  compatibility table) from spec/ and tools.toml, then the
                                                  tool-surface snapshots and the docs' generated blocks
                                                  (through `cargo test --test it -- surface::`)
  cargo xtask generate --check                    write nothing; fail if any of those is stale";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("import-spec") => import_spec(&args[1..], Api::Portainer),
        Some("import-docker") => import_spec(&args[1..], Api::Docker),
        Some("generate") => match &args[1..] {
            [] => generate(Mode::Write),
            [flag] if flag == "--check" => generate(Mode::Check),
            _ => Err(USAGE.to_string()),
        },
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(msg) => {
            println!("{msg}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}

/// Which API a description is of; each has its own files in spec/.
#[derive(Clone, Copy)]
enum Api {
    Portainer,
    Docker,
}

impl Api {
    /// (structural document, source record) in spec/. Each Portainer
    /// description has its own pair, named by edition and version, so a
    /// version bump adds files beside the others.
    fn files(self, report: &import::Report) -> (String, String) {
        match self {
            Api::Portainer => {
                let stem = match report.edition.as_str() {
                    "" => format!("portainer-{}", report.version),
                    e => format!("portainer-{}-{}", e.to_ascii_lowercase(), report.version),
                };
                (format!("{stem}.json"), format!("{stem}.SOURCE.toml"))
            }
            Api::Docker => ("docker.json".into(), "docker.SOURCE.toml".into()),
        }
    }
}

/// Ids for routes upstream leaves unnamed: first the ones this
/// description's own record gave before (so a re-import keeps them, whatever
/// else spec/ holds), then every id the other Portainer descriptions in
/// spec/ give the same route.
fn known_ids(spec_dir: &Path, own: &str) -> Result<import::KnownIds, String> {
    let mut known = import::KnownIds::new();
    let own_record = spec_dir.join(own).with_extension("SOURCE.toml");
    if let Some(named) = std::fs::read_to_string(&own_record)
        .ok()
        .and_then(|t| t.parse::<toml::Table>().ok())
        .and_then(|t| t.get("named_by_importer")?.as_table().cloned())
    {
        for (route, id) in named {
            if let Some(id) = id.as_str() {
                known.insert(route, id.to_string());
            }
        }
    }
    // None yet (a first import) is fine.
    let names = codegen::portainer_files(spec_dir).unwrap_or_default();
    for file in names.iter().filter(|n| *n != own).map(|n| spec_dir.join(n)) {
        let text =
            std::fs::read_to_string(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        let doc: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(id) = op.get("operationId").and_then(|i| i.as_str()) {
                    known
                        .entry(import::route_key(method, path))
                        .or_insert(id.to_string());
                }
            }
        }
    }
    Ok(known)
}

fn import_spec(args: &[String], api: Api) -> Result<String, String> {
    let mut file = None;
    let mut origin = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--origin" => origin = Some(it.next().ok_or("--origin needs a value")?.clone()),
            f if file.is_none() && !f.starts_with('-') => file = Some(PathBuf::from(f)),
            other => return Err(format!("unexpected argument {other:?}\n{USAGE}")),
        }
    }
    let file = file.ok_or(USAGE)?;
    let spec_dir = root().join("spec");
    let (json, record, report) = import_file(&file, origin.as_deref(), api, &spec_dir)?;
    std::fs::create_dir_all(&spec_dir).map_err(|e| e.to_string())?;
    let (spec_file, record_file) = api.files(&report);
    write(&spec_dir.join(&spec_file), &json)?;
    write(&spec_dir.join(&record_file), &record)?;
    Ok(format!(
        "imported version {} ({} of {} operations kept, {} left out) into spec/{spec_file}",
        report.version,
        report.operations_kept,
        report.operations_in,
        report.skipped.len()
    ))
}

/// The texts of the structural document and its source record for one input.
fn import_file(
    file: &Path,
    origin: Option<&str>,
    api: Api,
    spec_dir: &Path,
) -> Result<(String, String, import::Report), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let text =
        std::str::from_utf8(&bytes).map_err(|_| format!("{} is not UTF-8", file.display()))?;
    let upstream = import::parse_upstream(text)?;
    let (doc, report) = match api {
        Api::Portainer => {
            let probe = import::Report {
                version: upstream
                    .pointer("/info/version")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string(),
                edition: import::edition_of(&upstream),
                ..import::Report::default()
            };
            let (own, _) = api.files(&probe);
            import::import(&upstream, true, &known_ids(spec_dir, &own)?)?
        }
        Api::Docker => {
            let mut converted = swagger2::to_openapi3(&upstream)?;
            swagger2::mount_under_passthrough(&mut converted);
            import::import(&converted, false, &import::KnownIds::new())?
        }
    };
    let file_name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let record = source_record(
        &upstream,
        &report,
        &file_name,
        origin.unwrap_or(&file_name),
        &hex_sha256(&bytes),
    );
    let json = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    Ok((json, record, report))
}

fn source_record(
    upstream: &serde_json::Value,
    report: &import::Report,
    file_name: &str,
    origin: &str,
    sha256: &str,
) -> String {
    let q = |s: &str| serde_json::Value::String(s.to_string()).to_string();
    let title = upstream
        .pointer("/info/title")
        .and_then(|v| v.as_str())
        .unwrap_or_default();
    let edition = report.edition.as_str();
    let mut out = String::from("# Written by `cargo xtask import-spec` / `import-docker`; re-run it rather than editing.\n");
    out += &format!(
        "[api]\ntitle = {}\nversion = {}\nedition = {}\n\n",
        q(title),
        q(&report.version),
        q(edition)
    );
    out += &format!(
        "[input]\nfile = {}\norigin = {}\nsha256 = {}\n\n",
        q(file_name),
        q(origin),
        q(sha256)
    );
    out += &format!(
        "[operations]\nupstream = {}\nkept = {}\n\n",
        report.operations_in, report.operations_kept,
    );
    // Route -> id for operations upstream left unnamed; a re-import reuses them.
    out += "[named_by_importer]\n";
    for (route, id) in &report.named {
        out += &format!("{} = {}\n", q(route), q(id));
    }
    out += "\n";
    out += "[left_out]\n";
    for (id, why) in &report.skipped {
        out += &format!("{} = {}\n", q(id), q(why));
    }
    out
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Write,
    Check,
}

/// generated/ from codegen, then what only the running server can tell
/// (tools/list per toolset, sizes, figures) from the integration suite's
/// surface module, which rewrites its files when UPDATE_GENERATED is set.
fn generate(mode: Mode) -> Result<String, String> {
    let root = root();
    let out = codegen::generate(&root)?;
    let dir = root.join("generated");
    let mut stale = vec![];
    for (name, text) in out.files() {
        let path = dir.join(name);
        match mode {
            Mode::Write => {
                std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
                write(&path, text)?;
            }
            Mode::Check => {
                if std::fs::read_to_string(&path).ok().as_deref() != Some(text) {
                    stale.push(format!("generated/{name}"));
                }
            }
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "stale: {}; run `cargo xtask generate` and review the diff",
            stale.join(", ")
        ));
    }
    surface(&root, mode)?;
    Ok(match mode {
        Mode::Write => format!(
            "refreshed generated/ ({} lines; tools by description in generated/compatibility.md), \
             the tool-surface snapshots and the docs' generated blocks\n{}",
            out.line_count(),
            out.summary.join("\n")
        ),
        Mode::Check => "generated/, snapshots and generated docs blocks are current".into(),
    })
}

/// The integration suite's surface tests: they compare what the built
/// server lists with tests/it/snapshots and the docs blocks, and rewrite
/// them when asked. One thread, as several write the same docs file.
fn surface(root: &Path, mode: Mode) -> Result<(), String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.current_dir(root)
        .args(["test", "--quiet", "--test", "it", "--", "surface::"])
        .arg("--test-threads=1");
    match mode {
        Mode::Write => cmd.env("UPDATE_GENERATED", "1"),
        Mode::Check => cmd.env_remove("UPDATE_GENERATED"),
    };
    let status = cmd
        .status()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(match mode {
            Mode::Write => "the surface tests failed while refreshing (see above)".into(),
            Mode::Check => {
                "snapshots or docs blocks are stale (see above); run `cargo xtask generate` \
                 and review the diff"
                    .into()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// spec/ is exactly what the importer makes of the recorded inputs, when
    /// they are at hand (../shared/upstream beside the checkout).
    #[test]
    fn committed_specs_are_reproducible() {
        let spec = root().join("spec");
        let mut records: Vec<PathBuf> = std::fs::read_dir(&spec)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".SOURCE.toml"))
            .collect();
        records.sort();
        assert!(records.len() >= 3, "spec/ lost a description: {records:?}");
        for record in records {
            let name = record.file_name().unwrap().to_string_lossy().into_owned();
            let api = if name.starts_with("docker") {
                Api::Docker
            } else {
                Api::Portainer
            };
            reproducible(&record, api);
        }
    }

    fn reproducible(record_path: &Path, api: Api) {
        let root = root();
        let record: toml::Table = std::fs::read_to_string(record_path)
            .unwrap()
            .parse()
            .unwrap();
        let input = &record["input"];
        let file = root
            .join("../shared/upstream")
            .join(input["file"].as_str().unwrap());
        let Ok(bytes) = std::fs::read(&file) else {
            eprintln!("{} not present; skipped", file.display());
            return;
        };
        assert_eq!(
            hex_sha256(&bytes),
            input["sha256"].as_str().unwrap(),
            "input differs from the recorded sha256"
        );
        let (json, text, report) =
            import_file(&file, input["origin"].as_str(), api, &root.join("spec")).unwrap();
        let (spec_file, record_file) = api.files(&report);
        assert_eq!(record_path, root.join("spec").join(&record_file));
        let committed = std::fs::read_to_string(root.join("spec").join(&spec_file)).unwrap();
        assert!(
            json == committed,
            "spec/{spec_file} is not what the importer makes; re-import it"
        );
        assert_eq!(text, std::fs::read_to_string(record_path).unwrap());
    }
}
