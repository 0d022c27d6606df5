"""Agent-task benchmark: what a model reads to get real answers.

Each task is a question a platform engineer asks, scripted twice as the tool
calls a competent agent makes: once with this project's tools, once with
Portainer's own Python server mcp-portainer 2.45.3. Both run against the
end-to-end suite's scene (tests/e2e/conftest.py): a real Docker engine behind
the Portainer-shaped front (environment 1: containers logger, web, worker,
bystander; volume mcp-data; network mcp-net) and the Rust stand-in's
Kubernetes API (environment 3: namespace shop, crash-looping pod
web-7d4b9c-x2x, events, metrics).

Per task and server it counts the tool calls and the bytes the model reads:
tools/list once (the JSON of the tools array, per server configuration) plus
each result's text content (structuredContent only where a result has no
text). A task is answered when the facts its check takes from the engine or
the stand-in directly appear in the answer the script built from its results.

    python3 bench/agent_tasks.py                          # both servers, table + bench/agent_results.json
    python3 bench/agent_tasks.py --only ours --check      # CI: fail on a task worse than its budget
    python3 bench/agent_tasks.py --only ours --record     # rewrite bench/agent_budgets.json

Needs root, dockerd and busybox-static (as the e2e suite), the debug
binaries target/debug/portainer-mcp and portainer-standin, and the official
`mcp` SDK. mcp-portainer is installed from PyPI into bench/.venv-mcp-portainer
on first use.
"""

import argparse
import builtins
import asyncio
import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import urllib.request
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Awaitable, Callable

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import McpError

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests" / "e2e"))
sys.path.insert(0, str(HERE))

from docblock import command_line, write_block  # noqa: E402

try:
    import pytest  # noqa: F401  (conftest imports it; CI installs it)
except ImportError:
    # conftest only needs pytest.fail and pytest.fixture outside a test run.
    _shim = types.ModuleType("pytest")

    def _fail(msg, pytrace=True):
        raise RuntimeError(msg)

    _shim.fail = _fail
    _shim.fixture = lambda *a, **k: a[0] if a and callable(a[0]) else (lambda f: f)
    sys.modules["pytest"] = _shim

import conftest  # noqa: E402

PEER_VERSION = "2.45.3"
PEER_VENV = HERE / ".venv-mcp-portainer"
RESULTS = HERE / "agent_results.json"
BUDGETS = HERE / "agent_budgets.json"
BYTES_MARGIN = 0.10
CALL_TIMEOUT = timedelta(seconds=90)
DOCKER, KUBE = 1, 3  # the scene's environment ids


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --- what the model reads ----------------------------------------------------------

class ToolFailed(Exception):
    pass


def result_text(result):
    """What the model reads of a CallToolResult: its text content, or the
    structured content when there is no text."""
    text = "".join(c.text for c in result.content if getattr(c, "type", None) == "text")
    if not text and result.structuredContent is not None:
        text = json.dumps(result.structuredContent, ensure_ascii=False)
    return text


def parse(text):
    """JSON, also followed by mcp-portainer's "[N env value(s) redacted...]"
    note; anything else (logs) stays text."""
    for candidate in (text, text.rpartition("\n\n[")[0]):
        try:
            return json.loads(candidate)
        except ValueError:
            pass
    return text


def nbytes(text):
    return len(text.encode("utf-8"))


class Agent:
    """One conversation: every tool call goes through here and is counted."""

    def __init__(self, session):
        self.session = session
        self.calls = []
        self.texts = []

    async def call(self, tool, args):
        try:
            result = await self.session.call_tool(tool, args, read_timeout_seconds=CALL_TIMEOUT)
            text, failed = result_text(result), bool(result.isError)
        except McpError as e:  # refused at the protocol level: the model reads the error
            text, failed = str(e), True
        self.calls.append({"tool": tool, "args": args, "bytes": nbytes(text), "error": failed})
        self.texts.append(text)
        if failed:
            raise ToolFailed(f"{tool}: {text[:300]}")
        return parse(text)


def tools_list_bytes(tools):
    return nbytes(json.dumps([t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools],
                             separators=(",", ":"), ensure_ascii=False))


# --- the two servers -------------------------------------------------------------------

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}


class Ours:
    key = "ours"

    def __init__(self, binary):
        self.binary = binary

    def params(self, url, toolsets):
        # Default toolsets unless a task needs more (then that tools/list is counted).
        args = ["--toolsets", ",".join(("default", *toolsets))] if toolsets else []
        return StdioServerParameters(command=str(self.binary), args=args,
                                     env={**BASE_ENV, "PORTAINER_URL": url, "PORTAINER_TOKEN": conftest.TOKEN})

    def config(self, toolsets):
        return "default" + "".join("," + t for t in toolsets)

    async def opening(self, agent):
        pass

    def version(self):
        return subprocess.run([str(self.binary), "--version"], capture_output=True, text=True).stdout.strip()


class Peer:
    """mcp-portainer in its default configuration: read-write, profiles
    BASE,DOCKER,KUBERNETES,GITOPS, proxies on, guidance gate on."""
    key = "mcp-portainer"

    def __init__(self, exe):
        self.exe = exe

    def params(self, url, toolsets):
        return StdioServerParameters(command=str(self.exe), args=[], env={
            **BASE_ENV, "PORTAINER_URL": url, "PORTAINER_API_KEY": conftest.TOKEN,
            "PORTAINER_MCP_LOG_LEVEL": "ERROR"})  # stderr only; nothing the model reads

    def config(self, toolsets):
        return "default"

    async def opening(self, agent):
        # Its instructions tell the model to call get_guidance once at the start
        # of any task, and its gate answers the first other call of a
        # conversation with the same guide instead of running it: either way
        # the model reads the guide once per conversation.
        await agent.call("get_guidance", {})

    def version(self):
        return f"mcp-portainer {PEER_VERSION}"


def peer_exe():
    exe = PEER_VENV / "bin" / "mcp-portainer"
    if not exe.exists():
        log(f"installing mcp-portainer {PEER_VERSION} into {PEER_VENV}")
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(PEER_VENV / "bin" / "pip"), "install", "-q", "--disable-pip-version-check",
                        f"mcp-portainer=={PEER_VERSION}"], check=True)
    return exe


# --- the scene ---------------------------------------------------------------------------

class Scene:
    """The e2e fixtures, started and stopped by PID like the suite does."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="pmcp-agent-"))
        self.engine = conftest.Engine(self.base)
        self.front = conftest.Front(self.engine)

    def start(self):
        self.engine.start()
        self.engine.populate()
        self.front.start()
        # The scene's containers idle at near-equal memory, whose order drifts
        # from one sample to the next; 16 MiB of tmpfs in logger (charged to
        # its cgroup, not page cache) gives "which uses the most" one answer.
        self.docker("exec", "logger", "busybox", "dd", "if=/dev/zero", "of=/dev/shm/ballast", "bs=1M", "count=16")
        # logger writes a line a second: once it has more than the 20 lines
        # a task reads, that task reads the same bytes however late it runs.
        conftest.wait_for(lambda: len(self.docker("logs", "--tail", "25", "logger").splitlines()) >= 22,
                          "logger's first 22 lines", timeout=60)

    def stop(self):
        self.front.stop()
        self.engine.stop()
        shutil.rmtree(self.base, ignore_errors=True)

    @property
    def url(self):
        return self.front.url

    def docker(self, *args):
        return self.engine.docker(*args)

    def api(self, path):
        """A raw GET on the front: the checks' own view of the truth."""
        req = urllib.request.Request(self.front.url + path, headers={"X-API-Key": conftest.TOKEN})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def started(self, name):
        return self.engine.inspect(name)["State"]["StartedAt"]

    def restore(self):
        """Leave every container running, as found; says which were not."""
        stopped = [n for n, (running, _, _) in self.engine.states().items() if not running]
        for name in stopped:
            self.docker("start", name)
        return stopped


# --- helpers the scripts share (the agent's own reading of results) ---------------------

ERRORS = r"(?i)error|oops|fail|fatal|panic"  # what an agent greps a log for


def unwrap(value):
    """Our server answers a `select` as {selected: ...}."""
    return value["selected"] if isinstance(value, dict) and "selected" in value else value


def log_text(value):
    """Our logs: plain text, or {result: text} (both shapes are in use)."""
    return value["result"] if isinstance(value, dict) else value


def docker_log_lines(text):
    """Docker's raw log stream, as mcp-portainer's proxy passes it on: each
    line led by an 8-byte frame header."""
    return [line[8:] if line[:1] in ("\x01", "\x02") else line for line in text.splitlines() if line]


def cpu_millicores(q):
    units = {"n": 1e-6, "u": 1e-3, "m": 1.0}
    return float(q[:-1]) * units[q[-1]] if q[-1] in units else float(q) * 1000


def mem_bytes(text):
    m = re.match(r"([\d.]+)\s*([KMGT]?i?B)", text)
    scale = {"B": 1, "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "kB": 1e3, "KB": 1e3, "MB": 1e6, "GB": 1e9}
    return float(m.group(1)) * scale[m.group(2)]


def containers_answer(pairs):
    return "\n".join(f"{name.lstrip('/')}: {image}" for name, image in sorted(pairs))


def reclaimable(df):
    """What `docker system df` counts as reclaimable, from a df projection."""
    images = sum(i["size"] for i in df["images"] or [] if i["containers"] == 0)
    containers = sum(c["size"] or 0 for c in df["containers"] or [] if c["state"] != "running")
    volumes = sum(v["size"] or 0 for v in df["volumes"] or [] if v["refs"] == 0)
    cache = sum(c["size"] for c in df["cache"] or [] if not c["in_use"])
    return images + containers + volumes + cache


def mib(n):
    return f"{round(n / 1048576, 1)} MiB"


def df_answer(df):
    size = sum(i["size"] for i in df["images"] or [])
    return f"images {mib(size)}; reclaimable {mib(reclaimable(df))}"


def action_state(done):
    """docker_container_action's answer: the state it left the container in."""
    return {"running": done["state"]["running"], "started": done["state"]["started_at"]}


def state_answer(name, state):
    return f"{name} running={state['running']} since {state['started']}"


def crash_answer(container, events, previous_log):
    last = container["last"]
    warnings = ", ".join(f"{e['reason']} x{e['count']}" for e in events if e.get("type") == "Warning")
    return (f"{container['name']}: {container['waiting']}, exit code {last['exit_code']} ({last['reason']}), "
            f"{container['restarts']} restarts; warnings: {warnings}; previous log: {previous_log.strip()!r}")


def warnings_answer(events):
    return "; ".join(f"{e['object']}: {e['reason']} ({e['message']})" for e in events)


# --- the tasks: each with its two scripts side by side ------------------------------------
# A script is `async (agent) -> answer text`, built only from what its calls
# returned. Where our tools change, the calls to adapt are in the `ours_*`
# functions below and nowhere else.

DF_SELECT = ("{images: Images[].{tags: RepoTags, size: Size, containers: Containers}, "
             "containers: Containers[].{name: Names[0], state: State, size: SizeRw}, "
             "volumes: Volumes[].{name: Name, size: UsageData.Size, refs: UsageData.RefCount}, "
             "cache: BuildCache[].{size: Size, in_use: InUse}}")
STATE_SELECT = "State.{running: Running, started: StartedAt}"


# 1. Which environments exist?
async def ours_environments(a):
    envs = await a.call("environment_list", {})
    return ", ".join(f"{e['Name']} (id {e['Id']})" for e in envs["items"])


async def theirs_environments(a):
    envs = await a.call("EndpointList", {"select": "[].{id:Id,name:Name,type:Type,status:Status}"})
    return ", ".join(f"{e['name']} (id {e['id']})" for e in envs)


def expect_environments(scene, before):
    return [f"{e['Name']} (id {e['Id']})" for e in scene.api("/api/endpoints")]


# 2. Which containers are running, from which images?
async def ours_running(a):
    listed = await a.call("docker_container_list", {"environment_id": DOCKER})
    return containers_answer((c["Names"][0], c["Image"]) for c in listed["items"])


async def theirs_running(a):
    listed = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/json",
                                           "select": "[].{id:Id,name:Names[0],state:State,image:Image,status:Status}"})
    return containers_answer((c["name"], c["image"]) for c in listed)


def expect_running(scene, before):
    rows = scene.docker("ps", "--format", "{{.Names}}\t{{.Image}}").splitlines()
    return containers_answer(tuple(r.split("\t")) for r in rows).splitlines()


# 3. logger's last 20 lines, and its error lines.
async def ours_logger(a):
    tail = await a.call("docker_container_logs", {"environment_id": DOCKER, "id": "logger", "tail": 20})
    errors = await a.call("docker_container_logs", {"environment_id": DOCKER, "id": "logger", "tail": "all",
                                                    "grep": ERRORS})
    return f"last lines:\n{log_text(tail)}\nerrors:\n{log_text(errors)}"


async def theirs_logger(a):
    # No grep on its side; errors go to stderr, so stderr alone is the narrow read.
    tail = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/logger/logs",
                                         "query_params": {"stdout": "true", "stderr": "true", "tail": "20"}})
    errors = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/logger/logs",
                                           "query_params": {"stdout": "false", "stderr": "true", "tail": "all"}})
    return "last lines:\n" + "\n".join(docker_log_lines(tail)) + "\nerrors:\n" + "\n".join(docker_log_lines(errors))


def expect_logger(scene, before):
    out = subprocess.run(["docker", "-H", f"unix://{scene.engine.sock}", "logs", "--tail", "all", "logger"],
                         capture_output=True, text=True)
    errors = [line for line in out.stderr.splitlines() if re.search(ERRORS, line)]
    return [out.stdout.splitlines()[-1], *errors]


# 4. Which container uses the most memory?
async def ours_top_memory(a):
    top = await a.call("docker_container_stats", {"environment_id": DOCKER, "sort_by": "memory", "limit": 1})
    c = top["items"][0]
    return f"most memory: {c['name']} ({c['memory_mib']} MiB)"


async def theirs_top_memory(a):
    names = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/json",
                                          "select": "[].Names[0]"})
    usage = {}
    for name in names:  # one stats call per container: no endpoint has them all
        s = await a.call("docker_proxy", {"environment_id": DOCKER, "path": f"/containers/{name.lstrip('/')}/stats",
                                          "query_params": {"stream": "false"},
                                          "select": "{usage:memory_stats.usage,inactive:memory_stats.stats.inactive_file}"})
        usage[name.lstrip("/")] = s["usage"] - (s["inactive"] or 0)  # as docker stats counts it
    name = max(usage, key=usage.get)
    return f"most memory: {name} ({usage[name] / 2**20:.1f} MiB)"


def expect_top_memory(scene, before):
    rows = scene.docker("stats", "--no-stream", "--format", "{{.Name}}\t{{.MemUsage}}").splitlines()
    mem = {n: mem_bytes(u) for n, u in (r.split("\t") for r in rows)}
    # Memory moves between samples: any container within 10% of the largest counts.
    return [tuple(f"most memory: {n} " for n, m in mem.items() if m >= 0.9 * max(mem.values()))]


# 5. Disk usage and what could be reclaimed.
async def ours_disk(a):
    # The tool sums it up as docker system df does.
    df = await a.call("docker_disk_usage", {"environment_id": DOCKER})
    return f"images {df['images']['size_mib']} MiB; reclaimable {df['reclaimable_mib']} MiB"


async def theirs_disk(a):
    return df_answer(await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/system/df", "select": DF_SELECT}))


def expect_disk(scene, before):
    ids = scene.docker("image", "ls", "-q").split()
    size = sum(json.loads(scene.docker("image", "inspect", "--format", "{{json .Size}}", i)) for i in set(ids))
    facts = [f"images {mib(size)}"]
    rows = [json.loads(r) for r in scene.docker("system", "df", "--format", "{{json .}}").splitlines()]
    if all(r["Reclaimable"].startswith("0B") for r in rows):
        facts.append("reclaimable 0.0 MiB")
    return facts


# 6. web's environment variables (values of secrets stay hidden).
async def ours_web_env(a):
    env = unwrap(await a.call("docker_inspect", {"environment_id": DOCKER, "id": "web", "select": "Config.Env"}))
    return "\n".join(env)


async def theirs_web_env(a):
    env = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/web/json", "select": "Config.Env"})
    return "\n".join(env)


def expect_web_env(scene, before):
    return [v.split("=", 1)[0] + "=" for v in scene.engine.inspect("web")["Config"]["Env"]]


# 7. Volumes, and which are unused.
async def ours_volumes(a):
    every = await a.call("docker_list", {"environment_id": DOCKER, "kind": "volume"})
    unused = await a.call("docker_list", {"environment_id": DOCKER, "kind": "volume", "filters": {"dangling": ["true"]}})
    names = lambda r: ", ".join(v["Name"] for v in r["items"]) or "none"  # noqa: E731
    return f"volumes: {names(every)}; unused: {names(unused)}"


async def theirs_volumes(a):
    every = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/volumes", "select": "Volumes[].Name"})
    unused = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/volumes", "select": "Volumes[].Name",
                                           "query_params": {"filters": {"dangling": ["true"]}}})
    return f"volumes: {', '.join(every or []) or 'none'}; unused: {', '.join(unused or []) or 'none'}"


def expect_volumes(scene, before):
    every = ", ".join(sorted(scene.docker("volume", "ls", "-q").split())) or "none"
    unused = ", ".join(sorted(scene.docker("volume", "ls", "-q", "-f", "dangling=true").split())) or "none"
    return [f"volumes: {every}; unused: {unused}"]


# 8. Restart web and confirm it runs again. (t=1: the scene's sleep ignores
# SIGTERM; a shorter wait keeps the run short and changes no byte.)
async def ours_restart_web(a):
    # The action answers with the state it left the container in.
    done = await a.call("docker_container_action", {"environment_id": DOCKER, "id": "web", "action": "restart", "t": 1})
    return state_answer("web", action_state(done))


async def theirs_restart_web(a):
    await a.call("docker_proxy", {"environment_id": DOCKER, "method": "POST", "path": "/containers/web/restart",
                                  "query_params": {"t": "1"}})
    state = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/web/json", "select": STATE_SELECT})
    return state_answer("web", state)


def expect_restarted(name):
    def expect(scene, before):
        now = scene.started(name)
        # A start time the engine had before the task proves nothing.
        return [f"{name} running=True since {now}" if now != before[name] else f"{name} was not restarted"]
    return expect


# 9. Stop worker, start it again, confirm.
async def ours_stop_start(a):
    await a.call("docker_container_action", {"environment_id": DOCKER, "id": "worker", "action": "stop", "t": 1})
    done = await a.call("docker_container_action", {"environment_id": DOCKER, "id": "worker", "action": "start"})
    return state_answer("worker", action_state(done))


async def theirs_stop_start(a):
    await a.call("docker_proxy", {"environment_id": DOCKER, "method": "POST", "path": "/containers/worker/stop",
                                  "query_params": {"t": "1"}})
    await a.call("docker_proxy", {"environment_id": DOCKER, "method": "POST", "path": "/containers/worker/start"})
    state = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/worker/json", "select": STATE_SELECT})
    return state_answer("worker", state)


# 10. Why is pod web-7d4b9c-x2x crash-looping?
POD = "/api/v1/namespaces/shop/pods/web-7d4b9c-x2x"


async def ours_crashloop(a):
    d = await a.call("kubernetes_describe", {"environment_id": KUBE, "kind": "Pod", "name": "web-7d4b9c-x2x",
                                             "namespace": "shop"})
    logs = await a.call("kubernetes_pod_logs", {"environment_id": KUBE, "namespace": "shop", "pod": "web-7d4b9c-x2x",
                                                "previous": True, "tail": 50})
    c = d["containers"][0]
    container = {"name": c["name"], "waiting": c["state"]["waiting"], "restarts": c["restarts"],
                 "last": {"exit_code": c["last_termination"]["exit_code"], "reason": c["last_termination"]["terminated"]}}
    return crash_answer(container, d["events"], log_text(logs))


async def theirs_crashloop(a):
    pod = await a.call("kubernetes_proxy", {"environment_id": KUBE, "path": POD, "select":
                                            "{phase:status.phase,containers:status.containerStatuses[].{name:name,"
                                            "restarts:restartCount,state:state,last:lastState}}"})
    events = await a.call("kubernetes_proxy", {"environment_id": KUBE, "path": "/api/v1/namespaces/shop/events",
                                               "query_params": {"fieldSelector": "involvedObject.name=web-7d4b9c-x2x"},
                                               "select": "items[].{type:type,reason:reason,message:message,"
                                                         "count:count || series.count}"})
    logs = await a.call("kubernetes_proxy", {"environment_id": KUBE, "path": POD + "/log",
                                             "query_params": {"previous": "true", "tailLines": "50"}})
    c = pod["containers"][0]
    term = c["last"]["terminated"]
    container = {"name": c["name"], "waiting": c["state"]["waiting"]["reason"], "restarts": c["restarts"],
                 "last": {"exit_code": term["exitCode"], "reason": term["reason"]}}
    return crash_answer(container, events, logs)


def expect_crashloop(scene, before):
    c = scene.api(f"/api/endpoints/{KUBE}/kubernetes{POD}")["status"]["containerStatuses"][0]
    events = scene.api(f"/api/endpoints/{KUBE}/kubernetes/api/v1/namespaces/shop/events")["items"]
    return [c["state"]["waiting"]["reason"], f"exit code {c['lastState']['terminated']['exitCode']}",
            *(e["reason"] for e in events if e["type"] == "Warning")]


# 11. Which pods in shop use the most CPU?
async def ours_pods_cpu(a):
    top = await a.call("kubernetes_top", {"environment_id": KUBE, "of": "pods", "namespace": "shop", "sort_by": "cpu"})
    return " > ".join(p["name"] for p in top["items"])


async def theirs_pods_cpu(a):
    pods = await a.call("kubernetes_proxy", {"environment_id": KUBE,
                                             "path": "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods",
                                             "select": "items[].{name:metadata.name,cpu:containers[].usage.cpu}"})
    cpu = {p["name"]: sum(cpu_millicores(q) for q in p["cpu"]) for p in pods}
    return " > ".join(sorted(cpu, key=cpu.get, reverse=True))


def expect_pods_cpu(scene, before):
    items = scene.api(f"/api/endpoints/{KUBE}/kubernetes/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods")["items"]
    cpu = {p["metadata"]["name"]: sum(cpu_millicores(c["usage"]["cpu"]) for c in p["containers"]) for p in items}
    return [" > ".join(sorted(cpu, key=cpu.get, reverse=True))]


# 12. Warning events in namespace shop.
async def ours_warnings(a):
    events = await a.call("kubernetes_events", {"environment_id": KUBE, "namespace": "shop", "type": "Warning"})
    return warnings_answer({"object": e["object"].split("/")[-1], "reason": e["reason"], "message": e["message"]}
                           for e in events["items"] if e["type"] == "Warning")


async def theirs_warnings(a):
    events = await a.call("kubernetes_proxy", {"environment_id": KUBE, "path": "/api/v1/namespaces/shop/events",
                                               "query_params": {"fieldSelector": "type=Warning"},
                                               "select": "items[].{type:type,object:involvedObject.name,"
                                                         "reason:reason,message:message}"})
    return warnings_answer(e for e in events if e["type"] == "Warning")


def expect_warnings(scene, before):
    items = scene.api(f"/api/endpoints/{KUBE}/kubernetes/api/v1/namespaces/shop/events")["items"]
    return [f"{e['involvedObject']['name']}: {e['reason']} ({e['message']})" for e in items if e["type"] == "Warning"]


# 13. Restart policies and restart counts of every container (issue 28: the
# list rows lack them; ours fills them per row, the peer inspects each).
def policies_answer(rows):
    return "\n".join(f"{n}: restart={p or 'no'} restarts={r}" for n, p, r in sorted(rows))


async def ours_policies(a):
    listed = await a.call("docker_container_list", {
        "environment_id": DOCKER, "all": True, "fields": ["HostConfig.RestartPolicy.Name", "RestartCount"]})
    return policies_answer((c["Names"][0].lstrip("/"), c["fields"]["HostConfig"]["RestartPolicy"]["Name"],
                            c["fields"]["RestartCount"]) for c in listed["items"])


async def theirs_policies(a):
    names = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/json",
                                          "query_params": {"all": "true"}, "select": "[].Names[0]"})
    rows = []
    for n in names:
        i = await a.call("docker_proxy", {"environment_id": DOCKER, "path": f"/containers{n}/json",
                                          "select": "{p:HostConfig.RestartPolicy.Name,r:RestartCount}"})
        rows.append((n.lstrip("/"), i["p"], i["r"]))
    return policies_answer(rows)


def expect_policies(scene, before):
    ids = scene.docker("ps", "-aq").split()
    rows = [(c["Name"].lstrip("/"), c["HostConfig"]["RestartPolicy"]["Name"], c["RestartCount"])
            for c in json.loads(scene.docker("inspect", *ids))]
    return policies_answer(rows).splitlines()


# 14. Which running containers logged a line in the last hour (every log at once).
NEEDLE = "hello-from-logger"


async def ours_grep_running(a):
    out = await a.call("docker_container_logs", {"environment_id": DOCKER, "id": "*", "grep": NEEDLE,
                                                 "since": "1h"})
    return "logged it: " + ", ".join(i["container"] for i in out["items"])


async def theirs_grep_running(a):
    names = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/json",
                                          "select": "[].Names[0]"})
    since = str(int(time.time()) - 3600)
    hits = []
    for n in names:
        await a.call("docker_proxy", {"environment_id": DOCKER, "path": f"/containers{n}/logs",
                                      "query_params": {"stdout": "true", "stderr": "true", "since": since}})
        # The result as the model reads it (a log may parse as JSON).
        if any(NEEDLE in line for line in docker_log_lines(a.texts[-1])):
            hits.append(n.lstrip("/"))
    return "logged it: " + ", ".join(hits)


def expect_grep_running(scene, before):
    return ["logged it: logger"]


# 15. A Deployment's logs: its pods, each from its default container.
async def ours_workload_logs(a):
    out = await a.call("kubernetes_pod_logs", {"environment_id": KUBE, "namespace": "shop",
                                               "pod": "deployment/api", "grep": "ready"})
    return "\n".join(i["lines"].strip() for i in out["items"])


async def theirs_workload_logs(a):
    labels = await a.call("kubernetes_proxy", {"environment_id": KUBE,
                                               "path": "/apis/apps/v1/namespaces/shop/deployments/api",
                                               "select": "spec.selector.matchLabels"})
    selector = ",".join(f"{k}={v}" for k, v in labels.items())
    pods = await a.call("kubernetes_proxy", {
        "environment_id": KUBE, "path": "/api/v1/namespaces/shop/pods", "query_params": {"labelSelector": selector},
        "select": "items[].{n:metadata.name,c:spec.containers[0].name,"
                  "d:metadata.annotations.\"kubectl.kubernetes.io/default-container\"}"})
    lines = []
    for p in pods:
        await a.call("kubernetes_proxy", {"environment_id": KUBE,
                                          "path": f"/api/v1/namespaces/shop/pods/{p['n']}/log",
                                          "query_params": {"container": p["d"] or p["c"]}})
        lines += [line for line in a.texts[-1].splitlines() if "ready" in line]
    return "\n".join(lines)


def expect_workload_logs(scene, before):
    return ["api-1/app ready", "api-2/istio-proxy ready"]


# 16. A question over every environment: where does an image run?
IMAGE = "mcp-busybox:test"


def where_answer(rows):
    return "\n".join(f"{env}: {', '.join(sorted(names))}" for env, names in sorted(rows) if names)


async def ours_fleet_image(a):
    out = await a.call("docker_container_list", {"environment_id": "*", "filters": {"ancestor": [IMAGE]},
                                                 "select": "items[].Names[0]"})
    return where_answer((e["environment"], [n.lstrip("/") for n in e["selected"]]) for e in out["items"])


async def theirs_fleet_image(a):
    envs = await a.call("EndpointList", {"select": "[?Type==`1` || Type==`2`].{id:Id,name:Name}"})
    rows = []
    for e in envs:
        names = await a.call("docker_proxy", {"environment_id": e["id"], "path": "/containers/json",
                                              "query_params": {"filters": json.dumps({"ancestor": [IMAGE]})},
                                              "select": "[].Names[0]"})
        rows.append((e["name"], [n.lstrip("/") for n in names]))
    return where_answer(rows)


def expect_fleet_image(scene, before):
    names = scene.docker("ps", "--filter", f"ancestor={IMAGE}", "--format", "{{.Names}}").split()
    env = scene.api("/api/endpoints")[0]["Name"]
    return [where_answer([(env, names)])]


# 17. A webhook that redeploys a stack (issue 28: the caller makes up the
# UUID; ours makes it and answers the URL).
async def ours_stack_webhook(a):
    out = await a.call("stack_update", {"id": 7, "environment_id": DOCKER, "webhook": "new"})
    return f"webhook: {out['webhook']['url']}"


async def theirs_stack_webhook(a):
    import uuid
    f = await a.call("StackFileInspect", {"id": 7})
    hook = str(uuid.uuid4())
    await a.call("StackUpdate", {"id": 7, "endpointId": DOCKER, "StackFileContent": f["StackFileContent"],
                                 "Env": [], "Webhook": hook})
    return f"webhook: /api/stacks/webhooks/{hook}"


def expect_stack_webhook(scene, before):
    hook = scene.api("/api/stacks/7")["Webhook"]
    return [f"/api/stacks/webhooks/{hook}"] if hook else ["a webhook on stack 7"]


# 18. Roll a Deployment back to its previous revision (issue 29).
RS_PATH = "/apis/apps/v1/namespaces/shop/replicasets"


async def ours_rollback(a):
    out = await a.call("kubernetes_rollout_undo", {"environment_id": KUBE, "namespace": "shop", "name": "web"})
    return f"web rolled back to revision {out['rolled_back_to']}: {', '.join(out['images'])}"


async def theirs_rollback(a):
    rs = await a.call("kubernetes_proxy", {
        "environment_id": KUBE, "path": RS_PATH, "query_params": {"labelSelector": "app=web"},
        "select": "items[?metadata.ownerReferences[?name=='web']].{r:metadata.annotations.\"deployment.kubernetes.io/revision\","
                  "t:spec.template}"})
    revs = sorted(rs, key=lambda x: int(x["r"]))
    prev = revs[-2]
    template = prev["t"]
    template["metadata"]["labels"].pop("pod-template-hash", None)
    await a.call("kubernetes_proxy", {"environment_id": KUBE, "method": "PATCH",
                                      "path": "/apis/apps/v1/namespaces/shop/deployments/web",
                                      "body": [{"op": "replace", "path": "/spec/template", "value": template}],
                                      "headers": {"Content-Type": "application/json-patch+json"}})
    images = ", ".join(c["image"] for c in template["spec"]["containers"])
    return f"web rolled back to revision {prev['r']}: {images}"


def expect_rollback(scene, before):
    items = scene.api(f"/api/endpoints/{KUBE}/kubernetes{RS_PATH}?labelSelector=app%3Dweb")["items"]
    mine = [i for i in items if any(o.get("name") == "web" for o in i["metadata"].get("ownerReferences", []))]
    mine.sort(key=lambda i: int(i["metadata"]["annotations"]["deployment.kubernetes.io/revision"]))
    prev = mine[-2]
    images = ", ".join(c["image"] for c in prev["spec"]["template"]["spec"]["containers"])
    return [f"revision {prev['metadata']['annotations']['deployment.kubernetes.io/revision']}: {images}"]


# 19. Change a stack and say that it runs (issue 29: the update waits).
NEW_COMMAND = '["sleep", "1800"]'


def stack_file_with_new_command(text):
    return re.sub(r"command: .*", f"command: {NEW_COMMAND}", text, count=1)


async def ours_stack_change(a):
    f = await a.call("stack_file_get", {"id": 7})
    out = await a.call("stack_update", {"id": 7, "environment_id": DOCKER, "wait": 60,
                                        "file": stack_file_with_new_command(f["StackFileContent"])})
    run = out["running"]
    return "\n".join(f"{c['service']}: {c['state']} ({c['verdict']})" for c in run["containers"])


async def theirs_stack_change(a):
    f = await a.call("StackFileInspect", {"id": 7})
    await a.call("StackUpdate", {"id": 7, "endpointId": DOCKER, "Env": [],
                                 "StackFileContent": stack_file_with_new_command(f["StackFileContent"])})
    return await look_at_shop(a)


def expect_stack_change(scene, before):
    return shop_running(scene, json.loads(NEW_COMMAND)) or ["a container running the new command"]


def shop_running(scene, command):
    """`service: state` of the shop stack's containers running `command`."""
    ids = scene.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=shop").split()
    rows = json.loads(scene.docker("inspect", *ids)) if ids else []
    return [f"{c['Config']['Labels']['com.docker.compose.service']}: {c['State']['Status']}" for c in rows
            if c["Config"]["Cmd"] == command]


async def look_at_shop(a):
    """The peer's way to see the stack run: its containers by their compose project label."""
    rows = await a.call("docker_proxy", {"environment_id": DOCKER, "path": "/containers/json",
                                         "query_params": {"all": "true", "filters": json.dumps(
                                             {"label": ["com.docker.compose.project=shop"]})},
                                         "select": "[].{s:Labels.\"com.docker.compose.service\",st:State}"})
    return "\n".join(f"{r['s']}: {r['st']} (ok)" for r in rows)


# 20. The stack broke after its last change: back to the file before, and
# say that it runs (issue 29: Business Edition keeps earlier stack files).
async def ours_stack_rollback(a):
    out = await a.call("stack_update", {"id": 7, "environment_id": DOCKER, "rollback": True, "wait": 60})
    run = out["running"]
    return "\n".join(f"{c['service']}: {c['state']} ({c['verdict']})" for c in run["containers"])


async def theirs_stack_rollback(a):
    st = await a.call("StackInspect", {"id": 7})
    version = st["PreviousDeploymentInfo"]["FileVersion"]
    f = await a.call("StackFileInspect", {"id": 7, "version": version})
    await a.call("StackUpdate", {"id": 7, "endpointId": DOCKER, "Env": st.get("Env") or [],
                                 "StackFileContent": f["StackFileContent"]})
    return await look_at_shop(a)


def expect_stack_rollback(scene, before):
    # The task before changed the command to sleep 1800; the file before it ran sleep 3600.
    return shop_running(scene, ["sleep", "3600"]) or ["a container running the earlier file's command"]


Script = Callable[[Agent], Awaitable[str]]


@dataclass
class Task:
    name: str
    question: str
    ours: Script
    theirs: Script
    # The facts the answer must hold, read from the engine or the stand-in
    # directly after the task (a tuple: any one of them).
    expect: Callable
    toolsets: tuple = ()  # our toolsets beyond the default ones, if the task needs them
    secret: str = ""  # must appear in no result

    def script(self, server):
        return self.ours if server.key == "ours" else self.theirs


TASKS = [
    Task("environments", "Which environments does this Portainer manage?",
         ours_environments, theirs_environments, expect_environments),
    Task("running_containers", "Which containers run on environment 1, from which images?",
         ours_running, theirs_running, expect_running),
    Task("logger_errors", "Show logger's last 20 log lines and the error lines of its whole log.",
         ours_logger, theirs_logger, expect_logger),
    Task("top_memory", "Which container on environment 1 uses the most memory?",
         ours_top_memory, theirs_top_memory, expect_top_memory),
    Task("disk_usage", "How much disk do the images take on environment 1, and what could be reclaimed?",
         ours_disk, theirs_disk, expect_disk),
    Task("web_env", "Which environment variables does web have? (No secret values.)",
         ours_web_env, theirs_web_env, expect_web_env, secret="e2e-db-secret"),
    Task("volumes_unused", "Which volumes exist on environment 1, and which does no container use?",
         ours_volumes, theirs_volumes, expect_volumes),
    Task("restart_web", "Restart web and confirm that it is running again.",
         ours_restart_web, theirs_restart_web, expect_restarted("web")),
    Task("stop_start_worker", "Stop worker, start it again, and confirm that it runs.",
         ours_stop_start, theirs_stop_start, expect_restarted("worker")),
    Task("pod_crashloop", "Why is pod web-7d4b9c-x2x in namespace shop (environment 3) crash-looping?",
         ours_crashloop, theirs_crashloop, expect_crashloop),
    Task("pods_cpu_top", "Which pods in namespace shop (environment 3) use the most CPU?",
         ours_pods_cpu, theirs_pods_cpu, expect_pods_cpu),
    Task("shop_warnings", "Which warning events are there in namespace shop (environment 3)?",
         ours_warnings, theirs_warnings, expect_warnings),
    Task("restart_policies", "Which restart policy does each container on environment 1 have, and how often "
         "did each restart?", ours_policies, theirs_policies, expect_policies, secret="e2e-db-secret"),
    Task("grep_running_logs", "Which running containers on environment 1 logged 'hello-from-logger' in the "
         "last hour?", ours_grep_running, theirs_grep_running, expect_grep_running),
    Task("workload_logs", "Show the 'ready' lines of deployment api's pods in namespace shop (environment 3).",
         ours_workload_logs, theirs_workload_logs, expect_workload_logs),
    Task("fleet_image", f"On which environments do containers from image {IMAGE} run, and which?",
         ours_fleet_image, theirs_fleet_image, expect_fleet_image),
    Task("stack_webhook", "Create a webhook that redeploys stack 7 (environment 1) and give me its URL.",
         ours_stack_webhook, theirs_stack_webhook, expect_stack_webhook),
    Task("stack_change", "Change stack 7's web service to run `sleep 1800` and tell me it runs.",
         ours_stack_change, theirs_stack_change, expect_stack_change),
    Task("stack_rollback", "Stack 7 (environment 1) broke after its last change: put back the file it ran "
         "before and tell me it runs.", ours_stack_rollback, theirs_stack_rollback, expect_stack_rollback),
    Task("rollback_deployment", "Deployment web in namespace shop (environment 3) broke: roll it back to its "
         "previous revision.", ours_rollback, theirs_rollback, expect_rollback, toolsets=("kubernetes_manage",)),
]

# Typed tools a reader of mcp-portainer's guide would try before the proxy
# ("prefer the typed tool when it exists"), with the Portainer route each
# calls; probed once per run, since the front implements none of these routes
# (of /api/kubernetes/3/... the stand-in answers only namespaces).
TYPED_PROBES = [
    ("DescribeResource", {"id": KUBE, "name": "web-7d4b9c-x2x", "kind": "Pod", "namespace": "shop"},
     "/api/kubernetes/3/describe"),
    ("getKubernetesPodLogs", {"id": KUBE, "namespace": "shop", "name": "web-7d4b9c-x2x", "previous": True,
                              "tailLines": 50}, "/api/kubernetes/3/namespaces/shop/pods/web-7d4b9c-x2x/log"),
    ("getKubernetesEventsForNamespace", {"id": KUBE, "namespace": "shop"},
     "/api/kubernetes/3/namespaces/shop/events"),
    ("GetKubernetesMetricsForAllPods", {"id": KUBE, "namespace": "shop"},
     "/api/kubernetes/3/metrics/pods/namespace/shop"),
    ("getKubernetesPodsForNamespace", {"id": KUBE, "namespace": "shop"}, "/api/kubernetes/3/namespaces/shop/pods"),
    ("dockerDashboard", {"environmentId": DOCKER}, "/api/docker/1/dashboard"),
]


# --- running -----------------------------------------------------------------------------

def judge(task, scene, answer, before, agent):
    """(answered, why not)"""
    if task.secret and any(task.secret in t for t in agent.texts):
        return False, "a secret value reached the model"
    missing = []
    for fact in task.expect(scene, before):
        options = fact if isinstance(fact, tuple) else (fact,)
        if not any(o in answer for o in options):
            missing.append(" | ".join(options))
    return not missing, ("missing: " + "; ".join(missing)) if missing else ""


@asynccontextmanager
async def session_for(server, scene, toolsets, errlog):
    """An initialized session, with its tools/list bytes and instructions bytes."""
    async with stdio_client(server.params(scene.url, toolsets), errlog=errlog) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            tools, cursor = [], None
            while True:
                page = await session.list_tools(cursor=cursor)
                tools += page.tools
                cursor = page.nextCursor
                if not cursor:
                    break
            yield session, tools_list_bytes(tools), nbytes(init.instructions or "")


async def run_task(server, task, scene, errlog):
    started = time.monotonic()
    async with session_for(server, scene, task.toolsets, errlog) as (session, list_bytes, instructions):
        agent = Agent(session)
        await server.opening(agent)
        opening = len(agent.calls)
        before = {n: s[1] for n, s in scene.engine.states().items()}
        try:
            answer, error = await task.script(server)(agent), ""
        except (ToolFailed, KeyError, TypeError, IndexError, ValueError, AttributeError) as e:
            # A script that cannot read its results has not answered.
            answer, error = "", f"{type(e).__name__}: {e}"
    answered, why = (False, error) if error else judge(task, scene, answer, before, agent)
    left = scene.restore()
    if left:
        answered, why = False, f"left stopped: {', '.join(left)}"
    result_bytes = sum(c["bytes"] for c in agent.calls)
    return {"calls": len(agent.calls), "bytes": list_bytes + result_bytes, "tools_list_bytes": list_bytes,
            "result_bytes": result_bytes, "opening_bytes": sum(c["bytes"] for c in agent.calls[:opening]),
            "instructions_bytes": instructions, "config": server.config(task.toolsets),
            "answered": answered, "why": why, "answer": answer, "seconds": round(time.monotonic() - started, 2),
            "trace": agent.calls}


async def probe_typed(peer, scene, errlog):
    async with session_for(peer, scene, (), errlog) as (session, _, _):
        agent = Agent(session)
        await peer.opening(agent)
        out = []
        for tool, args, route in TYPED_PROBES:
            try:
                await agent.call(tool, args)
                out.append({"tool": tool, "route": route, "ok": True})
            except ToolFailed as e:
                out.append({"tool": tool, "route": route, "ok": False, "error": str(e)})
        return out


async def run_all(servers, tasks, scene, errlog):
    results = {t.name: {} for t in tasks}
    for server in servers:
        for task in tasks:
            log(f"{server.key}: {task.name}")
            results[task.name][server.key] = await run_task(server, task, scene, errlog)
    probes = None
    peer = next((s for s in servers if s.key == Peer.key), None)
    if peer:
        log("mcp-portainer: probing typed tools")
        probes = await probe_typed(peer, scene, errlog)
    return results, probes


# --- report and budgets -------------------------------------------------------------------

def table(tasks, results, keys):
    head = ["task"] + [f"{k} {m}" for k in keys for m in ("calls", "bytes")] + [f"answered ({' / '.join(keys)})"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    totals = {k: [0, 0] for k in keys}
    for t in tasks:
        r = results[t.name]
        cells = [t.name]
        for k in keys:
            cells += [str(r[k]["calls"]), f"{r[k]['bytes']:,}"]
            totals[k][0] += r[k]["calls"]
            totals[k][1] += r[k]["bytes"]
        cells.append(" / ".join("yes" if r[k]["answered"] else "NO" for k in keys))
        lines.append("| " + " | ".join(cells) + " |")
    cells = ["**total**"] + [f"**{v:,}**" for k in keys for v in totals[k]]
    lines.append("| " + " | ".join(cells + [""]) + " |")
    return lines


def check_budgets(results, path):
    """Failures of ours against the recorded budgets."""
    budgets = json.loads(Path(path).read_text())
    failures = []
    for name, r in results.items():
        ours = r.get("ours")
        if ours is None:
            continue
        b = budgets.get(name)
        if b is None:
            failures.append(f"{name}: no recorded budget (run with --record)")
            continue
        if not ours["answered"]:
            failures.append(f"{name}: not answered ({ours['why']})")
        if ours["calls"] > b["calls"]:
            failures.append(f"{name}: {ours['calls']} calls, budget {b['calls']}")
        if ours["bytes"] > b["bytes"] * (1 + BYTES_MARGIN):
            failures.append(f"{name}: {ours['bytes']:,} bytes, budget {b['bytes']:,} + {BYTES_MARGIN:.0%}")
    return failures


def record_budgets(results, path):
    unanswered = [n for n, r in results.items() if not r["ours"]["answered"]]
    if unanswered:
        raise SystemExit(f"not recording: unanswered tasks {unanswered}")
    budgets = {n: {"calls": r["ours"]["calls"], "bytes": r["ours"]["bytes"]} for n, r in results.items()}
    Path(path).write_text(json.dumps(budgets, indent=2) + "\n")
    log(f"budgets written to {path}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", choices=["ours", "mcp-portainer"], help="run one server")
    ap.add_argument("--tasks", help="comma-separated task names (default: all)")
    ap.add_argument("--binary", type=Path, default=conftest.BIN, help="our server (default: target/debug/portainer-mcp)")
    ap.add_argument("--check", nargs="?", const=str(BUDGETS), metavar="BUDGETS",
                    help="fail when a task of ours exceeds its budget or goes unanswered")
    ap.add_argument("--record", nargs="?", const=str(BUDGETS), metavar="BUDGETS",
                    help="write the budgets from this run (ours)")
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON results (default: bench/agent_results.json)")
    ap.add_argument("--write", type=Path, help="write the table into the `agent-tasks` generated block of this file "
                    "(docs/dev/benchmarks.md) instead of printing it")
    a = ap.parse_args()

    tasks = TASKS
    if a.tasks:
        wanted = a.tasks.split(",")
        tasks = [t for t in TASKS if t.name in wanted]
        if len(tasks) != len(wanted):
            raise SystemExit(f"unknown task in {wanted}; tasks: {[t.name for t in TASKS]}")
    if not a.binary.exists():
        raise SystemExit(f"{a.binary} is missing: build it first")
    servers = []
    if a.only != "mcp-portainer":
        servers.append(Ours(a.binary.resolve()))
    if a.only != "ours":
        servers.append(Peer(peer_exe()))

    started = time.monotonic()
    scene = Scene()
    try:
        scene.start()
        with open(scene.base / "servers.log", "w") as errlog:
            results, probes = asyncio.run(run_all(servers, tasks, scene, errlog))
    finally:
        scene.stop()
    runtime = time.monotonic() - started

    keys = [s.key for s in servers]
    command = command_line("bench/agent_tasks.py")
    report = []
    print = report.append  # noqa: A001 -- the report goes to stdout or into --write's file
    print(f"Measured {datetime.date.today().isoformat()} with `{command}` in {runtime:.0f} s; "
          + "; ".join(s.version() for s in servers) + ".\n")
    print("\n".join(table(tasks, results, keys)))
    lists = {k: sorted({(r[k]["config"], r[k]["tools_list_bytes"]) for r in results.values()}) for k in keys}
    print("\ntools/list bytes (in every task's bytes): "
          + "; ".join(f"{k} " + ", ".join(f"{c} {b:,}" for c, b in v) for k, v in lists.items()))
    first = next(iter(results.values()))
    print("initialize instructions (read once, not counted): "
          + "; ".join(f"{k} {first[k]['instructions_bytes']:,}" for k in keys)
          + "".join(f"; {k}'s opening calls (counted): {first[k]['opening_bytes']:,} per task"
                    for k in keys if first[k]["opening_bytes"]))
    for name, r in results.items():
        for k in keys:
            if not r[k]["answered"]:
                print(f"- {name} ({k}) not answered: {r[k]['why']}")
    if probes:
        failed = [p for p in probes if not p["ok"]]
        print(f"\nmcp-portainer's typed tools probed (not in the tasks): {len(probes) - len(failed)} of "
              f"{len(probes)} answered.")
        for p in failed:
            status = re.search(r"HTTP error \d+[^-]*", p["error"])
            print(f"- {p['tool']} (GET {p['route']}): {status.group(0).strip() if status else p['error'][:120]}")

    text = "\n".join(report).rstrip()
    if a.write:
        write_block(a.write, "agent-tasks", text)
        log(f"wrote the table into {a.write}")
    else:
        sys.stdout.write(text + "\n")
    print = builtins.print  # noqa: A001

    a.out.write_text(json.dumps({
        "date": datetime.date.today().isoformat(), "command": command, "runtime_seconds": round(runtime, 1),
        "servers": {s.key: s.version() for s in servers},
        "tasks": [{"name": t.name, "question": t.question, **results[t.name]} for t in tasks],
        "typed_probes": probes}, indent=1) + "\n")
    log(f"results written to {a.out}")

    if a.record:
        record_budgets(results, a.record)
    if a.check:
        failures = check_budgets(results, a.check)
        for f in failures:
            print(f"BUDGET: {f}")
        if failures:
            sys.exit(1)
        print(f"all {len(tasks)} tasks within budget")


if __name__ == "__main__":
    main()
