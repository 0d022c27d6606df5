//! Resolved settings: the CLI's raw options checked and turned into what the
//! server needs. Errors here name the flag at fault.

use crate::cli::flags::Flags;
use crate::portainer::http::HttpSettings;
use crate::tools::overrides::Overrides;
use crate::tools::selection::Choice;
use crate::transport::streamable_http::HttpOptions;
use std::time::Duration;
use url::Url;

/// Portainer's API root for a base URL the user gave: `/api` is appended
/// unless the URL already ends with it. An address without a scheme
/// (`192.168.1.10:9443`, as the Go server's -server takes it) is https.
pub fn api_root(base: &str) -> Result<Url, String> {
    // Errors show the address with any password in it hidden (worked out
    // only for an error: redaction's automata are not built at start-up).
    let shown = || {
        let mut s = base.to_string();
        crate::shaping::redact::redact_text(&mut s);
        s
    };
    let base_text = base.trim();
    let with_scheme;
    let base_text = if base_text.contains("://") {
        base_text
    } else {
        with_scheme = format!("https://{base_text}");
        &with_scheme
    };
    let mut url =
        Url::parse(base_text).map_err(|e| format!("--url `{}` is not a URL: {e}", shown()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "--url `{}` must start with https:// or http://",
            shown()
        ));
    }
    if url.query().is_some()
        || url.fragment().is_some()
        || !url.username().is_empty()
        || url.password().is_some()
    {
        return Err(format!(
            "--url `{}` must not carry a query, fragment or credentials",
            shown()
        ));
    }
    let path = url.path().trim_end_matches('/').to_string();
    let path = if path.ends_with("/api") {
        path
    } else {
        format!("{path}/api")
    };
    url.set_path(&path);
    Ok(url)
}

/// The environment variable Portainer's Python server reads its key from,
/// taken when nothing of ours names a token, so that switching is a command
/// change.
const API_KEY_ENV: &str = "PORTAINER_API_KEY";

pub fn token(opts: &Flags) -> Result<String, String> {
    token_or(opts, std::env::var(API_KEY_ENV).ok())
}

fn token_or(opts: &Flags, api_key: Option<String>) -> Result<String, String> {
    let token = match (&opts.token, &opts.token_file, api_key) {
        (Some(t), _, _) => t.clone(),
        (None, Some(path), _) => std::fs::read_to_string(path)
            .map_err(|e| format!("--token-file {}: {e}", path.display()))?,
        (None, None, Some(key)) => key,
        (None, None, None) => {
            return Err(
                "no Portainer token: set PORTAINER_TOKEN (or PORTAINER_API_KEY), --token or --token-file"
                    .into(),
            );
        }
    };
    let token = token.trim().to_string();
    if token.is_empty() {
        return Err("the Portainer token is empty".into());
    }
    Ok(token)
}

/// Which tools to serve, as the flags say.
pub fn choice(o: &Flags) -> Result<Choice, String> {
    if o.read_only_proxies && !o.read_only {
        return Err(
            "--read-only-proxies pins the proxies to GET in read-only mode; without --read-only \
             they are served with every method, so add --read-only or drop it"
                .into(),
        );
    }
    // Read once here for what it changes in the tools (and again, checked,
    // when the HTTP layer is built).
    let policy = o.policy.as_deref().map(load_policy).transpose()?;
    Ok(Choice {
        read_only: o.read_only,
        disable_destructive: o.disable_destructive,
        read_only_proxies: o.read_only_proxies,
        confirm: o.confirm,
        toolsets: o.toolsets.clone(),
        tools: o.tools.clone(),
        deny_tools: o.deny_tools.clone(),
        // Read once per process and kept for its life.
        overrides: match &o.tool_overrides {
            Some(path) => Some(&*Box::leak(Box::new(Overrides::load(path)?))),
            None => None,
        },
        portainer: None,
        change_ref: o.require_change_ref,
        content_rules: policy.as_ref().is_some_and(|p| p.has_content()),
        offer_confirm: policy.as_ref().is_some_and(|p| p.asks_confirmation()),
    })
}

/// The policy file, checked whole: a bad one stops start-up naming the
/// line, and a tool it excepts must be one this server has.
fn load_policy(path: &std::path::Path) -> Result<crate::portainer::env_policy::Policy, String> {
    let shown = path.display();
    let text = std::fs::read_to_string(path).map_err(|e| format!("--policy {shown}: {e}"))?;
    let policy = crate::portainer::env_policy::Policy::parse(&text)
        .map_err(|e| format!("--policy {shown}: {e}"))?;
    for rule in &policy.rules {
        for t in &rule.allow_tools {
            if crate::tools::catalogue::find(t).is_none() {
                return Err(format!(
                    "--policy {shown}: rule \"{}\" excepts `{t}`, which is no tool of this server",
                    rule.name
                ));
            }
        }
    }
    Ok(policy)
}

/// `over_http`: calls carry their callers' tokens, so the server's own is
/// optional.
pub fn http_settings(opts: &Flags, over_http: bool) -> Result<HttpSettings, String> {
    if let Some(file) = &opts.go_tools_file {
        return Err(format!(
            "-tools {file}: the Go server's tools.yaml is not read here; this server's tools are \
             built in (`portainer-mcp tools` lists them). Choose them with --toolsets, --tools and \
             --deny-tools; reword or hide them with --tool-overrides FILE (TOML)"
        ));
    }
    let mut urls = opts.url.iter().map(|u| u.trim()).filter(|u| !u.is_empty());
    let url = urls
        .next()
        .ok_or("no Portainer URL: set PORTAINER_URL or --url")?;
    let fallbacks = urls.map(api_root).collect::<Result<Vec<_>, _>>()?;
    if opts.timeout == 0 {
        return Err("--timeout must be at least 1 second".into());
    }
    let tls_ca = match &opts.tls_ca {
        Some(p) => Some(std::fs::read(p).map_err(|e| format!("--tls-ca {}: {e}", p.display()))?),
        None => None,
    };
    let policy = match &opts.policy {
        Some(p) => Some(std::sync::Arc::new(load_policy(p)?)),
        None => None,
    };
    let change = crate::portainer::change_window::ChangeControl {
        windows: opts
            .change_window
            .iter()
            .filter(|w| !w.trim().is_empty())
            .map(|w| crate::portainer::change_window::Window::parse(w))
            .collect::<Result<_, _>>()?,
        freeze: opts.freeze_file.clone(),
    };
    Ok(HttpSettings {
        change: (!change.is_empty()).then(|| std::sync::Arc::new(change)),
        policy,
        api_root: api_root(url)?,
        fallbacks,
        // Over HTTP each caller sends their own token; the server's is optional.
        token: if over_http {
            token(opts).ok()
        } else {
            Some(token(opts)?)
        },
        timeout: Duration::from_secs(opts.timeout),
        read_only: opts.read_only,
        disable_destructive: opts.disable_destructive,
        deny_kinds: crate::portainer::deny_kinds::DenyKinds::parse(
            opts.deny_kinds.as_deref().unwrap_or_default(),
        )?,
        tls_ca,
        insecure: opts.insecure,
        max_body: opts.max_upstream_mb.max(1) << 20,
    })
}

/// The Streamable HTTP transport's settings, when --http is given, or when
/// --detached-http is and nothing is attached to stdin (`docker run -d`
/// gives a stdio server /dev/null, on which it could only exit).
pub fn http_transport(o: &Flags) -> Option<HttpOptions> {
    let (addr, detached) = match (o.http, o.detached_http) {
        (Some(addr), _) => (addr, false),
        (None, Some(addr)) if stdin_is_dev_null() => (addr, true),
        _ => return None,
    };
    if detached {
        tracing::warn!(
            %addr,
            "stdin is /dev/null (detached): serving Streamable HTTP at /mcp instead of stdio; \
             each request needs the caller's token in X-Portainer-API-Key"
        );
    }
    Some(HttpOptions {
        addr,
        gate_token: o.http_token.clone(),
        tls: o.tls_cert.clone().zip(o.tls_key.clone()),
        allow_insecure: o.allow_insecure_http,
        allowed_hosts: o
            .http_allowed_hosts
            .clone()
            .unwrap_or_else(|| default_hosts(addr)),
        allowed_origins: o
            .http_allowed_origins
            .clone()
            .unwrap_or_else(|| default_origins(addr)),
        rate: o.http_rate_limit,
        max_body: 1 << 20,
        max_connections: o.http_max_connections,
        trusted_proxies: o.http_trusted_proxies.clone().unwrap_or_default(),
        stateless: o.stateless,
        shutdown_grace: std::time::Duration::from_secs(o.shutdown_grace),
        // Set once the Portainer settings are known (main).
        server_token: false,
    })
}

/// Origins a browser page may call from: only the machine's own, and only
/// when the server listens on loopback; none otherwise.
fn default_origins(addr: std::net::SocketAddr) -> Vec<String> {
    if !addr.ip().is_loopback() {
        return vec![];
    }
    ["http", "https"]
        .iter()
        .flat_map(|scheme| {
            ["localhost", "127.0.0.1", "[::1]"]
                .iter()
                .map(move |host| format!("{scheme}://{host}:*"))
        })
        .collect()
}

/// Whether fd 0 is /dev/null, as `docker run -d` (without -i) leaves it:
/// the character device 1:3, whichever /dev the process sees.
fn stdin_is_dev_null() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let Ok(fd) = std::io::stdin().as_fd().try_clone_to_owned() else {
        return false;
    };
    let Ok(stdin) = std::fs::File::from(fd).metadata() else {
        return false;
    };
    // Linux encodes major 1, minor 3 as 0x103.
    stdin.file_type().is_char_device() && stdin.rdev() == 0x103
}

/// Host names a client may use to reach a local HTTP transport.
fn default_hosts(addr: std::net::SocketAddr) -> Vec<String> {
    let mut hosts = vec![
        "localhost".to_string(),
        "127.0.0.1".to_string(),
        "::1".to_string(),
    ];
    if !addr.ip().is_unspecified() {
        hosts.push(addr.ip().to_string());
    }
    hosts
}

/// --require-change-ref: the pattern references must match.
pub fn change_ref(
    o: &Flags,
) -> Result<Option<std::sync::Arc<crate::tools::change_ref::ChangeRef>>, String> {
    if !o.require_change_ref {
        return Ok(None);
    }
    crate::tools::change_ref::ChangeRef::new(&o.change_ref_pattern)
        .map(|c| Some(std::sync::Arc::new(c)))
}

/// How the audit log's records are sealed: with the key in
/// --audit-key-file, else a plain hash chain.
pub fn audit_key(o: &Flags) -> Result<crate::mcp::audit_chain::Key, String> {
    match &o.audit_key_file {
        Some(p) => {
            crate::mcp::audit_chain::Key::from_file(p).map_err(|e| format!("--audit-key-file {e}"))
        }
        None => Ok(crate::mcp::audit_chain::Key::Plain),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_root_appends_api_once() {
        assert_eq!(
            api_root("https://p:9443").unwrap().as_str(),
            "https://p:9443/api"
        );
        assert_eq!(
            api_root("https://p:9443/").unwrap().as_str(),
            "https://p:9443/api"
        );
        assert_eq!(
            api_root("https://p/portainer/api/").unwrap().as_str(),
            "https://p/portainer/api"
        );
        assert!(api_root("ftp://p").is_err());
        // Without a scheme, as the Go server's -server takes it: https.
        assert_eq!(
            api_root("192.168.1.10:9443").unwrap().as_str(),
            "https://192.168.1.10:9443/api"
        );
        assert_eq!(
            api_root(" portainer.example.com ").unwrap().as_str(),
            "https://portainer.example.com/api"
        );
        assert!(api_root("https://u:pw@p").is_err());
        assert!(api_root("not a url").is_err());
        assert!(api_root("").is_err());
        let e = api_root("https://admin:hunter2@p:9443").unwrap_err();
        assert!(e.contains("credentials") && !e.contains("hunter2"), "{e}");
    }

    #[test]
    fn the_python_servers_api_key_is_a_token_too() {
        use clap::Parser;
        let flags = |args: &[&str]| {
            crate::cli::flags::Cli::try_parse_from(args.iter().copied())
                .unwrap()
                .opts
        };
        let none = flags(&["portainer-mcp"]);
        assert_eq!(token_or(&none, Some("ptr_k".into())).unwrap(), "ptr_k");
        let e = token_or(&none, None).unwrap_err();
        assert!(e.contains("PORTAINER_API_KEY"), "{e}");
        // Ours wins where both are set.
        let ours = flags(&["portainer-mcp", "--token", "ptr_ours"]);
        assert_eq!(token_or(&ours, Some("ptr_k".into())).unwrap(), "ptr_ours");
    }
}

/// Where traces go: --otlp-endpoint, else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
/// (as is) or OTEL_EXPORTER_OTLP_ENDPOINT (plus /v1/traces); None when none
/// is set or OTEL_SDK_DISABLED / OTEL_TRACES_EXPORTER=none say so. Only
/// OTLP over HTTP with protobuf is spoken.
pub fn otlp(o: &Flags) -> Result<Option<crate::trace::Endpoint>, String> {
    otlp_from(o.otlp_endpoint.as_deref(), &|k| std::env::var(k).ok())
}

fn otlp_from(
    flag: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<crate::trace::Endpoint>, String> {
    let set = |k: &str| {
        env(k)
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let off = set("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"))
        || set("OTEL_TRACES_EXPORTER").is_some_and(|v| v == "none");
    let with_path = |base: &str| {
        let base = base.trim_end_matches('/');
        if base.ends_with("/v1/traces") {
            base.to_string()
        } else {
            format!("{base}/v1/traces")
        }
    };
    let url = match (flag, set("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
        (Some(f), _) => with_path(f),
        (None, Some(t)) => t,
        (None, None) => match set("OTEL_EXPORTER_OTLP_ENDPOINT") {
            Some(b) => with_path(&b),
            None => return Ok(None),
        },
    };
    if off && flag.is_none() {
        return Ok(None);
    }
    // Errors name the endpoint without any password it carries.
    let shown = |u: &str| match url::Url::parse(u) {
        Ok(mut p) => {
            let _ = p.set_password(None);
            p.to_string()
        }
        Err(_) => "(not a URL)".to_string(),
    };
    let parsed =
        url::Url::parse(&url).map_err(|e| format!("the OTLP endpoint {}: {e}", shown(&url)))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!("the OTLP endpoint {} is not http(s)", shown(&url)));
    }
    let protocol =
        set("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL").or_else(|| set("OTEL_EXPORTER_OTLP_PROTOCOL"));
    if let Some(p) = protocol.filter(|p| p != "http/protobuf") {
        return Err(format!(
            "OTLP protocol `{p}` is not spoken here: only http/protobuf"
        ));
    }
    let headers = set("OTEL_EXPORTER_OTLP_TRACES_HEADERS")
        .or_else(|| set("OTEL_EXPORTER_OTLP_HEADERS"))
        .map(|h| otlp_headers(&h))
        .transpose()?
        .unwrap_or_default();
    Ok(Some(crate::trace::Endpoint {
        url,
        headers,
        service_name: set("OTEL_SERVICE_NAME").unwrap_or_else(|| "portainer-mcp".into()),
    }))
}

/// `key=value,key2=value2`, values percent-decoded (the OTLP spec's form).
fn otlp_headers(text: &str) -> Result<Vec<(String, String)>, String> {
    text.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| "OTEL_EXPORTER_OTLP_HEADERS: each entry is key=value".to_string())?;
            let v = percent_encoding::percent_decode_str(v.trim())
                .decode_utf8()
                .map_err(|_| "OTEL_EXPORTER_OTLP_HEADERS: a value is not UTF-8".to_string())?;
            let name = k.trim();
            http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| format!("OTEL_EXPORTER_OTLP_HEADERS: `{name}` is no header name"))?;
            // Said by name only: the value may be a key.
            http::HeaderValue::from_str(&v).map_err(|_| {
                format!("OTEL_EXPORTER_OTLP_HEADERS: the value of `{name}` cannot be sent")
            })?;
            Ok((name.to_string(), v.into_owned()))
        })
        .collect()
}

#[cfg(test)]
mod otlp_tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn the_standard_variables_decide_unless_the_flag_does() {
        assert!(otlp_from(None, &with(&[])).unwrap().is_none());
        let e = otlp_from(
            None,
            &with(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318/")]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.url, "http://c:4318/v1/traces");
        assert_eq!(e.service_name, "portainer-mcp");
        let e = otlp_from(
            None,
            &with(&[
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://c:4318/custom"),
                (
                    "OTEL_EXPORTER_OTLP_HEADERS",
                    "authorization=Bearer%20abc, x-team=ops",
                ),
                ("OTEL_SERVICE_NAME", "mcp-prod"),
            ]),
        )
        .unwrap()
        .unwrap();
        assert_eq!(e.url, "http://c:4318/custom");
        assert_eq!(e.headers[0], ("authorization".into(), "Bearer abc".into()));
        assert_eq!(e.service_name, "mcp-prod");
        let e = otlp_from(
            Some("http://f:4318"),
            &with(&[("OTEL_SDK_DISABLED", "true")]),
        );
        assert_eq!(e.unwrap().unwrap().url, "http://f:4318/v1/traces");
        assert!(otlp_from(
            None,
            &with(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                ("OTEL_TRACES_EXPORTER", "none")
            ])
        )
        .unwrap()
        .is_none());
        let e = otlp_from(
            None,
            &with(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
            ]),
        )
        .unwrap_err();
        assert!(e.contains("grpc"), "{e}");
        assert!(otlp_from(Some("ftp://x"), &with(&[])).is_err());
        let e = otlp_from(Some("ftp://u:pw-secret@x"), &with(&[])).unwrap_err();
        assert!(!e.contains("pw-secret"), "{e}");
        let e = otlp_from(
            None,
            &with(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "k=a%0Ab"),
            ]),
        )
        .unwrap_err();
        assert!(e.contains("`k`") && !e.contains("a\nb"), "{e}");
    }
}
