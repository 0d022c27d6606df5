"""Loopback stand-in Portainer for benchmarks: fixed, realistic answers.

    python3 standin.py PORT
"""

import http.server
import json
import struct
import sys

ENVS = [{"Id": i, "Name": f"env-{i}", "Type": 1 if i % 3 else 6, "URL": f"tcp://10.0.{i}.2:2376", "GroupId": 1 + i % 4,
         "PublicURL": "", "Status": 1 if i % 5 else 2, "TagIds": [1, 2] if i % 2 else [], "UserTrusted": True,
         "Heartbeat": True, "EdgeID": "", "EdgeKey": "", "EdgeCheckinInterval": 0, "QueryDate": 1732437600,
         "TLSConfig": {"TLS": True, "TLSSkipVerify": False, "TLSCACert": f"/data/tls/{i}/ca.pem", "TLSCert": f"/data/tls/{i}/cert.pem", "TLSKey": f"/data/tls/{i}/key.pem"},
         "Snapshots": [], "Kubernetes": {"Snapshots": [], "Configuration": {"UseLoadBalancer": False, "UseServerMetrics": True, "StorageClasses": None}},
         "SecuritySettings": {"allowBindMountsForRegularUsers": False, "allowPrivilegedModeForRegularUsers": False, "enableHostManagementFeatures": False},
         "UserAccessPolicies": {}, "TeamAccessPolicies": {}, "Agent": {"Version": "2.45.3"}, "LastCheckInDate": 0,
         "DeploymentOptions": None, "ChangeWindow": {"Enabled": False, "StartTime": "", "EndTime": ""}} for i in range(1, 21)]

CONTAINERS = [{"Id": f"{i * 7919 + 1:064x}", "Names": [f"/app-{i}"], "Image": "registry.example.com/team/app:1.4.2",
               "ImageID": f"sha256:{i + 99:064x}", "Command": "/usr/local/bin/app --serve", "Created": 1732400000 + i,
               "Ports": [{"PrivatePort": 8080, "Type": "tcp"}],
               "Labels": {"com.docker.compose.project": "shop", "com.docker.compose.service": f"svc{i % 7}"},
               "State": "exited" if i % 5 == 0 else "running", "Status": "Up 2 days",
               "HostConfig": {"NetworkMode": "bridge"},
               "NetworkSettings": {"Networks": {"bridge": {"IPAddress": f"172.17.0.{i + 2}", "Gateway": "172.17.0.1", "MacAddress": "02:42:ac:11:00:02"}}},
               "Mounts": [{"Type": "volume", "Name": f"data-{i}", "Destination": "/data", "Driver": "local", "RW": True}]} for i in range(50)]


def log_stream(lines):
    out = bytearray()
    for i in range(lines):
        payload = f"2026-11-24T09:00:{i % 60:02d}Z INFO request {i} handled in {i % 17} ms\n".encode()
        out += bytes([1, 0, 0, 0]) + struct.pack(">I", len(payload)) + payload
    return bytes(out)


LOGS = log_stream(1000)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="application/json"):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/api/system/status":
            return self.send(200, {"Version": "2.45.3", "InstanceID": "bench"})
        if path == "/api/system/version":
            return self.send(200, {"ServerVersion": "2.45.3", "ServerEdition": "EE", "DatabaseVersion": "2.45.3"})
        if path == "/api/endpoints":
            return self.send(200, ENVS)
        if path.endswith("/docker/containers/json"):
            return self.send(200, CONTAINERS)
        if path.endswith("/logs"):
            return self.send(200, LOGS, "application/vnd.docker.raw-stream")
        if path == "/api/users/me":
            return self.send(200, {"Id": 1, "Username": "admin", "Role": 1})
        return self.send(404, {"message": "Not found"})


if __name__ == "__main__":
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    srv.daemon_threads = True
    srv.serve_forever()
