"""OpenTelemetry traces (--otlp-endpoint): an OTLP/HTTP receiver here
decodes what the server sends with the official protobuf definitions
(PyPI opentelemetry-proto). A call's span continues the trace its MCP
request names in `_meta.traceparent`; each Portainer request is a child
span, and Portainer (the front) gets that child's traceparent. No span
carries an argument's value, a secret or the token."""

import asyncio
import http.server
import json
import os
import threading

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

from conftest import TOKEN, free_port, server_command, wait_for

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
PARENT = "00f067aa0ba902b7"
SECRET = "hunter2-in-an-env-value"


class Receiver(http.server.ThreadingHTTPServer):
    def __init__(self):
        self.bodies = []
        super().__init__(("127.0.0.1", free_port()), Handler)

    def spans(self):
        out = []
        for body in self.bodies:
            req = trace_service_pb2.ExportTraceServiceRequest.FromString(body)
            for rs in req.resource_spans:
                service = {a.key: a.value.string_value for a in rs.resource.attributes}["service.name"]
                for ss in rs.scope_spans:
                    out += [(service, s) for s in ss.spans]
        return out


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.path == "/v1/traces", self.path
        assert self.headers["Content-Type"] == "application/x-protobuf"
        self.server.bodies.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-protobuf")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def attrs(span):
    return {a.key: (a.value.string_value or a.value.int_value) for a in span.attributes}


def test_calls_and_their_requests_are_traced(world):
    engine, front, prism = world
    receiver = Receiver()
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PORTAINER", "OTEL"))}
    env.update({"PORTAINER_URL": front.url, "PORTAINER_TOKEN": TOKEN})
    command, args = server_command(["--otlp-endpoint", f"http://127.0.0.1:{receiver.server_port}"], env)
    before = len(front.recorded())

    async def go():
        params = StdioServerParameters(command=command, args=args, env=env)
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write) as s:
                await s.initialize()
                meta = {"traceparent": f"00-{TRACE_ID}-{PARENT}-01"}
                r = await s.call_tool("docker_container_list", {"environment_id": 1}, meta=meta)
                assert not r.isError, r
                # A held update carrying a secret in a variable: no span may show it.
                r = await s.call_tool("stack_update", {"id": 7, "environment_id": 1, "env": {"DB_PASSWORD": SECRET},
                                                       "dry_run": True})
                assert not r.isError, r
                r = await s.call_tool("docker_inspect", {"environment_id": 1, "id": "no-such-container"})
                assert r.isError

    try:
        asyncio.run(go())
        wait_for(lambda: sum(1 for _, s in receiver.spans() if s.kind == 2) >= 3, "three call spans", 15)
    finally:
        receiver.shutdown()
    spans = receiver.spans()
    assert {svc for svc, _ in spans} == {"portainer-mcp"}
    calls = {attrs(s)["mcp.tool.name"]: s for _, s in spans if s.kind == 2}
    listed = calls["docker_container_list"]
    # The caller's trace, continued under its span.
    assert listed.trace_id.hex() == TRACE_ID and listed.parent_span_id.hex() == PARENT
    a = attrs(listed)
    assert (a["portainer_mcp.access"], a["portainer_mcp.outcome"], a["portainer.environment.id"]) == ("read", "ok", 1), a
    assert a["enduser.id"] == "stdio" and listed.status.code == 1
    children = [s for _, s in spans if s.kind == 3 and s.parent_span_id == listed.span_id]
    assert children, "each Portainer request is a child span"
    c = attrs(children[0])
    assert c["http.request.method"] == "GET" and c["http.response.status_code"] == 200, c
    assert c["url.template"] == "/api/endpoints/{id}/docker/containers/json", c
    # Portainer got the child's traceparent.
    sent = [r for r in front.recorded()[before:] if r["path"].endswith("/containers/json")]
    got = {r["headers"].get("traceparent") or r["headers"].get("Traceparent") for r in sent}
    assert f"00-{TRACE_ID}-{children[0].span_id.hex()}-01" in got, got
    # No trace given: a new one; a failed call is an error span.
    failed = calls["docker_inspect"]
    assert failed.trace_id.hex() != TRACE_ID and failed.status.code == 2
    assert attrs(failed)["portainer_mcp.outcome"] == "error"
    assert attrs(calls["stack_update"])["portainer_mcp.outcome"] == "held"
    # Nothing secret anywhere in what was sent.
    raw = b"".join(receiver.bodies)
    for secret in (SECRET.encode(), TOKEN.encode(), b"DB_PASSWORD"):
        assert secret not in raw, secret
    assert json.dumps([attrs(s) for _, s in spans]).count("no-such-container") == 0
