"""Starts an installed portainer-mcp the way a client would and holds one
MCP session with it against the stand-in Portainer (standin/): tools/list,
then environment_list and system_version. Used by .ci/run for the wheel
(in a fresh venv) and the MCP bundle (its manifest's command and env).

    python3 packaging/smoke.py wheel VENV_DIR
    python3 packaging/smoke.py bundle FILE.mcpb
    python3 packaging/smoke.py command uvx --offline --from WHEEL portainer-mcp --read-only
"""

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parent.parent
STANDIN = Path(os.environ.get("STANDIN_BIN", ROOT / "target" / "debug" / "portainer-standin"))
TOKEN = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a"


def standin():
    proc = subprocess.Popen([str(STANDIN), "--port", "0", "--token", TOKEN], stdout=subprocess.PIPE, text=True)
    port = int(proc.stdout.readline().strip())
    return proc, f"http://127.0.0.1:{port}"


def bundle_server(mcpb, url, workdir):
    """The command and env Claude Desktop would run, from the manifest."""
    with zipfile.ZipFile(mcpb) as z:
        z.extractall(workdir)
    manifest = json.loads((Path(workdir) / "manifest.json").read_text())
    entry = Path(workdir) / manifest["server"]["entry_point"]
    entry.chmod(0o755)  # zip does not always keep the mode; Claude Desktop sets it too
    config = {"portainer_url": url, "portainer_token": TOKEN}
    for k, v in manifest["user_config"].items():
        config.setdefault(k, v.get("default"))

    def fill(s):
        s = s.replace("${__dirname}", str(workdir))
        return re.sub(r"\$\{user_config\.(\w+)\}", lambda m: str(config[m.group(1)]).lower()
                      if isinstance(config[m.group(1)], bool) else str(config[m.group(1)]), s)

    mcp = manifest["server"]["mcp_config"]
    env = {"PATH": os.environ.get("PATH", "")} | {k: fill(v) for k, v in mcp["env"].items()}
    return fill(mcp["command"]), [fill(a) for a in mcp.get("args", [])], env


async def session(command, args, env, read_only):
    params = StdioServerParameters(command=command, args=args, env=env)
    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write) as s:
            await s.initialize()
            names = {t.name for t in (await s.list_tools()).tools}
            assert "environment_list" in names, names
            assert ("stack_create" in names) != read_only, f"read_only={read_only}: {sorted(names)}"
            assert ("docker_proxy" in names) != read_only, "the proxies follow the mode"
            envs = await s.call_tool("environment_list", {})
            assert not envs.isError and envs.structuredContent["items"], envs
            version = await s.call_tool("system_version", {})
            assert not version.isError, version
            return len(names)


def main():
    kind, target = sys.argv[1], sys.argv[2]
    proc, url = standin()
    try:
        with tempfile.TemporaryDirectory() as work:
            if kind == "command":
                command, args = target, sys.argv[3:]
                env = {"PATH": os.environ.get("PATH", ""), "HOME": os.environ.get("HOME", "/root"),
                       "PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN}
                read_only = "--read-only" in args
                target = " ".join([command, *args])
            elif kind == "wheel":
                command = str(Path(target) / "bin" / "portainer-mcp")
                args, env = ["--read-only"], {"PORTAINER_URL": url, "PORTAINER_TOKEN": TOKEN}
                read_only = True
            else:
                command, args, env = bundle_server(target, url, work)
                read_only = env.get("PORTAINER_READ_ONLY") == "true"
            n = asyncio.run(session(command, args, env, read_only))
            print(f"{kind} {target}: one session, {n} tools, read_only={read_only}: ok")
    finally:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
