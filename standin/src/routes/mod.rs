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
use crate::request::Req;
use crate::shared::Shared;

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
