//! Stacks: 7 is a compose stack, 11 a git stack, 8 breaks its own schema.

use super::Req;
use crate::answer::{empty, json, no_route, not_found, Answer};
use crate::fixtures;
use serde_json::json;

/// `rest` is the path after `/api/stacks`.
pub(super) fn route(req: &Req, rest: &[&str]) -> Answer {
    match (req.method, rest) {
        ("GET", []) => json(200, json!([fixtures::stack()])),
        ("GET", ["7"]) => json(200, fixtures::stack()),
        ("GET", ["7", "file"]) => json(
            200,
            json!({"StackFileContent": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n"}),
        ),
        // A body that breaks its own schema (Id as a string, Env an object).
        ("GET", ["8"]) => json(
            200,
            json!({"Id": "eight", "Name": "odd", "Env": {"A": "1"}}),
        ),
        ("GET", ["11"]) => json(200, fixtures::git_stack()),
        ("GET", [_] | [_, "file"]) => not_found("stack"),
        ("POST", ["7", "start"]) => json(
            409,
            json!({"message": "Stack is already active", "details": "stack is already active"}),
        ),
        ("POST", ["7", "stop"]) => {
            let mut s = fixtures::stack();
            s["Status"] = json!(2);
            json(200, s)
        }
        ("POST", ["create", kind @ ("standalone" | "swarm"), "string"]) => {
            let b = req.json();
            json(
                200,
                // Portainer answers with the resource control it made for
                // the new stack (administrators only, for an admin's token).
                json!({"Id": 9, "Name": b["Name"], "Type": if *kind == "swarm" { 1 } else { 2 }, "EndpointId": 1, "Env": b["Env"], "Status": 1,
                       "ResourceControl": {"Id": 19, "ResourceId": format!("1_{}", b["Name"].as_str().unwrap_or_default()), "Type": 6, "AdministratorsOnly": true, "Public": false, "UserAccesses": [], "TeamAccesses": []}}),
            )
        }
        ("PUT", ["7"]) => {
            let mut st = fixtures::stack();
            st["Env"] = req.json()["Env"].clone();
            json(200, st)
        }
        ("DELETE", ["7"]) => empty(204),
        ("PUT", ["11", "git", "redeploy"]) => {
            let mut st = fixtures::git_stack();
            st["Env"] = req.json()["Env"].clone();
            json(200, st)
        }
        ("PUT", ["7", "git", "redeploy"]) => json(
            400,
            json!({"message": "Stack is not created from git", "details": "stack is not a git stack"}),
        ),
        _ => no_route(),
    }
}
