"""Writes a measuring script's own output into the block of a docs file
marked `<!-- begin generated: NAME (COMMAND) -->` ... `<!-- end generated:
NAME -->`, the format the integration suite's surface checks read, so
figures in the docs are a command's output and never typed."""

import os
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def command_line(script):
    """How this run was started, for the docs to quote."""
    return f"python3 {script}" + "".join(" " + shlex.quote(x) for x in sys.argv[1:])


def write_block(path, name, text):
    doc = Path(path).read_text()
    begin = f"<!-- begin generated: {name} "
    end = f"<!-- end generated: {name} -->"
    start = doc.find(begin)
    if start < 0 or doc.count(begin) != 1 or doc.count(end) != 1:
        sys.exit(f"{path}: needs exactly one `{begin}(COMMAND) -->` ... `{end}` block")
    content = doc.index("\n", start) + 1
    stop = doc.index(end)
    if stop < content:
        sys.exit(f"{path}: block `{name}` ends before it begins")
    Path(path).write_text(doc[:content] + text.rstrip("\n") + "\n" + doc[stop:])


def describe_host():
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = f" ({line.split(':', 1)[1].strip()})"
                    break
    except OSError:
        pass
    return f"Linux, {os.cpu_count()} cores{cpu}{mem}"


def describe_commit():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return f"commit {rev}{' plus uncommitted changes' if dirty else ''}"
    except (OSError, subprocess.CalledProcessError):
        return "unknown commit"
