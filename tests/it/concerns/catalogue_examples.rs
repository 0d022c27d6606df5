//! Every `[[tool.example]]` in tools.toml, run through the built binary over
//! stdio against the stand-in Portainer: the call must send exactly the
//! request the example names, with the caller's token, and succeed or fail
//! as it says. A new tool's test is its example; no Rust to write.

use crate::support::examples::{self, confirmed};
use crate::support::portainer::TOKEN;
use crate::support::served;

#[tokio::test]
async fn every_example_sends_its_request() {
    let (p, s) = served(&["--toolsets", "all"]).await;
    let listed: Vec<String> = s.tools().await.iter().map(|t| t.name.to_string()).collect();
    let all = examples::all();
    assert!(all.len() >= 80, "{} examples", all.len());
    for x in &all {
        assert!(listed.contains(&x.tool), "{}: not served", x.tool);
        if let Some((status, body)) = &x.answer {
            p.answer(&x.method, &x.path, *status, body.clone());
        }
        let before = p.seen().await.len();
        let r = s
            .call(&x.tool, confirmed(&x.tool, x.args.clone()))
            .await
            .expect("tools/call");
        let new = p.seen().await[before..].to_vec();
        assert_eq!(
            new.len(),
            1,
            "{}: expected one request, saw {new:?}",
            x.tool
        );
        let req = &new[0];
        assert_eq!(req.method, x.method, "{}", x.tool);
        assert_eq!(req.path, x.path, "{}", x.tool);
        let query: Vec<&str> = req.query.as_deref().unwrap_or("").split('&').collect();
        for q in &x.query {
            assert!(
                query.contains(&q.as_str()),
                "{}: query {q} missing from {query:?}",
                x.tool
            );
        }
        assert_eq!(req.body, x.body, "{}", x.tool);
        assert_eq!(req.api_key.as_deref(), Some(TOKEN), "{}", x.tool);
        assert_eq!(
            r.is_error == Some(true),
            !x.ok,
            "{}: {:?}",
            x.tool,
            crate::support::mcp::text_of(&r)
        );
        // An object as structured content, or one text (a log) as text.
        if x.ok {
            match &r.structured_content {
                Some(sc) => assert!(sc.is_object(), "{}", x.tool),
                None => assert!(!crate::support::mcp::text_of(&r).is_empty(), "{}", x.tool),
            }
        }
    }
    s.stop().await;
}
