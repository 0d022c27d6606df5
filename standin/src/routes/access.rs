//! Users, teams, memberships, roles and settings (which carry LDAP and
//! OAuth secrets).

use crate::answer::{empty, json, no_route, Answer};
use crate::request::Req;
use serde_json::{json, Value};

/// `rest` is the path after `/api/`.
pub(super) fn route(req: &Req, rest: &[&str]) -> Answer {
    match (req.method, rest) {
        ("GET", ["settings"]) => json(
            200,
            json!({"AuthenticationMethod": 2, "SnapshotInterval": "5m", "EdgeAgentCheckinInterval": 5,
            "LDAPSettings": {"URL": "ldap.example.com:389", "ReaderDN": "cn=reader", "Password": "ldap-bind-secret", "AnonymousMode": false},
            "OAuthSettings": {"ClientID": "portainer", "ClientSecret": "oauth-client-secret", "AuthorizationURI": "https://sso.example.com/auth"}}),
        ),
        ("GET", ["users"]) => json(
            200,
            json!([{"Id": 1, "Username": "admin", "Role": 1, "UseCache": true, "ThemeSettings": {"color": ""}}, {"Id": 2, "Username": "dev", "Role": 2}]),
        ),
        ("GET", ["users", "2"]) => json(200, json!({"Id": 2, "Username": "dev", "Role": 2})),
        ("POST", ["users"]) => {
            let b = req.json();
            json(
                200,
                json!({"Id": 5, "Username": b["Username"], "Role": b["Role"]}),
            )
        }
        ("PUT", ["users", "2"]) => json(
            200,
            json!({"Id": 2, "Username": "dev", "Role": req.json()["Role"]}),
        ),
        ("DELETE", ["users", "2"]) => empty(204),
        ("GET", ["teams"]) => json(
            200,
            json!([{"Id": 1, "Name": "platform"}, {"Id": 2, "Name": "apps"}]),
        ),
        ("GET", ["teams", "1"]) => json(200, json!({"Id": 1, "Name": "platform"})),
        ("GET", ["teams", "2"]) => json(200, json!({"Id": 2, "Name": "apps"})),
        ("GET", ["teams", _]) => json(
            404,
            json!({"message": "Unable to find a team with the specified identifier inside the database", "details": "object not found inside the database"}),
        ),
        // The resource control of the stack created above; team 2 may not be
        // given access (the token's user is no leader of it).
        ("PUT", ["resource_controls", "19"]) => {
            let b = req.json();
            if b["Teams"] == json!([2]) {
                return json(
                    403,
                    json!({"message": "Permission denied to update the resource control", "details": "access denied to resource"}),
                );
            }
            let teams: Vec<Value> = b["Teams"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| json!({"TeamId": t, "AccessLevel": 1}))
                .collect();
            json(
                200,
                json!({"Id": 19, "ResourceId": "1_shop", "Type": 6, "AdministratorsOnly": b["AdministratorsOnly"], "Public": b["Public"], "UserAccesses": [], "TeamAccesses": teams}),
            )
        }
        ("POST", ["teams"]) => json(200, json!({"Id": 3, "Name": req.json()["Name"]})),
        ("PUT", ["teams", "1"]) => json(200, json!({"Id": 1, "Name": req.json()["Name"]})),
        ("DELETE", ["teams", "1"]) => empty(204),
        ("GET", ["team_memberships"]) => {
            json(200, json!([{"Id": 1, "UserID": 2, "TeamID": 1, "Role": 2}]))
        }
        ("POST", ["team_memberships"]) => {
            json(200, json!({"Id": 2, "UserID": 2, "TeamID": 2, "Role": 1}))
        }
        ("DELETE", ["team_memberships", "1"]) => empty(204),
        ("GET", ["roles"]) => json(
            200,
            json!([{"Id": 1, "Name": "Environment administrator", "Priority": 1, "Authorizations": {"DockerContainerList": true}}]),
        ),
        _ => no_route(),
    }
}
