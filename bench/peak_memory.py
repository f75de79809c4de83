"""Run a command and print its wall time, CPU time and peak memory, counting every process it starts.

`/usr/bin/time -v` reports the largest single process; `make test` runs pytest workers, mypy and
pip side by side, so this sums the resident memory of the whole process tree, sampled every 0.1 s.
CPU is summed the same way, per process seen in the tree: `getrusage(RUSAGE_CHILDREN)` misses
processes nobody waits for (Chromium's helpers, a killed browser's children), and the machine-wide
figure of `vmstat` counts whatever else runs at the same time. A process is followed by its
identity (pid and start time) even after it leaves the tree (reparented when its parent exits).

    .venv/bin/python bench/peak_memory.py make test
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Tree:
    """What the command's process tree used so far: peak resident memory, CPU per process."""

    root: int
    peak_kib: int = 0
    cpu_ticks: dict[tuple[int, int], int] = field(default_factory=dict)  # (pid, start time) -> utime + stime

    def sample(self) -> None:
        children: dict[int, list[int]] = {}
        rss: dict[int, int] = {}
        cpu: dict[int, tuple[tuple[int, int], int]] = {}
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
            cpu[pid] = ((pid, int(fields[19])), int(fields[11]) + int(fields[12]))  # starttime; utime, stime
        tree, stack = set(), [self.root]
        while stack:
            pid = stack.pop()
            tree.add(pid)
            stack += children.get(pid, [])
        self.peak_kib = max(self.peak_kib, sum(rss.get(pid, 0) for pid in tree))
        for key, ticks in cpu.values():
            if key[0] in tree or key in self.cpu_ticks:
                self.cpu_ticks[key] = ticks

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu_ticks.values()) / TICKS


def main(command: list[str]) -> int:
    load = os.getloadavg()[0]
    start = time.monotonic()
    process = subprocess.Popen(command)
    tree = Tree(process.pid)
    while process.poll() is None:
        tree.sample()
        time.sleep(0.1)
    wall = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"\n{' '.join(command)}: exit {process.returncode}, wall {wall:.1f} s, "
        f"CPU {tree.cpu_seconds:.1f} s (process tree; {usage.ru_utime + usage.ru_stime:.1f} s waited for), "
        f"peak memory {tree.peak_kib / 1024:.0f} MiB (process tree), load average at start {load:.1f}",
        file=sys.stderr,
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
