//! Registries (with their credentials) and the Edge family.

use crate::answer::{empty, json, no_route, Answer};
use crate::fixtures;
use crate::request::Req;
use serde_json::json;

/// `rest` is the path after `/api/`.
pub(super) fn route(req: &Req, rest: &[&str]) -> Answer {
    match (req.method, rest) {
        ("GET", ["registries"]) => json(200, json!([fixtures::registry()])),
        ("GET", ["registries", "1"]) => json(200, fixtures::registry()),
        ("POST", ["registries"]) => json(200, fixtures::registry()),
        ("PUT", ["registries", "1"]) => json(200, fixtures::registry()),
        ("DELETE", ["registries", "1"]) => empty(204),
        ("GET", ["edge_groups"]) => json(
            200,
            json!([{"Id": 1, "Name": "stores", "Dynamic": true, "TagIds": [2], "Endpoints": null, "PartialMatch": false}]),
        ),
        ("GET", ["edge_stacks"]) => json(
            200,
            json!([{"Id": 1, "Name": "pos", "EdgeGroups": [1], "DeploymentType": 0, "Status": {}}]),
        ),
        ("GET", ["edge_stacks", "1"]) => json(
            200,
            json!({"Id": 1, "Name": "pos", "EdgeGroups": [1], "DeploymentType": 0}),
        ),
        ("GET", ["edge_jobs"]) => json(
            200,
            json!([{"Id": 1, "Name": "cleanup", "CronExpression": "0 3 * * *", "Recurring": true}]),
        ),
        _ => no_route(),
    }
}
