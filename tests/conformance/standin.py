"""A tiny loopback Portainer stand-in for the MCP conformance run (test
support, not shipped). Standard library only.

Answers what portainer-mcp asks of Portainer while the conformance suite
drives it: the start-up version check, the per-caller token check
(GET /api/users/me, X-API-Key like Portainer: 401 without the right token)
and a few read routes the tools use. Anything else is a Portainer-shaped 404.

    python3 standin.py --port 0 --token T --port-file /tmp/x/standin.port
"""

import argparse
import http.server
import json
import os
import socket
import sys

VERSION = "2.45.3"
# Routes the tools read, with the Portainer-shaped bodies they get here.
LISTS = {
    ("endpoints",): [],
    ("endpoint_groups",): [],
    ("tags",): [],
    ("stacks",): [],
    ("users",): [{"Id": 1, "Username": "admin", "Role": 1}],
    ("teams",): [],
    ("registries",): [],
    ("templates",): {"version": "3", "templates": []},
    ("settings",): {"AuthenticationMethod": 1, "EnableTelemetry": False},
}


class StandIn(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "portainer-standin"

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # keep the run's output quiet
        pass

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        path = self.path.partition("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        parts = tuple(p for p in path.split("/") if p)
        if parts[:1] != ("api",):
            return self.send_json(404, {"message": "Not found"})
        rest = parts[1:]
        if self.command == "GET" and rest == ("system", "status"):  # public in Portainer
            return self.send_json(200, {"Version": VERSION, "InstanceID": "conformance-standin"})
        if self.headers.get("X-API-Key") != self.server.token:
            return self.send_json(401, {"message": "Unauthorized",
                                        "details": "A valid authorisation token is missing"})
        if self.command != "GET":
            return self.send_json(405, {"message": "Method not allowed here (read-only stand-in)"})
        if rest == ("system", "version"):
            return self.send_json(200, {"ServerVersion": VERSION, "DatabaseVersion": VERSION,
                                        "ServerEdition": "EE", "UpdateAvailable": False,
                                        "LatestVersion": ""})
        if rest == ("users", "me"):
            return self.send_json(200, {"Id": 1, "Username": "admin", "Role": 1})
        if rest in LISTS:
            return self.send_json(200, LISTS[rest])
        return self.send_json(404, {"message": "Not found", "details": f"no route for GET {path}"})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0, help="0: any free port")
    ap.add_argument("--token", required=True)
    ap.add_argument("--port-file", help="write the bound port here once listening")
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), StandIn)
    srv.daemon_threads = True
    srv.token = a.token
    port = srv.server_address[1]
    if a.port_file:
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(port))
        os.replace(a.port_file + ".tmp", a.port_file)
    print(f"standin listening on 127.0.0.1:{port}", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
