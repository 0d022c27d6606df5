"""Every request the suite sent to the front, checked against the UPSTREAM
descriptions (../shared/upstream), not against our spec/: Prism already
checks spec/, and what spec/ got wrong would pass there unseen (issue 10,
item 6: GET /api/users/me without its required noEndpointAuthorizations).

The check over the record runs after the scenarios (conftest orders it
last), so it sees everything they sent.
"""

import asyncio
import json

import pytest

from conftest import TOKEN
from test_real_engine import session, text
from upstream import CE_FILE, DOCKER_FILE, EE_FILE, K8S_FILE, UpstreamCheck

MISSING = "e2e-sweep-missing"  # no such container, image, volume, network, service
NO_ID = 4242  # no such Portainer object

# One call per tool with most of its optional arguments set, so that the
# record holds each tool's request with its parameters and body. Writes
# name things that do not exist (the engine answers 404) or hit routes the
# front does not serve (404 too): only the requests matter here.
SWEEP = {
    "environment_list": {"limit": 5, "search": "loc", "offset": 0, "status": [1], "types": [1, 5]},
    "environment_get": {"environment_id": 1, "excludeSnapshot": True},
    "environment_update": {"environment_id": 1, "name": "local2", "group_id": 1, "public_url": "example.test", "tag_ids": [1],
                           "user_access": {"2": {"RoleId": 1}}, "team_access": {"3": {"RoleId": 2}}},
    "environment_group_list": {"limit": 5, "offset": 0},
    "environment_group_get": {"id": 1, "size": True},
    "environment_group_create": {"name": "sweep", "description": "d", "environment_ids": [1], "tag_ids": [1]},
    "environment_group_update": {"id": NO_ID, "name": "sweep2", "description": "d", "environment_ids": [1],
                                 "tag_ids": [1], "user_access": {"2": {"RoleId": 1}}},
    "environment_group_delete": {"id": NO_ID, "confirm": True},
    "tag_list": {"limit": 5, "offset": 0},
    "tag_create": {"name": "sweep"},
    "tag_delete": {"id": NO_ID, "confirm": True},
    "stack_list": {"filters": '{"EndpointID":1}', "limit": 5, "offset": 0},
    "stack_get": {"id": NO_ID},
    "stack_file_get": {"id": NO_ID, "version": 1},
    "stack_action": {"environment_id": 1, "id": NO_ID, "action": "start"},
    "stack_create": {"environment_id": 1, "name": "sweep", "type": "standalone",
                     "file": "services:\n  a:\n    image: mcp-busybox:test\n", "env": [{"name": "A", "value": "1"}]},
    "stack_update": {"environment_id": 1, "id": NO_ID, "file": "services: {}\n", "env": {"A": "1"}, "prune": True,
                     "pull_image": True},
    "stack_delete": {"environment_id": 1, "id": NO_ID, "remove_volumes": True, "confirm": True},
    "user_list": {"environmentId": 1, "limit": 5, "offset": 0},
    "user_get": {"id": NO_ID},
    "user_create": {"username": "sweep", "password": "Sweep-pass-12345", "role": 2},
    "user_set_role": {"id": NO_ID, "role": 2},
    "user_delete": {"id": NO_ID, "confirm": True},
    "team_list": {"environmentId": 1, "onlyLedTeams": True, "limit": 5, "offset": 0},
    "team_get": {"id": NO_ID},
    "team_create": {"name": "sweep", "leader_ids": [1]},
    "team_update": {"id": NO_ID, "name": "sweep2"},
    "team_delete": {"id": NO_ID, "confirm": True},
    "team_membership_list": {"limit": 5, "offset": 0},
    "team_membership_add": {"user_id": NO_ID, "team_id": NO_ID, "role": 2},
    "team_membership_remove": {"id": NO_ID, "confirm": True},
    "role_list": {"limit": 5, "offset": 0},
    "registry_list": {"limit": 5, "offset": 0},
    "registry_get": {"id": NO_ID},
    "registry_create": {"name": "sweep", "type": 3, "url": "registry.example.test", "authentication": True,
                        "username": "u", "password": "p", "base_url": "registry.example.test"},
    "registry_update": {"id": NO_ID, "name": "sweep", "url": "registry.example.test", "authentication": False},
    "registry_delete": {"id": NO_ID, "confirm": True},
    "edge_group_list": {"limit": 5, "offset": 0},
    "edge_stack_list": {"limit": 5, "offset": 0},
    "edge_stack_get": {"id": NO_ID},
    "edge_job_list": {"limit": 5, "offset": 0},
    "system_version": {},
    "settings_get": {},
    "docker_proxy": {"environment_id": 1, "path": "containers/json", "query": {"all": True, "limit": 2}},
    "kubernetes_proxy": {"environment_id": 3, "method": "PATCH", "path": "apis/apps/v1/namespaces/shop/deployments/web",
                         "body": {"spec": {"replicas": 2}}, "patch_type": "strategic", "confirm": True},
    "docker_container_list": {"environment_id": 1, "all": True, "filters": {"name": ["web"]}, "last": 3,
                              "limit": 5, "offset": 0},
    "docker_inspect": {"environment_id": 1, "id": "web"},
    "docker_volume_create": {"environment_id": 1, "name": "sweep-vol", "driver": "local", "labels": {"by": "sweep"},
                             "driver_opts": {"type": "tmpfs", "device": "tmpfs"}},
    "docker_network_create": {"environment_id": 1, "name": "sweep-net", "driver": "bridge", "internal": True,
                              "attachable": False, "labels": {"by": "sweep"}, "options": {},
                              "ipam": {"Config": [{"Subnet": "10.199.0.0/24"}]}},
    "docker_container_exec": {"environment_id": 1, "id": "web", "command": ["true"], "user": "root", "workdir": "/",
                              "timeout_seconds": 5, "confirm": True},
    "docker_container_logs": {"environment_id": 1, "id": "logger", "since": 1, "until": 2000000000,
                              "stderr": True, "stdout": True, "tail": "5", "timestamps": True},
    "docker_container_top": {"environment_id": 1, "id": "web", "ps_args": "-o pid,comm"},
    "docker_container_stats": {"environment_id": 1, "id": "web"},
    "docker_container_action": {"environment_id": 1, "id": MISSING, "action": "kill", "signal": "SIGTERM"},
    "docker_remove": {"environment_id": 1, "kind": "container", "id": MISSING, "force": True, "volumes": True,
                      "confirm": True},
    "docker_list": {"environment_id": 1, "kind": "image", "all": True, "filters": {"reference": ["mcp-*"]}, "limit": 5,
                    "offset": 0},
    "docker_info": {"environment_id": 1},
    "docker_disk_usage": {"environment_id": 1},
    # Confirmed where nothing the other tests use can go: dangling images,
    # build cache; the held ones still record the reads their preview takes.
    "docker_prune": {"environment_id": 1, "kind": "images", "confirm": True},
    # No registry is reachable here: the request is what counts.
    "docker_image_pull": {"environment_id": 1, "image": "mcp-none/absent:1", "platform": "linux/amd64",
                          "timeout_seconds": 20},
    "swarm_service_list": {"environment_id": 1, "filters": {"name": ["x"]}, "limit": 5, "offset": 0},
    "swarm_service_inspect": {"environment_id": 1, "id": MISSING},
    "swarm_service_scale": {"environment_id": 1, "id": MISSING, "replicas": 2},
    "swarm_service_update": {"environment_id": 1, "id": MISSING, "image": "mcp-busybox:test", "env": {"A": "1"},
                             "force": True},
    "swarm_task_list": {"environment_id": 1, "filters": {"service": [MISSING]}, "limit": 5, "offset": 0},
    "swarm_node_list": {"environment_id": 1, "filters": {"role": ["manager"]}, "limit": 5, "offset": 0},
    "kubernetes_namespace_list": {"environment_id": 3, "with_quota": True, "limit": 5, "offset": 0},
    "kubernetes_resource_list": {"environment_id": 3, "kind": "pods", "namespace": "shop",
                                 "label_selector": "a=b", "field_selector": "status.phase=Running", "limit": 5},
    "kubernetes_resource_get": {"environment_id": 3, "kind": "pods", "name": "web-7d4b9c-x2x", "namespace": "shop"},
    "kubernetes_pod_logs": {"environment_id": 3, "namespace": "shop", "pod": "web-7d4b9c-x2x", "container": "web",
                            "previous": True, "since": "1m", "tail": 5, "timestamps": True},
    "kubernetes_events": {"environment_id": 3, "namespace": "shop", "object": "p", "object_kind": "Pod",
                          "type": "Warning"},
    "kubernetes_scale": {"environment_id": 3, "namespace": "shop", "name": "web", "replicas": 2},
    "kubernetes_rollout_restart": {"environment_id": 3, "namespace": "shop", "name": "web"},
    "kubernetes_rollout_history": {"environment_id": 3, "namespace": "shop", "name": "web"},
    "kubernetes_rollout_undo": {"environment_id": 3, "namespace": "shop", "name": "web", "to_revision": 2},
    "kubernetes_describe": {"environment_id": 3, "api_version": "v1", "kind": "Pod", "name": "web-7d4b9c-x2x", "namespace": "shop"},
    "kubernetes_top": {"environment_id": 3, "of": "pods", "namespace": "shop", "sort_by": "cpu", "limit": 5},
    "kubernetes_pod_exec": {"environment_id": 3, "namespace": "shop", "pod": "p", "container": "c",
                            "command": ["ls", "/"], "timeout_seconds": 2, "idle_seconds": 1, "confirm": True},
    "kubernetes_apply": {"environment_id": 3, "namespace": "shop", "force": True,
                         "manifest": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sweep}\ndata: {a: '1'}\n"},
    "kubernetes_delete": {"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "name": "sweep",
                          "namespace": "shop", "propagation": "orphan", "confirm": True},
    "helm_release_list": {"environment_id": 3, "namespace": "default", "filter": "a", "selector": "owner=helm",
                          "limit": 5, "offset": 0},
    "helm_install": {"environment_id": 3, "chart": "nginx", "name": "sweep", "namespace": "default",
                     "repo": "https://charts.example.test", "values": "a: 1\n", "version": "1.0.0", "atomic": True},
    "helm_uninstall": {"environment_id": 3, "release": "sweep", "namespace": "default", "confirm": True},
    "helm_release_get": {"environment_id": 3, "release": "sweep", "namespace": "default", "revision": 1},
    "helm_history": {"environment_id": 3, "release": "sweep", "namespace": "default"},
    "helm_rollback": {"environment_id": 3, "release": "sweep", "namespace": "default", "revision": 1, "wait": True},
    "environment_snapshot": {"environment_id": NO_ID},
    "environment_create": {"name": "sweep", "kind": "agent", "url": "127.0.0.1:9001", "public_url": "example.test",
                           "group_id": 1, "tag_ids": [1]},
    "swarm_service_rollback": {"environment_id": 1, "id": MISSING},
    "environment_delete": {"environment_id": NO_ID, "confirm": True},
    "stack_create_git": {"environment_id": 1, "name": "sweep", "type": "standalone",
                         "repository_url": "https://git.example.test/sweep.git", "ref": "refs/heads/main",
                         "compose_file": "compose.yml", "env": [{"name": "A", "value": "1"}], "authenticate": True,
                         "repository_username": "u", "repository_password": "p"},
    "activity_log_list": {"limit": 5, "offset": 0, "keyword": "stack", "username": ["admin"], "after": 1,
                          "before": 2, "sortDesc": True},
    "auth_log_list": {"limit": 5, "offset": 0, "keyword": "admin", "after": 1, "before": 2, "sortDesc": True},
    "swarm_service_logs": {"environment_id": 1, "id": MISSING, "tail": "5", "since": 1, "timestamps": True},
    "api_find": {"query": "container logs", "limit": 3},
    # Without a policy it says so, before any request.
    "policy_content_check": {"kind": "compose", "content": "services: {}"},
    "api_describe": {"operation": "DockerContainerLogs"},
    "api_call": {"operation": "EndpointList", "arguments": {"limit": 5, "search": "loc", "groupIds": [1]}},
}


# Further shapes of some tools' requests: other arguments send other
# requests (held calls go as the API server's dry run; a table asks by Accept).
MORE = [
    ("kubernetes_resource_list", {"environment_id": 3, "kind": "Pod", "output": "wide"}),
    ("kubernetes_delete", {"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "label_selector": "app=cache",
                           "namespace": "shop", "confirm": True}),
    ("kubernetes_delete", {"environment_id": 3, "api_version": "v1", "kind": "ConfigMap", "label_selector": "app=cache",
                           "namespace": "shop"}),
    ("kubernetes_apply", {"environment_id": 3, "manifest": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: shop}\n"}),
    ("kubernetes_top", {"environment_id": 3, "of": "nodes"}),
    ("kubernetes_proxy", {"environment_id": 3, "method": "PATCH", "path": "apis/apps/v1/namespaces/shop/deployments/web",
                          "body": [{"op": "replace", "path": "/spec/replicas", "value": 2}], "patch_type": "json", "confirm": True}),
    ("kubernetes_proxy", {"environment_id": 3, "path": "api/v1/namespaces"}),
    ("kubernetes_events", {"environment_id": 3}),
    ("stack_action", {"environment_id": 1, "id": NO_ID, "action": "stop"}),
    ("system_version", {"what": "status"}),
    ("docker_info", {"environment_id": 1, "what": "version"}),
    ("docker_prune", {"environment_id": 1, "kind": "volumes", "all": True}),
    ("docker_prune", {"environment_id": 1, "kind": "build_cache", "all": True, "confirm": True}),
    ("docker_prune", {"environment_id": 1, "kind": "networks"}),
    ("docker_inspect", {"environment_id": 1, "kind": "image", "id": "mcp-busybox:test"}),
    ("docker_inspect", {"environment_id": 1, "kind": "volume", "id": "mcp-data"}),
    ("docker_inspect", {"environment_id": 1, "kind": "network", "id": "mcp-net"}),
    ("docker_list", {"environment_id": 1, "kind": "volume", "filters": {"name": ["mcp-data"]}}),
    ("docker_list", {"environment_id": 1, "kind": "network", "filters": {"name": ["mcp-net"]}, "limit": 5, "offset": 0}),
    # The loops the server runs (issue 28): every request they send checked too.
    ("docker_container_list", {"environment_id": 1, "all": True, "fields": ["RestartCount", "HostConfig.Privileged"]}),
    ("docker_container_list", {"environment_id": "*", "filters": {"label": ["a=b"]}}),
    ("docker_container_logs", {"environment_id": 1, "id": "*", "grep": "hello", "since": "10m"}),
    ("docker_container_logs", {"environment_id": 1, "filters": {"name": ["logger"]}, "until": "2030-01-01T00:00:00Z"}),
    ("kubernetes_pod_logs", {"environment_id": 3, "namespace": "shop", "pod": "app=web", "since": "2026-12-07T08:00:00+01:00"}),
    ("docker_list", {"environment_id": "*", "kind": "image", "filters": {"dangling": ["false"]}}),
    # Changes that finish (issue 29): the waits' reads, a StatefulSet's revisions.
    ("kubernetes_scale", {"environment_id": 3, "namespace": "shop", "name": "stuck", "replicas": 2, "wait": 5}),
    ("kubernetes_rollout_undo", {"environment_id": 3, "namespace": "shop", "name": "db", "kind": "StatefulSet",
                                 "dry_run": True}),
    ("swarm_service_logs", {"environment_id": 1, "id": MISSING, "since": "10m", "grep": "x"}),
    # A stack's webhook: the update's body carries it (the front's stack 7).
    ("stack_update", {"environment_id": 1, "id": 7, "webhook": "new", "env": {"A": "1"}}),
    # A held rollback reads the earlier file by version (Business Edition).
    ("stack_update", {"environment_id": 1, "id": 7, "rollback": True, "dry_run": True}),
]


@pytest.fixture(scope="module")
def upstream():
    for f in (EE_FILE, CE_FILE, DOCKER_FILE):
        if not f.exists():
            pytest.fail(f"{f} is missing (set E2E_UPSTREAM to the directory holding the upstream descriptions)")
    if not K8S_FILE.exists():
        pytest.fail(f"{K8S_FILE} is missing: run .ci/fetch-k8s-openapi.sh {K8S_FILE.parent} (or set E2E_K8S_OPENAPI)")
    return UpstreamCheck()


def rec(method, path, query="", body=None, content_type=None):
    r = {"method": method, "path": path, "query": query, "headers": {"X-API-Key": "<masked>"},
         "content_type": content_type}
    if body is not None:
        r["body"] = body
        r["headers"]["Content-Type"] = content_type
    return r


def form(**fields):
    """A multipart/form-data record body of text fields, and its content type."""
    b = "pmcp-test-boundary"
    parts = "".join(f'--{b}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items())
    return parts + f"--{b}--\r\n", f"multipart/form-data; boundary={b}"


def test_the_check_rejects_what_upstream_does_not_describe(upstream):
    """A control, so that an empty mismatch list below means something."""
    bad = {
        "users/me without its required query": rec("GET", "/api/users/me"),
        "Portainer query of the wrong type": rec("GET", "/api/endpoints", "limit=many"),
        "Portainer query outside its enum": rec("GET", "/api/endpoints", "sort=Colour"),
        "unknown Portainer route": rec("GET", "/api/no/such/route"),
        "method the route lacks": rec("DELETE", "/api/system/version"),
        "non-integer environment id": rec("GET", "/api/endpoints/one/docker/containers/json"),
        "Docker query of the wrong type": rec("GET", "/api/endpoints/1/docker/containers/json", "limit=ten"),
        "unknown Docker route": rec("GET", "/api/endpoints/1/docker/v1.41/containers/web/colour"),
        "Docker method the route lacks": rec("PUT", "/api/endpoints/1/docker/containers/web/restart"),
        "Docker body off its schema": rec("POST", "/api/endpoints/1/docker/containers/create", "name=x1",
                                          '{"Image": 5, "HostConfig": {"RestartPolicy": {"Name": "sometimes"}}}',
                                          "application/json"),
        "Docker body missing where required": rec("POST", "/api/endpoints/1/docker/containers/create", "name=x1"),
        "undeclared Portainer query": rec("GET", "/api/endpoints/1", "excludeSnapshots=true"),
        "undeclared Docker query": rec("GET", "/api/endpoints/1/docker/containers/json", "al=true"),
        "Portainer array sent bare (the server reads name[] only)": rec("GET", "/api/endpoints", "groupIds=1"),
        "Portainer array item of the wrong type": rec("GET", "/api/endpoints", "groupIds%5B%5D=1&groupIds%5B%5D=x"),
        "form field not an integer": rec("POST", "/api/endpoints", "", *form(Name="a", EndpointCreationType="agent")),
        "form field not described": rec("POST", "/api/endpoints", "", *form(Name="a", EndpointCreationType="2", Colour="red")),
        "form without a required field": rec("POST", "/api/endpoints", "", *form(EndpointCreationType="2")),
        "Kubernetes query not described": rec("DELETE", "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/pods/p",
                                              "force=true"),
        "Kubernetes query of the wrong type": rec("GET", "/api/endpoints/3/kubernetes/api/v1/pods", "limit=all"),
        "Kubernetes route not described": rec("GET", "/api/endpoints/3/kubernetes/api/v1/namespaces/shop/widgets"),
        "Kubernetes PATCH without a patch type": rec("PATCH", "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web",
                                                     "", '{"spec": {}}', "application/json"),
        "Kubernetes merge patch that is a list": rec("PATCH", "/api/endpoints/3/kubernetes/apis/apps/v1/namespaces/shop/deployments/web",
                                                     "", '[{"op": "add"}]', "application/merge-patch+json"),
        "pod exec without its container": rec("GET", "/api/websocket/pod", "endpointId=3&namespace=shop&podName=p&command=ls"),
    }
    accepted = {why for why, r in bad.items() if not upstream.check(r)}
    assert accepted == set(), "accepted although off the upstream descriptions"
    assert "noEndpointAuthorizations" in " ".join(upstream.check(bad["users/me without its required query"]))
    body_errors = " ".join(upstream.check(bad["Docker body off its schema"]))
    assert "Image" in body_errors and "sometimes" in body_errors, body_errors


def test_the_check_accepts_what_upstream_describes(upstream):
    good = [
        rec("GET", "/api/users/me", "noEndpointAuthorizations=true"),
        rec("GET", "/api/system/version"),
        rec("GET", "/api/system/status"),
        rec("GET", "/api/endpoints", "start=0&limit=10&sort=Name"),
        rec("GET", "/api/endpoints", "groupIds%5B%5D=1&groupIds%5B%5D=2&types%5B%5D=1"),
        rec("GET", "/api/endpoints/1/docker/containers/json", "all=true&filters=%7B%22name%22%3A%5B%22web%22%5D%7D"),
        rec("GET", "/api/endpoints/1/docker/v1.41/containers/json", "all=1"),
        rec("POST", "/api/endpoints/1/docker/containers/web/restart", "t=1"),
        rec("POST", "/api/endpoints/1/docker/containers/create", "name=x1", '{"Image": "busybox"}', "application/json"),
        rec("POST", "/api/endpoints", "", *form(Name="a", EndpointCreationType="2", URL="h:9001", TLS="true",
                                                 GroupID="1", TagIds="[1,2]")),
        # --team-id's update of a new stack's resource control, as tests/it/toolsets/stacks.rs records it.
        rec("PUT", "/api/resource_controls/19", "",
            '{"AdministratorsOnly": false, "Public": false, "Users": [], "Teams": [1]}', "application/json"),
    ]
    assert {r["path"] + "?" + r["query"]: upstream.check(r) for r in good if upstream.check(r)} == {}
    # Portainer's own routes under the passthrough prefixes are Portainer's;
    # the Kubernetes API behind the other is checked against Kubernetes'
    # own description, but for the Metrics API, which has none here.
    assert upstream.check(rec("GET", "/api/endpoints/1/kubernetes/helm")) == []
    assert upstream.check(rec("GET", "/api/endpoints/1/kubernetes/api/v1/namespaces")) == []
    assert upstream.check(rec("GET", "/api/endpoints/1/kubernetes/api/v1")) == [], "discovery (described as /api/v1/)"
    assert upstream.check(rec("GET", "/api/endpoints/1/kubernetes/apis/metrics.k8s.io/v1beta1/pods")) is None
    # Described by CE 2.39.0 only, with the X-API-Key header standing in for `token`.
    assert upstream.check(rec("GET", "/api/websocket/pod",
                              "endpointId=3&namespace=shop&podName=p&containerName=c&command=ls")) == []


def test_sweep_sends_every_tool_once(world):
    """Gives the check below each tool's request; the answers do not matter
    (most are 404s from the front or the engine), the engine must not change."""
    engine, front, prism = world
    before = engine.states()
    outcomes = {}

    async def go():
        # Straight at the front: Prism would stop what spec/ does not describe,
        # and what upstream says is the question here.
        async with session(front.url, "--toolsets", "all") as s:
            names = {t.name for t in (await s.list_tools()).tools}
            assert names == set(SWEEP), "SWEEP lists every tool exactly once"
            for i, (name, args) in enumerate(list(SWEEP.items()) + MORE):
                key = name if i < len(SWEEP) else f"{name} #{i - len(SWEEP) + 2}"
                try:
                    r = await s.call_tool(name, args)
                    outcomes[key] = ("error: " if r.isError else "ok: ") + text(r)[:120]
                except Exception as e:  # a refusal before any request is an outcome too
                    outcomes[key] = f"raised: {e}"

    asyncio.run(go())
    for name, outcome in outcomes.items():
        print(f"{name}: {outcome}")
    assert engine.states() == before, "the sweep changed no container"


def test_every_recorded_request_matches_upstream(world, upstream, request):
    engine, front, prism = world
    records = front.recorded()
    ran = {item.name for item in request.session.items}
    assert records, "the front recorded requests"
    seen = {(r["method"], r["path"]) for r in records}
    if "test_scenario_1_look_around" in ran:
        assert ("GET", "/api/system/version") in seen, "the start-up version check is recorded"
    if "test_scenario_6_http_mode_with_the_callers_token" in ran:
        assert ("GET", "/api/users/me") in seen, "the HTTP-mode caller check is recorded"
    if "test_sweep_sends_every_tool_once" in ran:
        hooks = [json.loads(r["body"]).get("Webhook") for r in records
                 if (r["method"], r["path"]) == ("PUT", "/api/stacks/7")]
        assert any(len(h or "") == 36 for h in hooks), f"the webhook went with the update: {hooks}"
    unchecked = []
    bad = upstream.mismatches(records, unchecked)
    print(f"{len(records)} requests recorded, {len(bad)} off the upstream descriptions, "
          f"{len(unchecked)} to the Metrics API (no description here): {sorted(set(unchecked))}")
    assert bad == [], "requests that do not match the upstream descriptions:\n" + "\n".join(dict.fromkeys(bad))


VERB_OF_ACTION = {"list": "list", "post": "create", "deletecollection": "deletecollection", "get": "get",
                  "put": "update", "delete": "delete", "patch": "patch", "watch": "watch", "watchlist": "watch"}


def described_resources(doc, prefix):
    """What kube-apiserver's discovery would list for `prefix` (api/v1,
    apis/apps/v1), derived from the description: name -> (namespaced, kind,
    verbs)."""
    out = {}
    for path, item in doc["paths"].items():
        if not path.startswith(f"/{prefix}/"):
            continue
        rest = path[len(prefix) + 2:].strip("/").removeprefix("watch/")
        namespaced = rest.startswith("namespaces/{namespace}/")
        parts = rest.removeprefix("namespaces/{namespace}/").split("/")
        if len(parts) == 1 or (len(parts) == 2 and parts[1] == "{name}"):
            name, sub = parts[0], False
        elif len(parts) == 3 and parts[1] == "{name}":
            name, sub = f"{parts[0]}/{parts[2]}", True
        else:
            continue
        was_ns, kind, verbs = out.get(name, (False, None, set()))
        for method, op in item.items():
            if method == "parameters":
                continue
            verbs.add(VERB_OF_ACTION.get(op.get("x-kubernetes-action"), op.get("x-kubernetes-action")))
            kind = kind or op.get("x-kubernetes-group-version-kind", {}).get("kind")
        out[name] = (was_ns or namespaced, kind, verbs)
    return out


def test_the_stand_ins_discovery_is_what_kubernetes_describes(world):
    """The stand-in's hand-written discovery lists (environment 3, behind
    the front) against Kubernetes v1.27.0's own description: every resource
    it lists exists there, namespaced or not alike, of the same kind, with
    the verbs the description gives it."""
    import urllib.request
    engine, front, prism = world
    doc = json.loads(K8S_FILE.read_text())
    for prefix in ("api/v1", "apis/apps/v1"):
        req = urllib.request.Request(f"{front.url}/api/endpoints/3/kubernetes/{prefix}", headers={"X-API-Key": TOKEN})
        listed = json.loads(urllib.request.urlopen(req).read())["resources"]
        described = described_resources(doc, prefix)
        assert listed, prefix
        for r in listed:
            assert r["name"] in described, f"{prefix}: {r['name']} is not in Kubernetes v1.27.0"
            namespaced, kind, verbs = described[r["name"]]
            assert (r["namespaced"], r["kind"], sorted(r["verbs"])) == (namespaced, kind, sorted(verbs)), \
                f"{prefix} {r['name']}: stand-in {r} vs described {(namespaced, kind, sorted(verbs))}"
