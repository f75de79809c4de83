"""Run a command and print its wall time, CPU time and peak memory, counting every process it starts.

`/usr/bin/time -v` reports the largest single process; `make test` runs pytest workers, mypy and
pip side by side, so this sums the resident memory of the whole process tree, sampled every 0.1 s.

    .venv/bin/python bench/peak_memory.py make test
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path


def tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants, in KiB (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack += children.get(pid, [])
    return total


def main(command: list[str]) -> int:
    load = os.getloadavg()[0]
    start = time.monotonic()
    process = subprocess.Popen(command)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        time.sleep(0.1)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"\n{' '.join(command)}: exit {process.returncode}, wall {wall:.1f} s, "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s, peak memory {peak / 1024:.0f} MiB (process tree), "
        f"load average at start {load:.1f}",
        file=sys.stderr,
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
