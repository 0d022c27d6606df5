//! What is secret by its place in a document: the one set of structural
//! rules, applied alike to results (JSON values) and to documents inside
//! strings (compose files, manifests, JSON in a text).

use super::names::{is_harmless_env, is_secret_key};

/// How the values below a node are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Nothing known: keys decide, strings are free text.
    Walk,
    /// Every value below is secret (a secret-named key, Secret data).
    Hide,
    /// Variables: a list of `NAME=value` or `{name, value}`, or a map of
    /// names to values (Docker's `Env`, Kubernetes' `env`, compose's
    /// `environment`).
    Env,
    /// One item of a variable list.
    EnvItem,
    /// One variable's value: hidden unless the name is harmless.
    EnvValue,
    /// A command: a list of words, or one command line.
    Command,
    /// One command line (a row of `ps`).
    Line,
    /// Docker's top: rows of columns, the command last.
    Processes,
    /// A Kubernetes SecretList's items, which carry no `kind` of their own.
    SecretItems,
    SecretItem,
    /// A Swarm secret's or config's `Spec`: its `Data` is the whole file.
    SwarmSpec,
    /// A string holding a YAML document (stack file, manifest, values).
    Yaml,
    /// kubectl's copy of the applied object (JSON): read by its structure
    /// when it names its kind, else hidden whole.
    LastApplied,
}

/// Keys whose values are command lines or their words: Docker's top,
/// Cmd/Entrypoint/Args, exec inspect, compose's command, entrypoint and
/// healthcheck test.
const COMMAND_KEYS: [&str; 10] = [
    "Cmd",
    "Entrypoint",
    "Args",
    "Command",
    "command",
    "args",
    "arguments",
    "entrypoint",
    "Test",
    "test",
];

/// Keys whose string values are YAML documents.
const YAML_KEYS: [&str; 6] = [
    "StackFileContent",
    "FileContent",
    "manifest",
    "values",
    "userSuppliedValues",
    "stackFileContent",
];

/// What a rule needs to know of a map before reading its entries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// `kind: Secret`.
    pub secret: bool,
    /// `kind: SecretList`.
    pub secret_list: bool,
    /// A `name` that is a harmless variable (`{name: PATH, value: ...}`).
    pub harmless_name: bool,
    /// The map is a JSON Schema (api_describe's arguments): its `Env` is
    /// the description of a field, not variables.
    pub schema: bool,
}

impl Facts {
    pub fn of(kind: Option<&str>, name: Option<&str>) -> Facts {
        Facts {
            secret: kind == Some("Secret"),
            secret_list: kind == Some("SecretList"),
            harmless_name: name.is_some_and(is_harmless_env),
            schema: false,
        }
    }

    pub fn with_schema(self, schema: bool) -> Facts {
        Facts { schema, ..self }
    }
}

/// Keys a JSON Schema object holds.
const SCHEMA_KEYWORDS: [&str; 18] = [
    "type",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "description",
    "enum",
    "format",
    "minimum",
    "maximum",
    "default",
    "nullable",
    "oneOf",
    "anyOf",
    "allOf",
    "$ref",
    "title",
    "example",
];

const SCHEMA_TYPES: [&str; 7] = [
    "array", "object", "string", "integer", "number", "boolean", "null",
];

/// A map whose keys are all schema keywords and whose `type` names a JSON
/// type: a schema, read as one.
pub fn is_schema<'a>(mut keys: impl Iterator<Item = &'a str>, type_value: Option<&str>) -> bool {
    type_value.is_some_and(|t| SCHEMA_TYPES.contains(&t))
        && keys.all(|k| SCHEMA_KEYWORDS.contains(&k))
}

/// The rule for the value under `key` of a map read under `rule`. A YAML
/// merge key (`<<`) is read as the map itself, by the walkers.
pub fn child(rule: Rule, key: &str, facts: Facts) -> Rule {
    match rule {
        Rule::Hide => Rule::Hide,
        // A schema describing an Env field: no variable in it.
        Rule::Env | Rule::EnvItem if facts.schema => Rule::Walk,
        // A map of variables: each value is one variable's.
        Rule::Env if is_harmless_env(key) => Rule::Walk,
        Rule::Env => Rule::EnvValue,
        // `{name, value}`: the value is the variable's.
        Rule::EnvItem if key == "value" && facts.harmless_name => Rule::Walk,
        Rule::EnvItem if key == "value" => Rule::EnvValue,
        Rule::SecretItem if key == "data" || key == "stringData" => Rule::Hide,
        Rule::SwarmSpec if key == "Data" => Rule::Hide,
        _ => by_key(key, facts),
    }
}

fn by_key(key: &str, facts: Facts) -> Rule {
    if is_secret_key(key) || (facts.secret && (key == "data" || key == "stringData")) {
        Rule::Hide
    } else if facts.secret_list && key == "items" {
        Rule::SecretItems
    } else if matches!(key, "Env" | "env" | "environment") {
        Rule::Env
    } else if key == "Processes" {
        Rule::Processes
    } else if COMMAND_KEYS.contains(&key) {
        Rule::Command
    } else if key == "Spec" {
        Rule::SwarmSpec
    } else if YAML_KEYS.contains(&key) {
        Rule::Yaml
    } else if key == "kubectl.kubernetes.io/last-applied-configuration" {
        Rule::LastApplied
    } else {
        Rule::Walk
    }
}

/// The rule for the items of a list read under `rule`.
pub fn item(rule: Rule) -> Rule {
    match rule {
        Rule::Hide => Rule::Hide,
        Rule::Env => Rule::EnvItem,
        Rule::Processes => Rule::Line,
        Rule::Line => Rule::Line,
        Rule::SecretItems => Rule::SecretItem,
        _ => Rule::Walk,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_that_hold_secrets() {
        let none = Facts::default();
        assert_eq!(child(Rule::Walk, "Password", none), Rule::Hide);
        assert_eq!(child(Rule::Walk, "secretName", none), Rule::Walk);
        assert_eq!(
            child(Rule::Walk, "data", Facts::of(Some("Secret"), None)),
            Rule::Hide
        );
        assert_eq!(
            child(Rule::Walk, "data", Facts::of(Some("ConfigMap"), None)),
            Rule::Walk
        );
        assert_eq!(child(Rule::Env, "API", none), Rule::EnvValue);
        assert_eq!(child(Rule::Env, "TZ", none), Rule::Walk);
        assert_eq!(item(Rule::Env), Rule::EnvItem);
        let path = Facts::of(None, Some("PATH"));
        assert_eq!(child(Rule::EnvItem, "value", path), Rule::Walk);
        assert_eq!(child(Rule::EnvItem, "value", none), Rule::EnvValue);
        assert_eq!(child(Rule::EnvItem, "valueFrom", none), Rule::Walk);
        assert_eq!(child(Rule::SwarmSpec, "Data", none), Rule::Hide);
        assert_eq!(child(Rule::Walk, "StackFileContent", none), Rule::Yaml);
    }
}
