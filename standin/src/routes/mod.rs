//! Which answer a request gets, by route family. Within a family the
//! order of the match arms matters: specific ids before the wildcards.

mod access;
mod docker;
mod edge;
mod environments;
mod kubernetes;
mod rollouts;
mod stacks;

use crate::answer::{no_route, Answer};
use crate::shared::Shared;
use serde_json::Value;

/// The parts of a request the routes look at.
pub(crate) struct Req<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub body: &'a [u8],
    pub key: Option<&'a str>,
    pub content_type: Option<&'a str>,
    pub accept: Option<&'a str>,
    pub registry_auth: Option<&'a str>,
}

impl Req<'_> {
    /// The JSON body, or null (routes echo fields of what they were sent).
    pub fn json(&self) -> Value {
        serde_json::from_slice(self.body).unwrap_or(Value::Null)
    }

    /// The text fields of a multipart/form-data body, as Portainer's form
    /// handlers read them; None when the body is not such a form.
    pub fn form(&self) -> Option<Vec<(String, String)>> {
        let ct = self.content_type?;
        let boundary = ct.strip_prefix("multipart/form-data; boundary=")?;
        let body = std::str::from_utf8(self.body).ok()?;
        let delimiter = format!("--{boundary}");
        let mut fields = vec![];
        for part in body.split(delimiter.as_str()).skip(1) {
            if part.starts_with("--") {
                return Some(fields);
            }
            let (head, value) = part.strip_prefix("\r\n")?.split_once("\r\n\r\n")?;
            let name = head.split("name=\"").nth(1)?.split('"').next()?;
            fields.push((name.to_string(), value.strip_suffix("\r\n")?.to_string()));
        }
        None
    }
}

pub(crate) fn route(req: &Req, shared: &Shared) -> Answer {
    let segs: Vec<&str> = req.path.trim_start_matches('/').split('/').collect();
    match segs.as_slice() {
        ["api", "endpoints", env, "docker", rest @ ..] => docker::route(req, shared, env, rest),
        ["api", "endpoints", env, "kubernetes", rest @ ..] => {
            match rollouts::route(req, shared, rest) {
                Some(answer) => answer,
                None => kubernetes::route(req, env, rest),
            }
        }
        ["api", "kubernetes", ..] => kubernetes::portainer(req, &segs[1..]),
        ["api", "system" | "endpoints" | "endpoint_groups" | "tags", ..] => {
            environments::route(req, shared, &segs[1..])
        }
        ["api", "stacks", rest @ ..] => stacks::route(req, rest),
        ["api", "users" | "teams" | "team_memberships" | "roles" | "settings" | "resource_controls", ..] => {
            access::route(req, &segs[1..])
        }
        ["api", "registries" | "edge_groups" | "edge_stacks" | "edge_jobs", ..] => {
            edge::route(req, &segs[1..])
        }
        _ => no_route(),
    }
}
