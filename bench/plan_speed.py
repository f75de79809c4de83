"""How fast and how big is `livestream plan`? Prints a table; asserts nothing (benchmarks are scripts, never timed tests).

Each run is a fresh process, `livestream plan <stack> --project <dir> --json`, exactly what a user
or CI pays: interpreter start, SDK imports, the program under the mock engine, the policy pack,
the cost and latency model, JSON out. Wall time is the median of RUNS runs; peak memory is the
largest resident set of any run, read from the child's own rusage (`os.wait4`), so runs do not
contaminate each other's figure.

Stacks: the repository's dev and prod, and generated stacks of 1, 5, 10 and 20 channels (dev's
settings, the `channels` map repeated) in a temporary project holding a copy of the repository's
`__main__.py` and `Pulumi.yaml`.

Targets on the 2-core reference machine: prod <= 2 s, 20 channels <= 6 s, time growing no faster
than linearly with channels, peak memory <= 300 MB.

    .venv/bin/python bench/plan_speed.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNS = 5
CHANNEL_COUNTS = (1, 5, 10, 20)
TARGET_PROD_SECONDS = 2.0
TARGET_20_SECONDS = 6.0
TARGET_PEAK_MB = 300.0
LINEAR_SLACK = 1.25  # the per-channel cost from 10 to 20 channels may exceed the one from 1 to 10 by this factor


@dataclass
class Result:
    label: str
    channels: int
    resources: int
    seconds: list[float]
    peak_mb: float
    exit_codes: set[int]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def livestream_command() -> list[str]:
    script = Path(sys.executable).parent / "livestream"
    return [str(script)] if script.exists() else [sys.executable, "-m", "livestream.cli"]


def generate_project(directory: Path, counts: tuple[int, ...]) -> None:
    """A copy of the repository's program with one generated stack file per channel count."""
    shutil.copy(ROOT / "__main__.py", directory / "__main__.py")
    shutil.copy(ROOT / "Pulumi.yaml", directory / "Pulumi.yaml")
    dev = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())
    template = next(iter(dev["config"]["livestream:channels"].values()))
    for count in counts:
        config = dict(dev["config"])
        config["livestream:channels"] = {f"ch{i:02d}": dict(template) for i in range(1, count + 1)}
        (directory / f"Pulumi.ch{count}.yaml").write_text(yaml.safe_dump({"config": config}, sort_keys=False))


def empty_project(scratch: Path) -> Path:
    directory = scratch / "empty"
    directory.mkdir()
    (directory / "Pulumi.yaml").write_text("name: empty\nruntime: python\n")
    (directory / "Pulumi.bench.yaml").write_text("config:\n  aws:region: ap-northeast-2\n")
    (directory / "__main__.py").write_text("import pulumi\nimport pulumi_aws\nimport pulumi_aws_native\n")
    return directory


def run_once(command: list[str], out: Path) -> tuple[float, float, int]:
    """(wall seconds, peak RSS MB, exit code) of one fresh process."""
    with out.open("wb") as stdout:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024, process.returncode  # ru_maxrss is in KiB on Linux


def measure(label: str, stack: str, project: Path, channels: int, runs: int, scratch: Path) -> Result:
    import json

    command = [*livestream_command(), "plan", stack, "--project", str(project), "--json"]
    out = scratch / f"{label}.json"
    seconds: list[float] = []
    peak = 0.0
    codes: set[int] = set()
    for _ in range(runs):
        elapsed, rss, code = run_once(command, out)
        seconds.append(elapsed)
        peak = max(peak, rss)
        codes.add(code)
    document: dict[str, Any] = json.loads(out.read_text()) if out.stat().st_size else {}
    resources = len(document.get("resources", []))
    if 2 in codes:
        print(f"warning: {label} exited 2: {document.get('error')}", file=sys.stderr)
    return Result(label, channels, resources, seconds, peak, codes)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=RUNS, help=f"runs per stack (default {RUNS}); the median is shown")
    args = parser.parse_args(argv)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="plan-speed-") as tmp:
        scratch = Path(tmp)
        project = scratch / "project"
        project.mkdir()
        generate_project(project, CHANNEL_COUNTS)
        results.append(measure("dev", "dev", ROOT, 1, args.runs, scratch))
        results.append(measure("prod", "prod", ROOT, 1, args.runs, scratch))
        for count in CHANNEL_COUNTS:
            results.append(measure(f"{count} channels", f"ch{count}", project, count, args.runs, scratch))
        results.append(measure("empty", "bench", empty_project(scratch), 0, args.runs, scratch))
        help_seconds = statistics.median(run_once([*livestream_command(), "--help"], scratch / "help.txt")[0] for _ in range(3))

    print(f"livestream plan <stack> --json: fresh process per run, median of {args.runs} runs; peak RSS = max over runs")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs; `livestream --help` (no SDK import): {help_seconds:.2f} s")
    print("'empty': a Pulumi project that only imports pulumi_aws and pulumi_aws_native and creates nothing (the floor)")
    print()
    print(f"{'stack':<12} {'channels':>8} {'resources':>9} {'median s':>9} {'min s':>7} {'max s':>7} {'peak MB':>8} {'exit':>5}")
    for r in results:
        codes = ",".join(str(c) for c in sorted(r.exit_codes))
        print(
            f"{r.label:<12} {r.channels:>8} {r.resources:>9} {r.median:>9.2f} {min(r.seconds):>7.2f} "
            f"{max(r.seconds):>7.2f} {r.peak_mb:>8.0f} {codes:>5}"
        )
    by_label = {r.label: r for r in results}
    prod, twenty = by_label["prod"], by_label["20 channels"]
    one, ten = by_label["1 channels"], by_label["10 channels"]
    low_slope = (ten.median - one.median) / 9
    high_slope = (twenty.median - ten.median) / 10
    linear = high_slope <= max(low_slope, 0.0) * LINEAR_SLACK + 0.01
    peak = max(r.peak_mb for r in results)
    print()
    print("per added channel: " + ", ".join(
        f"{a.channels}->{b.channels}: {(b.median - a.median) / (b.channels - a.channels) * 1000:.0f} ms"
        for a, b in zip([one, by_label["5 channels"], ten], [by_label["5 channels"], ten, twenty], strict=True)
    ))  # fmt: skip
    print()
    print(f"target prod <= {TARGET_PROD_SECONDS:g} s: {prod.median:.2f} s  {verdict(prod.median <= TARGET_PROD_SECONDS)}")
    print(f"target 20 channels <= {TARGET_20_SECONDS:g} s: {twenty.median:.2f} s  {verdict(twenty.median <= TARGET_20_SECONDS)}")
    print(
        f"target growth no faster than linear: {low_slope * 1000:.0f} ms/channel (1->10), "
        f"{high_slope * 1000:.0f} ms/channel (10->20)  {verdict(linear)}"
    )
    print(f"target peak memory <= {TARGET_PEAK_MB:g} MB: {peak:.0f} MB  {verdict(peak <= TARGET_PEAK_MB)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
