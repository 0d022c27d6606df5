//! `--tool-overrides FILE`: an operator's own words for tools, or tools
//! hidden, without rebuilding (the runtime counterpart of the Go server's
//! tools.yaml). A TOML file:
//!
//! ```toml
//! [tools.stack_list]
//! title = "Our stacks"
//! description = "Stacks of the shop team. Ask before touching prod-*."
//!
//! [tools.docker_proxy]
//! hidden = true
//! ```
//!
//! Arguments, access and modes are not overridable: those are the guard's.

use crate::tools::catalogue::TOOLS;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Longer than any catalogue description by far; a bound all the same,
/// since every word lands in every client's context.
const MAX_TEXT: usize = 2_000;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Override {
    pub title: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub hidden: bool,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Overrides {
    #[serde(default)]
    pub tools: BTreeMap<String, Override>,
}

impl Overrides {
    pub fn load(path: &Path) -> Result<Overrides, String> {
        let flag = format!("--tool-overrides {}", path.display());
        let text = std::fs::read_to_string(path).map_err(|e| format!("{flag}: {e}"))?;
        Overrides::parse(&text).map_err(|e| format!("{flag}: {e}"))
    }

    pub fn parse(text: &str) -> Result<Overrides, String> {
        let o: Overrides = toml::from_str(text).map_err(|e| e.to_string())?;
        for (name, t) in &o.tools {
            if !TOOLS.iter().any(|d| d.name == name) {
                return Err(format!(
                    "[tools.{name}]: no such tool (`portainer-mcp tools --toolsets all` lists them)"
                ));
            }
            for (key, text) in [("title", &t.title), ("description", &t.description)] {
                match text.as_deref().map(str::trim) {
                    Some("") => return Err(format!("[tools.{name}] {key} is empty")),
                    Some(s) if s.chars().count() > MAX_TEXT => {
                        return Err(format!(
                            "[tools.{name}] {key} is longer than {MAX_TEXT} characters"
                        ))
                    }
                    _ => {}
                }
            }
        }
        Ok(o)
    }

    pub fn hidden(&self, tool: &str) -> bool {
        self.tools.get(tool).is_some_and(|t| t.hidden)
    }

    /// The operator's title and description for `tool`, where given.
    pub fn text(&self, tool: &str) -> (Option<&str>, Option<&str>) {
        match self.tools.get(tool) {
            Some(t) => (
                t.title.as_deref().map(str::trim),
                t.description.as_deref().map(str::trim),
            ),
            None => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_titles_descriptions_and_hidden_tools() {
        let o = Overrides::parse(
            "[tools.stack_list]\ntitle = \"Our stacks\"\ndescription = \" Shop stacks. \"\n\
             [tools.docker_proxy]\nhidden = true\n",
        )
        .unwrap();
        assert_eq!(
            o.text("stack_list"),
            (Some("Our stacks"), Some("Shop stacks."))
        );
        assert!(o.hidden("docker_proxy") && !o.hidden("stack_list"));
        assert_eq!(o.text("stack_get"), (None, None));
    }

    #[test]
    fn mistakes_name_the_tool_and_key() {
        let e = Overrides::parse("[tools.stack_lst]\nhidden = true\n").unwrap_err();
        assert!(e.contains("[tools.stack_lst]: no such tool"), "{e}");
        let e = Overrides::parse("[tools.stack_list]\nhide = true\n").unwrap_err();
        assert!(e.contains("unknown field `hide`"), "{e}");
        let e = Overrides::parse("[tools.stack_list]\ndescription = \"  \"\n").unwrap_err();
        assert!(e.contains("[tools.stack_list] description is empty"), "{e}");
        let long = format!("[tools.stack_list]\ntitle = \"{}\"\n", "x".repeat(2_001));
        assert!(Overrides::parse(&long).unwrap_err().contains("longer than"));
        // The Go server's tools.yaml is not TOML: a parse error, not silence.
        assert!(Overrides::parse("tools:\n  - name: listEnvironments\n").is_err());
    }
}
