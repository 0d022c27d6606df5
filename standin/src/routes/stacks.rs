//! Stacks: 7 is a compose stack, 12 one with a webhook, 11 a git stack, 8
//! breaks its own schema, 13 one whose file Portainer Business has kept in
//! three versions (the third broke it).

use crate::answer::{empty, json, no_route, not_found, Answer};
use crate::fixtures;
use crate::request::Req;
use serde_json::json;

/// `rest` is the path after `/api/stacks`.
pub(super) fn route(req: &Req, rest: &[&str]) -> Answer {
    match (req.method, rest) {
        ("GET", []) => json(200, json!([fixtures::stack()])),
        ("GET", ["7"]) => json(200, fixtures::stack()),
        ("GET", ["12"]) => json(200, hooked(fixtures::stack())),
        ("GET", ["7" | "12", "file"]) => json(
            200,
            json!({"StackFileContent": "services:\n  web:\n    image: nginx:1.27\n    ports: [\"8080:80\"]\n"}),
        ),
        // A body that breaks its own schema (Id as a string, Env an object).
        ("GET", ["8"]) => json(
            200,
            json!({"Id": "eight", "Name": "odd", "Env": {"A": "1"}}),
        ),
        ("GET", ["8", "file"]) => json(200, json!({"StackFileContent": 42})),
        ("GET", ["11"]) => json(200, fixtures::git_stack()),
        ("GET", ["13"]) => json(200, versioned()),
        // Redeployed with new variables only: the file before is this one.
        ("GET", ["14"]) => {
            let mut st = versioned();
            st["Id"] = json!(14);
            st["PreviousDeploymentInfo"]["FileVersion"] = json!(3);
            json(200, st)
        }
        ("GET", ["13", "file"]) => {
            let version = req
                .query
                .unwrap_or_default()
                .split('&')
                .find_map(|kv| kv.strip_prefix("version="));
            let image = match version {
                None | Some("3") => "nginx:1.28-broken",
                Some("2") => "nginx:1.27",
                Some("1") => "nginx:1.26",
                Some(_) => return not_found("stack file version"),
            };
            json(
                200,
                json!({"StackFileContent": format!("services:\n  web:\n    image: {image}\n")}),
            )
        }
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
        ("PUT", ["13"]) => {
            let mut st = versioned();
            st["Env"] = req.json()["Env"].clone();
            json(200, st)
        }
        ("PUT", [id @ ("7" | "12")]) => {
            let mut st = fixtures::stack();
            st["Id"] = json!(id.parse::<u64>().unwrap_or_default());
            let b = req.json();
            st["Env"] = b["Env"].clone();
            st["Webhook"] = b.get("Webhook").cloned().unwrap_or(json!(""));
            json(200, st)
        }
        // Git settings, no redeploy: what the request carries replaces them.
        ("POST", ["11", "git"]) => {
            let mut st = fixtures::git_stack();
            let b = req.json();
            st["AutoUpdate"] = b["AutoUpdate"].clone();
            st["Env"] = b["Env"].clone();
            st["GitConfig"]["ReferenceName"] = b["RepositoryReferenceName"].clone();
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

/// Stack 12: stack 7 with a webhook (Business Edition keeps a file stack's
/// under Webhook).
fn hooked(mut st: serde_json::Value) -> serde_json::Value {
    st["Id"] = json!(12);
    st["Name"] = json!("hooked");
    st["Webhook"] = json!("0b1e3c5e-4f7a-4d2b-9c1e-2a3b4c5d6e7f");
    st
}

/// Stack 13: a compose stack at file version 3, deployed before from
/// version 2 (Portainer Business keeps both).
fn versioned() -> serde_json::Value {
    let mut st = fixtures::stack();
    st["Id"] = json!(13);
    st["Name"] = json!("shop");
    st["StackFileVersion"] = json!(3);
    st["CurrentDeploymentInfo"] = json!({"Version": 3, "FileVersion": 3, "ConfigHash": ""});
    st["PreviousDeploymentInfo"] = json!({"Version": 2, "FileVersion": 2, "ConfigHash": ""});
    st
}
