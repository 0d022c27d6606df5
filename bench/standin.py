"""Loopback stand-in Portainer for the benchmarks: fixed, realistic answers,
served the way Portainer (Go's net/http) serves them.

    python3 bench/standin.py [--port 0] [--containers 50]

Prints the port it listens on as its first output line. HTTP/1.1 keep-alive;
TCP_NODELAY on every accepted socket; each answer (status line, headers with
Content-Length, body) is prepared once and written with one sendall, so no
request waits on Nagle's algorithm and delayed ACKs. One thread per
connection; the work per request is a dictionary look-up.

The container list holds --containers containers (env STANDIN_CONTAINERS),
about 1.17 KB each as compact JSON, shaped like Docker's GET /containers/json
(labels of a compose project, a published port, a network, a volume).
"""

import argparse
import json
import os
import socket
import struct
import sys
import threading

COMPACT = (",", ":")  # Go's encoding/json writes no spaces

ENVS = [{"Id": i, "Name": f"env-{i}", "Type": 1 if i % 3 else 6, "URL": f"tcp://10.0.{i}.2:2376", "GroupId": 1 + i % 4,
         "PublicURL": "", "Status": 1 if i % 5 else 2, "TagIds": [1, 2] if i % 2 else [], "UserTrusted": True,
         "Heartbeat": True, "EdgeID": "", "EdgeKey": "", "EdgeCheckinInterval": 0, "QueryDate": 1732437600,
         "TLSConfig": {"TLS": True, "TLSSkipVerify": False, "TLSCACert": f"/data/tls/{i}/ca.pem", "TLSCert": f"/data/tls/{i}/cert.pem", "TLSKey": f"/data/tls/{i}/key.pem"},
         "Snapshots": [], "Kubernetes": {"Snapshots": [], "Configuration": {"UseLoadBalancer": False, "UseServerMetrics": True, "StorageClasses": None}},
         "SecuritySettings": {"allowBindMountsForRegularUsers": False, "allowPrivilegedModeForRegularUsers": False, "enableHostManagementFeatures": False},
         "UserAccessPolicies": {}, "TeamAccessPolicies": {}, "Agent": {"Version": "2.45.3"}, "LastCheckInDate": 0,
         "DeploymentOptions": None, "ChangeWindow": {"Enabled": False, "StartTime": "", "EndTime": ""}} for i in range(1, 21)]


def container(i):
    """One container as Docker lists it; about 1.17 KB of compact JSON."""
    project, service = f"shop{i % 13}", f"svc{i % 7}"
    net = f"{project}_default"
    return {
        "Id": f"{i * 7919 + 1:064x}",
        "Names": [f"/{project}-{service}-{i}"],
        "Image": "registry.example.com/team/app:1.4.2",
        "ImageID": f"sha256:{i % 97 + 99:064x}",
        "Command": "/usr/local/bin/app --serve --port 8080",
        "Created": 1732400000 + i,
        "Ports": [{"IP": "0.0.0.0", "PrivatePort": 8080, "PublicPort": 20000 + i % 40000, "Type": "tcp"}],
        "Labels": {"com.docker.compose.project": project, "com.docker.compose.service": service,
                   "com.docker.compose.container-number": str(1 + i % 3),
                   "com.docker.compose.version": "2.29.7"},
        "State": "exited" if i % 5 == 0 else "running",
        "Status": "Exited (0) 3 hours ago" if i % 5 == 0 else "Up 2 days",
        "HostConfig": {"NetworkMode": net},
        "NetworkSettings": {"Networks": {net: {
            "MacAddress": f"02:42:ac:12:{i // 256 % 256:02x}:{i % 256:02x}",
            "NetworkID": f"{i % 13 + 4242:064x}", "EndpointID": f"{i * 31 + 7:064x}",
            "Gateway": "172.18.0.1", "IPAddress": f"172.18.{i // 250 % 250}.{i % 250 + 2}", "IPPrefixLen": 16,
            "IPv6Gateway": "", "GlobalIPv6Address": ""}}},
        "Mounts": [{"Type": "volume", "Name": f"{project}_data-{i}", "Source": f"/var/lib/docker/volumes/{project}_data-{i}/_data",
                    "Destination": "/data", "Driver": "local", "Mode": "z", "RW": True, "Propagation": ""}],
    }


def containers(n):
    return [container(i) for i in range(n)]


def log_stream(lines):
    """Docker's multiplexed log stream (8-byte frame headers), as Portainer relays it."""
    out = bytearray()
    for i in range(lines):
        payload = f"2026-11-24T09:00:{i % 60:02d}Z INFO request {i} handled in {i % 17} ms\n".encode()
        out += bytes([1, 0, 0, 0]) + struct.pack(">I", len(payload)) + payload
    return bytes(out)


def body(value):
    return json.dumps(value, separators=COMPACT).encode()


def container_count():
    return int(os.environ.get("STANDIN_CONTAINERS", "50"))


REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed"}


def response(status, data, ctype="application/json", close=False):
    head = (f"HTTP/1.1 {status} {REASONS[status]}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(data)}\r\nDate: Tue, 24 Nov 2026 09:00:00 GMT\r\n"
            + ("Connection: close\r\n" if close else "") + "\r\n")
    return head.encode() + data


def routes(n_containers):
    """Every answer, fully prepared: path (without query) -> response bytes."""
    return {
        "/api/system/status": response(200, body({"Version": "2.45.3", "InstanceID": "bench"})),
        "/api/system/version": response(200, body({"ServerVersion": "2.45.3", "ServerEdition": "EE", "DatabaseVersion": "2.45.3"})),
        "/api/users/me": response(200, body({"Id": 1, "Username": "admin", "Role": 1})),
        "/api/endpoints": response(200, body(ENVS)),
        "/api/endpoints/1/docker/containers/json": response(200, body(containers(n_containers))),
        "/api/endpoints/1/docker/containers/app-1/logs": response(200, log_stream(1000), "application/vnd.docker.raw-stream"),
    }


NOT_FOUND = response(404, body({"message": "Not found"}))
NOT_ALLOWED = response(405, body({"message": "Method not allowed"}))


def serve_connection(conn, table):
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    buf = b""
    try:
        while True:
            end = buf.find(b"\r\n\r\n")
            while end < 0:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
                end = buf.find(b"\r\n\r\n")
            head, buf = buf[:end].decode("latin-1"), buf[end + 4:]
            lines = head.split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            length, close = 0, False
            for line in lines[1:]:
                name, _, value = line.partition(":")
                name = name.strip().lower()
                if name == "content-length":
                    length = int(value)
                elif name == "connection" and value.strip().lower() == "close":
                    close = True
            while len(buf) < length:  # request bodies are read and ignored
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            buf = buf[length:]
            if method != "GET":
                answer = NOT_ALLOWED
            else:
                answer = table.get(target.split("?", 1)[0], NOT_FOUND)
            conn.sendall(answer)
            if close:
                return
    except (ConnectionError, OSError):
        pass
    finally:
        conn.close()


def serve(listener, table):
    while True:
        conn, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(conn, table), daemon=True).start()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--containers", type=int, default=container_count())
    a = ap.parse_args()
    table = routes(a.containers)
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", a.port))
    listener.listen(1024)
    print(listener.getsockname()[1], flush=True)
    try:
        serve(listener, table)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
