//! System, environments (endpoints), environment groups, tags.

use crate::answer::{empty, json, no_route, not_found, raw, Answer};
use crate::fixtures;
use crate::request::Req;
use crate::shared::Shared;
use serde_json::{json, Value};

/// `rest` is the path after `/api/`.
pub(super) fn route(req: &Req, shared: &Shared, rest: &[&str]) -> Answer {
    let version = shared.version.as_str();
    match (req.method, rest) {
        ("GET", ["system", "version"]) => json(200, fixtures::version(version, &shared.edition)),
        ("GET", ["system", "status"]) => json(
            200,
            json!({"Version": version, "InstanceID": "4b0b0e5d-8a4c-4c3e-9a55-2f3d1c9e0a11"}),
        ),
        // Portainer pages this list and says in X-Total-Count how many match.
        ("GET", ["endpoints"]) => match &shared.bench.environments {
            Some(list) => raw(200, "application/json", list.clone()),
            None => {
                let mut all = fixtures::environments();
                // As Portainer: no snapshot data when asked to leave it out.
                if req
                    .query
                    .is_some_and(|q| q.contains("excludeSnapshots=true"))
                {
                    for e in &mut all {
                        e["Snapshots"] = Value::Array(vec![]);
                        if let Some(k) = e.get_mut("Kubernetes") {
                            k["Snapshots"] = Value::Array(vec![]);
                        }
                    }
                }
                let limit = query_number(req, "limit")
                    .filter(|&l| l > 0)
                    .unwrap_or(all.len());
                let start = query_number(req, "start").unwrap_or(0).min(all.len());
                let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
                json(200, Value::Array(page)).with_total(all.len())
            }
        },
        ("POST", ["endpoints"]) => create_environment(req),
        ("GET", ["endpoints", "500"]) => json(
            500,
            json!({"message": "Unable to retrieve environment", "details": "database is locked"}),
        ),
        ("GET", ["endpoints", id]) => {
            let wanted: Option<u64> = id.parse().ok();
            match fixtures::environments()
                .into_iter()
                .find(|e| wanted.is_some() && e["Id"].as_u64() == wanted)
            {
                Some(e) => json(200, e),
                None => not_found("environment"),
            }
        }
        ("PUT", ["endpoints", "1"]) => {
            let mut e = fixtures::environments()[0].clone();
            if let Some(n) = req.json().get("Name") {
                e["Name"] = n.clone();
            }
            json(200, e)
        }
        ("GET", ["endpoint_groups"]) => json(200, fixtures::groups()),
        ("GET", ["endpoint_groups", "2"]) => json(200, fixtures::groups()[1].clone()),
        ("POST", ["endpoint_groups"]) => json(
            200,
            json!({"Id": 3, "Name": req.json()["Name"], "TagIds": []}),
        ),
        ("PUT", ["endpoint_groups", "2"]) => json(200, fixtures::groups()[1].clone()),
        ("DELETE", ["endpoint_groups", "2"]) => empty(204),
        ("GET", ["tags"]) => json(
            200,
            json!([{"ID": 1, "Name": "prod", "Endpoints": {"1": true}, "EndpointGroups": {}}, {"ID": 2, "Name": "edge", "Endpoints": null, "EndpointGroups": null}]),
        ),
        ("POST", ["tags"]) => json(
            200,
            json!({"ID": 3, "Name": req.json()["Name"], "Endpoints": {}, "EndpointGroups": {}}),
        ),
        ("DELETE", ["tags", "2"]) => empty(204),
        _ => no_route(),
    }
}

/// POST /api/endpoints reads a multipart form, like Portainer's
/// endpointCreate; a JSON body is refused the way Portainer refuses it.
fn create_environment(req: &Req) -> Answer {
    let Some(form) = req.form() else {
        return json(
            400,
            json!({"message": "Invalid request payload", "details": "request Content-Type isn't multipart/form-data"}),
        );
    };
    let field = |n: &str| form.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    let (Some(name), Some(kind)) = (field("Name"), field("EndpointCreationType")) else {
        return json(
            400,
            json!({"message": "Invalid request payload", "details": "Invalid environment name"}),
        );
    };
    let kind: u8 = kind.parse().unwrap_or(0);
    // EndpointCreationType -> EndpointType: agent 2, edge agent 4, Docker 1, local Kubernetes 5.
    let ty = match kind {
        1 => 1,
        2 => 2,
        4 => 4,
        5 => 5,
        _ => {
            return json(
                400,
                json!({"message": "Invalid request payload", "details": "Invalid environment type value"}),
            )
        }
    };
    let mut e = json!({"Id": 9, "Name": name, "Type": ty, "URL": field("URL").unwrap_or(""),
        "GroupId": field("GroupID").and_then(|g| g.parse::<u64>().ok()).unwrap_or(1), "Status": 1, "TagIds": []});
    if kind == 4 {
        e["EdgeID"] = json!("");
        e["EdgeKey"] = json!("aHR0cHM6Ly9wb3J0YWluZXIuZXhhbXBsZXxzZWNyZXQtZWRnZS1rZXk");
        e["Status"] = json!(2);
    }
    json(200, e)
}

fn query_number(req: &Req, name: &str) -> Option<usize> {
    req.query?
        .split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
}
