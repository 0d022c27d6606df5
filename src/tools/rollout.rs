//! Whether a Deployment, StatefulSet or DaemonSet has rolled out, decided
//! as `kubectl rollout status` decides it (the controller has seen the
//! latest spec; every replica updated, old ones gone, the new ones
//! available or ready), with kubectl's messages, so an agent reads the
//! same verdict an operator would.

use serde_json::{json, Value};

/// Where a rollout stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Rolled out: every replica runs the latest spec.
    Complete,
    /// Still going.
    Progressing,
    /// The controller gave up (progress deadline exceeded), or the
    /// object's update strategy has no rollout to follow.
    Failed,
    /// Paused: nothing rolls out until it is resumed.
    Paused,
    /// Its update strategy (OnDelete) rolls nothing out by itself: no
    /// rollout to follow (kubectl refuses to).
    NotFollowed,
}

impl State {
    pub fn label(&self) -> &'static str {
        match self {
            State::Complete => "complete",
            State::Progressing => "progressing",
            State::Failed => "failed",
            State::Paused => "paused",
            State::NotFollowed => "not followed",
        }
    }

    /// Waiting longer changes nothing.
    pub fn settled(&self) -> bool {
        !matches!(self, State::Progressing)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub state: State,
    pub message: String,
}

fn n(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

/// The rollout of `obj` (a Deployment, StatefulSet or DaemonSet as the API
/// server returns it); None for other kinds.
pub fn status(obj: &Value) -> Option<Status> {
    let kind = obj["kind"].as_str()?;
    let (spec, s) = (&obj["spec"], &obj["status"]);
    let name = obj["metadata"]["name"].as_str().unwrap_or("");
    let generation = n(&obj["metadata"]["generation"]);
    let observed = n(&s["observedGeneration"]);
    let st = |state, message: String| Some(Status { state, message });
    let waiting = |message: String| st(State::Progressing, message);
    // A StatefulSet or DaemonSet updated OnDelete rolls nothing out.
    let rolling = spec["updateStrategy"]["type"]
        .as_str()
        .is_none_or(|t| t == "RollingUpdate");
    if matches!(kind, "DaemonSet" | "StatefulSet") && !rolling {
        return st(
            State::NotFollowed,
            "rollout status is only available for RollingUpdate strategy type".into(),
        );
    }
    match kind {
        "Deployment" => {
            // kubectl does not look at `paused`: a paused Deployment is said
            // so only where it would otherwise wait (its controller still
            // scales it).
            let paused = spec["paused"] == json!(true);
            let waiting = |message: String| {
                if paused {
                    let m = format!("deployment \"{name}\" is paused: resume it to roll out");
                    st(State::Paused, m)
                } else {
                    st(State::Progressing, message)
                }
            };
            if generation > observed {
                return waiting("Waiting for deployment spec update to be observed...".into());
            }
            let deadline =
                s["conditions"].as_array().into_iter().flatten().any(|c| {
                    c["type"] == "Progressing" && c["reason"] == "ProgressDeadlineExceeded"
                });
            if deadline {
                return st(
                    State::Failed,
                    format!("deployment \"{name}\" exceeded its progress deadline"),
                );
            }
            let (updated, replicas, available) = (
                n(&s["updatedReplicas"]),
                n(&s["replicas"]),
                n(&s["availableReplicas"]),
            );
            if let Some(want) = spec["replicas"].as_u64() {
                if updated < want {
                    return waiting(format!("Waiting for deployment \"{name}\" rollout to finish: {updated} out of {want} new replicas have been updated..."));
                }
            }
            if replicas > updated {
                return waiting(format!("Waiting for deployment \"{name}\" rollout to finish: {} old replicas are pending termination...", replicas - updated));
            }
            if available < updated {
                return waiting(format!("Waiting for deployment \"{name}\" rollout to finish: {available} of {updated} updated replicas are available..."));
            }
            st(
                State::Complete,
                format!("deployment \"{name}\" successfully rolled out"),
            )
        }
        "DaemonSet" => {
            if generation > observed {
                return waiting("Waiting for daemon set spec update to be observed...".into());
            }
            let (want, updated, available) = (
                n(&s["desiredNumberScheduled"]),
                n(&s["updatedNumberScheduled"]),
                n(&s["numberAvailable"]),
            );
            if updated < want {
                return waiting(format!("Waiting for daemon set \"{name}\" rollout to finish: {updated} out of {want} new pods have been updated..."));
            }
            if available < want {
                return waiting(format!("Waiting for daemon set \"{name}\" rollout to finish: {available} of {want} updated pods are available..."));
            }
            st(
                State::Complete,
                format!("daemon set \"{name}\" successfully rolled out"),
            )
        }
        "StatefulSet" => {
            if observed == 0 || generation > observed {
                return waiting("Waiting for statefulset spec update to be observed...".into());
            }
            let ready = n(&s["readyReplicas"]);
            if let Some(want) = spec["replicas"].as_u64() {
                if ready < want {
                    return waiting(format!("Waiting for {} pods to be ready...", want - ready));
                }
                if let Some(partition) =
                    spec["updateStrategy"]["rollingUpdate"]["partition"].as_u64()
                {
                    let updated = n(&s["updatedReplicas"]);
                    let target = want.saturating_sub(partition);
                    if updated < target {
                        return waiting(format!("Waiting for partitioned roll out to finish: {updated} out of {target} new pods have been updated..."));
                    }
                    return st(State::Complete, format!("partitioned roll out complete: {updated} new pods have been updated..."));
                }
            }
            let (update, current) = (&s["updateRevision"], &s["currentRevision"]);
            if update != current {
                return waiting(format!(
                    "waiting for statefulset rolling update to complete {} pods at revision {}...",
                    n(&s["updatedReplicas"]),
                    update.as_str().unwrap_or("")
                ));
            }
            st(
                State::Complete,
                format!(
                    "statefulset rolling update complete {} pods at revision {}...",
                    n(&s["currentReplicas"]),
                    current.as_str().unwrap_or("")
                ),
            )
        }
        _ => None,
    }
}

/// The replica counts beside the verdict, named alike for the three kinds.
pub fn replicas(obj: &Value) -> Value {
    let (spec, s) = (&obj["spec"], &obj["status"]);
    json!({
        "desired": spec["replicas"].as_u64().or(s["desiredNumberScheduled"].as_u64()),
        "updated": s["updatedReplicas"].as_u64().or(s["updatedNumberScheduled"].as_u64()).unwrap_or(0),
        "ready": s["readyReplicas"].as_u64().or(s["numberReady"].as_u64()).unwrap_or(0),
        "available": s["availableReplicas"].as_u64().or(s["numberAvailable"].as_u64()).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment(generation: u64, status: Value) -> Value {
        json!({"kind": "Deployment", "metadata": {"name": "web", "generation": generation},
               "spec": {"replicas": 3}, "status": status})
    }

    #[test]
    fn a_deployment_rolls_out_as_kubectl_says() {
        let unseen = deployment(5, json!({"observedGeneration": 4}));
        assert_eq!(status(&unseen).unwrap().state, State::Progressing);
        assert!(status(&unseen)
            .unwrap()
            .message
            .contains("spec update to be observed"));
        let updating = deployment(
            5,
            json!({"observedGeneration": 5, "updatedReplicas": 1, "replicas": 3}),
        );
        assert_eq!(
            status(&updating).unwrap().message,
            "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..."
        );
        let old_left = deployment(
            5,
            json!({"observedGeneration": 5, "updatedReplicas": 3, "replicas": 4, "availableReplicas": 3}),
        );
        assert!(status(&old_left)
            .unwrap()
            .message
            .contains("1 old replicas are pending termination"));
        let unavailable = deployment(
            5,
            json!({"observedGeneration": 5, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 2}),
        );
        assert!(status(&unavailable)
            .unwrap()
            .message
            .contains("2 of 3 updated replicas are available"));
        let done = deployment(
            5,
            json!({"observedGeneration": 5, "updatedReplicas": 3, "replicas": 3, "availableReplicas": 3}),
        );
        assert_eq!(status(&done).unwrap().state, State::Complete);
        let stuck = deployment(
            5,
            json!({"observedGeneration": 5, "updatedReplicas": 1, "replicas": 4,
            "conditions": [{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded"}]}),
        );
        assert_eq!(status(&stuck).unwrap().state, State::Failed);
        let mut paused = done.clone();
        paused["spec"]["paused"] = json!(true);
        assert_eq!(
            status(&paused).unwrap().state,
            State::Complete,
            "scaled while paused"
        );
        let mut paused = updating.clone();
        paused["spec"]["paused"] = json!(true);
        assert_eq!(status(&paused).unwrap().state, State::Paused);
    }

    #[test]
    fn stateful_and_daemon_sets_follow_their_revisions() {
        let sts = |status: Value, partition: Option<u64>| {
            let mut o = json!({"kind": "StatefulSet", "metadata": {"name": "db", "generation": 2},
                "spec": {"replicas": 3, "updateStrategy": {"type": "RollingUpdate"}}, "status": status});
            if let Some(p) = partition {
                o["spec"]["updateStrategy"]["rollingUpdate"] = json!({"partition": p});
            }
            o
        };
        let rolling = sts(
            json!({"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 1,
            "updateRevision": "db-2", "currentRevision": "db-1"}),
            None,
        );
        assert_eq!(status(&rolling).unwrap().state, State::Progressing);
        let done = sts(
            json!({"observedGeneration": 2, "readyReplicas": 3, "currentReplicas": 3,
            "updateRevision": "db-2", "currentRevision": "db-2"}),
            None,
        );
        assert_eq!(status(&done).unwrap().state, State::Complete);
        let partitioned = sts(
            json!({"observedGeneration": 2, "readyReplicas": 3, "updatedReplicas": 1,
            "updateRevision": "db-2", "currentRevision": "db-1"}),
            Some(2),
        );
        assert_eq!(status(&partitioned).unwrap().state, State::Complete);
        let ds = json!({"kind": "DaemonSet", "metadata": {"name": "agent", "generation": 1},
            "spec": {"updateStrategy": {"type": "OnDelete"}}, "status": {}});
        assert_eq!(status(&ds).unwrap().state, State::NotFollowed);
        let ds = json!({"kind": "DaemonSet", "metadata": {"name": "agent", "generation": 1}, "spec": {},
            "status": {"observedGeneration": 1, "desiredNumberScheduled": 2, "updatedNumberScheduled": 2, "numberAvailable": 1}});
        assert!(status(&ds)
            .unwrap()
            .message
            .contains("1 of 2 updated pods are available"));
        assert_eq!(status(&json!({"kind": "Pod"})), None);
    }
}
