//! The operation index (generated from spec/ by build.rs): every Portainer
//! and Docker operation, found by words, described by its exact argument
//! schema, and turned into one request. The discovery tools
//! (handlers/api.rs) are built on it.

mod generated {
    include!(concat!(env!("OUT_DIR"), "/operations.rs"));
}

use crate::error::ToolError;
use serde_json::{json, Map, Value};

pub use generated::OPERATIONS;

/// One operation of spec/.
#[derive(Debug)]
pub struct OperationDef {
    pub id: &'static str,
    pub method: &'static str,
    /// Path template below /api.
    pub path: &'static str,
    /// The spec's tag (Docker's prefixed with "docker").
    pub family: &'static str,
    pub params: &'static [ParamDef],
    /// Whether it takes a request body (the `body` argument).
    pub body: bool,
    /// The top-level field names of its body.
    pub fields: &'static [&'static str],
    /// Our descriptions of its arguments, run together (api_find ranks by
    /// their words too).
    pub words: &'static str,
    /// JSON Schema of the call's arguments (JSON text).
    pub input: &'static str,
    /// What a success returns, in a few words.
    pub result: &'static str,
    /// Bit i set: DESCRIPTIONS[i] lacks the route.
    pub missing_in: u32,
    /// Curated tools built on it.
    pub curated: &'static [&'static str],
    /// Why api_call never sends it (tools.toml [[deny]]).
    pub denied: Option<&'static str>,
}

#[derive(Debug)]
pub struct ParamDef {
    /// The argument's name.
    pub name: &'static str,
    /// Its name in the request (Portainer's arrays: `name[]`).
    pub wire: &'static str,
    pub in_path: bool,
    pub required: bool,
    /// Bit i set: DESCRIPTIONS[i] has the route but not this parameter.
    pub missing_in: u32,
}

/// How an operation is classed: GET/HEAD read, others write, DELETE and
/// POSTs that remove (see `removes`) destructive (the confirmation policy
/// reads this).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    Read,
    Write,
    Destructive,
}

impl OperationDef {
    pub fn access(&self) -> Access {
        match self.method {
            "GET" | "HEAD" => Access::Read,
            "DELETE" => Access::Destructive,
            _ if self.removes() => Access::Destructive,
            _ => Access::Write,
        }
    }

    /// A POST that removes or loses things, as its route's last word says
    /// (Portainer's bulk `.../delete`, Docker's `prune`, `kill`, a swarm
    /// `leave`, a node `drain`): classed with DELETE.
    fn removes(&self) -> bool {
        let last = self
            .path
            .rsplit('/')
            .find(|s| !s.starts_with('{'))
            .unwrap_or("");
        matches!(last, "delete" | "prune" | "kill" | "leave" | "drain")
    }

    pub fn exists_in(&self, description: usize) -> bool {
        self.missing_in & (1 << description) == 0
    }

    pub fn input_schema(&self) -> Value {
        serde_json::from_str(self.input).expect("generated schemas are JSON")
    }

    /// The parameters description `i` lacks although it has the route.
    pub fn params_missing_in(&self, description: usize) -> Vec<&'static str> {
        self.params
            .iter()
            .filter(|p| p.missing_in & (1 << description) != 0)
            .map(|p| p.name)
            .collect()
    }

    /// The arguments as one description has them: the merged schema less
    /// the parameters it lacks (None: all of them).
    pub fn input_schema_in(&self, description: Option<usize>) -> Value {
        let mut schema = self.input_schema();
        // Closed here, where api_call validates against it and api_describe
        // shows it; tool schemas leave that to Args::check_against.
        if let Some(o) = schema.as_object_mut() {
            o.insert("additionalProperties".into(), Value::Bool(false));
        }
        if let Some(i) = description {
            for name in self.params_missing_in(i) {
                if let Some(Value::Object(props)) = schema.get_mut("properties") {
                    props.remove(name);
                }
                if let Some(Value::Array(req)) = schema.get_mut("required") {
                    req.retain(|r| r != name);
                }
            }
        }
        schema
    }

    /// The arguments it cannot do without.
    pub fn required(&self) -> Vec<&'static str> {
        let mut out: Vec<&str> = self
            .params
            .iter()
            .filter(|p| p.required)
            .map(|p| p.name)
            .collect();
        if self.body
            && self
                .input_schema()
                .get("required")
                .and_then(Value::as_array)
                .is_some_and(|r| r.iter().any(|n| n == "body"))
        {
            out.push("body");
        }
        out
    }
}

impl Access {
    pub fn label(self) -> &'static str {
        match self {
            Access::Read => "read",
            Access::Write => "write",
            Access::Destructive => "destructive",
        }
    }
}

/// The operation with this id, whatever its letter case: one spelling can
/// never reach what another is denied.
pub fn find_id(id: &str) -> Option<&'static OperationDef> {
    let id = id.trim();
    OPERATIONS.iter().find(|o| o.id.eq_ignore_ascii_case(id))
}

/// The operation with this id, or an error saying what to do instead.
pub fn lookup(id: &str) -> Result<&'static OperationDef, ToolError> {
    find_id(id).ok_or_else(|| {
        ToolError::BadArguments(format!(
            "unknown operation `{}`; find one with api_find",
            crate::error::cap_text(id.to_string(), 200)
        ))
    })
}

/// One request: method, path and query below the API root, JSON body.
#[derive(Debug, PartialEq)]
pub struct Request {
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
}

/// Builds the request of a call whose arguments already match the
/// operation's schema: path parameters as encoded segments, query
/// parameters as Portainer reads them (arrays repeated), `body` as JSON.
pub fn request(op: &OperationDef, args: &Map<String, Value>) -> Result<Request, ToolError> {
    let text = |name: &str, v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(_) | Value::Bool(_) => Ok(v.to_string()),
        other => Err(ToolError::BadArguments(format!(
            "argument `{name}` must be a string, number or boolean, not {other}"
        ))),
    };
    let mut base = url::Url::parse("http://path.invalid/").expect("a fixed URL");
    {
        let mut segments = base
            .path_segments_mut()
            .map_err(|_| ToolError::Internal("cannot build a path".into()))?;
        segments.clear();
        for part in op.path.trim_start_matches('/').split('/') {
            match part.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
                Some(name) => {
                    let v = args.get(name).ok_or_else(|| {
                        ToolError::BadArguments(format!("missing path argument `{name}`"))
                    })?;
                    let value = text(name, v)?;
                    check_segment(op, name, &value)?;
                    segments.push(&value);
                }
                None => {
                    segments.push(part);
                }
            }
        }
    }
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for p in op.params.iter().filter(|p| !p.in_path) {
        match args.get(p.name) {
            None | Some(Value::Null) => {}
            Some(Value::Array(items)) => {
                for item in items {
                    query.append_pair(p.wire, &text(p.name, item)?);
                }
            }
            Some(Value::Object(_)) => {
                // Docker's `filters` and the like: JSON text.
                query.append_pair(p.wire, &args[p.name].to_string());
            }
            Some(v) => {
                query.append_pair(p.wire, &text(p.name, v)?);
            }
        }
    }
    let query = query.finish();
    let mut path = base.path().to_string();
    if !query.is_empty() {
        path = format!("{path}?{query}");
    }
    Ok(Request {
        method: op.method,
        path,
        body: if op.body {
            args.get("body").cloned()
        } else {
            None
        },
    })
}

/// A path argument must stay one segment of its route: `.` and `..` are
/// dropped or climb when the URL is built, and Portainer's router decodes
/// `%2F` back into `/` before matching, so either could turn a call into
/// another operation's request (one the deny list refuses, say). Docker
/// names may hold `/` (`library/nginx`), so below `/docker/` a slash is
/// let through as long as no part of it climbs.
fn check_segment(op: &OperationDef, name: &str, value: &str) -> Result<(), ToolError> {
    let bad = |why: &str| {
        Err(ToolError::BadArguments(format!(
            "path argument `{name}` {why}: {}",
            crate::error::cap_text(format!("{value:?}"), 120)
        )))
    };
    if value.is_empty() {
        return bad("is empty");
    }
    let docker = op.path.contains("/docker/");
    if !docker && (value.contains('/') || value.contains('\\')) {
        return bad("may not contain / or \\");
    }
    if value
        .split(['/', '\\'])
        .any(|p| p == "." || p == ".." || p.is_empty())
    {
        return bad("may not be or contain a `.`, `..` or empty path segment");
    }
    Ok(())
}

/// Words a model uses for what the API names otherwise.
const SYNONYMS: &[(&str, &str)] = &[
    ("environment", "endpoint"),
    ("environments", "endpoint"),
    ("env", "endpoint"),
    ("envs", "endpoint"),
    ("host", "endpoint"),
    ("cluster", "endpoint"),
    ("remove", "delete"),
    ("destroy", "delete"),
    ("rm", "delete"),
    ("add", "create"),
    ("new", "create"),
    ("make", "create"),
    ("show", "inspect"),
    ("get", "inspect"),
    ("details", "inspect"),
    ("describe", "inspect"),
    ("edit", "update"),
    ("change", "update"),
    ("modify", "update"),
    ("set", "update"),
    ("all", "list"),
    ("ls", "list"),
    ("revert", "rollback"),
    ("undo", "rollback"),
    ("container", "containers"),
    ("image", "images"),
    ("volume", "volumes"),
    ("network", "networks"),
    ("release", "helm"),
    ("chart", "helm"),
    ("log", "logs"),
    ("activity", "useractivity"),
    ("audit", "useractivity"),
    ("login", "auth"),
    ("group", "groups"),
    ("template", "templates"),
];

/// Lower-case words of a text: camelCase split, punctuation dropped.
fn words(text: &str) -> Vec<String> {
    let mut out = vec![];
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
            cur.push(c.to_ascii_lowercase());
        } else {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A word without a plural `s`, so "stacks" meets "stack".
fn stem(w: &str) -> &str {
    if w.len() > 3 && w.ends_with('s') && !w.ends_with("ss") {
        &w[..w.len() - 1]
    } else {
        w
    }
}

/// How well `op` answers the query words; 0: not at all.
fn score(op: &OperationDef, query: &[String]) -> u32 {
    let id_words = words(op.id);
    let path_words: Vec<String> = op
        .path
        .split('/')
        .filter(|s| !s.starts_with('{'))
        .flat_map(words)
        .collect();
    let family = words(op.family);
    let params: Vec<String> = op.params.iter().flat_map(|p| words(p.name)).collect();
    let fields: Vec<String> = op
        .fields
        .iter()
        .flat_map(|f| words(f))
        .chain(words(op.words))
        .collect();
    let verb = match op.method {
        "GET" => "list inspect",
        "POST" => "create",
        "PUT" | "PATCH" => "update",
        "DELETE" => "delete",
        _ => "",
    };
    let mut total: u32 = 0;
    let mut matched: u32 = 0;
    for q in query {
        let alt = SYNONYMS.iter().find(|(w, _)| w == q).map(|(_, s)| *s);
        let hit = |list: &[String]| {
            list.iter()
                .any(|w| stem(w) == stem(q) || alt.is_some_and(|a| stem(w) == stem(a)))
        };
        let mut s = 0;
        if hit(&id_words) {
            s += 4;
        }
        if hit(&path_words) {
            s += 3;
        }
        if hit(&family) {
            s += 2;
        }
        if hit(&params) {
            s += 1;
        }
        if verb.split(' ').any(|v| v == q || alt == Some(v)) {
            s += 2;
        }
        if s > 0 {
            matched += 1;
        }
        // A body field's name only breaks ties: bodies are long, and a
        // word met in one says less than one in the route.
        if s == 0 && hit(&fields) {
            s = 1;
        }
        total += s;
    }
    if matched == 0 {
        return 0;
    }
    // No verb asked: the plain read, a list before a single object.
    let verbs = [
        "list", "inspect", "create", "update", "delete", "get", "show", "add", "new", "remove",
        "set", "edit", "change", "rollback", "restart", "start", "stop", "kill", "prune", "pull",
        "deploy", "migrate", "execute", "run", "clear", "collect",
    ];
    if !query.iter().any(|q| verbs.contains(&q.as_str())) && op.method == "GET" {
        total += if op.path.ends_with('}') { 2 } else { 4 };
    }
    // Every word matching beats a few matching well; curated tools and
    // shorter ids (the general operation) break ties.
    let all = if matched as usize == query.len() {
        20
    } else {
        0
    };
    let curated = if op.curated.is_empty() { 0 } else { 1 };
    total + all + matched * 5 + curated + (30u32.saturating_sub(op.id.len() as u32) / 10)
}

/// Words a query may carry that name nothing.
const FILLER: &[&str] = &["a", "an", "the", "to", "of", "for", "in", "on", "my", "new"];

/// Whether every meaningful query word names a word of `name` (a tool's
/// snake_case name), allowing plurals and the synonyms above.
pub fn name_matches(name: &str, query: &str) -> bool {
    tool_matches(name, &[], query)
}

/// Whether every word of `query` is a word of the tool's name or of one of
/// its `find` phrases (tools.toml) that the query holds whole: "create
/// webhook for stack" is stack_update's, "create stack" is not.
pub fn tool_matches(name: &str, find: &[&str], query: &str) -> bool {
    let mut own = words(name);
    let q = words(query);
    let asked: Vec<&str> = q.iter().map(|w| stem(w)).collect();
    for phrase in find {
        let pw = words(phrase);
        if pw.iter().all(|w| asked.contains(&stem(w))) {
            own.extend(pw);
        }
    }
    let q: Vec<String> = words(query)
        .into_iter()
        .filter(|w| !FILLER.contains(&w.as_str()))
        .collect();
    !q.is_empty()
        && q.iter().all(|q| {
            let alt = SYNONYMS.iter().find(|(w, _)| w == q).map(|(_, s)| *s);
            own.iter().any(|w| {
                let w_alt = SYNONYMS.iter().find(|(s, _)| s == w).map(|(_, a)| *a);
                stem(w) == stem(q)
                    || alt.is_some_and(|a| stem(w) == stem(a) || w_alt == Some(a))
                    || w_alt.is_some_and(|a| stem(a) == stem(q))
            })
        })
}

/// The best operations for a query, best first.
pub fn search(query: &str, limit: usize) -> Vec<&'static OperationDef> {
    let q: Vec<String> = words(query);
    if q.is_empty() {
        return vec![];
    }
    let mut scored: Vec<(u32, &OperationDef)> = OPERATIONS
        .iter()
        .filter(|o| o.denied.is_none())
        .map(|o| (score(o, &q), o))
        .filter(|(s, _)| *s > 0)
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.id.cmp(b.1.id)));
    scored.into_iter().take(limit).map(|(_, o)| o).collect()
}

/// One hit as api_find shows it.
pub fn summary(op: &OperationDef) -> Value {
    let mut v = json!({
        "operation": op.id,
        "method": op.method,
        "path": format!("/api{}", op.path),
        "access": op.access().label(),
        "required": op.required(),
    });
    if let Some(t) = op.curated.first() {
        v["curated_tool"] = json!(t);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_ids_and_paths_into_words() {
        assert_eq!(
            words("EndpointCreateGlobalKey"),
            ["endpoint", "create", "global", "key"]
        );
        assert_eq!(words("/endpoint_groups/{id}"), ["endpoint", "groups", "id"]);
        assert_eq!(stem("stacks"), "stack");
        assert_eq!(stem("access"), "access");
    }

    #[test]
    fn tool_names_answer_their_words() {
        assert!(name_matches("environment_create", "create environment"));
        assert!(name_matches("environment_create", "add a new endpoint"));
        assert!(name_matches(
            "swarm_service_rollback",
            "rollback swarm services"
        ));
        assert!(!name_matches(
            "swarm_service_rollback",
            "undo service update"
        ));
        assert!(!name_matches("environment_create", "create stack"));
        // A find phrase counts only when the query holds it whole.
        let find = &["create stack webhook", "redeploy"];
        assert!(tool_matches(
            "stack_update",
            find,
            "create webhook for stack"
        ));
        assert!(tool_matches("stack_update", find, "redeploy stack"));
        assert!(!tool_matches("stack_update", find, "create stack"));
        assert!(!tool_matches("stack_update", find, "webhook"));
        assert!(!tool_matches("stack_update", find, "create webhook"));
        assert!(!name_matches("environment_create", "the"));
    }

    #[test]
    fn ids_are_found_whatever_their_case() {
        let op = find_id("endpointcreate")
            .or_else(|| find_id("endpointlist"))
            .unwrap();
        assert!(op.id.starts_with("Endpoint"));
        assert!(find_id(" ENDPOINTLIST ").is_some());
        assert!(lookup("NoSuchThing").is_err());
    }

    /// A path argument cannot climb to, or split into, another route.
    #[test]
    fn path_arguments_stay_one_segment() {
        let logs = find_id("getKubernetesPodLogs").unwrap();
        for ns in ["..", ".", "", "a/../secrets", "shop/secrets", "a\\b"] {
            let args = json!({"id": 1, "namespace": ns, "name": "web"});
            let e = request(logs, args.as_object().unwrap()).unwrap_err();
            assert!(e.to_string().contains("`namespace`"), "{ns}: {e}");
        }
        // A percent sign is sent encoded, so `%2F` stays text.
        let ok = json!({"id": 1, "namespace": "shop", "name": "web%2F.."});
        let r = request(logs, ok.as_object().unwrap()).unwrap();
        assert_eq!(r.path, "/kubernetes/1/namespaces/shop/pods/web%252F../log");
        // Docker image names hold slashes; climbing is still refused.
        let image = find_id("DockerImageInspect").unwrap();
        let args = json!({"environmentId": 1, "name": "library/nginx"});
        let r = request(image, args.as_object().unwrap()).unwrap();
        assert_eq!(r.path, "/endpoints/1/docker/images/library%2Fnginx/json");
        let args = json!({"environmentId": 1, "name": "../../containers/x"});
        assert!(request(image, args.as_object().unwrap()).is_err());
    }

    #[test]
    fn builds_requests_as_portainer_reads_them() {
        let list = find_id("EndpointList").unwrap();
        let args = json!({"groupIds": [1, 2], "search": "a b", "limit": 5});
        let r = request(list, args.as_object().unwrap()).unwrap();
        assert_eq!(r.method, "GET");
        // In the spec order of the parameters.
        assert_eq!(
            r.path,
            "/endpoints?limit=5&search=a+b&groupIds%5B%5D=1&groupIds%5B%5D=2"
        );
        let inspect = find_id("DockerContainerInspect").unwrap();
        let args = json!({"environmentId": 3, "id": "web/x y"});
        let r = request(inspect, args.as_object().unwrap()).unwrap();
        assert_eq!(r.path, "/endpoints/3/docker/containers/web%2Fx%20y/json");
        assert!(request(inspect, &Map::new()).is_err());
    }
}
