#!/usr/bin/env python3
"""Runs every cargo-fuzz target (or those named) one after the other for a
fixed time, with the settings .ci/run uses, and reports executions and
findings per target.

  python3 fuzz/campaign.py --seconds 300                               print the table
  python3 fuzz/campaign.py --seconds 300 --write docs/dev/fuzzing.md   fill its `fuzz-runs` block

Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); builds with the
stable toolchain through RUSTC_BOOTSTRAP, as .ci/run does. A target that
finds something keeps its input under fuzz/artifacts/<target>/ and its row
says so; the campaign goes on with the next target and exits 1 at the end.
"""

import argparse
import datetime
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "bench"))

from docblock import command_line, describe_commit, describe_host, write_block  # noqa: E402

DONE = re.compile(r"Done (\d+) runs in (\d+) second")
STAT = re.compile(r"#(\d+)\s")
MAX_LEN = 65536


def targets():
    return sorted(p.stem for p in (HERE / "fuzz_targets").glob("*.rs"))


def run_target(name, seconds):
    """(executions, seconds, finding or None), from libFuzzer's own report."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("CARGO_BUILD_TARGET", "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS")}
    env["RUSTC_BOOTSTRAP"] = "1"
    cmd = ["cargo", "fuzz", "run", "-O", name, "--", f"-max_total_time={seconds}",
           f"-max_len={MAX_LEN}", "-rss_limit_mb=2048"]
    print("+", " ".join(cmd), file=sys.stderr)
    proc = subprocess.run(cmd, cwd=HERE.parent, env=env, capture_output=True, text=True)
    log = proc.stdout + proc.stderr
    done = DONE.search(log)
    if done and proc.returncode == 0:
        return int(done.group(1)), int(done.group(2)), None
    execs = [int(m) for m in STAT.findall(log)]
    reason = next((line.strip() for line in log.splitlines()
                   if "ERROR: libFuzzer" in line or "panicked at" in line or "error[" in line),
                  f"exit status {proc.returncode}")
    sys.stderr.write(log[-4000:])
    return (max(execs) if execs else 0), None, reason


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seconds", type=int, default=300, help="time per target")
    ap.add_argument("--only", help="comma-separated targets (default: every one in fuzz/fuzz_targets)")
    ap.add_argument("--write", type=Path, help="fill the `fuzz-runs` block of this docs file")
    a = ap.parse_args()
    names = targets()
    if a.only:
        wanted = [n.strip() for n in a.only.split(",") if n.strip()]
        unknown = [n for n in wanted if n not in names]
        if unknown:
            ap.error(f"unknown targets {unknown} (choose from {', '.join(names)})")
        names = wanted
    rows = []
    for name in names:
        runs, secs, finding = run_target(name, a.seconds)
        rows.append((name, runs, secs, finding))
    lines = [f"Measured {datetime.date.today().isoformat()} with `{command_line('fuzz/campaign.py')}` "
             f"on {describe_host()}; {describe_commit()}. `-max_len={MAX_LEN}`, one target at a time.", "",
             "| target | executions | seconds | executions/s | findings |", "| --- | ---: | ---: | ---: | --- |"]
    for name, runs, secs, finding in rows:
        rate = f"{runs / secs:,.0f}" if secs else "-"
        lines.append(f"| `{name}` | {runs:,} | {secs if secs is not None else '-'} | {rate} | "
                     f"{finding or 'none'} |")
    text = "\n".join(lines)
    if a.write:
        write_block(a.write, "fuzz-runs", text)
        print(f"wrote the table into {a.write}", file=sys.stderr)
    else:
        print(text)
    if any(f for *_, f in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
