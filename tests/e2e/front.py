"""A Portainer-shaped front for end-to-end tests (test support, not shipped).

Kept apart from the Rust stand-in (standin/, used by tests/*.rs, the
benchmark and the conformance run) on purpose: that one answers from fixed
fixtures, while this one relays Docker requests to a real engine, so that
the end-to-end suite sees what an engine really returns and really does.

Answers the Portainer routes the tools use with Portainer-shaped JSON and
relays /api/endpoints/1/docker/* unchanged to a real Docker engine's unix
socket, checking X-API-Key like Portainer does (401 without it).

With --record FILE it appends one JSON line per request that reaches it
(method, path, raw query, headers with credentials masked, content type,
body), before any routing or authentication, so that the suite can check
every request against the upstream API descriptions (upstream.py).

    python3 front.py --port 9000 --docker-sock /tmp/d/docker.sock --token T [--record F]
"""

import argparse
import base64
import http.client
import http.server
import json
import socket
import sys
import threading
import urllib.parse

VERSION = "2.45.3"
DOCKER_ENV = 1
# Environment 3's Kubernetes API is the Rust stand-in's (standin/), which
# answers as kube-apiserver does (discovery, apply, dry runs, Table...).
KUBERNETES_ENV = 3
STACK_FILE = "services:\n  web:\n    image: mcp-busybox:test\n    command: [\"sleep\", \"3600\"]\n"


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=30):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self.unix_path)
        self.sock = s


def docker_api(sock, method, path, body=None):
    conn = UnixHTTPConnection(sock)
    try:
        conn.request(method, path, body=json.dumps(body) if body is not None else None,
                     headers={"Content-Type": "application/json"} if body is not None else {})
        resp = conn.getresponse()
        data = resp.read()
        return resp.status, (json.loads(data) if data.strip().startswith(b"{") or data.strip().startswith(b"[") else data)
    finally:
        conn.close()


def compose_up(sock, project, text, env):
    """What Portainer's compose deploy does, for the few keys the suite's
    files use (image, command, restart, healthcheck test): each service's
    containers replaced by one new container, labelled as compose labels
    them, on no network. Returns an error text, or None."""
    import yaml
    try:
        services = (yaml.safe_load(text) or {}).get("services") or {}
    except yaml.YAMLError as e:
        return f"invalid compose file: {e}"
    label = f"com.docker.compose.project={project}"
    _, old = docker_api(sock, "GET", "/containers/json?all=1&filters=" + urllib.parse.quote(json.dumps({"label": [label]})))
    for c in old if isinstance(old, list) else []:
        docker_api(sock, "DELETE", f"/containers/{c['Id']}?force=1")
    for name, svc in services.items():
        cmd = svc.get("command")
        config = {
            "Image": svc.get("image"),
            "Cmd": cmd if isinstance(cmd, list) else (cmd.split() if cmd else None),
            "Env": [f"{e['name']}={e['value']}" for e in env or []],
            "Labels": {"com.docker.compose.project": project, "com.docker.compose.service": name},
            "HostConfig": {"NetworkMode": "none",
                           "RestartPolicy": {"Name": svc.get("restart", "no").replace("unless-stopped", "always")}},
        }
        hc = svc.get("healthcheck")
        if hc:
            config["Healthcheck"] = {"Test": hc["test"], "Interval": 1_000_000_000, "Retries": 3}
        status, made = docker_api(sock, "POST", f"/containers/create?name={project}-{name}-1", config)
        if status != 201:
            return f"service {name}: {made}"
        docker_api(sock, "POST", f"/containers/{made['Id']}/start")
    return None


def environment():
    return {
        "Id": DOCKER_ENV, "Name": "local", "Type": 1, "URL": "unix:///var/run/docker.sock",
        "GroupId": 1, "PublicURL": "", "Status": 1, "TagIds": [], "UserTrusted": True,
        "TLSConfig": {"TLS": False, "TLSSkipVerify": False}, "Snapshots": [],
        "Kubernetes": {"Snapshots": None, "Configuration": {}},
        "UserAccessPolicies": {}, "TeamAccessPolicies": {}, "EdgeCheckinInterval": 0,
    }


# Header values never written to the record (names are kept).
SECRET_HEADERS = {"x-api-key", "authorization", "x-portainer-api-key", "x-registry-auth", "cookie"}


def record(server, method, target, headers, body):
    if not server.record:
        return
    path, _, query = target.partition("?")
    entry = {
        "method": method, "path": path, "query": query,
        "headers": {k: ("<masked>" if k.lower() in SECRET_HEADERS else v) for k, v in headers.items()},
        "content_type": headers.get("Content-Type"),
    }
    try:
        entry["body"] = body.decode("utf-8")
    except UnicodeDecodeError:
        entry["body_base64"] = base64.b64encode(body).decode()
    line = json.dumps(entry) + "\n"
    with server.record_lock:
        with open(server.record, "a", encoding="utf-8") as f:
            f.write(line)


class Front(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "portainer-front"

    def log_message(self, fmt, *args):  # keep test output quiet
        pass

    def send_json(self, status, body, headers=None):
        data = json.dumps(body).encode()
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        path, _, query = self.path.partition("?")
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record(self.server, self.command, self.path, self.headers, body)
        if path != "/api/system/status" and self.headers.get("X-API-Key") != self.server.token:
            return self.send_json(401, {"message": "Unauthorized", "details": "A valid authorisation token is missing"})
        parts = [p for p in path.split("/") if p]
        m = self.command
        if parts[:1] != ["api"]:
            return self.send_json(404, {"message": "Not found"})
        rest = parts[1:]
        if m == "GET" and rest == ["system", "version"]:
            version = self.server.version
            return self.send_json(200, {"ServerVersion": version, "ServerEdition": self.server.edition,
                                        "DatabaseVersion": version,
                                        "UpdateAvailable": False, "LatestVersion": ""})
        if m == "GET" and rest == ["users", "me"]:
            # The HTTP transport's caller check; only the front's token gets here.
            return self.send_json(200, {"Id": 1, "Username": "admin"})
        if m == "GET" and rest == ["system", "status"]:
            return self.send_json(200, {"Version": self.server.version, "InstanceID": "e2e-front"})
        if m == "GET" and rest == ["endpoints"]:
            # Portainer's paged list counts all that match in X-Total-Count.
            return self.send_json(200, [environment()], {"X-Total-Count": "1"})
        if m == "GET" and len(rest) == 2 and rest[0] == "endpoints":
            if rest[1] == str(DOCKER_ENV):
                return self.send_json(200, environment())
            return self.send_json(404, {"message": "Unable to find an environment with the specified identifier inside the database",
                                        "details": "object not found inside the database"})
        if m == "GET" and rest == ["endpoint_groups"]:
            return self.send_json(200, [{"Id": 1, "Name": "Unassigned", "TagIds": [], "UserAccessPolicies": {}, "TeamAccessPolicies": {}}])
        if m == "GET" and rest == ["tags"]:
            return self.send_json(200, [])
        if rest[:1] == ["stacks"]:
            return self.stacks(m, rest[1:], query, body)
        kube = [str(KUBERNETES_ENV), "kubernetes"]
        if self.server.kubernetes and (rest[:1] == ["endpoints"] and rest[1:3] == kube
                                       or rest[:2] == kube[::-1]):
            return self.relay_kubernetes(body)
        if len(rest) >= 3 and rest[0] == "endpoints" and rest[2] == "docker":
            if rest[1] != str(DOCKER_ENV):
                return self.send_json(404, {"message": "Unable to find an environment with the specified identifier inside the database",
                                            "details": "object not found inside the database"})
            return self.relay("/" + "/".join(rest[3:]) + ("?" + query if query else ""), body)
        return self.send_json(404, {"message": "Not found", "details": f"no route for {m} {path}"})

    def stacks(self, m, rest, query, body):
        """One compose stack, 7, whose webhook an update sets (Business
        Edition keeps a file stack's webhook under Webhook). Its files are
        kept by version as Business Edition keeps them (StackFileVersion,
        PreviousDeploymentInfo, the file route's `version`); a changed file
        is deployed to the engine as Portainer's compose does."""
        st = self.server.stack
        files = self.server.stack_files
        if m == "GET" and rest == []:
            return self.send_json(200, [st])
        if rest[:1] != ["7"]:
            return self.send_json(404, {"message": "Unable to find a stack with the specified identifier inside the database",
                                        "details": "object not found inside the database"})
        if m == "GET" and rest == ["7"]:
            return self.send_json(200, st)
        if m == "GET" and rest == ["7", "file"]:
            asked = urllib.parse.parse_qs(query).get("version")
            version = int(asked[0]) if asked else len(files)
            if not 1 <= version <= len(files):
                return self.send_json(404, {"message": "Unable to retrieve stack file", "details": "version not found"})
            return self.send_json(200, {"StackFileContent": files[version - 1]})
        if m == "PUT" and rest == ["7"]:
            payload = json.loads(body or b"{}")
            with self.server.record_lock:
                st["Env"] = payload.get("Env") or []
                st["Webhook"] = payload.get("Webhook") or ""
                text = payload.get("StackFileContent")
                back = payload.get("RollbackTo")
                if back:
                    if not 1 <= back <= len(files):
                        return self.send_json(400, {"message": "Invalid request payload", "details": "no such stack file version"})
                    text = files[back - 1]
                # A changed file is deployed (Portainer redeploys every
                # time; the suite's engine keeps its own containers otherwise).
                if text not in (None, files[-1]):
                    files.append(text)
                    st["PreviousDeploymentInfo"] = {"Version": len(files) - 1, "FileVersion": len(files) - 1, "ConfigHash": ""}
                    st["StackFileVersion"] = len(files)
                    error = compose_up(self.server.docker_sock, st["Name"], text, st["Env"])
                    if error:
                        return self.send_json(500, {"message": "Failed to deploy a stack", "details": error})
            return self.send_json(200, st)
        return self.send_json(404, {"message": "Not found", "details": f"no route for {m} /api/stacks/{'/'.join(rest)}"})

    def relay(self, target, body):
        """To the Docker engine, as Portainer's Docker passthrough does."""
        conn = UnixHTTPConnection(self.server.docker_sock)
        self.forward(conn, target, body, ("content-type",), {}, "the Docker engine")

    def relay_kubernetes(self, body):
        """To the stand-in answering environment 3's Kubernetes API."""
        conn = http.client.HTTPConnection(*self.server.kubernetes, timeout=30)
        self.forward(conn, self.path, body, ("content-type", "accept"),
                     {"X-API-Key": self.server.kubernetes_token}, "the Kubernetes API")

    def forward(self, conn, target, body, pass_headers, extra_headers, what):
        headers = {k: v for k, v in self.headers.items() if k.lower() in pass_headers}
        headers.update(extra_headers)
        try:
            conn.request(self.command, target, body=body or None, headers=headers)
            resp = conn.getresponse()
            if resp.getheader("Content-Type", "").startswith("application/vnd.docker.") and resp.getheader("Content-Length") is None:
                return self.relay_stream(resp)
            data = resp.read()
        except OSError as e:
            return self.send_json(502, {"message": f"Unable to reach {what}", "details": str(e)})
        finally:
            conn.close()
        self.send_response(resp.status)
        if resp.getheader("Content-Type"):
            self.send_header("Content-Type", resp.getheader("Content-Type"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def relay_stream(self, resp):
        """A stream with no length (an attached exec start): passed on as it
        arrives and ended by closing, as Portainer's reverse proxy does."""
        self.send_response(resp.status)
        self.send_header("Content-Type", resp.getheader("Content-Type"))
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        try:
            while True:
                chunk = resp.read1(65536)
                if not chunk:
                    break
                self.wfile.write(chunk)
                self.wfile.flush()
        except OSError:
            pass

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--docker-sock", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--kubernetes", help="host:port of the stand-in answering environment 3's Kubernetes API")
    ap.add_argument("--kubernetes-token", default="", help="the stand-in's token")
    ap.add_argument("--record", help="append each request received, as a JSON line, to this file")
    ap.add_argument("--version", default=VERSION, help="the Portainer version to claim")
    ap.add_argument("--edition", default="EE", choices=["CE", "EE"], help="the Portainer edition to claim")
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), Front)
    srv.daemon_threads = True
    srv.token = a.token
    srv.docker_sock = a.docker_sock
    srv.record = a.record
    srv.kubernetes = None
    if a.kubernetes:
        host, port = a.kubernetes.rsplit(":", 1)
        srv.kubernetes = (host, int(port))
    srv.kubernetes_token = a.kubernetes_token
    srv.version, srv.edition = a.version, a.edition
    srv.record_lock = threading.Lock()
    # Deployed twice before the suite starts, so a rollback has a file to go to.
    srv.stack_files = [STACK_FILE, STACK_FILE]
    srv.stack = {"Id": 7, "Name": "shop", "Type": 2, "EndpointId": DOCKER_ENV, "Status": 1, "Env": [],
                 "GitConfig": None, "AutoUpdate": None, "Webhook": "", "StackFileVersion": 2,
                 "PreviousDeploymentInfo": {"Version": 1, "FileVersion": 1, "ConfigHash": ""}}
    print(f"front listening on 127.0.0.1:{a.port}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
