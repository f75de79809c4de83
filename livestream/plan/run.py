"""One offline plan, start to finish: run the program, judge it with the policy pack, estimate, document.

1. the project's program runs under the Pulumi SDK's mock engine with the stack's config
   (`Pulumi.<STACK>.yaml`; `secure:` values are replaced by a placeholder before the program sees
   them): `livestream.plan.engine` records every resource and export;
2. the policy pack judges the captured wire-format resources (`livestream.plan.verdicts`);
3. the monthly cost and the latency per channel (`livestream.plan.estimates`);
4. all of it becomes a `PlanDocument`.

The program's and the pack's prints go to stderr and their log warnings into the document, so
stdout carries only the rendered report. Pulumi, the providers and pulumi_policy are imported here,
when a plan runs.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from livestream.plan import document as doc
from livestream.plan.errors import PlanError
from livestream.plan.estimates import estimate_plan, unread_keys

if TYPE_CHECKING:
    from livestream.plan.engine import Plan
    from livestream.plan.verdicts import Evaluation, LoadedPack


@dataclass(frozen=True)
class PackChoice:
    """The policy pack to run (None: none), where that choice came from, and its config file (None: defaults)."""

    directory: Path | None
    origin: str  # "--policy-pack", "the project's policies/"...; without a pack, why there is none
    config: Path | None = None


class _Collect(logging.Handler):
    """Keeps the program's warnings and errors (pulumi.log.*) for the report instead of stderr."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _quiet(collect: _Collect) -> Iterator[None]:
    """The program's and the pack's prints go to stderr (stdout carries the report); log records are collected."""
    root = logging.getLogger()
    root.addHandler(collect)
    try:
        with contextlib.redirect_stdout(sys.stderr):
            yield
    finally:
        root.removeHandler(collect)


def _program_location(error: BaseException, project_dir: Path) -> str | None:
    """file:line of the innermost frame of the user's program, for a program error."""
    frames = traceback.extract_tb(error.__traceback__)
    inside = [f for f in frames if Path(f.filename).resolve().is_relative_to(project_dir)]
    candidates = inside or list(frames)
    if not candidates:
        return None
    frame = candidates[-1]
    path = Path(frame.filename)
    shown = path.resolve().relative_to(project_dir) if path.resolve().is_relative_to(project_dir) else path
    return f"{shown}:{frame.lineno}" + (f" in {frame.name}" if frame.name != "<module>" else "")


def _run_program(project_dir: Path, stack: str, collect: _Collect) -> Plan:
    from livestream.model.settings import ConfigError
    from livestream.plan import engine

    try:
        with _quiet(collect):
            return engine.run(project_dir, stack)
    except engine.ProgramError as failure:
        error = failure.error
        if isinstance(error, ConfigError):
            raise PlanError("config", str(error), key=error.key) from None
        if error is None:
            raise PlanError("project", str(failure)) from None
        where = _program_location(error, project_dir)
        raise PlanError("program", f"the program failed: {failure}", where=where) from None
    except SystemExit as stop:
        raise PlanError("program", f"the program called sys.exit({stop.code!r})") from None


def _evaluate(
    plan: Plan, pack: PackChoice, stack: str, collect: _Collect
) -> tuple[LoadedPack | None, Path | None, Evaluation | None]:
    if pack.directory is None:
        return None, None, None
    from livestream.plan import verdicts

    config_path = pack.config
    if config_path is None and (pack.directory / "config" / f"{stack}.json").is_file():
        config_path = pack.directory / "config" / f"{stack}.json"
    try:
        with _quiet(collect):
            loaded = verdicts.load_pack(pack.directory)
            config = verdicts.load_config(config_path) if config_path else None
            evaluation = verdicts.evaluate(loaded, plan, config)
    except (verdicts.PackError, verdicts.PolicyConfigError, verdicts.PolicyRuntimeError) as error:
        raise PlanError("policy", str(error), key=getattr(error, "key", None)) from None
    return loaded, config_path, evaluation


def _verdicts(evaluation: Evaluation | None) -> tuple[tuple[doc.PolicyRow, ...], tuple[doc.Violation, ...]]:
    """The verdict table in pack order; violations in pack order, then by resource (registration order varies)."""
    if evaluation is None:
        return (), ()
    rows = tuple(p.row() for p in evaluation.policies)
    rank = {p.policy: i for i, p in enumerate(evaluation.policies)}
    ranked = sorted(evaluation, key=lambda v: (rank.get(v.policy, len(rank)), v.resource or "", v.message))
    return rows, tuple(ranked)  # the evaluator's violations are the document's records


def _unread_warnings(plan: Plan, stack: str) -> list[str]:
    """`livestream:*` keys of the stack file that the program never read: they neither build nor cost anything."""
    return [
        f"{key} is set in Pulumi.{stack}.yaml but nothing in the program read it: it is neither deployed nor priced "
        "(a program that passes the platform's args in code does not read livestream:* keys)"
        for key in unread_keys(plan.config, plan.config_read)
    ]


def plan_stack(project_dir: Path, stack: str, pack: PackChoice, prices_path: Path | None = None) -> doc.PlanDocument:
    """Run the whole plan of `stack` in `project_dir` and document it. Raises PlanError."""
    from livestream.plan import engine

    collect = _Collect()
    with engine.paused_cyclic_gc():  # the policies and the estimates walk the same heap
        plan = _run_program(project_dir, stack, collect)
        loaded, used_config, evaluation = _evaluate(plan, pack, stack, collect)
        resources = doc.resources_of(plan)
        estimates = estimate_plan(plan.config, resources, stack, prices_path)
    policies, violations = _verdicts(evaluation)
    info = None
    if loaded is not None:
        info = doc.PolicyPackInfo(loaded.name, str(pack.directory), pack.origin, str(used_config) if used_config else None)
    return doc.PlanDocument(
        project=plan.project,
        stack=plan.stack,
        project_dir=str(project_dir),
        region=plan.config.get("aws:region"),
        resources=resources,
        cost=estimates.cost,
        latency=estimates.latency,
        exports=plan.exports,
        policy_pack=info,
        policy_pack_note=None if loaded is not None else pack.origin,
        policies=policies,
        violations=violations,
        warnings=(*collect.messages, *_unread_warnings(plan, stack)),
        unchecked=estimates.unchecked,
        notes=() if loaded is not None else (pack.origin,),
    )
