"""Side-by-side benchmark: portainer-mcp (this project) and Portainer's own
Python server mcp-portainer, on the same loopback stand-in Portainer.

    python3 bench/bench.py                     # everything; builds the release binary first
    python3 bench/bench.py --calls 200 --scaling 1000,10000 --http-calls 50   # quicker
    python3 bench/bench.py --only http --no-build                             # one section

Prints Markdown (date, command, tables, notes) to stdout, ready to paste into
the README; progress goes to stderr. Sections:

- calls: stdio. Cold start, tools/list sizes; per-call latency with a direct
  GET of the same endpoint measured in the same run, interleaved sample by
  sample; pipelined throughput; like-for-like answers (typed tool vs typed
  tool, raw proxy vs raw proxy) and our shaped tools on their own rows.
- scaling: a container list of N containers (~1.17 KB each), each point a
  fresh server process: call time and memory from /proc/PID/status.
- biglog: one container log of 50 MB (`--log-mb`), each server fresh per
  call, rows interleaved with a direct GET of the same path: call time,
  RSS growth, answer bytes.
- http: Streamable HTTP, 1/10/50 concurrent sessions at default settings.
- tracing: ours alone, traces off and on (--otlp-endpoint to an OTLP/HTTP
  sink in this process that reads and answers every export), interleaved
  with direct GETs: the per-call overhead each way, and what tracing adds.

The stand-in is the tests' own (standin/, the `portainer-standin` binary,
built in release with the server) with the bench's shapes: 20 environments,
N containers, a 1,000-line log, nothing recorded. It answers like
Portainer's Go server: keep-alive, TCP_NODELAY, Content-Length, the big
answers serialized once. The clients (bench/client.py) read buffered and
count bytes on the wire.
"""

import argparse
import datetime
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from client import Direct, HttpSession, Stdio, cpu_ns, cpu_used, percentile, proc_kb, reset_peak, run_sessions  # noqa: E402
from docblock import command_line, describe_commit, describe_host, write_block  # noqa: E402

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Where cargo puts its output: CARGO_TARGET_DIR when set (relative to the
# workspace, as cargo reads it), else the workspace's target/.
TARGET = ROOT / os.environ.get("CARGO_TARGET_DIR", "target")
OURS = TARGET / "release" / "portainer-mcp"
STANDIN = TARGET / "release" / "portainer-standin"
TOKEN = "ptr_BENCH"
GATE = "bench-gate-" + "0123456789abcdef" * 3  # the peer wants 32+ characters
PEER_VERSION = "2.45.3"
SECTIONS = ("calls", "scaling", "biglog", "http", "fleet", "tracing")


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def ms(seconds):
    return seconds * 1000.0


# --- processes -----------------------------------------------------------------

class StandIn:
    """The stand-in binary in its own process, serving `containers`
    containers (and app-1's log of `log_lines` lines); it accepts the
    bench's token and keeps no request log."""

    def __init__(self, containers, log_lines=None):
        extra = ["--log-lines", str(log_lines)] if log_lines else []
        self.proc = subprocess.Popen([str(STANDIN), "--bench", "--containers", str(containers), "--no-record",
                                      "--token", TOKEN, *extra], stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())
        self.url = f"http://127.0.0.1:{self.port}"

    def close(self):
        self.proc.terminate()
        self.proc.wait()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port} after {timeout} s")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def peer_exe():
    venv = Path(tempfile.gettempdir()) / f"mcp-portainer-{PEER_VERSION}-venv"
    py = venv / "bin" / "python"
    exe = venv / "bin" / "mcp-portainer"
    if not exe.exists():
        log(f"installing mcp-portainer {PEER_VERSION} into {venv}")
        pip = [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        # mcp-portainer 2.45.3 pins certifi>=2026.10.19, newer than the
        # registry here serves; certifi only supplies CA roots, unused on a
        # loopback stand-in, so its pin is relaxed and the rest kept.
        subprocess.run([*pip, "--no-deps", f"mcp-portainer=={PEER_VERSION}"], check=True)
        reqs = subprocess.run([str(py), "-c", "import importlib.metadata as m; print('\\n'.join(m.requires('mcp-portainer') or []))"],
                              capture_output=True, text=True, check=True).stdout.split("\n")
        reqs = [r for r in reqs if r.strip() and "extra ==" not in r]
        reqs = ["certifi" if r.replace(" ", "").startswith("certifi") else r for r in reqs]
        subprocess.run([*pip, *reqs], check=True)
    return exe


# --- the two servers -------------------------------------------------------------

BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}


class Ours:
    name = "portainer-mcp"
    status_tool = "system_version"
    # /api/system/status, the request the direct reference sends too.
    status_args = {"what": "status"}
    env_tool = "environment_list"
    read_only = {"PORTAINER_READ_ONLY": "true"}
    everything = {"PORTAINER_TOOLSETS": "all"}
    with_proxy = {"PORTAINER_TOOLSETS": "default,proxy"}

    def __init__(self, exe, name=None):
        self.exe = exe
        # A second build of ours (--baseline) is a side of its own.
        self.name = name or Ours.name
        self.ours = True

    def stdio(self, url, extra=None):
        return Stdio([str(self.exe)], {**BASE_ENV, "PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN, **(extra or {})})

    def http(self, url, port):
        """Default HTTP settings, plus a gate token (the peer requires one)."""
        return subprocess.Popen([str(self.exe), "--http", f"127.0.0.1:{port}", "--http-token", GATE],
                                env={**BASE_ENV, "PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @staticmethod
    def proxy(path, query=None):
        args = {"environment_id": 1, "path": path}
        if query:
            args["query"] = query
        return "docker_proxy", args


class Peer:
    name = f"mcp-portainer {PEER_VERSION} (Python)"
    read_only = {"PORTAINER_READ_ONLY": "1"}
    everything = {"PORTAINER_PROFILES": "ALL"}
    with_proxy = {}  # its proxy tools are on by default
    env = {"PORTAINER_MCP_DISABLE_GUIDANCE_GATE": "1", "PORTAINER_MCP_LOG_LEVEL": "ERROR"}

    def __init__(self, exe):
        self.exe = exe
        self.status_tool = self.env_tool = None
        self.status_args = {}

    def stdio(self, url, extra=None):
        return Stdio([str(self.exe)], {**BASE_ENV, **self.env, "PORTAINER_URL": url, "PORTAINER_API_KEY": TOKEN,
                                       **(extra or {})})

    def http(self, url, port):
        return subprocess.Popen([str(self.exe)], env={**BASE_ENV, **self.env, "PORTAINER_URL": url,
                                                      "PORTAINER_MCP_TRANSPORT": "http",
                                                      "PORTAINER_MCP_HTTP_PORT": str(port),
                                                      "PORTAINER_MCP_AUTH_TOKEN": GATE},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    @staticmethod
    def proxy(path, query=None):
        # Its proxy wants a leading slash and string query values.
        args = {"environment_id": 1, "method": "GET", "path": "/" + path}
        if query:
            args["query_params"] = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in query.items()}
        return "docker_proxy", args

    def find_tools(self, url):
        s = self.stdio(url)
        s.initialize()
        names = [t["name"] for t in s.request("tools/list")[0]["result"]["tools"]]
        s.close()

        def find(*wanted):
            for w in wanted:
                for n in names:
                    if n.lower().replace("_", "") == w.lower().replace("_", ""):
                        return n
            raise RuntimeError(f"{self.name}: no tool named like {wanted}")
        self.status_tool = find("systemStatus", "system_status")
        self.env_tool = find("EndpointList", "endpoint_list")


# --- section: calls over stdio ------------------------------------------------------

def tools_list(side, url, extra):
    s = side.stdio(url, extra)
    s.initialize()
    msg, size, _ = s.request("tools/list")
    s.close()
    return size, len(msg["result"]["tools"])


def cold_start(side, url, runs=5):
    """Median start-up of `runs` fresh servers, after one unmeasured start
    (the binary's pages in the cache, as for every start but a machine's
    first)."""
    to_init, to_list = [], []
    s = side.stdio(url)
    s.initialize()
    s.close()
    for _ in range(runs):
        s = side.stdio(url)
        s.initialize()
        to_init.append(time.perf_counter() - s.started)
        s.request("tools/list")
        to_list.append(time.perf_counter() - s.started)
        s.close()
    return percentile(to_init, 50), percentile(to_list, 50)


def passes(sides):
    """The sides measured together: our builds, then the peer alone."""
    ours = [x for x in sides if not isinstance(x, Peer)]
    return [g for g in (ours, [x for x in sides if isinstance(x, Peer)]) if g]


def interleaved(runners, n, warmup=20):
    """Run each runner once per sample, in every order in turn, so that each
    follows every other equally often (the Python peer keeps a core busy for
    a while after it answers; a fixed rotation would always put the same
    runner right after it); returns each runner's list of (seconds, bytes)."""
    names = list(runners)
    for _ in range(warmup):
        for name in names:
            runners[name]()
    orders = list(itertools.permutations(names))
    out = {name: [] for name in names}
    for i in range(n):
        for name in orders[i % len(orders)]:
            out[name].append(runners[name]())
    return out


def mcp_runner(session, tool, args, settle=False):
    """One call; with `settle`, the runner then waits until the server's
    process has stopped using the CPU (the Python peer keeps a core busy for
    a while after it answers), so that its work after the answer is not
    counted in the next sample, whoever's that is. The wait is not part of
    the call's time."""
    def run():
        _, size, secs = session.call(tool, args)
        if settle:
            wait_idle(session.pid)
        return secs, size
    return run


def cpu_ticks(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_idle(pid, quiet=0.003, most=0.2):
    """Until `pid` has used no CPU for `quiet` seconds (at most `most`)."""
    end = time.perf_counter() + most
    last, since = cpu_ticks(pid), time.perf_counter()
    while time.perf_counter() < end:
        time.sleep(0.001)
        now = cpu_ticks(pid)
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return


def direct_runner(direct, path):
    def run():
        status, size, secs = direct.get(path)
        if status != 200:
            raise RuntimeError(f"direct GET {path}: HTTP {status}")
        return secs, size
    return run


def throughput(side, url, n, in_flight=32):
    s = side.stdio(url)
    s.initialize()
    call = {"name": side.status_tool, "arguments": side.status_args}
    sent = done = 0
    t = time.perf_counter()
    while sent < min(in_flight, n):
        s.send("tools/call", call)
        sent += 1
    while done < n:
        s.read()
        done += 1
        if sent < n:
            s.send("tools/call", call)
            sent += 1
    elapsed = time.perf_counter() - t
    s.close()
    return n / elapsed


def calls_section(a, sides):
    """Returns Markdown lines."""
    standin = StandIn(50)
    url = standin.url
    try:
        res = {side.name: {} for side in sides}
        for side in sides:
            r = res[side.name]
            log(f"calls: cold start, tools/list: {side.name}")
            # Ours start in milliseconds: more runs for a steadier median.
            runs = 5 if isinstance(side, Peer) else 15
            r["init"], r["list"] = cold_start(side, url, runs)
            r["tl_default"], r["n_default"] = tools_list(side, url, {})
            r["tl_ro"], r["n_ro"] = tools_list(side, url, side.read_only)
            r["tl_all"], r["n_all"] = tools_list(side, url, side.everything)

        # Our builds in one pass, the peer in another, each interleaved with
        # its own direct GETs: a live Python peer, even idle between calls,
        # slows everything else on a small machine (on 2 cores our overhead
        # measured 0.13 ms with no peer process alive, 0.32 ms beside it).
        direct = Direct(standin.port, TOKEN)
        for group in passes(sides):
            log(f"calls: {a.calls} interleaved status calls (direct GET + {', '.join(x.name for x in group)})")
            sessions = {side.name: side.stdio(url) for side in group}
            for s in sessions.values():
                s.initialize()
            runners = {"direct": direct_runner(direct, "/api/system/status")}
            for side in group:
                runners[side.name] = mcp_runner(sessions[side.name], side.status_tool, side.status_args,
                                                settle=isinstance(side, Peer))
            samples = interleaved(runners, a.calls)
            d = [t for t, _ in samples["direct"]]
            for side in group:
                t = [x for x, _ in samples[side.name]]
                r = res[side.name]
                r["d50"], r["d99"] = percentile(d, 50), percentile(d, 99)
                r["p50"], r["p99"] = percentile(t, 50), percentile(t, 99)
                r["over50"], r["over99"] = r["p50"] - r["d50"], r["p99"] - r["d99"]
                r["paired"] = percentile([x - y for x, y in zip(t, d)], 50)
                r["hwm"] = proc_kb(sessions[side.name].pid, "VmHWM")
                sessions[side.name].close()

        for side in sides:
            log(f"calls: throughput, 32 in flight: {side.name}")
            res[side.name]["tput"] = throughput(side, url, a.calls)

        log(f"calls: answers ({a.repeat} interleaved samples each)")
        raw = {}
        like = [  # (key, label, per side: (tool, args), stand-in path)
            ("envs", "environment list, 20 environments: typed tool",
             lambda side: (side.env_tool, {}), "/api/endpoints"),
            ("ctrs", "container list, 50 containers: `docker_proxy` GET containers/json",
             lambda side: side.proxy("containers/json", {"all": True}), "/api/endpoints/1/docker/containers/json"),
            ("logs", "logs, 1,000 lines: `docker_proxy` GET containers/app-1/logs",
             lambda side: side.proxy("containers/app-1/logs", {"stdout": True, "stderr": True, "tail": "all"}),
             "/api/endpoints/1/docker/containers/app-1/logs"),
        ]
        for group in passes(sides):
            sessions = {side.name: side.stdio(url, side.with_proxy) for side in group}
            for s in sessions.values():
                s.initialize()
            for key, _, pick, path in like:
                runners = {"direct": direct_runner(direct, path)}
                for side in group:
                    tool, args = pick(side)
                    runners[side.name] = mcp_runner(sessions[side.name], tool, args,
                                                    settle=isinstance(side, Peer))
                got = interleaved(runners, a.repeat, warmup=3)
                # The direct GETs of the first pass (ours) are the table's.
                raw.setdefault(key, (got["direct"][0][1], percentile([t for t, _ in got["direct"]], 50)))
                for side in group:
                    res[side.name][key] = (got[side.name][0][1], percentile([t for t, _ in got[side.name]], 50))
            if any(isinstance(x, Peer) for x in group):
                for s in sessions.values():
                    s.close()
            else:
                kept = sessions  # ours, for the shaped rows below
        shaped = [("s_ctrs", "docker_container_list", {"environment_id": 1, "all": True}),
                  ("s_logs", "docker_container_logs", {"environment_id": 1, "id": "app-1", "tail": "all"})]
        builds = [side for side in sides if getattr(side, "ours", False)]
        for key, tool, args in shaped:
            got = interleaved({side.name: mcp_runner(kept[side.name], tool, args) for side in builds},
                              a.repeat, warmup=3)
            for side in builds:
                res[side.name][key] = (got[side.name][0][1], percentile([t for t, _ in got[side.name]], 50))
        for s in kept.values():
            s.close()
        direct.close()
    finally:
        standin.close()

    names = [side.name for side in sides]
    out = [f"#### Calls over stdio ({a.calls:,} calls per measurement)", ""]
    out += table_head(["", *names] + ([f"{names[0]} / {names[1]}"] if len(names) > 1 else []))

    def row(label, key, fmt, ratio=True, scale=1.0):
        vals = [res[n].get(key) for n in names]
        if scale != 1.0:
            vals = [v * scale if isinstance(v, (int, float)) else v for v in vals]
        cells = [fmt(v) if v is not None else "n/a" for v in vals]
        if len(names) > 1:
            r = ""
            if ratio and all(isinstance(v, (int, float)) for v in vals) and vals[1]:
                r = f"{vals[0] / vals[1]:.3g}"
            cells.append(r)
        out.append(f"| {label} | " + " | ".join(cells) + " |")

    def answer_rows(key, label, raw_size=None):
        vals = [res[n].get(key) for n in names]
        cells = [f"{v[0]:,}" if v else "n/a (no such tool)" for v in vals]
        ratio = [f"{vals[0][0] / vals[1][0]:.3g}"] if len(names) > 1 and all(vals) else ([""] if len(names) > 1 else [])
        extra = f"; stand-in's answer {raw_size:,}" if raw_size else ""
        out.append(f"| {label}: bytes{extra} | " + " | ".join(cells + ratio) + " |")
        cells = [f"{ms(v[1]):.2f}" if v else "n/a" for v in vals]
        ratio = [f"{vals[0][1] / vals[1][1]:.3g}"] if len(names) > 1 and all(vals) else ([""] if len(names) > 1 else [])
        out.append(f"| {label}: p50 ms | " + " | ".join(cells + ratio) + " |")

    f2 = lambda v: f"{v:,.2f}"  # noqa: E731
    f3 = lambda v: f"{v:,.3f}"  # noqa: E731
    fi = lambda v: f"{v:,}"  # noqa: E731
    row("cold start to initialize (ms)", "init", f2, scale=1000)
    row("cold start to first tools/list (ms)", "list", f2, scale=1000)
    row("tools/list bytes, default", "tl_default", fi)
    row("tools/list bytes, read-only", "tl_ro", fi)
    row("tools/list bytes, all", "tl_all", fi)
    out.append("| tools, default / read-only / all | "
               + " | ".join(f"{res[n]['n_default']} / {res[n]['n_ro']} / {res[n]['n_all']}" for n in names)
               + (" | |" if len(names) > 1 else " |"))
    out.append("| direct GET /api/system/status, same pass, interleaved: p50 / p99 (ms) | "
               + " | ".join(f"{ms(res[n]['d50']):.3f} / {ms(res[n]['d99']):.3f}" for n in names)
               + (" | |" if len(names) > 1 else " |"))
    out.append("| status tool round trip: p50 / p99 (ms) | "
               + " | ".join(f"{ms(res[n]['p50']):.3f} / {ms(res[n]['p99']):.3f}" for n in names)
               + (" | |" if len(names) > 1 else " |"))
    row("per-call overhead p50 (ms): round trip p50 minus direct p50", "over50", f3, scale=1000)
    row("per-call overhead p99 (ms): round trip p99 minus direct p99", "over99", f3, scale=1000)
    row("per-call overhead, median of paired differences (ms): call i minus direct GET i", "paired", f3, scale=1000)
    row("throughput, 32 calls in flight (calls/s)", "tput", lambda v: f"{v:,.0f}")
    row("peak RSS after the status calls (MB, VmHWM)", "hwm", lambda v: f"{v:,.1f}", scale=1 / 1024)
    answer_rows("envs", like[0][1], raw["envs"][0])
    answer_rows("ctrs", like[1][1], raw["ctrs"][0])
    answer_rows("logs", like[2][1], raw["logs"][0])
    answer_rows("s_ctrs", "container list, 50 containers: ours shaped `docker_container_list`")
    answer_rows("s_logs", "logs, 1,000 lines: ours shaped `docker_container_logs`")
    out += ["", "Bytes are bytes on the wire: the whole JSON-RPC response line, structuredContent included "
                "(ours sends text and structuredContent; the peer's proxy sends text only). Each server cuts long "
                "answers at its default cap: ours at 20,000 characters, the peer at 50,000. Overheads compare each "
                "call with a direct keep-alive GET of the same stand-in path, sample by sample, in every order in turn: "
                "our builds in one pass, the peer in another (a live Python process slows the rest of a small "
                "machine), each pass with its own direct GETs. "
                f"Direct GETs of the answers' paths, p50 (ms): environments {ms(raw['envs'][1]):.3f}, "
                f"containers {ms(raw['ctrs'][1]):.3f}, logs {ms(raw['logs'][1]):.3f}."]
    return out


# --- section: scaling --------------------------------------------------------------

def scaling_point(side, url, extra, tool, args):
    s = side.stdio(url, extra)
    try:
        s.initialize()
        s.call(side.status_tool, side.status_args)  # connection to the stand-in made, code paths warm
        pid = s.pid
        before = proc_kb(pid, "VmRSS")
        reset = reset_peak(pid)
        msg, size, secs = s.request("tools/call", {"name": tool, "arguments": args})
        hwm, after = proc_kb(pid, "VmHWM"), proc_kb(pid, "VmRSS")
        if msg.get("error") or msg.get("result", {}).get("isError"):
            size = f"error ({size:,} B)"
        for _ in range(100):
            s.call(side.status_tool, side.status_args)
        settled = proc_kb(pid, "VmRSS")
    finally:
        s.close()
    return {"ms": ms(secs), "before": before / 1024, "growth": (hwm - before) / 1024, "after": after / 1024,
            "settled": settled / 1024, "bytes": size, "reset": reset}


def scaling_section(a, sides):
    rows = []
    all_reset = True
    for n in a.scaling:
        log(f"scaling: stand-in with {n:,} containers")
        standin = StandIn(n)
        try:
            direct = Direct(standin.port, TOKEN)
            status, raw_size, secs = direct.get("/api/endpoints/1/docker/containers/json")
            direct.close()
            for side in sides:
                plans = [("`docker_proxy`", side.with_proxy, *side.proxy("containers/json", {"all": True}))]
                if getattr(side, "ours", False):
                    plans.append(("`docker_container_list` (shaped)", {}, "docker_container_list",
                                  {"environment_id": 1, "all": True}))
                for label, extra, tool, args in plans:
                    log(f"scaling: {n:,} containers, {side.name} {label}")
                    p = scaling_point(side, standin.url, extra, tool, args)
                    all_reset &= p["reset"]
                    rows.append((n, raw_size, ms(secs), f"{side.name} {label}", p))
        finally:
            standin.close()
    out = ["#### Scaling: one container list of N containers, fresh server per row", ""]
    out += table_head(["containers (stand-in answer)", "server, tool", "call (ms)", "RSS before (MB)",
                       "RSS growth, peak (MB)", "RSS after (MB)", "RSS after +100 small calls (MB)", "answer bytes"])
    for n, raw_size, direct_ms, label, p in rows:
        b = f"{p['bytes']:,}" if isinstance(p["bytes"], int) else p["bytes"]
        out.append(f"| {n:,} ({raw_size / 1e6:.1f} MB; direct GET {direct_ms:.0f} ms) | {label} | {p['ms']:,.0f} | "
                   f"{p['before']:.1f} | {p['growth']:.1f} | {p['after']:.1f} | {p['settled']:.1f} | {b} |")
    out += ["", "RSS growth is VmHWM after the call minus VmRSS before it"
            + (" (VmHWM reset just before the call through /proc/PID/clear_refs)." if all_reset else
               " (VmHWM could not be reset, so it may include start-up).")
            + " The small calls are the status tool."]
    return out


# --- section: one big log ------------------------------------------------------------

def biglog_section(a, sides):
    """One container log of about `a.log_mb` MB, fresh server per row,
    rows interleaved: ours first, then the peer, `a.log_runs` rounds."""
    lines = int(a.log_mb * 1e6 / 63)  # the stand-in's lines are 55-56 bytes plus an 8-byte frame header
    log(f"big log: stand-in with a {lines:,}-line log")
    standin = StandIn(50, lines)
    rows = {}
    try:
        direct = Direct(standin.port, TOKEN)
        path = "/api/endpoints/1/docker/containers/app-1/logs"
        plans = []
        for side in sides:
            plans.append((side, "`docker_proxy` GET containers/app-1/logs", side.with_proxy,
                          *side.proxy("containers/app-1/logs", {"stdout": True, "stderr": True, "tail": "all"})))
            if getattr(side, "ours", False):
                plans.append((side, "`docker_container_logs` tail all", {}, "docker_container_logs",
                              {"environment_id": 1, "id": "app-1", "tail": "all"}))
        raw_size = None
        for _ in range(a.log_runs):
            for side, label, extra, tool, args in plans:
                _, raw_size, secs = direct.get(path + "?stdout=true&stderr=true&tail=all")
                rows.setdefault(("direct GET", "-"), []).append({"ms": ms(secs), "growth": 0, "bytes": raw_size})
                log(f"big log: {side.name} {label}")
                rows.setdefault((side.name, label), []).append(scaling_point(side, standin.url, extra, tool, args))
        direct.close()
    finally:
        standin.close()
    out = [f"#### One container log of {raw_size / 1e6:.1f} MB ({lines:,} lines), fresh server per call, "
           f"{a.log_runs} rounds interleaved (median)", ""]
    out += table_head(["server, tool", "call (ms)", "RSS growth, peak (MB)", "answer bytes"])
    for (name, label), pts in rows.items():
        t = percentile([p["ms"] for p in pts], 50)
        g = percentile([p["growth"] for p in pts], 50)
        b = pts[0]["bytes"]
        b = f"{b:,}" if isinstance(b, int) else b
        who = "direct GET of the same path (the reference)" if name == "direct GET" else f"{name} {label}"
        out.append(f"| {who} | {t:,.0f} | {g:.1f} | {b} |")
    out += ["", "RSS growth is VmHWM after the call minus VmRSS before it, as in the scaling section. "
                "The direct GET reads the whole body on a keep-alive connection before each server's call."]
    return out


# --- section: the server does the loops --------------------------------------------

def fleet_standin(envs, containers, latency_ms):
    """A stand-in whose every environment lists `containers` containers and
    answers each passthrough request after `latency_ms`."""
    proc = subprocess.Popen([str(STANDIN), "--bench", "--environments", str(envs), "--containers", str(containers),
                             "--fleet", "--env-latency-ms", str(latency_ms), "--no-record", "--token", TOKEN],
                            stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline())
    return proc, f"http://127.0.0.1:{port}"


def loop_point(side, url, first, then):
    """One session doing what an agent without the server's loop does: the
    `first` call, then one call per item it names, in turn. Time, RSS growth
    and bytes of all of them."""
    s = side.stdio(url, [])
    try:
        s.initialize()
        s.call(side.status_tool, side.status_args)
        pid = s.pid
        before = proc_kb(pid, "VmRSS")
        reset_peak(pid)
        t0 = time.perf_counter()
        msg, total, _ = s.call(*first)
        listed = json.loads(msg["result"]["content"][0]["text"])["selected"]
        calls = 1
        for item in listed:
            _, size, _ = s.call(*then(item))
            total += size
            calls += 1
        secs = time.perf_counter() - t0
        hwm = proc_kb(pid, "VmHWM")
    finally:
        s.close()
    return {"ms": ms(secs), "growth": (hwm - before) / 1024, "bytes": total, "calls": calls}


def fleet_section(a, sides):
    """A question over every environment, and inspect values over every
    container: one call of ours against the loop an agent runs without it
    (one call per environment or container), interleaved, same stand-in."""
    ours = next(s for s in sides if getattr(s, "ours", False))
    search = {"label": ["com.docker.compose.service=svc3"]}
    fields = ["HostConfig.RestartPolicy.Name", "RestartCount", "HostConfig.Privileged", "HostConfig.Memory"]
    rows = {}
    plans = [
        ("fleet", a.fleet_envs, 50, a.fleet_latency_ms,
         ("one call: `docker_container_list` environment_id \"*\"", lambda url: scaling_point(
             ours, url, [], "docker_container_list",
             {"environment_id": "*", "filters": search, "select": "length(items)"})),
         ("the loop: `environment_list`, then `docker_container_list` per environment", lambda url: loop_point(
             ours, url,
             ("environment_list", {"select": "items[?Status==`1` && Type!=`6`].Id"}),
             lambda i: ("docker_container_list", {"environment_id": i, "filters": search, "select": "length(items)"})))),
        ("fields", 1, a.fields_containers, 1,
         ("one call: `docker_container_list` with fields", lambda url: scaling_point(
             ours, url, [], "docker_container_list",
             {"environment_id": 1, "all": True, "fields": fields, "select": "items[].{n: Names[0], f: fields}"})),
         ("the loop: the list, then `docker_inspect` per container", lambda url: loop_point(
             ours, url,
             ("docker_container_list", {"environment_id": 1, "all": True, "select": "items[].Id"}),
             lambda i: ("docker_inspect", {"environment_id": 1, "id": i,
                                           "select": "{p: HostConfig.RestartPolicy.Name, r: RestartCount}"})))),
    ]
    for name, envs, containers, latency, one, loop in plans:
        proc, url = fleet_standin(envs, containers, latency)
        try:
            for _ in range(a.fleet_runs):
                for label, run in (one, loop):
                    log(f"{name}: {label}")
                    rows.setdefault((name, envs, containers, latency, label), []).append(run(url))
        finally:
            proc.terminate()
            proc.wait()
    out = [f"#### The server does the loops: one call against one call per object, {a.fleet_runs} rounds "
           f"interleaved (median)", ""]
    out += table_head(["work", "how", "calls", "time (ms)", "RSS growth, peak (MB)", "answer bytes"])
    for (name, envs, containers, latency, label), pts in rows.items():
        work = (f"{envs:,} environments ({envs - envs // 3:,} Docker, a fifth down) x {containers} containers, "
                f"{latency} ms per environment request" if name == "fleet"
                else f"{containers} containers' inspect values, {latency} ms per request")
        t = percentile([p["ms"] for p in pts], 50)
        g = percentile([p["growth"] for p in pts], 50)
        b = pts[0]["bytes"]
        b = f"{b:,}" if isinstance(b, int) else b
        calls = pts[0].get("calls", 1)
        out.append(f"| {work} | {label} | {calls:,} | {t:,.0f} | {g:.1f} | {b} |")
    out += ["", "The stand-in ignores Docker filters, so every environment answers all its containers: "
                "the worst case for the one call's memory. RSS growth is VmHWM after the calls minus VmRSS "
                "before them."]
    return out


# --- section: HTTP -------------------------------------------------------------------

class OtlpSink:
    """Reads every OTLP/HTTP export and answers 200, as a collector does;
    counts bodies and bytes (the spans are decoded in tests/e2e, not here)."""

    def __init__(self):
        import http.server
        import threading
        sink = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                sink.bodies += 1
                sink.bytes += len(body)
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.bodies = self.bytes = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"

    def close(self):
        self.server.shutdown()


# The tracing run is also read in this many consecutive blocks.
BLOCKS = 5


def tracing_section(a, sides):
    """Per-call overhead with traces off and on, one interleaved run."""
    ours = next(side for side in sides if getattr(side, "ours", False))
    standin = StandIn(50)
    sink = OtlpSink()
    try:
        direct = Direct(standin.port, TOKEN)
        off = ours.stdio(standin.url)
        on = ours.stdio(standin.url, {"OTEL_EXPORTER_OTLP_ENDPOINT": os.environ.get("BENCH_OTLP_URL", sink.url)})
        for s in (off, on):
            s.initialize()
        log(f"tracing: {a.calls} interleaved status calls (direct GET, traces off, traces on)")
        runners = {"direct": direct_runner(direct, "/api/system/status"),
                   "off": mcp_runner(off, ours.status_tool, ours.status_args),
                   "on": mcp_runner(on, ours.status_tool, ours.status_args)}
        # Warm-up (first connections, the exporter's included) before the
        # CPU readings: the rounds alone are counted.
        warmup = 20
        interleaved(runners, warmup, warmup=0)
        time.sleep(0.5)
        before = {"off": cpu_ns(off.pid), "on": cpu_ns(on.pid)}
        samples = interleaved(runners, a.calls, warmup=0)
        time.sleep(1)  # the last batch, whose export is part of the cost
        cpu = {key: cpu_used(before[key], cpu_ns(s.pid)) / a.calls for key, s in (("off", off), ("on", on))}
        times = {k: [x for x, _ in v] for k, v in samples.items()}
        d, t_off, t_on = times["direct"], times["off"], times["on"]
        res = {}
        for key in ("off", "on"):
            t = times[key]
            res[key] = {"p50": percentile(t, 50), "p99": percentile(t, 99),
                        "paired": percentile([x - y for x, y in zip(t, d)], 50),
                        "hwm": proc_kb(off.pid if key == "off" else on.pid, "VmHWM"),
                        "cpu": cpu[key]}
        # What tracing adds, paired sample by sample (the same round's off).
        res["added"] = percentile([x - y for x, y in zip(t_on, t_off)], 50)
        # The same share in consecutive blocks of rounds: how much it moves
        # within one run on this machine.
        res["blocks"] = []
        for b in range(BLOCKS if a.calls >= BLOCKS else 0):
            i, j = b * a.calls // BLOCKS, (b + 1) * a.calls // BLOCKS
            base = percentile([x - y for x, y in zip(t_off[i:j], d[i:j])], 50)
            add = percentile([x - y for x, y in zip(t_on[i:j], t_off[i:j])], 50)
            res["blocks"].append(add / base * 100 if base > 0 else float("nan"))
        off.close()
        on.close()
        direct.close()
    finally:
        sink.close()
        standin.close()
    added = res["added"]
    share = added / res["off"]["paired"] * 100 if res["off"]["paired"] > 0 else float("nan")
    out = [f"#### Traces off and on ({a.calls:,} status calls, interleaved with direct GETs)", ""]
    out += table_head(["", "traces off", "traces on (OTLP/HTTP sink)"])
    out.append(f"| call p50 / p99 | {ms(res['off']['p50']):.3f} / {ms(res['off']['p99']):.3f} ms | "
               f"{ms(res['on']['p50']):.3f} / {ms(res['on']['p99']):.3f} ms |")
    out.append(f"| per-call overhead over a direct GET (median of paired differences) | "
               f"{ms(res['off']['paired']):.3f} ms | {ms(res['on']['paired']):.3f} ms |")
    out.append(f"| server CPU per call (all threads, the export included) | {res['off']['cpu'] / 1e3:.1f} µs | "
               f"{res['on']['cpu'] / 1e3:.1f} µs |")
    out.append(f"| peak RSS (VmHWM) | {res['off']['hwm'] / 1024:.1f} MiB | {res['on']['hwm'] / 1024:.1f} MiB |")
    out += ["", f"Tracing adds {ms(added):.3f} ms per call (the median of each round's on minus off), "
            f"{share:.1f}% of the per-call overhead with traces off (goal: under 5%), and "
            f"{(res['on']['cpu'] - res['off']['cpu']) / 1e3:.1f} µs of the server's CPU per call; "
            f"the sink received {sink.bodies:,} exports, {sink.bytes:,} bytes, for {2 * (a.calls + warmup):,} spans "
            "(each call and its one Portainer request, warm-up included). In "
            f"{len(res['blocks'])} consecutive blocks of about {a.calls // BLOCKS:,} rounds the share was "
            + ", ".join(f"{b:.1f}%" for b in res["blocks"]) + "."]
    return out


def http_point(side, url, sessions, calls):
    port = free_port()
    proc = side.http(url, port)
    try:
        wait_for_port(port, proc)
        headers = {"Authorization": f"Bearer {GATE}", "X-Portainer-API-Key": TOKEN}
        # Warm up (first-call costs, the token check against the stand-in), then
        # give rate limiters time to refill (ours: 2 s fills a default bucket).
        run_sessions([HttpSession(port, headers, side.status_tool, side.status_args, 5)])
        time.sleep(2.0)
        return run_sessions([HttpSession(port, headers, side.status_tool, side.status_args, calls) for _ in range(sessions)])
    finally:
        stop(proc)


def http_section(a, sides):
    standin = StandIn(50)
    rows = []
    try:
        for side in sides:
            for n in a.http_sessions:
                log(f"http: {side.name}, {n} sessions x {a.http_calls} calls")
                rows.append((side.name, n, http_point(side, standin.url, n, a.http_calls)))
    finally:
        standin.close()
    out = [f"#### Streamable HTTP, default settings: sessions x {a.http_calls} status calls, all at once", ""]
    out += table_head(["server", "sessions started", "p50 (ms)", "p99 (ms)", "answered calls/s", "calls answered",
                       "rejected (non-200)", "errors"])
    notes = []
    for name, n, r in rows:
        lat = r["latencies"]
        rejected = sum(r["rejected"].values())
        p50 = f"{ms(percentile(lat, 50)):.2f}" if lat else "n/a"
        p99 = f"{ms(percentile(lat, 99)):.2f}" if lat else "n/a"
        rate = f"{len(lat) / r['wall']:,.0f}" if r["wall"] else "n/a"
        detail = ", ".join(f"{k}: {v:,}" for k, v in sorted(r["rejected"].items()))
        out.append(f"| {name} | {n - len(r['failed'])} / {n} | {p50} | {p99} | {rate} | {len(lat):,} / {n * a.http_calls:,} | "
                   f"{rejected:,}{f' ({detail})' if detail else ''} | {r['errors']:,} |")
        if r["failed"]:
            notes.append(f"{name}, {n} sessions: {len(r['failed'])} could not start "
                         f"(so made no calls), e.g. {r['failed'][0][:160]}.")
    out += ["", "Each session is an MCP Streamable HTTP session on its own keep-alive connection "
            "(initialize, notifications/initialized, then tools/call one after another); the calls start when "
            "every session is initialized, after one warm-up session of 5 calls and a 2 s pause. Latency counts answered "
            "calls only; rejected counts every non-200 answer, session start included. Both servers get a gate token "
            "and the caller's Portainer key in X-Portainer-API-Key. " + " ".join(notes)]
    return out


# --- output ------------------------------------------------------------------------

def table_head(cols):
    return ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]


def int_list(text):
    return [int(x.replace("_", "")) for x in text.split(",") if x.strip()]


def main():
    ap = argparse.ArgumentParser(description="portainer-mcp vs mcp-portainer on a loopback stand-in Portainer")
    ap.add_argument("--calls", type=int, default=2000, help="calls per latency/throughput measurement (stdio)")
    ap.add_argument("--repeat", type=int, default=50, help="samples per answer-size row")
    ap.add_argument("--scaling", type=int_list, default=[1000, 10000, 50000], help="container counts, e.g. 1000,10000")
    ap.add_argument("--http-sessions", type=int_list, default=[1, 10, 50], help="concurrent sessions, e.g. 1,10,50")
    ap.add_argument("--http-calls", type=int, default=200, help="calls per HTTP session")
    ap.add_argument("--log-mb", type=float, default=50, help="size of the big log (biglog section), MB")
    ap.add_argument("--log-runs", type=int, default=3, help="rounds of the big log rows")
    ap.add_argument("--fleet-envs", type=int, default=1000, help="environments of the fleet row")
    ap.add_argument("--fleet-latency-ms", type=int, default=5, help="added latency per environment request")
    ap.add_argument("--fields-containers", type=int, default=200, help="containers of the fields row")
    ap.add_argument("--fleet-runs", type=int, default=3, help="rounds of the fleet and fields rows")
    ap.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections: " + ",".join(SECTIONS))
    ap.add_argument("--skip-peer", action="store_true", help="measure portainer-mcp alone")
    ap.add_argument("--baseline", type=Path, help="another build of ours, measured as a side of its own "
                    "(e.g. the previous commit's release binary), interleaved with the rest")
    ap.add_argument("--baseline-label", default="baseline", help="how the tables name --baseline")
    ap.add_argument("--write", type=Path, help="write the tables into the `bench` generated block of this file "
                    "(docs/dev/benchmarks.md) instead of printing them")
    ap.add_argument("--no-build", action="store_true", help="use the binaries as they are (server and stand-in)")
    ap.add_argument("--binary", type=Path, default=OURS,
                    help="our server's binary (default: target/release; implies --no-build for it, not for the stand-in)")
    a = ap.parse_args()
    only = [s.strip() for s in a.only.split(",") if s.strip()]
    for s in only:
        if s not in SECTIONS:
            ap.error(f"--only: unknown section {s!r} (choose from {', '.join(SECTIONS)})")

    if not a.no_build:
        if a.binary == OURS:
            subprocess.run(["cargo", "build", "--release", "--locked", "-p", "portainer-mcp-rs", "--bin", "portainer-mcp"], cwd=ROOT, check=True)
        subprocess.run(["cargo", "build", "--release", "--locked", "-p", "portainer-mcp-standin"], cwd=ROOT, check=True)
    if not a.binary.exists():
        sys.exit(f"{a.binary} is missing: build it (cargo build --release --locked) or drop --no-build")
    if not STANDIN.exists():
        sys.exit(f"{STANDIN} is missing: build it (cargo build --release --locked -p portainer-mcp-standin) or drop --no-build")
    version = subprocess.run([str(a.binary), "--version"], capture_output=True, text=True).stdout.strip()
    sides = [Ours(a.binary.resolve())]
    if not a.skip_peer:
        peer = Peer(peer_exe())
        standin = StandIn(50)
        try:
            peer.find_tools(standin.url)
        finally:
            standin.close()
        sides.append(peer)
    # After the peer: the ratio column stays ours/peer when there is one.
    if a.baseline:
        sides.append(Ours(a.baseline.resolve(), name=f"portainer-mcp ({a.baseline_label})"))

    command = command_line("bench/bench.py")
    out = [f"Measured {datetime.date.today().isoformat()} with `{command}` on {describe_host()}; "
           f"{version or 'portainer-mcp'} ({describe_commit() if a.binary == OURS else f'binary {a.binary}'})"
           + (f" and mcp-portainer {PEER_VERSION} from PyPI." if not a.skip_peer else "."), ""]
    sections = {"calls": calls_section, "scaling": scaling_section, "biglog": biglog_section, "http": http_section,
                "fleet": fleet_section, "tracing": tracing_section}
    # Tracing goes into a block of its own: it is measured on its own.
    traced = []
    for name in SECTIONS:
        if name in only:
            rows = sections[name](a, sides) + [""]
            if name == "tracing":
                traced = [out[0], ""] + rows
            else:
                out += rows
    blocks = [("bench", out) if len(only) > ("tracing" in only) else None, ("bench-tracing", traced) if traced else None]
    for block, lines in filter(None, blocks):
        text = "\n".join(lines).rstrip()
        if a.write:
            write_block(a.write, block, text)
            log(f"wrote the {block} tables into {a.write}")
        else:
            print(text)


if __name__ == "__main__":
    main()
