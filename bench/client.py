"""The benchmark's clients: MCP over a child's stdio, MCP over Streamable
HTTP (many sessions multiplexed on one thread), a direct keep-alive GET, and
memory readings from /proc. Standard library only.

Every byte count is bytes on the wire: the whole JSON-RPC response line
(stdio) or the whole HTTP response body (HTTP), structuredContent included.
"""

import http.client
import json
import selectors
import socket
import subprocess
import time
from pathlib import Path

PROTOCOL = "2025-06-18"
CLIENT_INFO = {"name": "bench", "version": "1"}


def percentile(values, p):
    """Nearest-rank percentile of a non-empty list."""
    values = sorted(values)
    return values[min(len(values) - 1, max(0, int(round(len(values) * p / 100.0 + 0.5)) - 1))]


def nodelay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def tool_failed(msg):
    return "error" in msg or bool(msg.get("result", {}).get("isError"))


# --- /proc ---------------------------------------------------------------------

def proc_kb(pid, field):
    """A kB field of /proc/PID/status (VmRSS, VmHWM), or None."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def cpu_ns(pid):
    """CPU time each live thread of PID has run, in ns, by thread id (its
    /proc/PID/task/TID/schedstat): finer than utime/stime's 10 ms ticks."""
    out = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            out[task.name] = int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass  # the thread ended meanwhile
    return out


def cpu_used(before, after):
    """The CPU time, in ns, run between two cpu_ns readings by the threads
    alive at the second (one that ended between them is not counted)."""
    return sum(ns - before.get(tid, 0) for tid, ns in after.items())


def reset_peak(pid):
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs)."""
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# --- stdio -------------------------------------------------------------------

class Stdio:
    """Line-delimited JSON-RPC over a child's stdin/stdout, with buffered reads."""

    def __init__(self, cmd, env):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, env=env)
        self.next_id = 0

    @property
    def pid(self):
        return self.proc.pid

    def send(self, method, params=None, notify=False):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if not notify:
            self.next_id += 1
            msg["id"] = self.next_id
        self.proc.stdin.write(json.dumps(msg).encode() + b"\n")
        self.proc.stdin.flush()
        return msg.get("id")

    def read(self):
        """The next response: (message, bytes of its line, time its line arrived)."""
        while True:
            line = self.proc.stdout.readline()
            at = time.perf_counter()
            if not line:
                raise RuntimeError(f"{self.proc.args[0]} closed its output")
            msg = json.loads(line)
            if "id" in msg and ("result" in msg or "error" in msg):
                return msg, len(line.rstrip(b"\r\n")), at

    def request(self, method, params=None):
        """(message, bytes, seconds) of one request answered."""
        t = time.perf_counter()
        want = self.send(method, params)
        while True:
            msg, size, at = self.read()
            if msg["id"] == want:
                return msg, size, at - t

    def call(self, tool, args):
        msg, size, secs = self.request("tools/call", {"name": tool, "arguments": args})
        if tool_failed(msg):
            raise RuntimeError(f"{tool}: {json.dumps(msg)[:400]}")
        return msg, size, secs

    def initialize(self):
        msg, _, _ = self.request("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                                "clientInfo": CLIENT_INFO})
        self.send("notifications/initialized", notify=True)
        return msg

    def close(self):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --- direct GET ----------------------------------------------------------------

class Direct:
    """A keep-alive HTTP/1.1 connection to the stand-in, TCP_NODELAY set."""

    def __init__(self, port, token):
        self.conn = http.client.HTTPConnection("127.0.0.1", port)
        self.conn.connect()
        nodelay(self.conn.sock)
        self.headers = {"X-API-Key": token}

    def get(self, path):
        """(status, bytes, seconds)"""
        t = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        r = self.conn.getresponse()
        data = r.read()
        return r.status, len(data), time.perf_counter() - t

    def close(self):
        self.conn.close()


# --- Streamable HTTP -----------------------------------------------------------

class Response:
    """Incremental HTTP/1.1 response parser (Content-Length or chunked)."""

    def __init__(self):
        self.buf = bytearray()
        self.status = None
        self.headers = {}
        self.body = bytearray()
        self.length = None
        self.chunked = False
        self.done = False

    def feed(self, data):
        self.buf += data
        if self.status is None:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            lines = bytes(self.buf[:end]).decode("latin-1").split("\r\n")
            del self.buf[:end + 4]
            self.status = int(lines[0].split(" ", 2)[1])
            for line in lines[1:]:
                name, _, value = line.partition(":")
                self.headers[name.strip().lower()] = value.strip()
            if "content-length" in self.headers:
                self.length = int(self.headers["content-length"])
            self.chunked = "chunked" in self.headers.get("transfer-encoding", "").lower()
            if not self.chunked and self.length is None:
                self.length = 0  # no body (202, 204); servers here never stream until close
        if self.chunked:
            while True:
                end = self.buf.find(b"\r\n")
                if end < 0:
                    return
                size = int(bytes(self.buf[:end]).split(b";")[0], 16)
                if size == 0:  # last chunk, then trailers (usually none) and a blank line
                    rest = bytes(self.buf[end + 2:])
                    self.done = rest.startswith(b"\r\n") or b"\r\n\r\n" in rest
                    return
                if len(self.buf) < end + 2 + size + 2:
                    return
                self.body += self.buf[end + 2:end + 2 + size]
                del self.buf[:end + 2 + size + 2]
        elif len(self.buf) >= self.length:
            self.body += self.buf[:self.length]
            self.done = True


def jsonrpc_messages(resp):
    """JSON-RPC messages in a response body, plain JSON or server-sent events."""
    body = bytes(resp.body)
    if not body.strip():
        return []
    if resp.headers.get("content-type", "").startswith("text/event-stream"):
        out = []
        for event in body.replace(b"\r\n", b"\n").split(b"\n\n"):
            data = b"\n".join(line[5:].lstrip(b" ") for line in event.split(b"\n") if line.startswith(b"data:"))
            if data.strip():
                out.append(json.loads(data))
        return out
    msg = json.loads(body)
    return msg if isinstance(msg, list) else [msg]


BARRIER = object()


class HttpSession:
    """One MCP Streamable HTTP session on its own keep-alive connection:
    initialize, notifications/initialized, then `calls` tools/call."""

    def __init__(self, port, headers, tool, args, calls):
        self.port, self.extra, self.tool, self.args, self.calls = port, headers, tool, args, calls
        self.session_id = None
        self.sock = None
        self.next_id = 0

    def connect(self):
        self.sock = socket.create_connection(("127.0.0.1", self.port))
        nodelay(self.sock)
        self.sock.setblocking(False)

    def request(self, body):
        headers = {"Host": f"127.0.0.1:{self.port}", "Content-Type": "application/json",
                   "Accept": "application/json, text/event-stream", "Content-Length": str(len(body)), **self.extra}
        if self.session_id:
            headers["Mcp-Session-Id"] = self.session_id
            headers["MCP-Protocol-Version"] = PROTOCOL
        head = "POST /mcp HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
        return head.encode() + body

    def rpc(self, method, params=None):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if not method.startswith("notifications/"):
            self.next_id += 1
            msg["id"] = self.next_id
        return self.request(json.dumps(msg).encode())

    def script(self):
        """Yields (label, request bytes) or BARRIER; receives Response objects."""
        r = yield ("init", self.rpc("initialize", {"protocolVersion": PROTOCOL, "capabilities": {},
                                                   "clientInfo": CLIENT_INFO}))
        if r is None or r.status != 200:
            raise RuntimeError(f"initialize: HTTP {r and r.status} {r and bytes(r.body)[:200]}")
        self.session_id = r.headers.get("mcp-session-id")
        r = yield ("init", self.rpc("notifications/initialized"))
        if r is None or r.status not in (200, 202):
            raise RuntimeError(f"notifications/initialized: HTTP {r and r.status}")
        yield BARRIER
        for _ in range(self.calls):
            yield ("call", self.rpc("tools/call", {"name": self.tool, "arguments": self.args}))


def run_sessions(sessions, timeout=600):
    """Drive all sessions at once from one thread: each sends its next request
    when its previous answer is complete (closed loop). The calls start when
    every session is initialized. Returns a dict: latencies (s) of answered
    calls, rejected (non-200 answers by status, session start included),
    errors (200 with a JSON-RPC or tool error), failed (why each session that
    could not start failed), wall (s) of the calls phase, bytes (of answered
    call bodies)."""
    sel = selectors.DefaultSelector()
    out = {"latencies": [], "rejected": {}, "errors": 0, "failed": [], "wall": 0.0, "bytes": 0}
    state = {}  # session -> [script, label, sent at, Response]
    parked = []

    def advance(s, resp):
        st = state[s]
        if resp is not None and st[1] == "init" and resp.status not in (200, 202):
            out["rejected"][resp.status] = out["rejected"].get(resp.status, 0) + 1
        try:
            step = st[0].send(resp)
        except StopIteration:
            sel.unregister(s.sock)
            s.sock.close()
            del state[s]
            return
        except RuntimeError as e:
            out["failed"].append(str(e))
            sel.unregister(s.sock)
            s.sock.close()
            del state[s]
            return
        if step is BARRIER:
            parked.append(s)
            return
        st[1], data = step
        st[3] = Response()
        st[2] = time.perf_counter()
        s.sock.sendall(data)  # small requests: fits the empty send buffer

    for s in sessions:
        s.connect()
        sel.register(s.sock, selectors.EVENT_READ, s)
        state[s] = [s.script(), None, 0.0, None]
        advance(s, None)
    started = None
    deadline = time.perf_counter() + timeout
    while state:
        if started is None and len(parked) == len(state):
            started = time.perf_counter()
            waiting, parked[:] = list(parked), []
            for s in waiting:
                advance(s, None)
            continue
        if time.perf_counter() > deadline:
            raise TimeoutError(f"{len(state)} sessions still running after {timeout} s")
        for key, _ in sel.select(timeout=1.0):
            s = key.data
            st = state.get(s)
            if st is None or st[3] is None:
                continue
            try:
                data = s.sock.recv(262144)
            except BlockingIOError:
                continue
            except ConnectionError:
                data = b""
            if not data:
                out["failed"].append("connection closed by the server")
                sel.unregister(s.sock)
                s.sock.close()
                del state[s]
                continue
            resp = st[3]
            resp.feed(data)
            if not resp.done:
                continue
            at = time.perf_counter()
            if st[1] == "call":
                if resp.status != 200:
                    out["rejected"][resp.status] = out["rejected"].get(resp.status, 0) + 1
                else:
                    msgs = jsonrpc_messages(resp)
                    if not msgs or any(tool_failed(m) for m in msgs if "id" in m):
                        out["errors"] += 1
                    else:
                        out["latencies"].append(at - st[2])
                        out["bytes"] += len(resp.body)
            st[3] = None
            advance(s, resp)
    if started is not None:
        out["wall"] = time.perf_counter() - started
    sel.close()
    return out
