//! The one HTTP layer every tool shares: authentication, TLS, timeouts and
//! the read-only guard. Generated client calls reach it through the hooks
//! in client.rs; hand-written tools call `Http::send`.

use super::api_key::api_key_header;
use super::connected::ServerInfo;
use super::exchange::{Exchange, ShapedList};
use super::record::{ReadCut, Record};
use bytes::Bytes;
use reqwest::{Method, Request, Response};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use url::Url;

/// Content rules on what a write deploys (the policy's `[content]`).
mod admission;

#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Portainer's API root, e.g. https://portainer:9443/api
    pub api_root: Url,
    /// Further addresses of the same Portainer, tried in order when the one
    /// before cannot be reached.
    pub fallbacks: Vec<Url>,
    /// The server's own token; absent in HTTP mode, where each caller sends theirs.
    pub token: Option<String>,
    pub timeout: Duration,
    pub read_only: bool,
    /// --disable-destructive: no DELETE leaves the server.
    pub disable_destructive: bool,
    /// --deny-kinds: Kubernetes kinds no request may touch.
    pub deny_kinds: super::deny_kinds::DenyKinds,
    pub tls_ca: Option<Vec<u8>>,
    pub insecure: bool,
    /// The largest answer read into memory, in bytes.
    pub max_body: usize,
    /// --policy: what agents may do per environment.
    pub policy: Option<Arc<super::env_policy::Policy>>,
    /// --change-window, --freeze-file: when writes may leave.
    pub change: Option<Arc<super::change_window::ChangeControl>>,
}

impl HttpSettings {
    /// One Portainer at `api_root` with the server's `token`, no guard
    /// beyond the root, TLS verified, 64 MiB answers (tests, fuzzing).
    pub fn to(api_root: Url, token: &str, timeout: Duration) -> HttpSettings {
        HttpSettings {
            api_root,
            fallbacks: vec![],
            token: Some(token.into()),
            timeout,
            read_only: false,
            disable_destructive: false,
            deny_kinds: Default::default(),
            tls_ca: None,
            insecure: false,
            max_body: 64 << 20,
            policy: None,
            change: None,
        }
    }
}

/// The HTTP layer: what every call shares, and the record of the call it
/// sends for (`for_call`), into which every exchange is written.
#[derive(Clone)]
pub struct Http {
    shared: Arc<Shared>,
    /// None for the server's own requests (start-up checks, probes).
    record: Option<Record>,
}

struct Shared {
    client: reqwest::Client,
    /// The same settings, HTTP/1.1 only: a websocket upgrade needs it.
    upgrade_client: reqwest::Client,
    api_root: Url,
    fallbacks: Vec<Url>,
    read_only: bool,
    disable_destructive: bool,
    deny_kinds: super::deny_kinds::DenyKinds,
    max_body: usize,
    policy: Option<Arc<super::env_policy::Policy>>,
    change: Option<Arc<super::change_window::ChangeControl>>,
    /// The environments' names, groups and tags the policy reads.
    facts: super::env_facts::FactsCache,
    /// The Portainer found at start-up, for error messages.
    connected: OnceLock<Arc<ServerInfo>>,
    /// Kubernetes API discovery answers per (environment, apiVersion).
    discovery: Mutex<HashMap<(u64, String), serde_json::Value>>,
}

/// Shows where requests go, never the token.
impl std::fmt::Debug for Http {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Http")
            .field("api_root", &self.shared.api_root.as_str())
            .field("read_only", &self.shared.read_only)
            .finish()
    }
}

impl Http {
    pub fn new(s: &HttpSettings) -> Result<Http, String> {
        // reqwest is built without a bundled crypto provider; pick ring once.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut headers = reqwest::header::HeaderMap::new();
        if let Some(token) = &s.token {
            headers.insert("X-API-Key", api_key_header(token)?);
        }
        let extra_roots = match &s.tls_ca {
            None => vec![],
            Some(pem) => {
                use rustls::pki_types::pem::PemObject;
                let certs = rustls::pki_types::CertificateDer::pem_slice_iter(pem)
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| format!("--tls-ca: not a PEM certificate bundle: {e}"))?;
                if certs.is_empty() {
                    return Err("--tls-ca: no certificate found in the file".into());
                }
                certs
            }
        };
        // One TLS configuration whose CA roots load at the first TLS
        // connection (tls.rs), shared by both clients.
        let builder = |alpn: &[&[u8]]| -> Result<reqwest::ClientBuilder, String> {
            let tls = super::tls::client_config(extra_roots.clone(), s.insecure, alpn)?;
            Ok(reqwest::Client::builder()
                .default_headers(headers.clone())
                .user_agent(concat!("portainer-mcp/", env!("CARGO_PKG_VERSION")))
                .timeout(s.timeout)
                .connect_timeout(s.timeout.min(Duration::from_secs(10)))
                .redirect(reqwest::redirect::Policy::none())
                .tls_backend_preconfigured(tls))
        };
        let client = builder(&[b"h2", b"http/1.1"])?
            .build()
            .map_err(build_error)?;
        let upgrade_client = builder(&[b"http/1.1"])?
            .http1_only()
            .build()
            .map_err(build_error)?;
        Ok(Http {
            shared: Arc::new(Shared {
                client,
                upgrade_client,
                api_root: s.api_root.clone(),
                fallbacks: s.fallbacks.clone(),
                read_only: s.read_only,
                disable_destructive: s.disable_destructive,
                deny_kinds: s.deny_kinds.clone(),
                max_body: s.max_body,
                policy: s.policy.clone(),
                change: s.change.clone(),
                facts: Default::default(),
                connected: OnceLock::new(),
                discovery: Mutex::new(HashMap::new()),
            }),
            record: None,
        })
    }

    /// The same layer, sending for one call: every exchange goes into
    /// `record`, whose token (HTTP mode) and plan (held writes) apply.
    pub fn for_call(&self, record: Record) -> Http {
        Http {
            shared: self.shared.clone(),
            record: Some(record),
        }
    }

    /// The record of the call this layer sends for.
    pub fn record(&self) -> Option<&Record> {
        self.record.as_ref()
    }

    /// Records the Portainer found at start-up (once).
    pub fn set_connected(&self, info: &ServerInfo) {
        let _ = self.shared.connected.set(Arc::new(info.clone()));
    }

    /// The Portainer found at start-up, when known.
    pub fn connected(&self) -> Option<&ServerInfo> {
        self.shared.connected.get().map(|i| i.as_ref())
    }

    /// Kubernetes discovery answers (kubernetes.rs), per server.
    pub fn discovery(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(u64, String), serde_json::Value>> {
        self.shared
            .discovery
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }

    pub fn api_root(&self) -> &Url {
        &self.shared.api_root
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.shared.client
    }

    /// For requests that upgrade the connection (websocket.rs).
    pub fn upgrade_client(&self) -> &reqwest::Client {
        &self.shared.upgrade_client
    }

    /// The one answer to "is this request a write?": any method but GET,
    /// and Portainer's websocket routes, which run commands in containers
    /// although they open with a GET.
    pub fn is_write(&self, method: &Method, url: &Url) -> bool {
        method != Method::GET || self.runs_commands(url)
    }

    /// Portainer's console routes (`/websocket/...`): exec and attach.
    fn runs_commands(&self, url: &Url) -> bool {
        self.below_root(url)
            .is_some_and(|p| p.starts_with("/websocket/"))
    }

    /// The policy every request passes: only to the configured Portainer,
    /// only GET in read-only mode, no DELETE under --disable-destructive,
    /// nothing of a --deny-kinds kind.
    pub fn guard(&self, method: &Method, url: &Url) -> Result<(), String> {
        if url.origin() != self.shared.api_root.origin()
            || !url.path().starts_with(self.shared.api_root.path())
        {
            return Err(format!(
                "refusing a request outside the Portainer API root: {}",
                url.path()
            ));
        }
        if self.is_read_only() && self.is_write(method, url) {
            return Err(format!(
                "read-only mode: {method} {} was not sent (only reads leave this server)",
                url.path()
            ));
        }
        if self.shared.disable_destructive && (method == Method::DELETE || self.runs_commands(url))
        {
            return Err(format!(
                "--disable-destructive: {method} {} was not sent",
                url.path()
            ));
        }
        let below_root = self.below_root(url).unwrap_or_default();
        if let Some(why) = self.shared.deny_kinds.refuses(below_root, url.query()) {
            return Err(why);
        }
        // Outside the change windows or in a freeze, writes are only shown
        // (a held call), never sent.
        let held = self.record.as_ref().is_some_and(Record::held);
        if let (Some(change), true, false) = (&self.shared.change, self.is_write(method, url), held)
        {
            change
                .allows(crate::clock::unix_now())
                .map_err(|why| format!("{why}: {method} {} was not sent", url.path()))?;
        }
        Ok(())
    }

    /// The guard, then the policy per environment (--policy), which may
    /// need to read the environment's tags and group (or the stack's
    /// environment) first. Every request a tool makes passes here before it
    /// leaves.
    pub async fn admit(&self, method: &Method, url: &Url) -> Result<(), String> {
        self.guard(method, url)?;
        let Some(policy) = &self.shared.policy else {
            return Ok(());
        };
        if let Some(r) = &self.record {
            r.forget_policy_stacks();
        }
        use super::env_policy::needed;
        let not_sent = |why: String| format!("{why}: {method} {} was not sent", url.path());
        let below = self.below_root(url).unwrap_or_default();
        let (tool, destructive_tool) = match self.record.as_ref().and_then(Record::tool) {
            Some((name, destructive)) => (Some(name), destructive),
            None => (None, false),
        };
        let need = needed(method, below, self.runs_commands(url), destructive_tool);
        if !policy.can_refuse(need) {
            return Ok(()); // reads, where no rule forbids them
        }
        let rec = self.record.as_ref();
        let confirmed = rec.is_some_and(|r| r.held() || r.confirmed());
        let Some(envs) = self.reached(below, url.query()).await.map_err(not_sent)? else {
            policy.judge_unnamed(need).map_err(not_sent)?;
            // It may reach any environment: one whose rule asks for
            // confirmation among them.
            if need > super::env_policy::Access::Read && policy.asks_confirmation() && !confirmed {
                return Err(not_sent(
                    "a policy rule asks for the user's confirmation of writes, and this one names no environment for sure: \
                     show the user what will change (dry_run: true), then call again with confirm: true"
                        .into(),
                ));
            }
            return Ok(());
        };
        for id in envs {
            let facts = self.facts(policy, id).await.map_err(not_sent)?;
            policy.judge(&facts, need, tool).map_err(not_sent)?;
            if let Some(why) = policy.kinds_refused(&facts, below, url.query()) {
                return Err(not_sent(why));
            }
            // A held call only shows what it would send.
            if !confirmed {
                if let Some(why) = policy.unconfirmed(&facts, need) {
                    return Err(not_sent(why));
                }
            }
        }
        Ok(())
    }

    /// The environments a request reaches; None when it names none for
    /// sure. A stack's are where Portainer keeps it (which it acts on,
    /// whatever the query says) and the one the query names.
    async fn reached(&self, below: &str, query: Option<&str>) -> Result<Option<Vec<u64>>, String> {
        use super::env_policy::{touches, Touches};
        match touches(below, query) {
            Touches::Unknown => Ok(None),
            Touches::Envs(envs) => Ok(Some(envs)),
            Touches::Stack { id, named } => {
                let stack = self.policy_stack(id).await.map_err(|e| {
                    format!("the policy could not read stack {id}'s environment ({e})")
                })?;
                let kept = stack["EndpointId"].as_u64();
                Ok(Some(named.into_iter().chain(kept).collect()))
            }
        }
    }

    /// How the policy reads Portainer, as this call's caller (the server's
    /// own requests: with the server's token).
    pub fn policy_reader(&self) -> super::env_facts::Reader<'_> {
        super::env_facts::Reader {
            client: &self.shared.client,
            api_root: &self.shared.api_root,
            token: self.record.as_ref().and_then(Record::token),
            max: self.shared.max_body,
        }
    }

    /// Stack `id` as the policy reads it, its environment and type: read
    /// once per request, however many of its checks ask.
    async fn policy_stack(&self, id: u64) -> Result<serde_json::Value, String> {
        if let Some(kept) = self.record.as_ref().and_then(|r| r.policy_stack(id)) {
            return Ok(kept);
        }
        let whole = self.policy_reader().read(&format!("stacks/{id}")).await?;
        let stack = serde_json::json!({"EndpointId": whole["EndpointId"], "Type": whole["Type"]});
        if let Some(r) = &self.record {
            r.keep_policy_stack(id, stack.clone());
        }
        Ok(stack)
    }

    /// What the policy picks environment `id` by: read (and kept a while)
    /// when some rule picks by name, tag or group, else its id alone.
    async fn facts(
        &self,
        policy: &super::env_policy::Policy,
        id: u64,
    ) -> Result<super::env_policy::Facts, String> {
        if !policy.needs_facts() {
            return Ok(super::env_policy::Facts {
                id,
                ..Default::default()
            });
        }
        self.shared
            .facts
            .get(&self.policy_reader(), id)
            .await
            .map_err(|e| {
                format!("the policy could not read environment {id}'s name, group and tags ({e})")
            })
    }

    /// The URL's path below the API root (`/endpoints/1/...`); None for a
    /// URL outside it.
    fn below_root<'u>(&self, url: &'u Url) -> Option<&'u str> {
        url.path()
            .strip_prefix(self.shared.api_root.path().trim_end_matches('/'))
    }

    /// Whether a request is a Kubernetes API server dry run: under this
    /// Portainer's `endpoints/{id}/kubernetes/api/` or `.../apis/`, with
    /// `dryRun=All` its only dryRun value.
    fn is_server_dry_run(&self, url: &Url) -> bool {
        let Some(rest) = self.below_root(url) else {
            return false;
        };
        let segs: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        let kubernetes_api = matches!(
            segs.as_slice(),
            ["endpoints", id, "kubernetes", "api" | "apis", _, ..] if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())
        );
        let dry: Vec<String> = url
            .query_pairs()
            .filter(|(k, _)| k == "dryRun")
            .map(|(_, v)| v.into_owned())
            .collect();
        kubernetes_api && dry == ["All"]
    }

    /// The hook behind the typed client: guards, sends, buffers the body,
    /// records the exchange, and hands progenitor a response. A request
    /// the guard refuses is not sent: it gets a synthetic 403.
    pub async fn execute(&self, request: Request) -> reqwest::Result<Response> {
        let admitted = match self.admit(request.method(), request.url()).await {
            Ok(()) => self.admit_content(&request).await,
            refused => refused,
        };
        let (x, headers) = match admitted {
            Ok(()) => self.exchange(request).await?,
            Err(why) => self.refused(&request, &why),
        };
        let status =
            reqwest::StatusCode::from_u16(x.status).unwrap_or(reqwest::StatusCode::BAD_GATEWAY);
        let body = x.body.clone();
        Ok(rebuild(status, headers, body))
    }

    /// Guard, send, and hand back the whole exchange (hand-written tools).
    pub async fn send(&self, request: Request) -> Result<Exchange, crate::error::ToolError> {
        use super::exchange::describe_transport;
        use crate::error::ToolError;
        self.admit(request.method(), request.url())
            .await
            .map_err(ToolError::Refused)?;
        self.admit_content(&request)
            .await
            .map_err(ToolError::Refused)?;
        let (x, _) = self
            .exchange(request)
            .await
            .map_err(|e| ToolError::Transport(describe_transport(&e)))?;
        Ok(x)
    }

    /// The answer to a request the guard refused: a synthetic 403,
    /// recorded as not sent.
    fn refused(&self, request: &Request, why: &str) -> (Exchange, reqwest::header::HeaderMap) {
        let path = path_and_query(request.url());
        tracing::warn!(method = %request.method(), path = %shown(&path), "{why}");
        let body = serde_json::json!({"message": why}).to_string().into();
        let x = Exchange::made_here(request.method().clone(), path, 403, body);
        if let Some(r) = &self.record {
            r.record(&x);
        }
        (x, reqwest::header::HeaderMap::new())
    }

    /// Whether a policy per environment (--policy) is in force.
    pub fn has_policy(&self) -> bool {
        self.shared.policy.is_some()
    }

    /// Whether --disable-destructive is on.
    pub fn destructive_disabled(&self) -> bool {
        self.shared.disable_destructive
    }

    /// Whether the guard lets only GET through.
    /// Read-only for the whole server (--read-only), or for this call (a
    /// request narrowed by X-MCP-Readonly).
    pub fn is_read_only(&self) -> bool {
        self.shared.read_only || self.record.as_ref().is_some_and(Record::read_only)
    }

    /// A JSON request to Portainer's API (`path` below the API root, with
    /// any query) for hand-written tools: 2xx gives the body, anything else
    /// a tool error with the status and Portainer's message.
    pub async fn portainer_json(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<serde_json::Value, crate::error::ToolError> {
        self.portainer_send(method, path, body).await?.into_json()
    }

    /// The same request, answered with the whole exchange (a list shaped
    /// as it arrived included).
    pub async fn portainer_send(
        &self,
        method: Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<Exchange, crate::error::ToolError> {
        let mut req = self.shared.client.request(method, self.api_url(path));
        if let Some(b) = body {
            req = req.json(b);
        }
        self.send_built(req).await
    }

    /// A GET below the API root, answered whatever its status (start-up
    /// checks and doctor read the status themselves).
    pub async fn portainer_get(&self, path: &str) -> Result<Exchange, crate::error::ToolError> {
        self.send_built(self.shared.client.get(self.api_url(path)))
            .await
    }

    /// A form (multipart/form-data, see form.rs) to Portainer's API, for
    /// the routes that read one; answered like `portainer_json`.
    pub async fn portainer_form(
        &self,
        method: Method,
        path: &str,
        fields: &[(&str, String)],
    ) -> Result<serde_json::Value, crate::error::ToolError> {
        let (body, content_type) = super::form::multipart(fields);
        let req = self
            .shared
            .client
            .request(method, self.api_url(path))
            .header(reqwest::header::CONTENT_TYPE, content_type)
            .body(body);
        self.send_built(req).await?.into_json()
    }

    /// The address of a Portainer API path, as this server reaches it.
    pub fn api_url(&self, path: &str) -> String {
        format!(
            "{}/{}",
            self.shared.api_root.as_str().trim_end_matches('/'),
            path.trim_start_matches('/')
        )
    }

    async fn send_built(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<Exchange, crate::error::ToolError> {
        let req = req.build().map_err(|e| {
            crate::error::ToolError::Internal(format!("cannot build the request: {e}"))
        })?;
        self.send(req).await
    }

    /// Every request of every tool ends here, past the guard (`execute`,
    /// `send`). In a held call writes are captured, not sent.
    async fn exchange(
        &self,
        mut request: Request,
    ) -> reqwest::Result<(Exchange, reqwest::header::HeaderMap)> {
        let rec = self.record.as_ref();
        // In HTTP mode each call carries its caller's own token.
        if let Some(token) = rec.and_then(Record::token) {
            if let Ok(v) = api_key_header(&token) {
                request.headers_mut().insert("X-API-Key", v);
            }
        }
        let method = request.method().clone();
        let path = path_and_query(request.url());
        let held = self.is_write(&method, request.url()) && rec.is_some_and(Record::held);
        let offline = rec.is_some_and(Record::is_offline);
        if let (true, Some(rec)) = (held || offline, rec) {
            let body = request.body().and_then(|b| b.as_bytes());
            // A Kubernetes API server's own dry run stores nothing: it goes,
            // so that the preview is the server's validated answer. Only a
            // tool that asked for it (apply, delete) gets this, never a
            // `dryRun` a caller put in a proxy query, and only to the
            // Kubernetes API itself (not Portainer's Helm routes beside it).
            let server_dry_run =
                !offline && rec.server_dry_run_allowed() && self.is_server_dry_run(request.url());
            let shown = if server_dry_run {
                without_dry_run(request.url())
            } else {
                path.clone()
            };
            rec.capture(method.as_str(), &shown, body);
            if !server_dry_run {
                let x = Exchange::made_here(method, path, 200, Bytes::from_static(b"{}"));
                rec.record(&x);
                return Ok((x, reqwest::header::HeaderMap::new()));
            }
        }
        let started = Instant::now();
        if let Some(r) = rec {
            r.leaving(method.as_str(), &path);
        }
        let mut span = request_span(rec, &mut request);
        let (sent, attempts) = self.send_resilient(request).await;
        if let Some(s) = &mut span {
            s.attr(
                "http.request.resend_count",
                u64::from(attempts.saturating_sub(1)),
            );
        }
        let resp = match sent {
            Ok(resp) => resp,
            Err(e) => {
                if let Some(s) = span {
                    s.end(Some("no answer from Portainer"));
                }
                return Err(e);
            }
        };
        let status = resp.status().as_u16();
        if let Some(mut s) = span {
            s.attr("http.response.status_code", u64::from(status));
            s.end((status >= 500).then_some("Portainer answered with a server error"));
        }
        let headers = resp.headers().clone();
        // Only a JSON answer can be a list (a log can start with `[`).
        let json = headers
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.contains("json"));
        let ok_get = method == Method::GET && (200..300).contains(&status);
        // Portainer's paged lists (environments, edge stacks...) count all
        // that match; the result says so as `total`.
        let total = headers
            .get("x-total-count")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .filter(|_| ok_get);
        let plan = rec
            .filter(|_| ok_get && json)
            .and_then(Record::take_list_plan);
        let log = rec.filter(|_| ok_get).and_then(Record::take_text_plan);
        let (body, list) = match log {
            Some(log) => (self.read_log(resp, log).await?, None),
            None => self.read_body(resp, plan).await?,
        };
        if tracing::enabled!(tracing::Level::DEBUG) {
            let path = shown(&path);
            tracing::debug!(%method, %path, status, bytes = body.len(), ms = started.elapsed().as_millis() as u64, "portainer");
        }
        let x = Exchange {
            method,
            path,
            status,
            body,
            list,
            total,
            portainer: self.shared.connected.get().cloned(),
            sent: true,
        };
        if let Some(r) = rec {
            r.record(&x);
        }
        Ok((x, headers))
    }

    /// The body of an answer: a list with a plan is shaped as it arrives
    /// (see shaping/stream_list.rs) and only counted past what the result
    /// shows; anything else is read whole, up to the limit. An answer over
    /// the limit is not kept: the call fails saying how to narrow it.
    async fn read_body(
        &self,
        mut resp: Response,
        plan: Option<crate::shaping::stream_list::ListPlan>,
    ) -> reqwest::Result<(Bytes, Option<ShapedList>)> {
        use crate::shaping::stream_list::{ListStream, Streamed, SELECT_INPUT};
        let rec = self.record.as_ref();
        let mut list = plan.map(ListStream::new);
        let mut whole = bytes::BytesMut::new();
        let mut read = 0usize;
        let (deadline, limit) = rec.map(Record::take_read_bounds).unwrap_or((None, None));
        loop {
            let chunk = match deadline {
                None => resp.chunk().await?,
                Some(at) => match tokio::time::timeout_at(at, resp.chunk()).await {
                    Ok(chunk) => chunk?,
                    // What arrived so far is the answer; the caller says
                    // it was cut.
                    Err(_) => {
                        if let Some(r) = rec {
                            r.mark_read_cut(ReadCut::Time);
                        }
                        None
                    }
                },
            };
            let Some(chunk) = chunk else { break };
            if let Some(max) = limit.filter(|&m| whole.len() + chunk.len() > m) {
                whole.extend_from_slice(&chunk[..max.saturating_sub(whole.len())]);
                if let Some(r) = rec {
                    r.mark_read_cut(ReadCut::Size);
                }
                break;
            }
            read += chunk.len();
            match &mut list {
                Some(l) => {
                    l.feed(&chunk);
                    if l.buffered() > self.shared.max_body {
                        return Ok((self.too_large(read), None));
                    }
                }
                None if whole.len() + chunk.len() > self.shared.max_body => {
                    return Ok((self.too_large(read), None));
                }
                None => whole.extend_from_slice(&chunk),
            }
        }
        let Some(list) = list else {
            return Ok((whole.freeze(), None));
        };
        // A list shaped as it arrived: `[]` is what the typed client decodes.
        Ok(match list.finish() {
            Streamed::Items { value, shaped } => (
                Bytes::from_static(b"[]"),
                Some(ShapedList { value, shaped }),
            ),
            Streamed::NotAList(bytes) => (Bytes::from(bytes), None),
            Streamed::OverBudget { items } => {
                if let Some(r) = rec {
                    r.fail(crate::error::ToolError::BadArguments(format!(
                        "select: the list has {items} items, more than the {} MiB a select may read; \
                         narrow it first with the tool's filters or limit/offset, then select",
                        SELECT_INPUT >> 20
                    )));
                }
                (Bytes::from_static(b"[]"), None)
            }
        })
    }

    /// A log, read as it arrives into a window of its end (or of its
    /// matches): memory stays a few times the response cap whatever the
    /// log's size. The window's text is the body; what was read is kept
    /// in the call's record.
    async fn read_log(
        &self,
        mut resp: Response,
        plan: crate::shaping::log_window::TextPlan,
    ) -> reqwest::Result<Bytes> {
        let rec = self.record.as_ref();
        let mut window = crate::shaping::log_window::LogWindow::new(plan);
        let (deadline, _) = rec.map(Record::take_read_bounds).unwrap_or((None, None));
        loop {
            let chunk = match deadline {
                None => resp.chunk().await?,
                Some(at) => match tokio::time::timeout_at(at, resp.chunk()).await {
                    Ok(chunk) => chunk?,
                    Err(_) => {
                        if let Some(r) = rec {
                            r.mark_read_cut(ReadCut::Time);
                        }
                        None
                    }
                },
            };
            let Some(chunk) = chunk else { break };
            window.feed(&chunk);
        }
        let mut read = window.finish();
        let text = Bytes::from(std::mem::take(&mut read.text));
        if let Some(r) = rec {
            r.set_text_read(read);
        }
        Ok(text)
    }

    fn too_large(&self, read: usize) -> Bytes {
        if let Some(r) = &self.record {
            r.fail(crate::error::ToolError::Refused(format!(
                "Portainer's answer is larger than {} MiB (read {read} bytes before stopping; \
                 the server's --max-upstream-mb); narrow the request: filters, a limit or page, \
                 a namespace, or `tail` for logs",
                self.shared.max_body >> 20
            )));
        }
        Bytes::from_static(b"null")
    }

    /// Sends to the first address that can be reached (a refused connection
    /// sent nothing, so any method may move on); GETs are tried again, with
    /// backoff and jitter, after connection failures and 502/503/504.
    /// Writes are never repeated: a retried create could deploy twice.
    /// The answer, and how many attempts it took.
    async fn send_resilient(&self, request: Request) -> (reqwest::Result<Response>, u32) {
        let rounds = if request.method() == Method::GET {
            GET_ATTEMPTS
        } else {
            1
        };
        let mut last: Option<reqwest::Result<Response>> = None;
        let mut attempts = 0;
        for round in 0..rounds {
            if round > 0 {
                tokio::time::sleep(backoff(round)).await;
            }
            let roots: Vec<&Url> = std::iter::once(&self.shared.api_root)
                .chain(&self.shared.fallbacks)
                .collect();
            for (i, root) in roots.iter().enumerate() {
                let Some(req) = self.retarget(&request, root) else {
                    break;
                };
                attempts += 1;
                match self.shared.client.execute(req).await {
                    Err(e) if e.is_connect() => {
                        let address = root.origin().ascii_serialization();
                        if i + 1 < roots.len() {
                            tracing::warn!(%address, "cannot connect; trying the next address");
                        } else {
                            tracing::warn!(%address, "cannot connect");
                        }
                        last = Some(Err(e));
                    }
                    Ok(resp) if rounds > 1 && matches!(resp.status().as_u16(), 502..=504) => {
                        tracing::warn!(
                            status = resp.status().as_u16(),
                            round,
                            "Portainer unavailable; will retry"
                        );
                        last = Some(Ok(resp));
                        break;
                    }
                    other => return (other, attempts),
                }
            }
        }
        (last.expect("at least one attempt was made"), attempts)
    }

    /// The same request aimed at another address of the same Portainer.
    fn retarget(&self, request: &Request, root: &Url) -> Option<Request> {
        let mut req = request.try_clone()?;
        if root != &self.shared.api_root {
            let rest = request
                .url()
                .as_str()
                .strip_prefix(self.shared.api_root.as_str().trim_end_matches('/'))?;
            *req.url_mut() =
                Url::parse(&format!("{}{rest}", root.as_str().trim_end_matches('/'))).ok()?;
        }
        Some(req)
    }
}

/// Attempts of a GET in all (the first and the retries).
const GET_ATTEMPTS: u32 = 3;

fn backoff(round: u32) -> Duration {
    let base = Duration::from_millis(200 * 2u64.pow(round - 1));
    // Jitter from the clock's nanoseconds: enough to spread retries apart.
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    base + Duration::from_millis(u64::from(nanos % 100))
}

/// The request's path and query without its `dryRun` parameter: what a
/// confirmed call sends.
fn without_dry_run(url: &Url) -> String {
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "dryRun")
        .collect();
    let q = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    if q.is_empty() {
        url.path().to_string()
    } else {
        format!("{}?{q}", url.path())
    }
}

/// reqwest says only "builder error"; the cause (most often: no CA
/// certificates on this system) is in its source chain.
fn build_error(e: reqwest::Error) -> String {
    let mut text = format!("cannot build the HTTP client: {e}");
    let mut src = std::error::Error::source(&e);
    while let Some(s) = src {
        text.push_str(&format!(": {s}"));
        src = s.source();
    }
    if text.to_ascii_lowercase().contains("certificate") {
        text.push_str(
            " (no CA certificates found: install them, or point SSL_CERT_FILE at a PEM bundle; \
             --tls-ca adds one)",
        );
    }
    text
}

fn rebuild(
    status: reqwest::StatusCode,
    headers: reqwest::header::HeaderMap,
    body: Bytes,
) -> Response {
    let mut r = http::Response::new(body);
    *r.status_mut() = status;
    *r.headers_mut() = headers;
    Response::from(r)
}

/// A URL's path and query, as exchanges and logs name a request.
fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

/// A request path as the log shows it: it holds what callers typed (ids,
/// names), so it is redacted as the audit log's paths are.
fn shown(path: &str) -> String {
    let mut path = path.to_string();
    crate::shaping::redact::redact_text(&mut path);
    path
}

/// The span of one request to Portainer, a child of its call's (traces
/// on); Portainer gets its traceparent.
fn request_span(rec: Option<&Record>, request: &mut Request) -> Option<crate::trace::Span> {
    let parent = rec.and_then(Record::trace)?;
    let method = request.method().clone();
    let route = crate::trace::template(request.url().path());
    let mut span = crate::trace::Span::start(
        format!("{method} {route}"),
        crate::trace::Kind::Client,
        Some(parent),
    )?;
    span.attr("http.request.method", method.as_str());
    span.attr("url.template", route);
    if let Ok(v) = reqwest::header::HeaderValue::from_str(&span.ctx.traceparent()) {
        request.headers_mut().insert("traceparent", v);
    }
    Some(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn http(read_only: bool) -> Http {
        with(read_only, false)
    }

    fn with(read_only: bool, disable_destructive: bool) -> Http {
        Http::new(&HttpSettings {
            read_only,
            disable_destructive,
            max_body: 1 << 20,
            ..HttpSettings::to(
                Url::parse("http://127.0.0.1:1/api").unwrap(),
                "t",
                Duration::from_secs(1),
            )
        })
        .unwrap()
    }

    #[test]
    fn a_websocket_route_is_a_write_though_it_opens_with_get() {
        let url = |p: &str| Url::parse(&format!("http://127.0.0.1:1/api{p}")).unwrap();
        let ro = http(true);
        for p in [
            "/websocket/pod?podName=x",
            "/websocket/exec",
            "/websocket/attach",
        ] {
            assert!(ro.is_write(&Method::GET, &url(p)), "{p}");
            let why = ro.guard(&Method::GET, &url(p)).unwrap_err();
            assert!(why.contains("read-only"), "{why}");
        }
        assert!(ro
            .guard(&Method::GET, &url("/endpoints/1/docker/containers/json"))
            .is_ok());
        assert!(!ro.is_write(&Method::GET, &url("/endpoints/websocket/pod")));
        assert!(http(false)
            .guard(&Method::GET, &url("/websocket/pod"))
            .is_ok());
    }
}
