"""`livestream plan [STACK] [--project DIR] [--policy-pack DIR] [--policy-config FILE] [--prices FILE]
[--json | --format text|json|markdown|mermaid] [--full-tree] [--against PREVIOUS.json [--fail-on ACTION]... [--verbose]]`:
any Pulumi Python project, planned offline.

What a plan does is `livestream.plan.run` (program under the mock engine, policy verdicts, cost and
latency, the plan document); how it is shown, `livestream.plan.render`. This module keeps what
belongs to the command: its arguments and their defaults, the exit status, and the last guard
against secrets.

- Pack: `--policy-pack`, else `DIR/policies`, else the pack this package carries
  (`livestream/policypack`, printed by `livestream policy-pack-path`); `--no-policies` runs none.
  Config: `--policy-config`, else `<pack>/config/<STACK>.json` when the pack has one, else the
  pack's defaults.
- Exit status: 0 the plan passes, 1 it fails (a mandatory violation; no pack ran without
  `--no-policies`; an advisory one with `--fail-on-advisory`; the estimate above `--max-monthly-usd`;
  with `--fail-on`, a change of a listed action against `--against`), 2 a config, program,
  policy-pack, price-file or previous-plan error (the error text is printed; a config error names
  its key; no traceback).
- `--against PREVIOUS.json`: the changes since an earlier `--json` plan (`livestream.plan.diff`), after
  the text report, or as `changes` in the JSON.
- Secrets: the stack file's `secure:` values are replaced by a placeholder before the program sees
  them; whatever the program did with them, none reaches the output (`redact`).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.cli import EXIT_ERROR, lacks_extra
from livestream.plan.errors import PlanError

if TYPE_CHECKING:
    from livestream.plan.document import Gates, PlanDocument
    from livestream.plan.run import PackChoice

PACKED_PACK = Path(__file__).resolve().parents[1] / "policypack"  # the CrossGuard pack the package carries
FORMATS = ("text", "json", "markdown", "mermaid")  # livestream.plan.render.FORMATS, without importing it for --help
PLAN_EXTRA = ("yaml", "pulumi_policy", "jsonschema")  # what `pip install 'livestream[plan]'` adds


@dataclass
class PlanReport:
    document: PlanDocument
    secrets: tuple[str, ...] = ()  # the stack file's secure values: must never appear in any output

    @property
    def exit_code(self) -> int:
        return self.document.exit_code


# --- arguments ----------------------------------------------------------------------------------


def register(commands: argparse._SubParsersAction) -> None:
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
        help="a Python CrossGuard policy pack (default: DIR/policies, else the pack livestream carries)",
    )
    plan.add_argument("--no-policies", action="store_true", help="run no policy pack (the verdict says NOT CHECKED)")
    plan.add_argument("--fail-on-advisory", action="store_true", help="exit 1 on advisory violations too")
    plan.add_argument("--max-monthly-usd", metavar="N", type=float, help="exit 1 when the monthly estimate is above N US dollars")
    plan.add_argument(
        "--policy-config",
        metavar="FILE",
        help=(
            "policy pack config JSON, as `pulumi preview --policy-pack-config` takes "
            "(default: <pack>/config/<STACK>.json if present)"
        ),
    )
    plan.add_argument("--prices", metavar="FILE", help="JSON price overrides merged over the packaged price table")
    plan.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    plan.add_argument("--json", dest="format", action="store_const", const="json", help="same as --format json")
    plan.add_argument("--full-tree", action="store_true", help="text: list every resource instead of folding same-type siblings")
    plan.add_argument(
        "--against",
        metavar="PREVIOUS.json",
        help="compare with an earlier `livestream plan --json`: per resource create / update / replace / delete, why, "
        "and what it means for broadcasters, viewers and recordings",
    )
    plan.add_argument(
        "--fail-on",
        metavar="ACTION",
        action="append",
        choices=("replace", "delete", "update", "create"),
        default=[],
        help="with --against: exit 1 when any resource would be changed this way (repeatable; CI: --fail-on replace)",
    )
    plan.add_argument("--verbose", action="store_true", help="with --against: also list changes with no user impact")
    plan.set_defaults(run=run)


def _project(project: str | Path, stack: str) -> Path:
    project_dir = Path(project).resolve()
    if not (project_dir / "Pulumi.yaml").is_file():
        raise PlanError("project", f"{project_dir} is not a Pulumi project: Pulumi.yaml not found (use --project DIR)")
    if not (project_dir / f"Pulumi.{stack}.yaml").is_file():
        stacks = sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in project_dir.glob("Pulumi.*.yaml"))
        raise PlanError(
            "project", f"no stack file Pulumi.{stack}.yaml in {project_dir}; stacks here: {', '.join(stacks) or 'none'}"
        )
    return project_dir


def _default_pack(project_dir: Path) -> tuple[Path | None, str]:
    candidates = [
        (project_dir / "policies", "the project's policies/"),
        (PACKED_PACK, "the pack livestream carries"),
    ]
    for candidate, origin in candidates:
        if (candidate / "__main__.py").is_file() or (candidate / "PulumiPolicy.yaml").is_file():
            return candidate, origin
    return None, (
        f"no policy pack: {project_dir / 'policies'} does not exist and this livestream install lacks its pack "
        f"({PACKED_PACK}); pass --policy-pack DIR, or --no-policies"
    )


def _pack(project_dir: Path, policy_pack: str | Path | None, policy_config: str | Path | None, skip: bool = False) -> PackChoice:
    from livestream.plan.run import PackChoice

    directory: Path | None
    if skip:
        if policy_pack is not None:
            raise PlanError("policy", "--no-policies and --policy-pack contradict each other")
        return PackChoice(None, "--no-policies: no policy pack was run")
    if policy_pack is not None:
        directory = Path(policy_pack).resolve()
        if not directory.is_dir():
            raise PlanError("policy", f"--policy-pack {policy_pack}: no such directory")
        origin = "--policy-pack"
    else:
        directory, origin = _default_pack(project_dir)
    config = Path(policy_config).resolve() if policy_config is not None else None
    if config is not None and not config.is_file():
        raise PlanError("policy", f"--policy-config {policy_config}: no such file")
    return PackChoice(directory, origin, config)


def _prices(prices: str | Path | None) -> Path | None:
    path = Path(prices).resolve() if prices is not None else None
    if path is not None and not path.is_file():
        raise PlanError("prices", f"--prices {prices}: no such file")
    return path


# --- secrets ------------------------------------------------------------------------------------


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


def redact(text: str, secrets: Sequence[str]) -> str:
    """Last guard: a stack file's secure value never reaches the output, whatever a program did with it."""
    from livestream.plan.engine import SECRET

    for secret in secrets:
        text = text.replace(secret, SECRET)
    return text


# --- the command --------------------------------------------------------------------------------


def build(
    project: str | Path = ".",
    stack: str = "dev",
    *,
    policy_pack: str | Path | None = None,
    policy_config: str | Path | None = None,
    prices: str | Path | None = None,
    gates: Gates | None = None,
) -> PlanReport:
    """Check the arguments, run the whole plan and return its document with the secrets to redact. Raises PlanError."""
    from livestream.plan.document import Gates
    from livestream.plan.run import plan_stack

    gates = gates or Gates()
    project_dir = _project(project, stack)
    pack = _pack(project_dir, policy_pack, policy_config, gates.policies_skipped)
    document = replace(plan_stack(project_dir, stack, pack, _prices(prices)), gates=gates)
    return PlanReport(document, _stack_secrets(project_dir, stack))


def render(result: PlanReport, output_format: str, *, encoding: str | None = "utf-8", full_tree: bool = False) -> str:
    from livestream.plan.render import render as render_document

    return redact(render_document(result.document, output_format, encoding=encoding, full_tree=full_tree), result.secrets)


def _previous_document(path: str) -> dict[str, Any]:
    try:
        document = json.loads(Path(path).read_text())
    except OSError as error:
        raise PlanError("against", f"--against {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise PlanError(
            "against", f"--against {path} is not JSON ({error}); give it the output of livestream plan --json"
        ) from None
    if not isinstance(document, dict):
        raise PlanError("against", f"--against {path} is not a livestream plan document")
    return document


def compare(result: PlanReport, previous_path: str, fail_on: Sequence[str], *, verbose: bool = False) -> tuple[PlanReport, str]:
    """The report with its changes against an earlier plan (`changes` in the JSON), and their text."""
    from livestream.plan import diff

    try:
        changes = diff.diff(_previous_document(previous_path), result.document.to_json())
    except (ValueError, KeyError, TypeError) as error:
        raise PlanError("against", f"--against {previous_path}: {error}") from None
    failing = diff.failing(changes, fail_on)
    document = replace(
        result.document,
        changes={**changes.as_dict(), "against": previous_path, "failOn": list(fail_on)},
        failing_changes=len(failing),
    )
    text = diff.render_text(changes, previous=previous_path, verbose=verbose)
    if failing:
        text += f"--fail-on {', '.join(fail_on)}: {len(failing)} change(s): {diff.summary_line(failing)}\n"
    return replace(result, document=document), text


def _report_error(error: PlanError, output_format: str, stack: str) -> None:
    lines = [f"livestream plan {stack}: {error.kind} error: {error.message}"]
    if error.key:
        lines.append(f"  key: {error.key}")
    if error.where:
        lines.append(f"  at: {error.where}")
    print("\n".join(lines), file=sys.stderr)
    if output_format == "json":
        print(json.dumps({"error": error.as_dict()}, indent=2))


def run(args: argparse.Namespace) -> int:
    if lacks_extra("plan", "plan", PLAN_EXTRA):
        return EXIT_ERROR
    if args.fail_on and not args.against:
        _report_error(PlanError("usage", "--fail-on needs --against PREVIOUS.json"), args.format, args.stack)
        return EXIT_ERROR
    try:
        from livestream.plan.document import Gates

        gates = Gates(args.no_policies, args.fail_on_advisory, args.max_monthly_usd)
        result = build(
            args.project,
            args.stack,
            policy_pack=args.policy_pack,
            policy_config=args.policy_config,
            prices=args.prices,
            gates=gates,
        )
        changes = ""
        if args.against:
            result, changes = compare(result, args.against, args.fail_on, verbose=args.verbose)
    except PlanError as error:
        _report_error(error, args.format, args.stack)
        return EXIT_ERROR
    text = render(result, args.format, encoding=getattr(sys.stdout, "encoding", None), full_tree=args.full_tree)
    if changes and args.format == "text":
        text += "\n" + redact(changes, result.secrets)
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `livestream plan | head`: the reader left; the verdict still stands
        with contextlib.suppress(OSError, ValueError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (Python's advice: no flush error at exit)
    return result.exit_code
