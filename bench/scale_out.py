#!/usr/bin/env python3
"""Several portainer-mcp replicas behind a real haproxy (deploy/haproxy/haproxy.cfg,
used as it is), round robin without stickiness, against the stand-in Portainer.

  --check    CI: 3 replicas, 20 concurrent clients (half MCP 2026-07-28, half
             older clients served without sessions), 2,000 calls with reads,
             writes and confirmations; replica r2 is killed (SIGKILL) after a
             third of the calls and restarted after two thirds. Fails unless
             every failed call was in flight at the kill and failed cleanly,
             and every audited write has an outcome (or "interrupted").
  --measure  calls/s, p50 and p99 for 1 and 3 replicas, RSS per replica, each
             paired in the same run with its reference: the same load sent
             straight to the stand-in (what the calls cost upstream),
             interleaved.

Binaries: PMCP_BIN and STANDIN_BIN (default target/debug/...). Standard
library only, besides haproxy.
"""

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

from client import percentile, proc_kb  # bench/client.py, beside this file
from docblock import command_line, describe_commit, describe_host, write_block

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HAPROXY_CFG = os.path.join(ROOT, "deploy", "haproxy", "haproxy.cfg")
TOKEN = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a"
GATE = "scale-out-gate-token-0123456789"
STATE_KEY = "scale-out-state-key-0123456789abcdef"
MODERN = "2026-07-28"
LEGACY = "2025-06-18"
CALL_TIMEOUT = 30.0


def binary(env, name):
    path = os.environ.get(env) or os.path.join(ROOT, "target", "debug", name)
    if not os.path.exists(path):
        sys.exit(f"{path} not found: build it (cargo build -p portainer-mcp-rs -p portainer-mcp-standin) or set {env}")
    return path


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, what, timeout=20.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            if cond():
                return
        except OSError:
            pass
        time.sleep(0.05)
    sys.exit(f"timed out waiting for {what}")


def http_status(port, path):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        c.request("GET", path)
        return c.getresponse().status
    finally:
        c.close()


# --- the processes ----------------------------------------------------------------

class StandIn:
    def __init__(self):
        self.proc = subprocess.Popen([binary("STANDIN_BIN", "portainer-standin"), "--no-record"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.port = int(self.proc.stdout.readline())

    def stop(self):
        self.proc.kill()
        self.proc.wait()


class Replica:
    def __init__(self, name, standin_port, workdir):
        self.name = name
        self.standin_port = standin_port
        self.port = free_port()
        self.audit = os.path.join(workdir, f"audit-{name}.jsonl")
        self.log = os.path.join(workdir, f"{name}.log")
        self.proc = None

    def start(self):
        env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}
        env.update({"PORTAINER_URL": f"http://127.0.0.1:{self.standin_port}",
                    "PORTAINER_TOKEN": TOKEN})
        args = [binary("PMCP_BIN", "portainer-mcp"), "--http", f"127.0.0.1:{self.port}",
                "--stateless", "--state-key", STATE_KEY, "--http-token", GATE,
                "--http-trusted-proxies", "127.0.0.1", "--audit-log", self.audit,
                "--disable-version-check", "--shutdown-grace", "5"]
        log = open(self.log, "a")
        self.proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=log)
        wait_for(lambda: http_status(self.port, "/readyz") == 200, f"{self.name} ready")

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start_replica(name, standin_port, workdir):
    r = Replica(name, standin_port, workdir)
    r.start()
    return r


class Haproxy:
    def __init__(self, replicas):
        self.port = free_port()
        addrs = [f"127.0.0.1:{r.port}" for r in replicas]
        # One replica: all three server lines point at it, so the proxy's
        # own work is the same in both figures.
        while len(addrs) < 3:
            addrs.append(addrs[0])
        env = dict(os.environ, LISTEN=f"127.0.0.1:{self.port}",
                   REPLICA_1=addrs[0], REPLICA_2=addrs[1], REPLICA_3=addrs[2])
        exe = shutil.which("haproxy") or sys.exit("haproxy not found (apt-get install haproxy)")
        check = subprocess.run([exe, "-c", "-f", HAPROXY_CFG], env=env, capture_output=True, text=True)
        if check.returncode != 0:
            sys.exit(f"haproxy -c rejects {HAPROXY_CFG}:\n{check.stdout}{check.stderr}")
        self.proc = subprocess.Popen([exe, "-db", "-f", HAPROXY_CFG], env=env,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: socket.create_connection(("127.0.0.1", self.port), 1).close() is None, "haproxy")

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


# --- the clients --------------------------------------------------------------------

class Client:
    """One MCP client on its own keep-alive connection to `port`: `modern`
    speaks 2026-07-28 (no session, per-request metadata and headers), else
    2025-06-18 without a session (the replicas run --stateless)."""

    def __init__(self, port, modern, name):
        self.port, self.modern, self.name = port, modern, name
        self.conn = None
        self.next_id = 0
        if modern:
            self.post({"method": "server/discover", "params": {}})
        else:
            self.post({"method": "initialize", "params": {
                "protocolVersion": LEGACY, "capabilities": {},
                "clientInfo": {"name": name, "version": "1"}}})
            self.post({"method": "notifications/initialized"}, notify=True)

    def connect(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=CALL_TIMEOUT)
        self.conn.connect()
        self.conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def post(self, msg, notify=False):
        """(http status, JSON-RPC answer or None, replica) for one message."""
        msg = dict(msg, jsonrpc="2.0")
        headers = {"Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream",
                   "Authorization": f"Bearer {GATE}",
                   "X-Portainer-API-Key": TOKEN,
                   "MCP-Protocol-Version": MODERN if self.modern else LEGACY}
        if not notify:
            self.next_id += 1
            msg["id"] = self.next_id
        if self.modern:
            params = msg.setdefault("params", {})
            params["_meta"] = {
                "io.modelcontextprotocol/protocolVersion": MODERN,
                "io.modelcontextprotocol/clientInfo": {"name": self.name, "version": "1"},
                "io.modelcontextprotocol/clientCapabilities": {"elicitation": {"form": {}}},
            }
            headers["Mcp-Method"] = msg["method"]
            if msg["method"] == "tools/call":
                headers["Mcp-Name"] = params["name"]
        body = json.dumps(msg)
        if self.conn is None:
            self.connect()
        try:
            self.conn.request("POST", "/mcp", body, headers)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            raise
        replica = resp.getheader("X-Replica")
        if resp.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        if notify or resp.status != 200:
            return resp.status, None, replica
        return resp.status, answer_of(resp.getheader("Content-Type", ""), data), replica

    def call(self, tool, args, state=None, responses=None):
        params = {"name": tool, "arguments": args}
        if state is not None:
            params["requestState"] = state
            params["inputResponses"] = responses
        return self.post({"method": "tools/call", "params": params})


def answer_of(content_type, data):
    """The JSON-RPC answer of a JSON body or an event stream (its last message with an id)."""
    if "text/event-stream" in content_type:
        found = None
        for line in data.decode().splitlines():
            if line.startswith("data:") and line[5:].strip():
                m = json.loads(line[5:])
                if "id" in m:
                    found = m
        return found
    return json.loads(data)


YES = {"confirm": {"action": "accept", "content": {"confirm": True}}}


def one_call(client, i):
    """Call number i of the mix; returns (kind, ok, detail, replicas)."""
    env = {"environment_id": 1}
    n = i % 10
    if n in (0, 4):
        tool, args, kind = "docker_container_action", dict(env, id="web", action="restart"), "write"
    elif n == 7:
        tool, args, kind = "docker_remove", dict(env, kind="container", id=f"c{i}"), "confirm"
    elif n in (1, 5, 8):
        tool, args, kind = "environment_list", {}, "read"
    else:
        tool, args, kind = "docker_container_list", env, "read"
    if kind == "confirm" and not client.modern:
        args = dict(args, confirm=True)
    status, ans, replica = client.call(tool, args)
    replicas = [replica]
    if status == 200 and ans and kind == "confirm" and client.modern:
        res = ans.get("result", {})
        if res.get("resultType") != "input_required":
            return kind, False, f"no input_required: {json.dumps(ans)[:300]}", replicas
        status, ans, replica = client.call(tool, args, res["requestState"], YES)
        replicas.append(replica)
    if status != 200 or ans is None:
        return kind, False, f"HTTP {status}", replicas
    if "error" in ans:
        return kind, False, f"JSON-RPC error {ans['error'].get('code')}: {ans['error'].get('message', '')[:200]}", replicas
    res = ans.get("result", {})
    if res.get("isError"):
        text = " ".join(c.get("text", "") for c in res.get("content", []))
        return kind, False, f"tool error: {text[:200]}", replicas
    return kind, True, "", replicas


def drive(port, calls, clients, on_progress=None):
    """Runs `calls` calls from `clients` concurrent clients; returns the records."""
    lock = threading.Lock()
    counter = iter(range(calls))
    records = []

    def worker(k):
        client = Client(port, modern=(k % 2 == 0), name=f"client-{k}")
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            if on_progress:
                on_progress(i)
            start = time.monotonic()
            try:
                kind, ok, detail, replicas = one_call(client, i)
            except (OSError, http.client.HTTPException, ValueError) as e:
                kind, ok, detail, replicas = "?", False, f"{type(e).__name__}: {e}", []
            end = time.monotonic()
            with lock:
                records.append({"i": i, "kind": kind, "ok": ok, "detail": detail,
                                "replicas": replicas, "start": start, "end": end,
                                "modern": client.modern})

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return records


def reference(port, calls, clients):
    """The same number of requests straight to the stand-in: one GET each."""
    lock = threading.Lock()
    counter = iter(range(calls))
    times = []

    def worker():
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=CALL_TIMEOUT)
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                return
            start = time.monotonic()
            path = "/api/endpoints" if i % 10 in (1, 5, 8) else "/api/endpoints/1/docker/containers/json"
            c.request("GET", path, headers={"X-API-Key": TOKEN})
            c.getresponse().read()
            with lock:
                times.append(time.monotonic() - start)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times, time.monotonic() - t0


# --- the audit trail -------------------------------------------------------------------

def audit_report(replicas):
    """Every write intent has an outcome, in the same replica's log."""
    writes = outcomes = interrupted = 0
    missing = []
    for r in replicas:
        intents, done = {}, {}
        with open(r.audit) as f:
            for line in f:
                rec = json.loads(line)
                call = rec.get("call")
                if rec.get("phase") == "intent":
                    intents[call] = rec
                elif rec.get("phase") == "outcome" and call:
                    done[call] = rec
        writes += len(intents)
        for call in intents:
            if call not in done:
                missing.append(f"{r.name}: {call}")
            else:
                outcomes += 1
                interrupted += done[call].get("outcome") == "interrupted"
    return {"writes": writes, "with_outcome": outcomes, "interrupted": interrupted,
            "missing": missing}


# --- runs ----------------------------------------------------------------------------

def check(args):
    work = tempfile.mkdtemp(prefix="scale-out-")
    standin = StandIn()
    replicas = [start_replica(f"r{k}", standin.port, work) for k in (1, 2, 3)]
    proxy = Haproxy(replicas)
    victim = replicas[1]
    events = {}
    kill_at, restart_at = args.calls // 3, 2 * args.calls // 3

    def on_progress(i):
        # Called as call i is handed out; the kill and restart run on their
        # own thread so no client waits for them.
        if i == kill_at:
            def kill():
                # The process dies somewhere between these two instants.
                events["kill_sent"] = time.monotonic()
                victim.kill()
                events["kill"] = time.monotonic()
            threading.Thread(target=kill).start()
        if i == restart_at:
            def restart():
                victim.start()
                events["restarted"] = time.monotonic()
            threading.Thread(target=restart).start()

    try:
        t0 = time.monotonic()
        records = drive(proxy.port, args.calls, args.clients, on_progress)
        elapsed = time.monotonic() - t0
        wait_for(lambda: "restarted" in events, "the restart")
    finally:
        proxy.stop()
        for r in replicas:
            r.stop()
        standin.stop()
    failed = [r for r in records if not r["ok"]]
    kill = events["kill"]
    # In flight at the kill, on r2 where the proxy named the replica, and
    # a clean failure: the proxy's 502/503/504 or the connection closed.
    unclean = [r for r in failed
               if not (r["start"] <= kill and r["end"] >= events["kill_sent"])
               or any(name not in (None, victim.name) for name in r["replicas"])
               or not r["detail"].startswith(("HTTP 502", "HTTP 503", "HTTP 504",
                                              "RemoteDisconnected"))]
    ok_writes = sum(1 for r in records if r["ok"] and r["kind"] in ("write", "confirm"))
    elsewhere = sum(1 for r in records
                    if r["kind"] == "confirm" and r["modern"] and r["ok"]
                    and len(r["replicas"]) == 2 and r["replicas"][0] != r["replicas"][1])
    audit = audit_report(replicas)
    lat = [r["end"] - r["start"] for r in records if r["ok"]]
    served = {}
    for r in records:
        for name in r["replicas"]:
            served[name] = served.get(name, 0) + 1
    report = {
        "calls": len(records), "failed": len(failed), "unclean_failures": len(unclean),
        "failures": [dict({k: r[k] for k in ("i", "kind", "detail", "replicas")},
                          started_ms_before_kill=round((kill - r["start"]) * 1000, 1),
                          ended_ms_after_kill=round((r["end"] - kill) * 1000, 1))
                     for r in failed],
        "confirmations_done": sum(1 for r in records if r["kind"] == "confirm" and r["ok"] and r["modern"]),
        "second_round_on_another_replica": elsewhere,
        "writes_done": ok_writes,
        "answered_by": served, "seconds": round(elapsed, 2),
        "calls_per_s": round(len(records) / elapsed, 1),
        "p50_ms": round(percentile(lat, 50) * 1000, 2), "p99_ms": round(percentile(lat, 99) * 1000, 2),
        "audit": audit,
    }
    print(json.dumps(report, indent=2))
    problems = []
    if len(records) != args.calls:
        problems.append(f"{len(records)} calls made, not {args.calls}")
    if unclean:
        problems.append(f"{len(unclean)} failures not in flight at the kill or not clean")
    if len(failed) > args.clients:
        problems.append(f"{len(failed)} failures: more than the {args.clients} calls that can be in flight")
    if audit["writes"] < ok_writes:
        problems.append(f"{audit['writes']} audited writes for {ok_writes} writes done")
    if not elsewhere:
        problems.append("no confirmation's second round landed on another replica")
    if audit["missing"]:
        problems.append(f"writes without an outcome: {audit['missing'][:10]}")
    if not served.get("r2"):
        problems.append("r2 answered nothing")
    if problems:
        sys.exit("scale-out check FAILED: " + "; ".join(problems))
    shutil.rmtree(work, ignore_errors=True)
    print("scale-out check passed")


def measure(args):
    results = {}
    for n in (1, 3):
        work = tempfile.mkdtemp(prefix="scale-out-")
        standin = StandIn()
        replicas = [start_replica(f"r{k}", standin.port, work) for k in range(1, n + 1)]
        proxy = Haproxy(replicas)
        rows = []
        try:
            drive(proxy.port, 200, args.clients)  # warm-up
            for _ in range(args.rounds):
                ref_times, ref_s = reference(standin.port, args.calls, args.clients)
                t0 = time.monotonic()
                records = drive(proxy.port, args.calls, args.clients)
                s = time.monotonic() - t0
                lat = [r["end"] - r["start"] for r in records if r["ok"]]
                rows.append({
                    "calls_per_s": round(len(records) / s, 1),
                    "p50_ms": round(percentile(lat, 50) * 1000, 2),
                    "p99_ms": round(percentile(lat, 99) * 1000, 2),
                    "failed": sum(1 for r in records if not r["ok"]),
                    "reference_per_s": round(len(ref_times) / ref_s, 1),
                    "reference_p50_ms": round(percentile(ref_times, 50) * 1000, 2),
                    "reference_p99_ms": round(percentile(ref_times, 99) * 1000, 2),
                })
            rss = {r.name: {"rss_kb": proc_kb(r.proc.pid, "VmRSS"), "peak_kb": proc_kb(r.proc.pid, "VmHWM")}
                   for r in replicas}
        finally:
            proxy.stop()
            for r in replicas:
                r.stop()
            standin.stop()
            shutil.rmtree(work, ignore_errors=True)
        results[f"{n}_replica{'s' if n > 1 else ''}"] = {"rounds": rows, "memory": rss}
    print(json.dumps({"calls": args.calls, "clients": args.clients, "cores": os.cpu_count(),
                      "results": results}, indent=2))
    if args.write:
        write_block(args.write, "scale-out", measured_table(args, results))
        print(f"wrote the table into {args.write}", file=sys.stderr)


def measured_table(args, results):
    """The docs' table: each round beside its reference from the same run."""
    lines = [f"Measured {time.strftime('%Y-%m-%d')} with `{command_line('bench/scale_out.py')}` "
             f"on {describe_host()}; {describe_commit()}. {args.calls} calls per round from "
             f"{args.clients} concurrent clients through haproxy; the reference sends the same "
             "load straight to the stand-in Portainer, interleaved.", "",
             "| replicas | round | calls/s | p50 ms | p99 ms | failed | reference calls/s "
             "| reference p50 ms | reference p99 ms |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for key, result in results.items():
        n = key.split("_")[0]
        for i, r in enumerate(result["rounds"], 1):
            lines.append(f"| {n} | {i} | {r['calls_per_s']} | {r['p50_ms']} | {r['p99_ms']} | {r['failed']} "
                         f"| {r['reference_per_s']} | {r['reference_p50_ms']} | {r['reference_p99_ms']} |")
    lines += ["", "| replicas | replica | RSS after the rounds (KiB) | peak RSS (KiB) |", "|---:|---|---:|---:|"]
    for key, result in results.items():
        n = key.split("_")[0]
        for name, m in result["memory"].items():
            lines.append(f"| {n} | {name} | {m['rss_kb']} | {m['peak_kb']} |")
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    g = p.add_mutually_exclusive_group(required=True)
    g.add_argument("--check", action="store_true")
    g.add_argument("--measure", action="store_true")
    p.add_argument("--calls", type=int, default=2000)
    p.add_argument("--clients", type=int, default=20)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--write", help="with --measure: write the table into the `scale-out` generated "
                   "block of this docs file (docs/deployment.md)")
    args = p.parse_args()
    if args.write and not args.measure:
        p.error("--write goes with --measure")
    check(args) if args.check else measure(args)


if __name__ == "__main__":
    main()
