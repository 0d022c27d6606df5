#!/usr/bin/env python3
"""`portainer-mcp audit verify` on a large sealed audit log: time and peak
memory, paired in the same run with `sha256sum` of the same file (the
floor: reading and hashing every byte once), interleaved. The log is
sealed here, in Python's own HMAC, from the format in
src/mcp/audit_chain.rs, so the run also checks that an independent writer
of that format verifies; a copy with one byte changed must fail.

    python3 bench/audit_verify.py                      # 1,024 MB, table
    python3 bench/audit_verify.py --write docs/dev/benchmarks.md
    python3 bench/audit_verify.py --size-mb 64 --runs 1  # a quick look
"""

import argparse
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import docblock  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OURS = ROOT / "target" / "release" / "portainer-mcp"
KEY = b"bench key, sixteen bytes or more"


def seal(prev, body):
    mac = hmac.new(KEY, prev.encode() + b"\n" + body.encode(), hashlib.sha256).hexdigest()
    return f"hmac-sha256:{mac}"


def write_log(path, size):
    """Sealed records much like a server's (a write's intent and outcome,
    arguments and requests), until the file reaches `size` bytes."""
    prev, n, written = "", 0, 0
    with open(path, "w", buffering=1 << 20) as f:
        while written < size:
            phase = "intent" if n % 2 == 0 else "outcome"
            record = {
                "phase": phase, "call": f"a1b2c3d4e5f6-{n // 2}", "caller": {"name": "alice", "id": 7},
                "tool": "stack_update", "access": "write",
                "arguments": {"id": 7, "environment_id": 1, "env": {"LOG_LEVEL": "info", "DB_PASSWORD": "<redacted>"},
                              "file": "services:\n  web:\n    image: shop/web:1.4\n"},
                "time": "2026-12-07T09:00:00Z",
            }
            if phase == "outcome":
                record.update({"outcome": "ok", "duration_ms": 41, "held": False,
                               "requests": [{"method": "GET", "path": "/api/stacks/7", "status": 200},
                                            {"method": "PUT", "path": "/api/stacks/7?endpointId=1", "status": 200}]})
            body = json.dumps(record, separators=(",", ":"))
            s = seal(prev, body)
            line = body[:-1] + f',"seal":"{s}"}}\n'
            f.write(line)
            prev, n, written = s, n + 1, written + len(line)
    return n, prev


def run_with_rss(cmd):
    """Wall seconds, exit code and peak RSS (MiB) of one run."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    return wall, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--write", metavar="FILE")
    a = ap.parse_args()
    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "-p", "portainer-mcp-rs"], cwd=ROOT, check=True)
    started = time.time()
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as d:
        log, key = Path(d) / "audit.jsonl", Path(d) / "audit.key"
        key.write_bytes(KEY)
        t0 = time.perf_counter()
        records, head = write_log(log, a.size_mb << 20)
        sealed_s = time.perf_counter() - t0
        size = log.stat().st_size
        verify = [str(OURS), "audit", "verify", str(log), "--audit-key-file", str(key), "--head", head]
        reference = ["sha256sum", str(log)]
        ours, ref = [], []
        for _ in range(a.runs):  # interleaved: the page cache and the machine alike for both
            w, rc, rss = run_with_rss(reference)
            ref.append((w, rss))
            w, rc, rss = run_with_rss(verify)
            if rc != 0:
                sys.exit(f"verify failed on a good log (exit {rc})")
            ours.append((w, rss))
        # One byte changed in the middle: found, and named.
        with open(log, "r+b") as f:
            f.seek(size // 2)
            b = f.read(1)
            f.seek(size // 2)
            f.write(bytes([b[0] ^ 0x01]))
        p = subprocess.run(verify, capture_output=True, text=True)
        if p.returncode == 0:
            sys.exit("verify passed a log with a changed byte")
        named = p.stderr.strip().splitlines()[-1]
    med = lambda xs, i: statistics.median(x[i] for x in xs)  # noqa: E731
    mb = size / (1 << 20)
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} with `{docblock.command_line('bench/audit_verify.py')}` "
        f"in {time.time() - started:.0f} s on {docblock.describe_host()}, {docblock.describe_commit()}; "
        f"median of {a.runs} interleaved runs.",
        "",
        "| | file | records | wall | MB/s | peak RSS |",
        "|---|---|---|---|---|---|",
        f"| `portainer-mcp audit verify` (HMAC-SHA256 chain, `--head`) | {mb:,.0f} MiB | {records:,} | "
        f"{med(ours, 0):.2f} s | {mb / med(ours, 0):,.0f} | {med(ours, 1):.1f} MiB |",
        f"| `sha256sum`, same file (reference) | {mb:,.0f} MiB | | {med(ref, 0):.2f} s | {mb / med(ref, 0):,.0f} | "
        f"{med(ref, 1):.1f} MiB |",
        "",
        f"The log was sealed by this script's own HMAC ({sealed_s:.0f} s) and verified; with one byte changed "
        f"at its middle, verify exited 1: `{named[:160]}`.",
    ]
    text = "\n".join(lines)
    print(text)
    if a.write:
        docblock.write_block(a.write, "audit-verify", text)


if __name__ == "__main__":
    main()
