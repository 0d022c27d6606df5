//! The proxy path validator: anything it accepts stays inside the
//! passthrough once joined and parsed as a URL.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portainer_mcp::portainer::passthrough::check_path;

fuzz_target!(|data: &[u8]| {
    let Ok(path) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(rel) = check_path(path) {
        assert!(!rel.starts_with('/'));
        assert!(!rel.split('/').any(|s| s == ".." || s == "."));
        let prefix = "http://127.0.0.1:9000/api/endpoints/1/docker/";
        if let Ok(url) = url::Url::parse(&format!("{prefix}{rel}")) {
            assert!(url.as_str().starts_with(prefix), "{path:?} escaped: {url}");
        }
    }
});
