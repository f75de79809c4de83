"""Run a command and print its wall time, CPU time and peak memory, counting every process it starts.

`/usr/bin/time -v` reports the largest single process; `make test` runs pytest workers, mypy, uv
and Chromium side by side, so this sums the memory of the whole process tree, sampled every 0.5 s:
PSS (shared pages split among the processes sharing them), with the RSS sum and the largest
process beside it.

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
from dataclasses import dataclass
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36  # linux/prctl.h
# Reading smaps_rollup walks a process's page tables (Chromium's helpers map terabytes of address space):
# at 0.1 s the sampling took ~10 s of a 2-core machine's CPU from a 50 s `make test`; memory peaks last seconds.
SAMPLE_SECONDS = 0.5


@dataclass
class Memory:
    """KiB. PSS shares each page among the processes that map it (Chromium's helpers and the pytest
    workers share most of their libraries), so its sum is what the tree really holds; the RSS sum
    counts shared pages once per process and overstates it; the largest RSS is `time -v`'s figure."""

    pss: int = 0
    rss: int = 0
    largest_rss: int = 0

    def peak(self, other: Memory) -> Memory:
        return Memory(max(self.pss, other.pss), max(self.rss, other.rss), max(self.largest_rss, other.largest_rss))


def _field_kib(text: str, name: str) -> int:
    return next((int(line.split()[1]) for line in text.splitlines() if line.startswith(name)), 0)


def tree_memory(root: int) -> Memory:
    """Memory of `root`'s descendants, not `root` itself (Linux /proc; smaps_rollup since 4.14)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                children.setdefault(int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]), []).append(int(entry.name))
    memory, stack = Memory(), list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack += children.get(pid, [])
        with contextlib.suppress(OSError):
            rss = _field_kib(Path(f"/proc/{pid}/status").read_text(), "VmRSS:")
            memory.rss += rss
            memory.largest_rss = max(memory.largest_rss, rss)
            memory.pss += _field_kib(Path(f"/proc/{pid}/smaps_rollup").read_text(), "Pss:")
    return memory


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
    peak = Memory()
    while process.poll() is None:
        peak = peak.peak(tree_memory(os.getpid()))  # from here: orphans reparented to us count too
        if complete:
            reap_orphans(process.pid)
        time.sleep(SAMPLE_SECONDS)
    wall = time.monotonic() - start
    if complete:
        time.sleep(0.5)  # orphans still shutting down
        reap_orphans(process.pid)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    itself = resource.getrusage(resource.RUSAGE_SELF)
    scope = "every process it started" if complete else "processes waited for; orphans not counted"
    print(
        f"\n{' '.join(command)}: exit {process.returncode}, wall {wall:.1f} s, "
        f"CPU {usage.ru_utime + usage.ru_stime:.1f} s ({scope}), peak memory of the process tree "
        f"{peak.pss / 1024:.0f} MiB PSS ({peak.rss / 1024:.0f} MiB summing RSS; "
        f"largest process {peak.largest_rss / 1024:.0f} MiB), "
        f"load average at start {load:.1f}; sampling cost {itself.ru_utime + itself.ru_stime:.1f} CPU-s",
        file=sys.stderr,
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
