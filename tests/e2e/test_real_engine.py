"""Scenarios against a real Docker engine, through the Portainer-shaped
front and Prism, driven by the official Python MCP SDK and by the MCP
Inspector's CLI. The engine itself (not our server) confirms every effect.
"""

import asyncio
import json
import os
import re
import shlex
import subprocess
import tempfile
import time
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import McpError

import conftest
from conftest import NODE_BIN, TOKEN, free_port, port_open, server_command, stop, wait_for


def server_env(url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}
    env.update({"PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN})
    return env


@asynccontextmanager
async def session(url, *flags, mounts=()):
    env = server_env(url)
    command, args = server_command(["-v", *flags], env, mounts=mounts)
    params = StdioServerParameters(command=command, args=args, env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            yield s


def text(result):
    return "\n".join(c.text for c in result.content if getattr(c, "text", None))


async def ok(s, tool, args):
    r = await s.call_tool(tool, args)
    assert not r.isError, f"{tool}: {text(r)}"
    if r.structuredContent is None:
        # One text (a log): the text itself, its notes in further blocks.
        blocks = [c.text for c in r.content if getattr(c, "text", None) is not None]
        assert blocks, f"{tool}: neither structured nor text content"
        return {"result": blocks[0], "_notes": blocks[1:]}
    assert json.loads(text(r)) == r.structuredContent, "text copy equals structured content"
    return r.structuredContent


async def refused(s, tool, args):
    r = await s.call_tool(tool, args)
    assert r.isError, f"{tool} should fail: {text(r)}"
    return text(r)


def test_scenario_1_look_around(world):
    engine, front, prism = world

    async def go():
        async with session(prism.url) as s:
            envs = await ok(s, "environment_list", {})
            assert [e["Name"] for e in envs["items"]] == ["local"]
            listed = await ok(s, "docker_container_list", {"environment_id": 1})
            names = {n for c in listed["items"] for n in c["Names"]}
            assert {"/logger", "/web", "/worker", "/bystander"} <= names
            logs = await ok(s, "docker_container_logs", {"environment_id": 1, "id": "logger", "tail": "all"})
            assert "hello-from-logger\n" in logs["result"] and "oops-on-stderr\n" in logs["result"]
            assert "\x01\x00" not in logs["result"], "stream framing is removed"
            info = await ok(s, "docker_inspect", {"environment_id": 1, "id": "web"})
            assert info["State"]["Running"] is True
            assert "DB_PASSWORD=<redacted>" in info["Config"]["Env"]
            assert "e2e-db-secret" not in json.dumps(info)
            vols = await ok(s, "docker_list", {"environment_id": 1, "kind": "volume"})
            assert "mcp-data" in [v["Name"] for v in vols["items"]]
            nets = await ok(s, "docker_list", {"environment_id": 1, "kind": "network"})
            assert "mcp-net" in [n["Name"] for n in nets["items"]]
            running = await ok(s, "docker_container_list",
                               {"environment_id": 1, "filters": {"name": ["logger"]}, "select": "items[].State"})
            assert running == {"selected": ["running"], "total": 1}

    asyncio.run(go())
    assert prism.violations() == [], "every request matched spec/"


def test_the_server_does_the_loops(world):
    """One call where an agent would loop: inspect values per row of the
    container list, and the logs of every running container grepped at once,
    checked against the engine's own answers."""
    engine, front, prism = world

    async def go():
        async with session(prism.url) as s:
            listed = await ok(s, "docker_container_list", {
                "environment_id": 1, "all": True,
                "fields": ["RestartCount", "HostConfig.RestartPolicy.Name", "HostConfig.Privileged",
                           "HostConfig.Memory", "Config.Env"]})
            assert listed["items"], listed
            for row in listed["items"]:
                name = row["Names"][0].lstrip("/")
                truth = engine.inspect(name)
                got = row["fields"]
                assert got["RestartCount"] == truth["RestartCount"], (name, got)
                assert got["HostConfig"]["RestartPolicy"]["Name"] == truth["HostConfig"]["RestartPolicy"]["Name"]
                assert got["HostConfig"]["Privileged"] == truth["HostConfig"]["Privileged"]
                assert got["HostConfig"]["Memory"] == truth["HostConfig"]["Memory"]
            assert "e2e-db-secret" not in json.dumps(listed), "filled values are redacted"
            # A select naming what rows lack says so and names fields.
            missed = await ok(s, "docker_container_list", {
                "environment_id": 1, "select": "items[].{n: Names[0], p: HostConfig.RestartPolicy.Name}"})
            assert "`p` is null" in missed["_note"] and "`fields`" in missed["_note"], missed

            logs = await ok(s, "docker_container_logs", {
                "environment_id": 1, "id": "*", "grep": "hello-from-logger", "since": "1h"})
            assert [i["container"] for i in logs["items"]] == ["logger"], logs
            assert "hello-from-logger" in logs["items"][0]["lines"]
            running = {name for name, (up, _, _) in engine.states().items() if up}
            assert set(logs["no_match"]) == running - {"logger"}, logs

    asyncio.run(go())
    assert prism.violations() == [], "every request matched spec/"


def test_a_stack_update_waits_until_it_runs_or_fails(world):
    """stack_update with wait against a real engine (the front deploys the
    file as Portainer's compose does): a service that exits is reported
    failed with its exit code and last lines; a good file converges."""
    engine, front, prism = world
    bad = 'services:\n  web:\n    image: mcp-busybox:test\n    command: ["sh", "-c", "echo boom-from-web; exit 3"]\n'
    good = ('services:\n  web:\n    image: mcp-busybox:test\n    command: ["sleep", "3600"]\n'
            '  db:\n    image: mcp-busybox:test\n    command: ["sleep", "3600"]\n')

    async def go():
        async with session(prism.url) as s:
            out = await ok(s, "stack_update", {"id": 7, "environment_id": 1, "file": bad, "wait": 30})
            run = out["running"]
            assert run["healthy"] is False, run
            c = run["containers"][0]
            assert (c["verdict"], c["exit_code"]) == ("stopped", 3), c
            assert "boom-from-web" in c["last_lines"], c
            assert run["waited_seconds"] < 30 and "timed_out" not in run, run
            out = await ok(s, "stack_update", {"id": 7, "environment_id": 1, "file": good, "wait": 30})
            run = out["running"]
            assert run["healthy"] is True, run
            assert sorted(c["service"] for c in run["containers"]) == ["db", "web"], run
            got = await ok(s, "stack_get", {"id": 7})
            assert got["running"]["healthy"] is True, got["running"]
            # It broke again: one call returns it to the file before,
            # diffed when held, and waits until it runs.
            await ok(s, "stack_update", {"id": 7, "environment_id": 1, "file": bad})
            held = await ok(s, "stack_update", {"id": 7, "environment_id": 1, "rollback": True, "dry_run": True})
            assert "+  db:" in held["would_change"]["file"], held
            out = await ok(s, "stack_update", {"id": 7, "environment_id": 1, "rollback": True, "wait": 30})
            assert out["rolled_back_to"]["file_version"] >= 2, out
            run = out["running"]
            assert run["healthy"] is True, run
            assert sorted(c["service"] for c in run["containers"]) == ["db", "web"], run

    try:
        asyncio.run(go())
    finally:
        ids = engine.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=shop").split()
        if ids:
            engine.docker("rm", "-f", *ids)
    assert prism.violations() == [], "every request matched spec/"


def test_cancelling_a_wait_keeps_the_change(world, tmp_path):
    """A stack update whose service stays `starting` (its first health
    check takes 30 s): the client cancels mid-wait; the server stops
    waiting, the audit outcome says the change was made, and the engine
    runs the new container."""
    engine, front, prism = world
    slow = ('services:\n  web:\n    image: mcp-busybox:test\n    command: ["sleep", "3600"]\n'
            '    healthcheck:\n      test: ["CMD-SHELL", "sleep 100"]\n')
    audit = tmp_path / "audit.jsonl"
    # In the container image the log is written through a mount of tmp_path,
    # as the image's user (nobody).
    tmp_path.chmod(0o777)
    written_at = "/audit/audit.jsonl" if conftest.IMAGE else str(audit)
    mounts = [(str(tmp_path), "/audit")] if conftest.IMAGE else []

    async def go():
        from mcp import types
        async with session(prism.url, "--audit-log", written_at, mounts=mounts) as s:
            progress = []

            async def seen(done, total, message):
                progress.append(message)

            request_id = s._request_id  # the id the SDK gives the next request
            call = asyncio.create_task(s.call_tool(
                "stack_update", {"id": 7, "environment_id": 1, "file": slow, "wait": 60}, progress_callback=seen))
            for _ in range(100):
                if any(m and "waiting" in m for m in progress):
                    break
                await asyncio.sleep(0.1)
            assert any(m and "waiting" in m for m in progress), progress
            started = time.monotonic()
            await s.send_notification(types.ClientNotification(types.CancelledNotification(
                params=types.CancelledNotificationParams(requestId=request_id, reason="user pressed stop"))))
            call.cancel()
            for _ in range(100):
                if audit.exists() and '"outcome":"cancelled"' in audit.read_text().replace(" ", ""):
                    break
                await asyncio.sleep(0.1)
            assert time.monotonic() - started < 10, "the wait stopped"
            # The server goes on answering on the same session.
            await ok(s, "stack_get", {"id": 7})

    try:
        asyncio.run(go())
        records = [json.loads(line) for line in audit.read_text().splitlines() if line.strip()]
        outcome = [r for r in records if r.get("outcome") == "cancelled"]
        assert outcome, records
        assert "the change was made" in outcome[-1]["error"], outcome[-1]
        ids = engine.docker("ps", "-q", "--filter", "label=com.docker.compose.project=shop").split()
        assert len(ids) == 1, ids
        health = engine.inspect(ids[0])["State"]["Health"]["Status"]
        assert health == "starting", health
    finally:
        ids = engine.docker("ps", "-aq", "--filter", "label=com.docker.compose.project=shop").split()
        if ids:
            engine.docker("rm", "-f", *ids)
    assert prism.violations() == [], "every request matched spec/"


def test_scenario_2_write_mode_changes_the_engine(world):
    engine, front, prism = world
    before = engine.inspect("web")["State"]["StartedAt"]

    async def go():
        async with session(prism.url) as s:
            r = await ok(s, "docker_container_action", {"environment_id": 1, "id": "web", "action": "restart", "t": 1})
            assert r["state"]["running"] is True and r["state"]["started_at"] != before, r
            r = await ok(s, "docker_container_action", {"environment_id": 1, "id": "worker", "action": "stop", "t": 1})
            assert r["state"]["running"] is False and r["state"]["status"] == "exited", r
            r = await ok(s, "docker_container_action", {"environment_id": 1, "id": "bystander", "action": "pause"})
            assert r["state"]["paused"] is True, r
            r = await ok(s, "docker_container_action", {"environment_id": 1, "id": "bystander", "action": "unpause"})
            assert r["state"]["paused"] is False and r["state"]["running"] is True, r

    asyncio.run(go())
    assert engine.inspect("web")["State"]["StartedAt"] != before, "web was restarted"
    assert engine.inspect("web")["State"]["Running"] is True
    assert engine.inspect("worker")["State"]["Running"] is False, "worker was stopped"
    engine.docker("start", "worker")
    assert prism.violations() == []


def test_exec_runs_in_a_real_container(world):
    """docker_container_exec against the engine: exit code and both streams,
    nothing run without confirm, a time limit that keeps what came, and no
    exec at all in read-only mode."""
    engine, front, prism = world
    marker = "/data/exec-ran"  # the image has sh and a few applets only

    def ran():
        return engine.docker("exec", "web", "sh", "-c", f"test -e {marker} && echo yes || echo no").strip() == "yes"

    def execs():
        return engine.inspect("web").get("ExecIDs") or []

    async def go():
        async with session(front.url, "--toolsets", "default,exec") as s:
            args = {"environment_id": 1, "id": "web",
                    "command": ["sh", "-c", f"echo out; echo err >&2; echo x > {marker}; exit 3"]}
            held = await ok(s, "docker_container_exec", args)
            assert held["dry_run"] is True and held["would_send"][0]["path"].endswith("/containers/web/exec")
            assert not ran(), "nothing ran without confirm"
            done = await ok(s, "docker_container_exec", {**args, "confirm": True})
            assert (done["exit_code"], done["stdout"], done["stderr"]) == (3, "out\n", "err\n"), done
            assert "timed_out" not in done
            slow = await ok(s, "docker_container_exec", {"environment_id": 1, "id": "web", "confirm": True,
                                                         "command": ["sh", "-c", "echo early; sleep 20"],
                                                         "timeout_seconds": 2})
            assert slow["stdout"] == "early\n" and slow["running"] is True, slow
            assert "still run" in slow["timed_out"] and slow["seconds"] < 10, slow
            # 6 MB of output: read up to 4 MiB, the end of that kept, memory bounded.
            big = await ok(s, "docker_container_exec", {"environment_id": 1, "id": "web", "confirm": True,
                                                        "command": ["sh", "-c", "busybox yes | busybox head -c 6000000"]})
            assert "4 MiB" in big["output_cut"] and len(big["stdout"]) == 8000, {k: v for k, v in big.items() if k != "stdout"}
            assert re.fullmatch(r"showing the last 8000 of 41\d{5} characters", big["stdout_cut"]), big["stdout_cut"]
            bad = await refused(s, "docker_container_exec", {"environment_id": 1, "id": "web", "command": [],
                                                             "confirm": True})
            assert "command" in bad
        n = len(execs())
        async with session(front.url, "--read-only", "--read-only-proxies", "--toolsets", "all") as s:
            names = {t.name for t in (await s.list_tools()).tools}
            assert "docker_container_exec" not in names
            msg = await refused(s, "docker_proxy", {"environment_id": 1, "method": "POST", "path": "containers/web/exec",
                                                    "body": {"Cmd": ["true"]}})
            assert "read-only" in msg
        assert len(execs()) == n, "no exec was created in read-only mode"

    asyncio.run(go())
    assert ran()
    engine.docker("exec", "web", "busybox", "rm", marker)


def test_stats_agree_with_docker_stats(world):
    """docker_container_stats of every running container in one call, with
    memory as the docker CLI computes it (page cache left out)."""
    engine, front, prism = world

    def mib(text):
        value, unit = float(text[:-3]), text[-3:]
        return value * {"KiB": 1 / 1024, "MiB": 1, "GiB": 1024}[unit] if unit in ("KiB", "MiB", "GiB") \
            else float(text.rstrip("B")) / 1048576

    async def go():
        async with session(front.url) as s:
            return await ok(s, "docker_container_stats", {"environment_id": 1, "limit": 10})

    out = asyncio.run(go())
    cli = {}
    for line in engine.docker("stats", "--no-stream", "--format", "{{.Name}} {{.MemUsage}}").splitlines():
        name, used = line.split(" ", 1)
        cli[name] = mib(used.split(" / ")[0].strip())
    names = {i["name"] for i in out["items"]}
    assert {"logger", "web", "worker", "bystander"} <= names, out
    assert out["total"] == out["running"] == len(cli), (out, cli)
    for item in out["items"]:
        assert isinstance(item["cpu_percent"], float), item
        # Two samples a moment apart: within half a MiB of the CLI's.
        assert abs(item["memory_mib"] - cli[item["name"]]) < 0.5, (item, cli)


def test_disk_usage_agrees_with_docker_system_df(world):
    engine, front, prism = world

    async def go():
        async with session(front.url) as s:
            return await ok(s, "docker_disk_usage", {"environment_id": 1})

    out = asyncio.run(go())
    rows = {r["Type"]: r for r in map(json.loads, engine.docker("system", "df", "--format", "{{json .}}").splitlines())}
    assert out["images"]["total"] == int(rows["Images"]["TotalCount"]), (out, rows)
    assert out["images"]["in_use"] == int(rows["Images"]["Active"])
    assert out["containers"]["total"] == int(rows["Containers"]["TotalCount"])
    assert out["containers"]["running"] == int(rows["Containers"]["Active"])
    assert out["volumes"]["total"] == int(rows["Local Volumes"]["TotalCount"])
    assert out["volumes"]["in_use"] == int(rows["Local Volumes"]["Active"])
    dangling = sorted(engine.docker("volume", "ls", "-q", "-f", "dangling=true").split())
    assert sorted(out["volumes"]["unused"]) == dangling


def test_prune_previews_then_removes_what_the_engine_would(world):
    """docker_prune against the engine: a held call lists what would go and
    removes nothing; confirmed, a volume prune takes the unused anonymous
    volume and leaves named ones (Engine API 1.42 and later)."""
    engine, front, prism = world
    engine.docker("create", "--network", "none", "-v", "/scratch", "--name", "anon-holder", "mcp-busybox:test", "true")
    anon = engine.inspect("anon-holder")["Mounts"][0]["Name"]
    engine.docker("rm", "anon-holder")
    engine.docker("network", "create", "prune-net")

    def volumes():
        return set(engine.docker("volume", "ls", "-q").split())

    async def go():
        async with session(front.url, "--toolsets", "default,docker_manage") as s:
            held = await ok(s, "docker_prune", {"environment_id": 1, "kind": "volumes"})
            assert held["dry_run"] is True and held["would_send"][0]["path"].endswith("/docker/volumes/prune"), held
            assert anon in held["would_change"]["names"] and "mcp-data" not in held["would_change"]["names"], held
            assert anon in volumes(), "nothing removed without confirm"
            stopped = set(engine.docker("ps", "-a", "-f", "status=exited", "-f", "status=created",
                                        "--format", "{{.Names}}").split())
            held = await ok(s, "docker_prune", {"environment_id": 1, "kind": "containers"})
            assert set(held["would_change"]["names"]) == stopped, (held, stopped)
            held = await ok(s, "docker_prune", {"environment_id": 1, "kind": "networks"})
            assert "prune-net" in held["would_change"]["names"], held
            done = await ok(s, "docker_prune", {"environment_id": 1, "kind": "volumes", "confirm": True})
            assert anon in done["names"] and done["count"] >= 1, done
            assert anon not in volumes() and "mcp-data" in volumes()
            msg = await refused(s, "docker_prune", {"environment_id": 1, "kind": "networks", "all": True})
            assert "`all`" in msg, msg
            # A pull the engine cannot make (no registry is reachable here)
            # is an error carrying the engine's reason, not a success.
            msg = await refused(s, "docker_image_pull", {"environment_id": 1, "image": "mcp-none/absent:1",
                                                         "timeout_seconds": 30})
            assert "mcp-none/absent" in msg, msg
            held = await ok(s, "docker_image_pull", {"environment_id": 1, "image": "nginx:1.27", "dry_run": True})
            assert "/docker/images/create?fromImage=nginx&tag=1.27" in held["would_send"][0]["path"], held

    try:
        asyncio.run(go())
    finally:
        engine.docker("network", "rm", "prune-net")
    assert prism.violations() == [], "every request matched spec/"


def test_scenario_3_read_only_refuses_every_change(world):
    engine, front, prism = world
    before = engine.states()

    async def go():
        async with session(prism.url, "--read-only", "--toolsets", "all") as s:
            names = {t.name for t in (await s.list_tools()).tools}
            # The product description: no proxy tool in read-only mode.
            assert "docker_proxy" not in names and "kubernetes_proxy" not in names
        async with session(prism.url, "--read-only", "--read-only-proxies", "--toolsets", "all") as s:
            names = {t.name for t in (await s.list_tools()).tools}
            assert "docker_container_action" not in names and "docker_remove" not in names
            assert "docker_proxy" in names
            for tool, args in [
                ("docker_container_action", {"environment_id": 1, "id": "web", "action": "stop"}),
                ("docker_remove", {"environment_id": 1, "kind": "container", "id": "bystander", "force": True}),
            ]:
                with pytest.raises(McpError) as e:
                    await s.call_tool(tool, args)
                assert "read-only" in str(e.value)
            for method, path in [("POST", "containers/web/stop"), ("DELETE", "containers/bystander"),
                                 ("POST", "containers/prune")]:
                msg = await refused(s, "docker_proxy", {"environment_id": 1, "method": method, "path": path})
                assert "read-only" in msg
            # Reads still work.
            await ok(s, "docker_proxy", {"environment_id": 1, "path": "containers/json"})

    asyncio.run(go())
    assert engine.states() == before, "no container changed"


def test_scenario_4_bad_input_changes_nothing(world):
    engine, front, prism = world
    before = engine.states()

    async def go():
        async with session(prism.url, "--toolsets", "all") as s:
            msg = await refused(s, "docker_inspect", {"environment_id": "one", "id": "web"})
            assert "environment_id" in msg and "invalid type" in msg
            msg = await refused(s, "docker_container_action", {"environment_id": 1, "action": "stop"})
            assert "missing required argument `id`" in msg
            with pytest.raises(McpError) as e:
                await s.call_tool("docker_container_explode", {})
            assert "unknown tool" in str(e.value)
            msg = await refused(s, "docker_container_list", {"environment_id": 99})
            assert "404" in msg and "Unable to find an environment" in msg
            for path in ["../../system/version", "containers/%2e%2e/%2e%2e/users", "//127.0.0.1:1/x",
                         "http://169.254.169.254/", "containers/web/../../../endpoints"]:
                msg = await refused(s, "docker_proxy", {"environment_id": 1, "method": "POST", "path": path})
                assert "path" in msg, f"{path}: {msg}"
            msg = await refused(s, "docker_container_action", {"environment_id": 1, "id": "no-such", "action": "stop"})
            assert "404" in msg and "no-such" in msg

    asyncio.run(go())
    assert engine.states() == before


def test_scenario_5_front_goes_away_and_comes_back(world):
    engine, front, prism = world

    async def go():
        # Straight at the front (Prism would answer for it while it is down).
        async with session(front.url, "--timeout", "3") as s:
            await ok(s, "docker_container_list", {"environment_id": 1})
            front.stop()
            started = time.monotonic()
            msg = await refused(s, "docker_container_list", {"environment_id": 1})
            assert time.monotonic() - started < 10
            assert "could not connect" in msg, msg
            front.start()
            again = await ok(s, "docker_container_list", {"environment_id": 1})
            assert again["items"], "the same session works once the front is back"

    asyncio.run(go())


GATE = "e2e-gate-token-4b1d9c7e"


@asynccontextmanager
async def http_session(url, headers):
    """The SDK's Streamable HTTP client: the current API where this SDK
    has it, the older (now deprecated) one otherwise."""
    import mcp.client.streamable_http as sh

    if hasattr(sh, "streamable_http_client"):
        async with sh.create_mcp_http_client(headers=headers) as client:
            async with sh.streamable_http_client(url, http_client=client) as (read, write, _):
                async with ClientSession(read, write) as s:
                    await s.initialize()
                    yield s
    else:
        async with sh.streamablehttp_client(url, headers=headers) as (read, write, _):
            async with ClientSession(read, write) as s:
                await s.initialize()
                yield s


def test_scenario_6_http_mode_with_the_callers_token(world):
    """--http: no server token; the version check reads the public
    /api/system/status, each caller is checked against /api/users/me with
    their own X-Portainer-API-Key, and their calls carry that token."""
    engine, front, prism = world
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAINER")}
    env["PORTAINER_URL"] = prism.url
    log = engine.base / "http-mode.log"
    if conftest.IMAGE:
        # The product description's `docker run -d ... -read-only` line: the
        # image serves HTTP when nothing is attached to stdin (its address
        # moved off 8080 for this run, which shares the host's network).
        env["PORTAINER_MCP_DETACHED_HTTP"] = f"127.0.0.1:{port}"
        command, args = server_command(["-v", "--http-token", GATE], env, detach=True)
    else:
        command, args = server_command(["-v", "--http", f"127.0.0.1:{port}", "--http-token", GATE], env)
    proc = subprocess.Popen([command, *args], env=env,
                            stdin=subprocess.DEVNULL, stdout=open(log, "w"), stderr=subprocess.STDOUT)
    if conftest.IMAGE:
        assert proc.wait(timeout=60) == 0, log.read_text()
        container = log.read_text().split()[-1]
        proc = ContainerProc(container)
    try:
        wait_for(lambda: proc.poll() is None and port_open(port), "the server in HTTP mode")

        async def go():
            headers = {"Authorization": f"Bearer {GATE}", "X-Portainer-API-Key": TOKEN}
            async with http_session(f"http://127.0.0.1:{port}/mcp", headers) as s:
                listed = await ok(s, "docker_container_list", {"environment_id": 1})
                assert {"/web"} <= {n for c in listed["items"] for n in c["Names"]}

        asyncio.run(go())
    finally:
        stop(proc, "portainer-mcp --http")
    seen = {(r["method"], r["path"]) for r in front.recorded()}
    assert ("GET", "/api/system/status") in seen, "the start-up version check reached the front"
    assert ("GET", "/api/users/me") in seen, "the caller check reached the front"
    assert prism.violations() == []


class ContainerProc:
    """A detached server container, stopped like a process."""

    def __init__(self, cid):
        self.cid = cid

    def docker(self, *args):
        return subprocess.run(["docker", "-H", f"unix://{conftest.RUNNER.sock}", *args], capture_output=True, text=True)

    def poll(self):
        state = self.docker("inspect", "-f", "{{.State.Running}}", self.cid).stdout.strip()
        return None if state == "true" else 1

    def send_signal(self, sig):
        self.docker("stop", "-t", "20", self.cid)

    def wait(self, timeout=None):
        self.docker("rm", "-f", self.cid)
        return 0

    def kill(self):
        self.docker("rm", "-f", self.cid)


def inspector(url, *args):
    command, server_args = server_command([], server_env(url))
    if server_args:
        # The inspector reads -e and -i itself, even after `--`: docker's
        # command line goes into a script it runs instead.
        script = Path(tempfile.mkdtemp(prefix="pmcp-inspector-")) / "server.sh"
        script.write_text("#!/bin/sh\nexec " + " ".join(shlex.quote(a) for a in [command, *server_args]) + "\n")
        script.chmod(0o755)
        command = str(script)
    cmd = [str(NODE_BIN / "mcp-inspector"), "--cli", command,
           "-e", f"PORTAINER_URL={url}", "-e", f"PORTAINER_TOKEN={TOKEN}", *args]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=server_env(url))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_inspector_cli_lists_and_calls(world):
    engine, front, prism = world
    tools = inspector(prism.url, "--method", "tools/list")
    names = {t["name"] for t in tools["tools"]}
    assert {"environment_list", "docker_container_list", "docker_container_logs"} <= names
    result = inspector(prism.url, "--method", "tools/call", "--tool-name", "docker_container_logs",
                       "--tool-arg", "environment_id=1", "--tool-arg", "id=logger", "--tool-arg", "tail=all")
    assert not result.get("isError"), result
    # A log is text content, read as such by a real client.
    assert "structuredContent" not in result, result
    assert "hello-from-logger" in result["content"][0]["text"]
    assert prism.violations() == []


def test_prism_is_really_checking(world):
    """A control: a request off the spec is stopped by Prism (422), so the
    empty violation lists above mean something. Runs last: it leaves one."""
    import urllib.error
    import urllib.request

    engine, front, prism = world
    req = urllib.request.Request(f"{prism.url}/api/endpoints?limit=many", headers={"X-API-Key": TOKEN})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 422
    assert prism.violations(settle=3.0), "Prism logged the violation"


def test_prompts_through_a_real_client(world):
    """The runbook prompts as the Python SDK lists and fills them."""
    engine, front, prism = world

    async def go():
        async with session(front.url) as s:
            listed = (await s.list_prompts()).prompts
            names = {p.name for p in listed}
            assert names == {"container_failing", "pod_failing", "stack_update_preview", "security_review"}, names
            pod = next(p for p in listed if p.name == "pod_failing")
            assert [a.name for a in pod.arguments] == ["environment_id", "namespace", "pod"]
            got = await s.get_prompt("pod_failing", {"environment_id": "3", "namespace": "shop", "pod": "web-1"})
            text = got.messages[0].content.text
            assert "pod web-1 in namespace shop on environment 3" in text and "kubernetes_describe" in text
            with pytest.raises(McpError) as e:
                await s.get_prompt("pod_failing", {"environment_id": "3"})
            assert "namespace" in str(e.value)

    asyncio.run(go())
