"""Side-by-side benchmark: portainer-mcp (this project) and Portainer's own
Python server mcp-portainer, on the same loopback stand-in Portainer.

    python3 bench/bench.py            # builds the release binary, makes a venv for the peer
    python3 bench/bench.py --calls 500  # a quicker run

Prints a Markdown table: ours, the peer, ours/theirs. Each server is driven
by a minimal JSON-RPC client over its stdio, so client overhead is the same
for both.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OURS = ROOT / "target" / "release" / "portainer-mcp"
TOKEN = "ptr_BENCH"
PEER_VERSION = "2.45.3"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stdio:
    """A line-delimited JSON-RPC client over a child's stdio."""

    def __init__(self, cmd, env):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env, bufsize=0)
        self.next_id = 0
        self.lock = threading.Lock()

    def send(self, method, params=None, notify=False):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if not notify:
            self.next_id += 1
            msg["id"] = self.next_id
        self.proc.stdin.write((json.dumps(msg) + "\n").encode())
        return msg.get("id")

    def read(self):
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("server closed its output")
            msg = json.loads(line)
            if "id" in msg and ("result" in msg or "error" in msg):
                return msg

    def request(self, method, params=None):
        want = self.send(method, params)
        while True:
            msg = self.read()
            if msg["id"] == want:
                return msg

    def initialize(self):
        r = self.request("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                        "clientInfo": {"name": "bench", "version": "1"}})
        self.send("notifications/initialized", notify=True)
        return r

    def rss_peak_kb(self):
        try:
            for line in open(f"/proc/{self.proc.pid}/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        except OSError:
            return None
        return None

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


class Target:
    def __init__(self, name, cmd, env, ro_env, all_env, call):
        self.name, self.cmd, self.env, self.ro_env, self.all_env = name, cmd, env, ro_env, all_env
        self.call = call  # tool name -> (name, args) resolver

    def start(self, extra_env=None):
        env = dict(self.env)
        env.update(extra_env or {})
        return Stdio(self.cmd, env)


def tools_list_bytes(target, extra_env):
    s = target.start(extra_env)
    s.initialize()
    r = s.request("tools/list")
    s.close()
    return len(json.dumps(r["result"], separators=(",", ":"))), len(r["result"]["tools"])


def cold_start(target, runs=5):
    to_init, to_list = [], []
    for _ in range(runs):
        s = target.start()
        s.initialize()
        to_init.append(time.perf_counter() - s.started)
        s.request("tools/list")
        to_list.append(time.perf_counter() - s.started)
        s.close()
    return statistics.median(to_init), statistics.median(to_list)


def direct_round_trips(port, n):
    conn = http.client.HTTPConnection("127.0.0.1", port)
    times = []
    for _ in range(n):
        t = time.perf_counter()
        conn.request("GET", "/api/system/status", headers={"X-API-Key": TOKEN})
        conn.getresponse().read()
        times.append(time.perf_counter() - t)
    return times


def per_call(target, tool, args, n):
    s = target.start()
    s.initialize()
    times = []
    for _ in range(n):
        t = time.perf_counter()
        r = s.request("tools/call", {"name": tool, "arguments": args})
        times.append(time.perf_counter() - t)
        if "error" in r or r["result"].get("isError"):
            raise RuntimeError(f"{target.name} {tool}: {json.dumps(r)[:300]}")
    rss = s.rss_peak_kb()
    s.close()
    return times, rss


def throughput(target, tool, args, n, in_flight=32):
    s = target.start()
    s.initialize()
    sent = done = 0
    t = time.perf_counter()
    while sent < min(in_flight, n):
        s.send("tools/call", {"name": tool, "arguments": args})
        sent += 1
    while done < n:
        s.read()
        done += 1
        if sent < n:
            s.send("tools/call", {"name": tool, "arguments": args})
            sent += 1
    elapsed = time.perf_counter() - t
    s.close()
    return n / elapsed


def answer_bytes(target, tool, args):
    if tool is None:
        return None
    s = target.start()
    s.initialize()
    r = s.request("tools/call", {"name": tool, "arguments": args})
    s.close()
    if "error" in r:
        return None
    return len("".join(c.get("text", "") for c in r["result"].get("content", [])))


def peer_env_dir():
    venv = Path(tempfile.gettempdir()) / f"mcp-portainer-{PEER_VERSION}-venv"
    py = venv / "bin" / "python"
    exe = venv / "bin" / "mcp-portainer"
    if not exe.exists():
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


def find_tool(target, *needles):
    s = target.start(target.all_env)
    s.initialize()
    names = [t["name"] for t in s.request("tools/list")["result"]["tools"]]
    s.close()
    for needle in needles:
        for n in names:
            if n.lower().replace("_", "") == needle.lower().replace("_", ""):
                return n
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--calls", type=int, default=2000)
    ap.add_argument("--skip-peer", action="store_true")
    a = ap.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "portainer-mcp"], cwd=ROOT, check=True)
    port = free_port()
    standin = subprocess.Popen([sys.executable, str(Path(__file__).parent / "standin.py"), str(port)])
    time.sleep(0.5)
    url = f"http://127.0.0.1:{port}"
    base = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}
    try:
        ours = Target("portainer-mcp", [str(OURS)], {**base, "PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN},
                      {"PORTAINER_READ_ONLY": "true"}, {"PORTAINER_TOOLSETS": "all"}, None)
        targets = [ours]
        if not a.skip_peer:
            peer_bin = peer_env_dir()
            peer = Target("mcp-portainer (Python)", [str(peer_bin)],
                          {**base, "PORTAINER_URL": url, "PORTAINER_API_KEY": TOKEN,
                           "PORTAINER_MCP_DISABLE_GUIDANCE_GATE": "1", "PORTAINER_MCP_LOG_LEVEL": "ERROR"},
                          {"PORTAINER_READ_ONLY": "1"}, {"PORTAINER_PROFILES": "ALL"}, None)
            targets.append(peer)

        direct = direct_round_trips(port, a.calls)
        rows = {}
        for t in targets:
            r = rows[t.name] = {}
            r["init"], r["list"] = cold_start(t)
            r["tl_default"], r["n_default"] = tools_list_bytes(t, {})
            r["tl_ro"], r["n_ro"] = tools_list_bytes(t, t.ro_env)
            r["tl_all"], r["n_all"] = tools_list_bytes(t, t.all_env)
            status = "system_status" if t is ours else find_tool(t, "systemStatus", "system_status")
            times, rss = per_call(t, status, {}, a.calls)
            # Overhead: the MCP round trip's percentile minus the direct HTTP one's.
            r["p50"] = (percentile(times, 50) - percentile(direct, 50)) * 1000
            r["p99"] = (percentile(times, 99) - percentile(direct, 99)) * 1000
            r["rss"] = rss
            r["tput"] = throughput(t, status, {}, a.calls)
            if t is ours:
                r["envs"] = answer_bytes(t, "environment_list", {})
                r["ctrs"] = answer_bytes(t, "docker_container_list", {"environment_id": 1})
                r["logs"] = answer_bytes(t, "docker_container_logs", {"environment_id": 1, "id": "app-1", "tail": "all"})
            else:
                env_tool = find_tool(t, "EndpointList", "endpoint_list")
                r["envs"] = answer_bytes(t, env_tool, {})
                proxy = find_tool(t, "docker_proxy")
                # Its proxy wants a leading slash and string query values.
                r["ctrs"] = answer_bytes(t, proxy, {"environment_id": 1, "method": "GET", "path": "/containers/json"}) if proxy else None
                r["logs"] = answer_bytes(t, proxy, {"environment_id": 1, "method": "GET", "path": "/containers/app-1/logs",
                                                    "query_params": {"stdout": "1", "stderr": "1", "tail": "all"}}) if proxy else None
        raw = {"envs": len(json.dumps(json.loads(json.dumps(__import__("standin").ENVS)))),
               "ctrs": len(json.dumps(__import__("standin").CONTAINERS)), "logs": len(__import__("standin").LOGS)}
    finally:
        standin.terminate()

    names = list(rows)
    def fmt(v, unit=""):
        if v is None:
            return "n/a"
        return f"{v:,.2f}{unit}" if isinstance(v, float) else f"{v:,}{unit}"
    lines = [
        ("cold start to initialize (ms)", "init", 1000),
        ("cold start to first tools/list (ms)", "list", 1000),
        ("tools/list bytes, default", "tl_default", None),
        ("tools/list bytes, read-only", "tl_ro", None),
        ("tools/list bytes, all", "tl_all", None),
        ("tools, default / read-only / all", None, None),
        (f"per-call overhead p50 (ms, {a.calls} calls)", "p50", None),
        ("per-call overhead p99 (ms)", "p99", None),
        ("throughput, 32 in flight (calls/s)", "tput", None),
        ("peak RSS during per-call run (MB)", "rss", 1 / 1024),
        (f"environment list, 20 envs (bytes; raw {raw['envs']:,})", "envs", None),
        (f"container list, 50 containers (bytes; raw {raw['ctrs']:,})", "ctrs", None),
        (f"logs, 1,000 lines (bytes; raw {raw['logs']:,})", "logs", None),
    ]
    header = "| | " + " | ".join(names) + (" | ours/theirs |" if len(names) > 1 else " |")
    print(header)
    print("|---" * (len(names) + (2 if len(names) > 1 else 1)) + "|")
    for label, key, scale in lines:
        if key is None:
            cells = [f"{rows[n]['n_default']} / {rows[n]['n_ro']} / {rows[n]['n_all']}" for n in names]
            ratio = ""
        else:
            vals = [rows[n][key] for n in names]
            vals = [v * scale if (v is not None and scale) else v for v in vals]
            cells = [fmt(float(v)) if isinstance(v, float) else fmt(v) for v in vals]
            ratio = ""
            if len(vals) > 1 and vals[0] is not None and vals[1]:
                ratio = f"{vals[0] / vals[1]:.3g}"
        print(f"| {label} | " + " | ".join(cells) + (f" | {ratio} |" if len(names) > 1 else " |"))
    tokens = rows[names[0]]["tl_default"] // 4
    print(f"\nDefault tools/list of {names[0]} is about {tokens:,} tokens (bytes/4).")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
