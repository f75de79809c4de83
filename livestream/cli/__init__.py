"""The `livestream` console command.

`livestream plan [STACK] [--project DIR] [--policy-pack DIR] [--policy-config FILE] [--prices FILE]
[--json | --format text|json|mermaid]` runs any Pulumi Python project offline
(the contract is in the README, "`livestream plan`: the offline view of a stack"):

1. the project's program runs under the Pulumi SDK's mock engine with the stack's config
   (`Pulumi.<STACK>.yaml`; `secure:` values are replaced by the placeholder "[secret]" before the
   program sees them and are never printed) — `livestream.offline` records every resource and export;
2. the policy pack judges the captured wire-format resources, resource and stack policies
   (`livestream.verdicts`). Pack: `--policy-pack`, else `DIR/policies`, else the `policies/` folder
   of the repository this package is installed from, else none (the report says so). Config:
   `--policy-config`, else `<pack>/config/<STACK>.json` when the pack has one, else the pack's defaults;
3. the monthly cost (`livestream.cost`) and the glass-to-glass latency per channel
   (`livestream.latency`). Basis, in order:
   - `settings`: the stack config has `livestream:channels` — the `livestream:*` keys go through the
     settings model (`config.load`, usage assumptions from `livestream:usage`, the schedule's hours);
     the alarm, dashboard, budget and secret counts are read from the plan;
   - `resources`: no such config, but the plan has MediaLive channels (e.g. a program that builds
     `LiveStreamPlatform` from Python args, or raw providers) — channels, pipeline class, input class
     and ladder come from the captured channels, segment length and LL-HLS from the MediaPackage v2
     endpoints, archive expiry and Glacier transition from the recording bucket's lifecycle, schedule
     firings from their expressions, counts from the plan (`cost.usage_from_wire`, which the policy
     pack's monthly-cost rule uses too). Nothing says how long channels run or who watches, so each
     channel is priced running all month (730 h, an upper bound) with no viewer traffic;
   - otherwise neither applies: `cost.monthlyUsd` is null with a note, `latency` is empty.

Exit status: 0 no mandatory policy violated, 1 at least one, 2 a config, program, policy-pack or
price-file error (the error text is printed; a config error names its key; no traceback).

Everything heavy (pulumi, the providers, pulumi_policy) is imported inside the command, so
`livestream --help` answers at once. Nothing imports this module.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.cli import player

if TYPE_CHECKING:
    from livestream.cost import Usage, WireResource
    from livestream.model.latency import LatencyEstimate
    from livestream.plan.engine import Plan
    from livestream.plan.verdicts import Evaluation, LoadedPack

EXIT_OK = 0
EXIT_MANDATORY = 1
EXIT_ERROR = 2

PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the repository root for an editable / source install


class PlanError(Exception):
    """An expected failure: reported as text, exit status 2, never a traceback."""

    def __init__(self, kind: str, message: str, *, key: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # "config" | "program" | "project" | "policy" | "prices"
        self.message = message
        self.key = key
        self.where = where

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.key:
            out["key"] = self.key
        if self.where:
            out["where"] = self.where
        return out


@dataclass
class PlanReport:
    plan: Plan
    document: dict[str, Any]
    exit_code: int
    secrets: tuple[str, ...] = ()  # the stack file's secure values: must never appear in any output


# --- arguments --------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="livestream",
        description="Offline tools for the livestream Pulumi platform (no Pulumi CLI, plugins or AWS credentials needed).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    plan = commands.add_parser(
        "plan",
        help="show what a stack would create, its policy verdicts, monthly cost and latency",
        description=(
            "Run a Pulumi Python project offline under the SDK's mock engine with the stack's config, "
            "then report the resource tree, the policy pack's verdicts, the itemised monthly cost and the "
            "glass-to-glass latency per channel. Exit status: 0 no mandatory violation, 1 a mandatory "
            "violation, 2 a config or program error."
        ),
    )
    plan.add_argument("stack", nargs="?", default="dev", help="stack name: reads Pulumi.<STACK>.yaml (default: dev)")
    plan.add_argument("--project", metavar="DIR", default=".", help="the Pulumi project directory (default: .)")
    plan.add_argument(
        "--policy-pack",
        metavar="DIR",
        help="a Python CrossGuard policy pack (default: DIR/policies, else this repository's policies/)",
    )
    plan.add_argument(
        "--policy-config",
        metavar="FILE",
        help=(
            "policy pack config JSON, as `pulumi preview --policy-pack-config` takes "
            "(default: <pack>/config/<STACK>.json if present)"
        ),
    )
    plan.add_argument("--prices", metavar="FILE", help="JSON price overrides merged over the packaged price table")
    plan.add_argument("--format", choices=("text", "json", "mermaid"), default="text", help="output format (default: text)")
    plan.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    plan.add_argument("--full-tree", action="store_true", help="text: list every resource instead of folding same-type siblings")
    player.add_parser(commands)
    return parser


# --- the run ------------------------------------------------------------------------------------


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


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one plan (reference counting still frees memory).

    The SDK imports build thousands of classes and the engine keeps every resource's futures alive,
    so generation-2 collections keep re-walking a growing heap: measured on the 2-core reference
    machine, pausing them cuts a 20-channel plan from ~3.1 s to ~2.1 s (prod ~1.2 s to ~1.0 s) for
    ~6 MB more peak memory (bench/plan_speed.py). The previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _secure_values(node: Any) -> list[str]:
    """Every `secure:` ciphertext anywhere in a stack file's config (top-level or nested)."""
    found: list[str] = []
    if isinstance(node, Mapping):
        if set(node) == {"secure"} and isinstance(node["secure"], str):
            return [node["secure"]]
        for value in node.values():
            found += _secure_values(value)
    elif isinstance(node, list):
        for value in node:
            found += _secure_values(value)
    return found


def _stack_secrets(project_dir: Path, stack: str) -> tuple[str, ...]:
    import yaml

    from livestream.plan.engine import SECRET

    try:
        data = yaml.safe_load((project_dir / f"Pulumi.{stack}.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return ()
    config = data.get("config") if isinstance(data, Mapping) else None
    return tuple(sorted({s for s in _secure_values(config or {}) if s and s != SECRET}, key=len, reverse=True))


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
    from livestream.plan import engine as offline

    try:
        with _quiet(collect):
            return offline.run(project_dir, stack)
    except offline.ProgramError as failure:
        error = failure.error
        if isinstance(error, ConfigError):
            raise PlanError("config", str(error), key=error.key) from None
        if error is None:
            raise PlanError("project", str(failure)) from None
        where = _program_location(error, project_dir)
        raise PlanError("program", f"the program failed: {failure}", where=where) from None
    except SystemExit as stop:
        raise PlanError("program", f"the program called sys.exit({stop.code!r})") from None


def _default_pack(project_dir: Path) -> tuple[Path | None, str]:
    candidates: list[tuple[Path, str]] = [
        (project_dir / "policies", "the project's policies/"),
        (PACKAGE_ROOT / "policies", "the livestream repository's policies/"),
    ]
    for candidate, origin in candidates:
        if (candidate / "__main__.py").is_file() or (candidate / "PulumiPolicy.yaml").is_file():
            return candidate, origin
    return None, (
        f"no policy pack: {project_dir / 'policies'} does not exist and this livestream install has no policies/ "
        "folder; pass --policy-pack DIR"
    )


def _evaluate(
    plan: Plan, pack_dir: Path | None, config_path: Path | None, stack: str, collect: _Collect
) -> tuple[LoadedPack | None, Path | None, Evaluation | None]:
    if pack_dir is None:
        return None, None, None
    from livestream.plan import verdicts

    if config_path is None and (pack_dir / "config" / f"{stack}.json").is_file():
        config_path = pack_dir / "config" / f"{stack}.json"
    try:
        with _quiet(collect):
            pack = verdicts.load_pack(pack_dir)
            config = verdicts.load_config(config_path) if config_path else None
            evaluation = verdicts.evaluate(pack, plan, config)
    except (verdicts.PackError, verdicts.PolicyConfigError, verdicts.PolicyRuntimeError) as error:
        raise PlanError("policy", str(error), key=getattr(error, "key", None)) from None
    return pack, config_path, evaluation


# --- cost and latency -----------------------------------------------------------------------------


def _livestream_config(plan: Plan) -> dict[str, Any]:
    from livestream.model import settings as config

    prefix = "livestream:"
    return {
        key[len(prefix) :]: value
        for key, value in plan.config.items()
        if key.startswith(prefix) and key[len(prefix) :] in config.SECTIONS
    }


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _wire_resources(plan: Plan) -> list[WireResource]:
    """The plan's resources for the cost model: their inputs; MediaLive channels named after their Encoder."""
    from livestream import cost
    from livestream.plan import report

    return [
        cost.WireResource(r.type, report.component_name(plan, r) if r.type in cost.MEDIALIVE_CHANNELS else r.name, r.inputs)
        for r in plan.resources
    ]


def _wire_latency(plan: Plan) -> dict[str, LatencyEstimate]:
    """Per MediaPackage v2 channel: its endpoints' segment length, LL-HLS when any endpoint has LL-HLS manifests."""
    from livestream.model import latency
    from livestream.plan import report

    segments: dict[str, float] = {}
    low_latency: dict[str, bool] = {}
    for endpoint in report.of_type(plan, report.PACKAGER_ENDPOINTS):
        name = str(endpoint.inputs.get("channelName") or endpoint.name)
        segment = _number(report.get(endpoint.inputs, "segment", "segmentDurationSeconds")) or 6.0  # the service default
        segments[name] = min(segments.get(name, segment), segment)
        low_latency[name] = low_latency.get(name, False) or bool(report.as_list(endpoint.inputs.get("lowLatencyHlsManifests")))
    return {name: latency.estimate(max(1, round(segments[name])), low_latency_hls=low_latency[name]) for name in sorted(segments)}


def _estimates(plan: Plan, stack: str, prices_path: Path | None) -> dict[str, Any]:
    """`cost`, `latency` and their notes for the report."""
    from livestream import cost
    from livestream.model import latency
    from livestream.model import settings as config

    region = str(plan.config.get("aws:region") or "us-east-1")
    raw = _livestream_config(plan)
    resources = _wire_resources(plan)
    result: dict[str, Any] = {}
    usage: Usage
    if "channels" in raw:
        try:
            settings = config.load(raw, environment=stack, region=region, prefix="livestream:")
        except config.ConfigError as error:
            raise PlanError("config", str(error), key=error.key) from None
        counts = cost.resource_counts(resources)
        usage = cost.usage_from_settings(
            settings,
            alarms=counts["alarms"],
            dashboards=counts["dashboards"],
            budgets=counts["budgets"],
            kms_keys=counts["kms_keys"],
        )
        if counts["secrets"]:
            usage = replace(usage, secrets=counts["secrets"])
        basis = "settings"
        cost_note = (
            "from the stack's livestream:* settings (schedule, usage assumptions) and the plan's alarm, dashboard, "
            "budget, secret and KMS key counts"
        )
        result["latency"] = {c.name: latency.for_channel(c).as_dict() for c in settings.channels}
        result["latencyBasis"] = "settings"
    elif any(r.type in cost.MEDIALIVE_CHANNELS for r in resources):
        usage = cost.usage_from_wire(resources, region=region, hours_per_month=cost.HOURS_PER_MONTH, viewer_hours_per_month=0.0)
        basis = "resources"
        cost_note = (
            "derived from the plan's resources: the stack config has no livestream:channels, so nothing says how long "
            f"channels run or who watches; each channel is priced running all month ({cost.HOURS_PER_MONTH:g} h, an upper "
            "bound) with no viewer traffic. Set livestream:channels and livestream:usage for a real estimate."
        )
        result["latency"] = {name: est.as_dict() for name, est in _wire_latency(plan).items()}
        result["latencyBasis"] = "resources"
        if not result["latency"]:
            result["latencyNote"] = "no MediaPackage v2 origin endpoints in the plan: no segment length to estimate from"
    else:
        result["cost"] = {
            "monthlyUsd": None,
            "items": [],
            "basis": None,
            "note": "not applicable: the stack config has no livestream:channels and the plan has no MediaLive channel "
            "(cost is modelled for live-streaming platforms only)",
        }
        result["latency"] = {}
        result["latencyBasis"] = None
        result["latencyNote"] = "not applicable: no live channels in this plan"
        return result
    try:
        prices = cost.load_prices(usage.region, prices_path)
        estimate = cost.estimate(usage, prices)
    except (ValueError, KeyError, OSError) as error:
        raise PlanError("prices", f"cannot price the plan: {error}") from None
    result["cost"] = {**estimate.as_dict(), "basis": basis, "note": cost_note}
    return result


# --- the report -----------------------------------------------------------------------------------


def build(
    project: str | Path = ".",
    stack: str = "dev",
    *,
    policy_pack: str | Path | None = None,
    policy_config: str | Path | None = None,
    prices: str | Path | None = None,
) -> PlanReport:
    """Run the whole `plan` and return the report document (the `--json` object). Raises PlanError."""
    project_dir = Path(project).resolve()
    if not (project_dir / "Pulumi.yaml").is_file():
        raise PlanError("project", f"{project_dir} is not a Pulumi project: Pulumi.yaml not found (use --project DIR)")
    if not (project_dir / f"Pulumi.{stack}.yaml").is_file():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise PlanError(
            "project",
            f"no stack file Pulumi.{stack}.yaml in {project_dir}; stacks here: {', '.join(stacks) or 'none'}",
        )
    if policy_pack is not None:
        chosen = Path(policy_pack).resolve()
        if not chosen.is_dir():
            raise PlanError("policy", f"--policy-pack {policy_pack}: no such directory")
        pack_dir: Path | None = chosen
        pack_origin = "--policy-pack"
    else:
        pack_dir, pack_origin = _default_pack(project_dir)
    config_path = Path(policy_config).resolve() if policy_config is not None else None
    if config_path is not None and not config_path.is_file():
        raise PlanError("policy", f"--policy-config {policy_config}: no such file")
    prices_path = Path(prices).resolve() if prices is not None else None
    if prices_path is not None and not prices_path.is_file():
        raise PlanError("prices", f"--prices {prices}: no such file")

    collect = _Collect()
    with _no_cyclic_gc():
        plan = _run_program(project_dir, stack, collect)
        pack, used_config, evaluation = _evaluate(plan, pack_dir, config_path, stack, collect)
        estimates = _estimates(plan, stack, prices_path)

    from livestream.plan import report

    by_urn = {r.urn: r for r in plan.resources}
    resources = []
    for r in report.ordered(plan):
        parent = by_urn.get(r.parent or "")
        resources.append(
            {
                "type": r.type,
                "name": r.name,
                "parent": parent.name if parent else None,
                "parentType": parent.type if parent else None,
                "urn": r.urn,
                "custom": r.custom,
            }
        )
    violations: list[dict[str, Any]] = []
    if evaluation is not None:  # in pack order, then by resource: the engine's registration order varies between runs
        rank = {p.policy: i for i, p in enumerate(evaluation.policies)}
        ranked = sorted(evaluation, key=lambda v: (rank.get(v.policy, len(rank)), v.resource or "", v.message))
        violations = [v.as_dict() for v in ranked]
    mandatory = sum(1 for v in violations if v["enforcementLevel"] == "mandatory")
    notes = [pack_origin] if pack is None else []
    exit_code = EXIT_MANDATORY if mandatory else EXIT_OK
    document: dict[str, Any] = {
        "project": plan.project,
        "stack": plan.stack,
        "projectDir": str(project_dir),
        "region": plan.config.get("aws:region"),
        "resources": resources,
        "policyPack": (
            {
                "name": pack.name,
                "directory": str(pack_dir),
                "origin": pack_origin,
                "config": str(used_config) if used_config else None,
            }
            if pack is not None
            else None
        ),
        "policyPackNote": None if pack is not None else pack_origin,
        "policies": [p.as_dict() for p in evaluation.policies] if evaluation is not None else [],
        "violations": violations,
        "cost": estimates["cost"],
        "latency": estimates["latency"],
        "latencyBasis": estimates.get("latencyBasis"),
        "latencyNote": estimates.get("latencyNote"),
        "exports": plan.exports,
        "warnings": collect.messages,
        "notes": notes,
        "summary": {
            "resources": len(resources),
            "components": sum(1 for r in resources if not r["custom"]),
            "mandatoryViolations": mandatory,
            "advisoryViolations": len(violations) - mandatory,
            "exitCode": exit_code,
        },
    }
    return PlanReport(plan=plan, document=document, exit_code=exit_code, secrets=_stack_secrets(project_dir, stack))


def _redact(text: str, secrets: Sequence[str]) -> str:
    """Last guard: a stack file's secure value never reaches the output, whatever a program did with it."""
    from livestream.plan.engine import SECRET

    for secret in secrets:
        text = text.replace(secret, SECRET)
    return text


def render(result: PlanReport, output_format: str, *, encoding: str | None = "utf-8", full_tree: bool = False) -> str:
    from livestream.plan import report

    if output_format == "json":
        text = json.dumps(result.document, indent=2, default=str) + "\n"
    elif output_format == "mermaid":
        text = report.render_mermaid(result.plan)
    else:
        text = report.render_text(result.document, result.plan, encoding=encoding, full_tree=full_tree)
    return _redact(text, result.secrets)


def _report_error(error: PlanError, output_format: str, stack: str) -> None:
    lines = [f"livestream plan {stack}: {error.kind} error: {error.message}"]
    if error.key:
        lines.append(f"  key: {error.key}")
    if error.where:
        lines.append(f"  at: {error.where}")
    print("\n".join(lines), file=sys.stderr)
    if output_format == "json":
        print(json.dumps({"error": error.as_dict()}, indent=2))


def plan_command(args: argparse.Namespace) -> int:
    try:
        result = build(
            args.project, args.stack, policy_pack=args.policy_pack, policy_config=args.policy_config, prices=args.prices
        )
    except PlanError as error:
        _report_error(error, args.format, args.stack)
        return EXIT_ERROR
    text = render(result, args.format, encoding=getattr(sys.stdout, "encoding", None), full_tree=args.full_tree)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `livestream plan | head`: the reader left; the verdict still stands
        with contextlib.suppress(OSError, ValueError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python's advice: no flush error at exit)
    return result.exit_code


PLAN_EXTRA = ("yaml", "pulumi_policy", "jsonschema")  # what `pip install 'livestream[plan]'` adds


def missing_plan_extra() -> list[str]:
    """The plan tooling's modules that cannot be imported: the base install deploys, it does not plan."""
    missing = []
    for module in PLAN_EXTRA:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "plan":
        if missing := missing_plan_extra():
            print(
                f"livestream plan needs the plan extra (missing: {', '.join(missing)}); "
                "install it with: pip install 'livestream[plan]'",
                file=sys.stderr,
            )
            return EXIT_ERROR
        return plan_command(args)
    if args.command == "player":
        return player.run(args)
    parser.print_help()
    return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
