//! What a stand-in serves beyond the tests' defaults.

/// The tests' stand-in is `Options::default()`; the benchmark's is
/// [`Options::bench`]. Where a bench shape and a test answer share a path,
/// the test answer is served unless the option asks for the bench one.
#[derive(Debug, Clone)]
pub struct Options {
    /// What `/api/system/version` and `/api/system/status` report.
    pub version: String,
    /// The edition `/api/system/version` reports: "EE" (default) or "CE".
    pub edition: String,
    /// Keep every request for [`crate::StandIn::seen`]. Off for the
    /// benchmark, whose memory must not grow with each request.
    pub record: bool,
    /// `GET /api/endpoints` lists this many bench-shaped environments
    /// instead of the tests' two.
    pub environments: Option<usize>,
    /// Environment 1's `containers/json` lists this many bench-shaped
    /// containers (~1.17 KB each) instead of the tests' two.
    pub containers: Option<usize>,
    /// The log of container `app-1` on environment 1 is this many framed
    /// lines instead of the tests' three frames.
    pub log_lines: Option<usize>,
    /// More API keys accepted as the admin's, besides [`crate::TOKEN`]
    /// (the benchmark's and the conformance run's own tokens).
    pub keys: Vec<String>,
    /// Every environment's `containers/json` lists the bench containers,
    /// not only environment 1's (a fleet to search).
    pub fleet: bool,
    /// Each request through an environment's Docker or Kubernetes
    /// passthrough waits this long first, as a remote agent would.
    pub env_latency: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            version: "2.45.3".into(),
            edition: "EE".into(),
            record: true,
            environments: None,
            containers: None,
            log_lines: None,
            keys: vec![],
            fleet: false,
            env_latency: std::time::Duration::ZERO,
        }
    }
}

impl Options {
    /// What bench/bench.py measures: 20 environments, `containers`
    /// containers, a 1,000-line log; nothing recorded.
    pub fn bench(containers: usize) -> Self {
        Options {
            record: false,
            environments: Some(20),
            containers: Some(containers),
            log_lines: Some(1000),
            ..Options::default()
        }
    }

    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    pub fn edition(mut self, edition: impl Into<String>) -> Self {
        self.edition = edition.into();
        self
    }

    pub fn record(mut self, on: bool) -> Self {
        self.record = on;
        self
    }

    pub fn environments(mut self, n: usize) -> Self {
        self.environments = Some(n);
        self
    }

    pub fn containers(mut self, n: usize) -> Self {
        self.containers = Some(n);
        self
    }

    pub fn log_lines(mut self, n: usize) -> Self {
        self.log_lines = Some(n);
        self
    }

    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.keys.push(key.into());
        self
    }
}
