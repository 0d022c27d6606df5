"""Real things for the end-to-end suite: a Docker engine (dockerd on a
private socket, data and exec roots in a temp dir), the Portainer-shaped
front relaying to it, and Prism validating every request against spec/.

Everything started here is stopped by PID at the end of the session, also
when a test fails. Needs root, dockerd and busybox-static (.ci/run installs
them); a missing piece fails the run rather than skipping it.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# E2E_BIN_DIR: where the binaries are (CI builds them static, for its own target).
BIN_DIR = Path(os.environ.get("E2E_BIN_DIR", ROOT / "target" / "debug"))
BIN = BIN_DIR / "portainer-mcp"
# The Rust stand-in (standin/) answers environment 3's Kubernetes API behind the front.
STANDIN = BIN_DIR / "portainer-standin"
# E2E_IMAGE=1: every server the suite starts runs in the container image
# packaging/ builds around BIN (which must be static), on an engine of its
# own so that the engine under test sees none of its containers.
IMAGE = os.environ.get("E2E_IMAGE") == "1"
IMAGE_TAG = "portainer-mcp-rs:e2e"
RUNNER = None
STANDIN_TOKEN = "ptr_TESTTOKEN_3f9c2a7e1b5d4c8a"
TOKEN = "ptr_E2E_TOKEN_9f8e7d6c5b4a"
NODE_BIN = Path(os.environ.get("E2E_NODE_MODULES", ROOT / "tests" / "e2e" / "node_modules")) / ".bin"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(flags, env, detach=False, mounts=()):
    """(command, args) that start our server with `flags` and the PORTAINER_*
    variables of `env`: the binary, or `docker run` of the image (stdin kept
    open with -i, as an MCP client's config does; -d leaves it on /dev/null)."""
    if not IMAGE:
        return str(BIN), list(flags)
    passed = [a for k, v in env.items() if k.startswith("PORTAINER") for a in ("-e", f"{k}={v}")]
    how = ["-d"] if detach else ["-i", "--rm"]
    # (host directory, path in the container): files the server writes there.
    volumes = [a for host, inside in mounts for a in ("-v", f"{host}:{inside}")]
    return "docker", ["-H", f"unix://{RUNNER.sock}", "run", *how, "--network", "host", *passed, *volumes,
                      IMAGE_TAG, *flags]


def wait_for(check, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{what} did not come up within {timeout:.0f}s")


def port_open(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def stop(proc, name):
    """SIGTERM, then SIGKILL, by PID."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        print(f"{name} ignored SIGTERM; killing", file=sys.stderr)
        proc.kill()
        proc.wait(timeout=10)


class Engine:
    def __init__(self, base):
        self.base = Path(base)
        self.sock = self.base / "docker.sock"
        self.proc = None

    def docker(self, *args, check=True):
        out = subprocess.run(["docker", "-H", f"unix://{self.sock}", *args], capture_output=True, text=True)
        if check and out.returncode != 0:
            raise AssertionError(f"docker {' '.join(args)}: {out.stderr}")
        return out.stdout.strip()

    def inspect(self, name):
        return json.loads(self.docker("inspect", name))[0]

    def states(self):
        """name -> (running, started at, restart count): what tests compare."""
        ids = self.docker("ps", "-aq").split()
        result = {}
        for c in json.loads(self.docker("inspect", *ids)) if ids else []:
            result[c["Name"].lstrip("/")] = (c["State"]["Running"], c["State"]["StartedAt"], c["RestartCount"])
        return result

    def start(self):
        if os.geteuid() != 0 or not shutil.which("dockerd"):
            pytest.fail("the end-to-end suite needs root and dockerd (bash .ci/run installs docker.io)")
        log = open(self.base / "dockerd.log", "w")
        self.proc = subprocess.Popen(
            ["dockerd", "--iptables=false", "--ip6tables=false", "--bridge=none",
             "--data-root", str(self.base / "data"), "--exec-root", str(self.base / "exec"),
             "--pidfile", str(self.base / "dockerd.pid"), "-H", f"unix://{self.sock}"],
            stdout=log, stderr=subprocess.STDOUT)
        wait_for(lambda: self.sock.exists() and self.docker("version", check=False) != "", "dockerd")

    def populate(self):
        busybox = shutil.which("busybox")
        if not busybox:
            pytest.fail("busybox-static is needed to build the test image")
        rootfs = self.base / "rootfs"
        (rootfs / "bin").mkdir(parents=True)
        shutil.copy(busybox, rootfs / "bin" / "busybox")
        for tool in ("sh", "sleep", "echo", "cat"):
            os.symlink("busybox", rootfs / "bin" / tool)
        tar = subprocess.run(["tar", "-C", str(rootfs), "-c", "."], capture_output=True, check=True).stdout
        subprocess.run(["docker", "-H", f"unix://{self.sock}", "import", "-", "mcp-busybox:test"], input=tar,
                       capture_output=True, check=True)
        self.docker("volume", "create", "mcp-data")
        self.docker("network", "create", "mcp-net")
        self.docker("run", "-d", "--name", "logger", "--network", "none", "mcp-busybox:test", "sh", "-c",
                    "echo hello-from-logger; echo oops-on-stderr >&2; while sleep 1; do echo tick; done")
        for name in ("web", "worker", "bystander"):
            self.docker("run", "-d", "--name", name, "--network", "none", "-v", "mcp-data:/data",
                        "-e", "DB_PASSWORD=e2e-db-secret", "mcp-busybox:test", "sleep", "3600")
        wait_for(lambda: "hello-from-logger" in self.docker("logs", "logger"), "the logger container")

    def stop(self):
        if self.proc:
            # Containers first, so that dockerd's shutdown is quick.
            ids = self.docker("ps", "-aq", check=False).split()
            if ids:
                self.docker("rm", "-f", *ids, check=False)
            # A bridge network's interface outlives dockerd in the host's
            # namespace; left there, each run takes one of the address pools
            # until `network create` finds none free.
            nets = self.docker("network", "ls", "-q", "--filter", "driver=bridge", check=False).split()
            if nets:
                self.docker("network", "rm", *nets, check=False)
            stop(self.proc, "dockerd")
            # A --network host container makes dockerd bind the host's
            # network namespace under its exec root; that mount outlives it.
            with open("/proc/mounts") as mounts:
                left = [line.split()[1] for line in mounts if line.split()[1].startswith(str(self.base) + "/")]
            for path in reversed(left):
                subprocess.run(["umount", path], capture_output=True)


class Front:
    def __init__(self, engine, version="2.45.3", edition="EE"):
        self.engine = engine
        self.port = free_port()
        self.proc = None
        # The Portainer it claims to be: EE 2.45.3 by default, whose upstream
        # description test_upstream_conformance.py checks the requests against.
        self.claims = ["--version", version, "--edition", edition]
        # Every request that reaches the front, one JSON object a line
        # (front.py --record); test_upstream_conformance.py checks them all.
        self.record = engine.base / f"requests-{edition}-{version}.jsonl"

    def recorded(self):
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines() if line]

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        if not STANDIN.exists():
            pytest.fail(f"{STANDIN} is missing: run cargo build -p portainer-mcp-standin first")
        self.kube_port = free_port()
        self.kube = subprocess.Popen([str(STANDIN), "--port", str(self.kube_port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.kube_port), "the Kubernetes stand-in")
        self.proc = subprocess.Popen(
            [sys.executable, str(Path(__file__).parent / "front.py"), "--port", str(self.port),
             "--docker-sock", str(self.engine.sock), "--token", TOKEN, "--record", str(self.record),
             "--kubernetes", f"127.0.0.1:{self.kube_port}", "--kubernetes-token", STANDIN_TOKEN,
             *self.claims],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), "the test front")

    def stop(self):
        if self.proc:
            stop(self.proc, "front")
        if getattr(self, "kube", None):
            stop(self.kube, "Kubernetes stand-in")


class Prism:
    """Prism in proxy mode in front of the front: a request that does not
    match spec/ gets a 422 instead of reaching it.

    Fix-ups made here, for Prism only (spec/ stays as imported):
    - spec/portainer-ee-2.45.3.json (the description of the Portainer the
      front claims to be) and spec/docker.json are merged (Docker's paths
      already sit under /endpoints/{environmentId}/docker);
    - paths get the /api prefix, since Prism ignores a relative server URL;
    - responses are reduced to a bare default: Prism is here to check our
      requests, and real answers break their own descriptions (Docker's
      IPAMConfig null, Portainer's "required" fields an older server lacks).
    """

    def __init__(self, front, base):
        self.front = front
        self.port = free_port()
        self.spec = Path(base) / "prism-spec.json"
        self.log = Path(base) / "prism.log"
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def write_spec(self):
        doc = json.loads((ROOT / "spec" / "portainer-ee-2.45.3.json").read_text())
        docker = json.loads((ROOT / "spec" / "docker.json").read_text())
        doc["paths"].update(docker["paths"])
        doc["components"]["schemas"].update(docker["components"]["schemas"])
        doc["paths"] = {"/api" + p: item for p, item in doc["paths"].items()}
        for item in doc["paths"].values():
            for op in item.values():
                op["responses"] = {"default": {"description": ""}}
        doc.pop("servers", None)
        self.spec.write_text(json.dumps(doc))

    def start(self):
        prism = NODE_BIN / "prism"
        if not prism.exists():
            pytest.fail(f"{prism} is missing (bash .ci/run installs @stoplight/prism-cli)")
        self.write_spec()
        self.proc = subprocess.Popen(
            [str(prism), "proxy", str(self.spec), self.front.url, "--port", str(self.port), "--errors"],
            stdout=open(self.log, "w"), stderr=subprocess.STDOUT)
        wait_for(lambda: port_open(self.port), "prism", timeout=90)

    def violations(self, settle=1.0):
        # Prism writes its log a moment after it answers.
        time.sleep(settle)
        text = self.log.read_text()
        return [line for line in text.splitlines() if "UNPROCESSABLE_ENTITY" in line or "VIOLATIONS" in line
                or "NO_PATH_MATCHED" in line]

    def stop(self):
        if self.proc:
            stop(self.proc, "prism")


def pytest_collection_modifyitems(session, config, items):
    """The check over everything the front recorded runs last, whatever the
    order of files or tests, so that it sees every request."""
    last = [i for i in items if i.name == "test_every_recorded_request_matches_upstream"]
    items[:] = [i for i in items if i not in last] + last


@pytest.fixture(scope="session")
def world():
    if not BIN.exists():
        pytest.fail(f"{BIN} is missing: run cargo build first")
    base = tempfile.mkdtemp(prefix="pmcp-e2e-")
    engine = Engine(base)
    front = Front(engine)
    prism = Prism(front, base)
    global RUNNER
    runner = Engine(Path(base) / "runner") if IMAGE else None
    try:
        if runner:
            runner.base.mkdir()
            runner.start()
            built = subprocess.run(["sh", str(ROOT / "packaging" / "build-image.sh"), str(BIN), IMAGE_TAG,
                                    "-H", f"unix://{runner.sock}"], capture_output=True, text=True)
            assert built.returncode == 0, built.stderr
            RUNNER = runner
        engine.start()
        engine.populate()
        front.start()
        prism.start()
        yield engine, front, prism
    finally:
        prism.stop()
        front.stop()
        engine.stop()
        if runner:
            runner.stop()
        shutil.rmtree(base, ignore_errors=True)
