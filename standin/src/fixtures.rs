//! The tests' fixtures: realistic Portainer, Docker and Kubernetes bodies,
//! with secrets where the real ones carry them (the redaction tests look
//! for each).

use serde_json::{json, Value};

pub fn version(v: &str, edition: &str) -> Value {
    json!({
        "ServerVersion": v, "ServerEdition": edition, "DatabaseVersion": v, "UpdateAvailable": false,
        "LatestVersion": "", "VersionSupport": "STS",
        "Build": {"BuildNumber": "52", "ImageTag": v, "NodejsVersion": "18.20.4", "YarnVersion": "1.22.22", "WebpackVersion": "5.88.2", "GoVersion": "go1.23.4", "GitCommit": "8ad1b9f"},
        "Dependencies": {"DockerVersion": "27.3.1", "HelmVersion": "v3.16.2", "KubectlVersion": "v1.31.0", "ComposeVersion": "v2.29.7"},
        "Runtime": {"Env": [format!("PORTAINER_EDITION={edition}")], "Os": "linux", "Arch": "amd64"}
    })
}

pub fn environments() -> Vec<Value> {
    vec![
        json!({
            "Id": 1, "Name": "local", "Type": 1, "URL": "unix:///var/run/docker.sock", "GroupId": 1,
            "PublicURL": "", "Status": 1, "TagIds": [1], "UserTrusted": true, "Heartbeat": true,
            "TLSConfig": {"TLS": true, "TLSSkipVerify": false, "TLSCACert": "/data/tls/1/ca.pem", "TLSKey": "/data/tls/1/key.pem"},
            "EdgeKey": "aHR0cHM6Ly9wb3J0YWluZXI6OTQ0M3xwb3J0YWluZXI6ODAwMHxrZXktc2VjcmV0fDE",
            "AzureCredentials": {"ApplicationID": "app", "TenantID": "tenant", "AuthenticationKey": "azure-auth-key"},
            // Portainer's last snapshot, as its snapshot job writes it (the raw
            // engine dump runs to kilobytes in a real one).
            "Snapshots": [{"Time": 1732437000, "DockerVersion": "27.3.1", "Swarm": false, "TotalCPU": 4, "TotalMemory": 8_254_283_776u64,
                           "ContainerCount": 4, "RunningContainerCount": 3, "StoppedContainerCount": 1, "HealthyContainerCount": 1,
                           "UnhealthyContainerCount": 1, "VolumeCount": 2, "ImageCount": 5, "ServiceCount": 0, "StackCount": 1, "NodeCount": 1,
                           "DockerSnapshotRaw": {"Containers": [{"Id": "8dfafdbc3a40", "Names": ["/web"]}], "Info": {"ServerVersion": "27.3.1"}},
                           "PerformanceMetrics": {"CPUUsage": 12.5}}],
            "Kubernetes": {"Snapshots": null, "Configuration": {"UseLoadBalancer": false}},
            "UserAccessPolicies": null, "TeamAccessPolicies": null,
            "Agent": {"Version": ""}, "EdgeCheckinInterval": 0, "QueryDate": 1732437600,
            "FieldNewerThanOurSpec": "kept"
        }),
        json!({
            "Id": 3, "Name": "k8s-prod", "Type": 6, "URL": "10.0.4.20:9001", "GroupId": 2,
            "Status": 2, "TagIds": null, "Snapshots": null,
            "Kubernetes": {"Snapshots": [{"Time": 1732437000, "KubernetesVersion": "v1.31.2", "NodeCount": 3, "TotalCPU": 12,
                                          "TotalMemory": 50_331_648_000u64, "DiagnosticsData": {"Log": "kubelet diagnostics"}}],
                           "Configuration": {"UseServerMetrics": true}},
            "Agent": {"Version": "2.45.3"}
        }),
    ]
}

/// `GET /containers/json` of a busy host, shaped like Docker's answer.
pub fn containers(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "Id": format!("{:064x}", i * 7919 + 1),
                "Names": [format!("/app-{i}")],
                "Image": "registry.example.com/team/app:1.4.2",
                "ImageID": format!("sha256:{:064x}", i + 99),
                "Command": "/usr/local/bin/app --serve",
                "Created": 1732400000 + i,
                "Ports": [{"PrivatePort": 8080, "Type": "tcp"}],
                "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": format!("svc{}", i % 7)},
                "State": if i % 5 == 0 { "exited" } else { "running" },
                "Status": "Up 2 days",
                "HostConfig": {"NetworkMode": "bridge"},
                "NetworkSettings": {"Networks": {"bridge": {"IPAddress": format!("172.17.{}.{}", i / 250, i % 250 + 2)}}},
                "Mounts": []
            })
        })
        .collect()
}

pub fn container_inspect(id: &str) -> Value {
    json!({
        "Id": id, "Name": "/web", "Image": "sha256:4f5e", "RestartCount": 0,
        "State": {"Status": "running", "Running": true, "Pid": 4211, "StartedAt": "2026-11-24T08:00:00Z", "Health": null},
        "Config": {"Image": "nginx:1.27", "Env": ["PATH=/usr/bin", "DB_PASSWORD=s3cr3t-db-pass"], "Labels": {"team": "web"}},
        "HostConfig": {"RestartPolicy": {"Name": "unless-stopped"}},
        "Mounts": [{"Type": "volume", "Name": "pgdata", "Destination": "/data"}]
    })
}

/// Docker's multiplexed stream framing: [stream, 0, 0, 0, len(4, BE)] + payload.
pub fn log_stream(frames: &[(u8, &str)]) -> Vec<u8> {
    let mut out = vec![];
    for (stream, text) in frames {
        out.extend_from_slice(&[*stream, 0, 0, 0]);
        out.extend_from_slice(&(text.len() as u32).to_be_bytes());
        out.extend_from_slice(text.as_bytes());
    }
    out
}

/// `GET /containers/{id}/stats?stream=false` as a cgroup v2 engine answers:
/// this reading and the previous one, memory with its page cache, per
/// interface and per device counters. Usage grows with the id's bytes, so
/// that containers differ; "web" uses 48.6 MiB without its 7.6 MiB cache.
pub fn stats(id: &str) -> Value {
    let weight = id.bytes().map(u64::from).sum::<u64>() % 97 + 1;
    let (usage, cache) = if id == "web" {
        (58_929_152u64, 7_962_624u64)
    } else {
        (weight * 1_048_576 + 4_194_304, 4_194_304)
    };
    json!({
        "read": "2026-11-24T09:00:01.002Z", "preread": "2026-11-24T09:00:00.001Z", "name": format!("/{id}"), "id": id,
        "pids_stats": {"current": 3, "limit": 18446744073709551615u64},
        "cpu_stats": {"cpu_usage": {"total_usage": 2_000_000_000u64 + weight * 10_000_000, "usage_in_kernelmode": 1, "usage_in_usermode": 2},
                      "system_cpu_usage": 20_000_000_000u64, "online_cpus": 2, "throttling_data": {"periods": 0, "throttled_periods": 0, "throttled_time": 0}},
        "precpu_stats": {"cpu_usage": {"total_usage": 1_500_000_000u64, "usage_in_kernelmode": 1, "usage_in_usermode": 2},
                         "system_cpu_usage": 18_000_000_000u64, "online_cpus": 2},
        "memory_stats": {"usage": usage, "limit": 2_084_278_272u64,
                         "stats": {"anon": usage - cache, "file": cache, "inactive_file": cache, "active_file": 0}},
        "blkio_stats": {"io_service_bytes_recursive": [{"major": 8, "minor": 0, "op": "read", "value": 3_145_728u64},
                                                       {"major": 8, "minor": 0, "op": "write", "value": 1_048_576u64}]},
        "networks": {"eth0": {"rx_bytes": 1024, "rx_packets": 8, "tx_bytes": 2048, "tx_packets": 9}}
    })
}

pub fn git_stack() -> Value {
    json!({
        "Id": 11, "Name": "api", "Type": 2, "EndpointId": 1, "Status": 1,
        "Env": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "DB_PASSWORD", "value": "db-pass-123"}],
        "GitConfig": {"URL": "https://git.example.com/team/api.git", "ReferenceName": "refs/heads/release", "ConfigFilePath": "docker-compose.yml",
                      "Authentication": {"Username": "deploy-bot", "Password": "", "AuthorizationType": 0}, "ConfigHash": "8ad1b9f", "TLSSkipVerify": false},
        "AutoUpdate": {"Interval": "5m", "ForceUpdate": true, "ForcePullImage": false, "Webhook": "5e1c2d3a-1111-4222-8333-944455556666", "JobID": "15"},
        "Option": {"Prune": true}, "AdditionalFiles": ["override.yml"],
        "CurrentDeploymentInfo": {"Version": 4, "FileVersion": 4, "ConfigHash": "8ad1b9f"},
        "PreviousDeploymentInfo": {"Version": 3, "FileVersion": 3, "ConfigHash": "41c07e2"}
    })
}

pub fn registry() -> Value {
    json!({"Id": 1, "Name": "internal", "Type": 3, "URL": "registry.example.com:5000", "BaseURL": "", "Authentication": true,
           "Username": "ci", "Password": "registry-pass", "ManagementConfiguration": null,
           "Gitlab": {"ProjectId": 0}, "Quay": {"UseOrganisation": false}, "Ecr": {"Region": ""},
           "RegistryAccesses": {"1": {"UserAccessPolicies": null, "TeamAccessPolicies": null}}})
}

pub fn deployment(replicas: u32) -> Value {
    json!({"kind": "Deployment", "apiVersion": "apps/v1",
           "metadata": {"name": "web", "namespace": "shop", "generation": 4, "uid": "uid-web", "managedFields": [{"manager": "kubectl"}],
                        "annotations": {"deployment.kubernetes.io/revision": "3"}},
           "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": "web"}},
                    "template": {"metadata": {"annotations": {}, "labels": {"app": "web"}}, "spec": {"containers": [{"name": "web", "image": "nginx:1.27",
                    "env": [{"name": "API_TOKEN", "value": "tok-123"}]}]}}},
           "status": {"observedGeneration": 4, "replicas": replicas, "updatedReplicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas}})
}

/// A pod with a proxy sidecar first and the app second; `default` names
/// the kubectl default-container annotation's value.
pub fn two_container_pod(name: &str, default: Option<&str>) -> Value {
    let annotations = match default {
        Some(c) => json!({"kubectl.kubernetes.io/default-container": c}),
        None => json!({}),
    };
    json!({"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": name, "namespace": "shop", "labels": {"app": "shop-api"}, "annotations": annotations},
           "spec": {"containers": [{"name": "istio-proxy", "image": "istio/proxyv2:1.24"}, {"name": "app", "image": "shop/api:2.1"}]},
           "status": {"phase": "Running"}})
}

pub fn service() -> Value {
    json!({"ID": "s1", "Version": {"Index": 42},
           "Spec": {"Name": "shop_web", "Labels": {"com.docker.stack.namespace": "shop"}, "Mode": {"Replicated": {"Replicas": 2}},
                    "TaskTemplate": {"ContainerSpec": {"Image": "shop/web:1.4", "Env": ["LOG_LEVEL=info", "SECRET_KEY=abc"]}, "ForceUpdate": 0}},
           "PreviousSpec": {"Name": "shop_web", "Labels": {"com.docker.stack.namespace": "shop"}, "Mode": {"Replicated": {"Replicas": 2}},
                            "TaskTemplate": {"ContainerSpec": {"Image": "shop/web:1.3", "Env": ["LOG_LEVEL=info", "SECRET_KEY=abc"]}, "ForceUpdate": 0}}})
}

pub fn groups() -> Value {
    json!([
        {"Id": 1, "Name": "Unassigned", "Description": "Unassigned environments", "TagIds": [], "UserAccessPolicies": {}, "TeamAccessPolicies": {}},
        {"Id": 2, "Name": "production", "Description": "", "TagIds": [1], "UserAccessPolicies": {"2": {"RoleId": 0}}, "TeamAccessPolicies": null}
    ])
}

pub fn stack() -> Value {
    json!({
        "Id": 7, "Name": "web", "Type": 2, "EndpointId": 1, "SwarmId": "", "EntryPoint": "docker-compose.yml",
        "Env": [{"name": "LOG_LEVEL", "value": "info"}], "Status": 1, "ProjectPath": "/data/compose/7",
        "CreationDate": 1732400000, "CreatedBy": "admin", "UpdateDate": 0, "UpdatedBy": "",
        "ResourceControl": {"Id": 12, "ResourceId": "1_web", "Type": 6, "UserAccesses": [], "TeamAccesses": [], "Public": false, "AdministratorsOnly": true},
        "GitConfig": null, "AutoUpdate": null, "Option": null, "IsComposeFormat": false
    })
}

/// A pod in CrashLoopBackOff: its container exited 1 seven times.
pub fn crashing_pod() -> Value {
    json!({"kind": "Pod", "apiVersion": "v1",
           "metadata": {"name": "web-7d4b9c-x2x", "namespace": "shop", "creationTimestamp": "2026-11-24T08:00:00Z", "labels": {"app": "web"},
                        "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d4b9c", "controller": true}]},
           "spec": {"nodeName": "node-1", "containers": [{"name": "web", "image": "nginx:1.27"}]},
           "status": {"phase": "Running",
                      "conditions": [{"type": "Ready", "status": "False", "reason": "ContainersNotReady", "message": "containers with unready status: [web]", "lastTransitionTime": "2026-11-24T08:01:00Z"}],
                      "containerStatuses": [{"name": "web", "image": "nginx:1.27", "ready": false, "restartCount": 7,
                          "state": {"waiting": {"reason": "CrashLoopBackOff", "message": "back-off 5m0s restarting failed container=web"}},
                          "lastState": {"terminated": {"reason": "Error", "exitCode": 1, "finishedAt": "2026-11-24T08:58:00Z"}}}]}})
}

/// Pods as kube-apiserver's Table view (`Accept: ...;as=Table;...`): its
/// columns for pods, priority 1 being kubectl's -o wide ones.
pub fn pod_table() -> Value {
    let col = |name: &str, ty: &str, priority: u8, description: &str| json!({"name": name, "type": ty, "format": if name == "Name" { "name" } else { "" }, "description": description, "priority": priority});
    let row = |name: &str, ready: &str, status: &str, restarts: &str, ip: &str| {
        json!({"cells": [name, ready, status, restarts, "3d", ip, "node-1", "<none>", "<none>"],
               "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                          "metadata": {"name": name, "namespace": "shop", "resourceVersion": "811",
                                       "managedFields": [{"manager": "kubelet", "operation": "Update"}]}}})
    };
    json!({"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": "811"},
        "columnDefinitions": [
            col("Name", "string", 0, "Name must be unique within a namespace."),
            col("Ready", "string", 0, "The aggregate readiness state of this pod for accepting traffic."),
            col("Status", "string", 0, "The aggregate status of the containers in this pod."),
            col("Restarts", "string", 0, "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted."),
            col("Age", "string", 0, "CreationTimestamp is a timestamp representing the server time when this object was created."),
            col("IP", "string", 1, "IP address allocated to the pod."),
            col("Node", "string", 1, "Name of the Node this pod is scheduled on."),
            col("Nominated Node", "string", 1, "Node the pod is nominated for."),
            col("Readiness Gates", "string", 1, "Pod readiness gates.")],
        "rows": [row("web-7d4b9c-x2x", "0/1", "CrashLoopBackOff", "7 (2m ago)", "10.42.0.12"),
                 row("db-0", "1/1", "Running", "0", "10.42.0.13")]})
}
