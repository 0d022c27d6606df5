//! Rules of the repository itself: the import graph, the build script's
//! errors, generated/ in step with the build, the packaging files.

mod architecture;
mod build_script;
mod generated_drift;
mod packaging;
