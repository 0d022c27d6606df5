#!/usr/bin/env python3
"""Sizes of what users install, x86_64: the static binary, the wheel, the
MCP bundle and the container image, measured on disk. Each is built here
as a static x86_64 build with the `release` profile (`cargo build
--release`, `maturin build --release`) and packed by the same scripts
.ci/run and the release workflow use; the release workflow itself builds
with the `dist` profile (fat LTO, one codegen unit), so the published
files' sizes are not these.

  python3 packaging/figures.py                           print the table
  python3 packaging/figures.py --write docs/install.md   fill its `install-figures` block

The image needs a Docker engine (DOCKER_HOST or the default socket); without
one its row says so instead of a figure. The bundle needs the mcpb tool
(MCPB, default tests/e2e/node_modules/.bin/mcpb after `npm ci` there).
"""

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from docblock import command_line, describe_commit, describe_host, write_block  # noqa: E402

TARGET = "x86_64-unknown-linux-gnu"
STATIC = {"CARGO_BUILD_TARGET": TARGET,
          "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS": "-C target-feature=+crt-static"}
TARGET_DIR = ROOT / os.environ.get("CARGO_TARGET_DIR", "target")


def run(cmd, **kw):
    print("+", " ".join(str(c) for c in cmd), file=sys.stderr)
    return subprocess.run([str(c) for c in cmd], check=True, **kw)


def built_binary(env):
    run(["cargo", "build", "--release", "--locked", "--bin", "portainer-mcp"], cwd=ROOT, env=env)
    return TARGET_DIR / TARGET / "release" / "portainer-mcp"


def built_wheel(env, out):
    run(["maturin", "build", "--release", "--locked", "--target", TARGET, "--out", out],
        cwd=ROOT / "packaging" / "python", env=env, stdout=sys.stderr)
    wheels = sorted(Path(out).glob("portainer_mcp_rs-*.whl"))
    if len(wheels) != 1:
        sys.exit(f"expected one wheel in {out}, found {wheels}")
    return wheels[0]


def built_bundle(binary, out):
    mcpb = os.environ.get("MCPB", str(ROOT / "tests" / "e2e" / "node_modules" / ".bin" / "mcpb"))
    path = Path(out) / "portainer-mcp.mcpb"
    run(["sh", ROOT / "packaging" / "build-bundle.sh", binary, path], env={**os.environ, "MCPB": mcpb},
        stdout=sys.stderr)
    return path


def image_size(binary):
    """Bytes of the FROM scratch image as the engine reports them, or why
    there is no figure."""
    if subprocess.run(["docker", "info"], capture_output=True).returncode != 0:
        return None, "not measured: no Docker engine reachable"
    tag = "portainer-mcp-figures:local"
    run(["sh", ROOT / "packaging" / "build-image.sh", binary, tag], stdout=sys.stderr)
    try:
        out = run(["docker", "image", "inspect", "--format", "{{.Size}}", tag], capture_output=True, text=True)
        return int(out.stdout.strip()), None
    finally:
        subprocess.run(["docker", "image", "rm", "-f", tag], capture_output=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--write", type=Path, help="fill the `install-figures` block of this docs file")
    a = ap.parse_args()
    env = {**os.environ, **STATIC}
    with tempfile.TemporaryDirectory(prefix="pmcp-figures-") as out:
        binary = built_binary(env)
        wheel = built_wheel(env, out)
        bundle = built_bundle(binary, out)
        image, why = image_size(binary)
        rows = [("static binary (release profile, stripped)", binary.stat().st_size, None),
                ("wheel (`maturin build --release`)", wheel.stat().st_size, None),
                ("MCP bundle", bundle.stat().st_size, None),
                ("container image (`docker image inspect`)", image, why)]
    lines = [f"Measured {datetime.date.today().isoformat()} with `{command_line('packaging/figures.py')}` "
             f"on {describe_host()}; {describe_commit()}.", "",
             "| artifact | bytes |", "| --- | ---: |"]
    for name, size, why in rows:
        lines.append(f"| {name} | {f'{size:,}' if size is not None else why} |")
    text = "\n".join(lines)
    if a.write:
        write_block(a.write, "install-figures", text)
        print(f"wrote the table into {a.write}", file=sys.stderr)
    else:
        print(text)


if __name__ == "__main__":
    main()
