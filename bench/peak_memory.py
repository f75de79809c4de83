"""Run a command and print its wall time, CPU time and peak memory, counting every process it starts.

`/usr/bin/time -v` reports the largest single process; `make test` runs pytest workers, mypy and
pip side by side, so this sums the resident memory of the whole process tree, sampled every 0.1 s.

CPU: `getrusage(RUSAGE_CHILDREN)` counts a process once its parent has waited for it, and its
parent's parent for the parent, and so on; a process whose parent died first (Chromium's helpers,
once Playwright kills the browser) is reparented, and would be counted by whoever reaps it. On
Linux this script makes itself the "child subreaper" of the command (prctl PR_SET_CHILD_SUBREAPER),
so such orphans come back to it and it reaps them: the figure then covers every process the
command started, however short-lived, and nothing else running on the machine.

    .venv/bin/python bench/peak_memory.py make test
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h


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


def become_subreaper() -> bool:
    """Orphaned descendants are reparented to this process rather than to init (Linux 3.4+)."""
    with contextlib.suppress(OSError, AttributeError):
        return ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    return False


def reap_orphans(command: int) -> None:
    """Wait for every exited child except the command itself (subprocess waits for that one)."""
    while True:
        try:
            exited = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return
        if exited is None or exited.si_pid in (0, command):
            return
        os.waitpid(exited.si_pid, 0)


def main(command: list[str]) -> int:
    load = os.getloadavg()[0]
    complete = become_subreaper()
    start = time.monotonic()
    process = subprocess.Popen(command)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss_kib(process.pid))
        if complete:
            reap_orphans(process.pid)
        time.sleep(0.1)
    wall = time.monotonic() - start
    if complete:
        time.sleep(0.5)  # orphans still shutting down
        reap_orphans(process.pid)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    scope = "every process it started" if complete else "processes waited for; orphans not counted"
    print(
        f"\n{' '.join(command)}: exit {process.returncode}, wall {wall:.1f} s, "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s ({scope}), peak memory {peak / 1024:.0f} MiB (process tree), "
        f"load average at start {load:.1f}",
        file=sys.stderr,
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
