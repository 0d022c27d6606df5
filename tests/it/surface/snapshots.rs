//! The exact tools/list each toolset serves, in write mode and read-only,
//! checked in under tests/it/snapshots/ so that every change to what the
//! model reads (descriptions, schemas, the arguments the server adds to
//! every tool, annotations) shows in review.

use super::blocks::check_file;
use crate::support::mcp::raw_tools_list;
use crate::support::portainer::StandIn;
use portainer_mcp::tools::catalogue::TOOLSETS;

#[tokio::test]
async fn tools_list_per_toolset_matches_its_snapshot() {
    let p = StandIn::start().await;
    for set in TOOLSETS {
        for (mode, extra) in [("write", None), ("read-only", Some("--read-only"))] {
            let mut args = vec!["--toolsets", set.name];
            args.extend(extra);
            let pages = raw_tools_list(&p.url(), &args).await;
            let mut text = match pages.as_slice() {
                [one] => serde_json::to_string_pretty(one).unwrap(),
                many => serde_json::to_string_pretty(many).unwrap(),
            };
            text.push('\n');
            check_file(
                &format!("tests/it/snapshots/{mode}/{}.json", set.name),
                &text,
            );
        }
    }
}
