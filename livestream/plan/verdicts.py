"""Evaluate any Python CrossGuard policy pack against an offline plan, the way the Pulumi analyzer would.

The Pulumi CLI runs a policy pack as a plugin: the pack's `__main__.py` constructs
`pulumi_policy.PolicyPack`, which starts a gRPC server, and the engine sends it each
resource's inputs (`Analyze`) and, at the end, every resource's outputs (`AnalyzeStack`).
This machine has no CLI, so this module does the engine's part:

- `load_pack` runs the pack's `__main__.py` with `PolicyPack.__init__` patched to capture its
  arguments instead of serving — so it works for any Python pack, not only ours;
- `load_config` / `resolve_config` (in `livestream.plan.pack_config`, re-exported here) read a
  `--policy-pack-config` JSON file and merge it the way the CLI does (schema defaults, then the
  pack's `initial_config`, then the file; `all` sets every policy's enforcement level), then
  validate it against each policy's config schema;
- `evaluate` builds `ResourceValidationArgs` / `StackValidationArgs` / `PolicyResource` as
  `pulumi_policy`'s analyzer servicer does (properties wrapped in its unknown-checking proxy,
  `disabled` policies skipped, `remediate` reported as `mandatory`) and collects violations.

Stricter than the CLI on purpose: unknown policy names and unknown config keys are errors
(the CLI ignores them), so a typo in a config file cannot silently relax a limit.

May import `pulumi_policy` and `livestream.plan.engine`; never a component module.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import os
import runpy
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_policy
import yaml
from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyCustomTimeouts,
    PolicyProviderResource,
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy.policy import _NotApplicableError
from pulumi_policy.proxy import UnknownValueError, _DictProxy, unknown_checking_proxy

from livestream.plan import engine as offline
from livestream.plan.document import (
    PolicyRow,
    Violation,  # one record for the evaluator and the plan document
    resources_of,
)
from livestream.plan.pack_config import PolicyConfigError as PolicyConfigError  # re-exported: part of this module's API
from livestream.plan.pack_config import ResolvedPolicyConfig as ResolvedPolicyConfig
from livestream.plan.pack_config import load_config as load_config
from livestream.plan.pack_config import resolve_config
from livestream.plan.pack_config import validate_config as validate_config


class PackError(RuntimeError):
    """The policy pack could not be loaded: missing files, an exception in it, or no PolicyPack built."""


class PolicyRuntimeError(RuntimeError):
    """A policy raised while validating (a bug in the policy, or a resource it cannot read)."""


@dataclass
class LoadedPack:
    name: str
    policies: list[Policy]
    enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY
    initial_config: dict[str, Any] | None = None
    description: str | None = None
    directory: Path | None = None


@dataclass
class PolicyVerdict:
    """One row of the verdict table."""

    policy: str
    kind: str  # "resource" | "stack"
    enforcement_level: str
    description: str
    evaluated: int = 0  # resources (resource policy) or 1 (stack policy) it ran on
    violations: int = 0
    resources_failed: int = 0

    @property
    def status(self) -> str:
        if self.enforcement_level == EnforcementLevel.DISABLED.value:
            return "disabled"
        return "fail" if self.violations else "pass"

    @property
    def passed(self) -> int:
        return max(self.evaluated - self.resources_failed, 0)

    def row(self) -> PolicyRow:
        """This verdict as a row of the plan document's verdict table (which owns the JSON shape)."""
        return PolicyRow(
            self.policy,
            self.kind,
            self.enforcement_level,
            self.status,
            self.evaluated,
            self.passed,
            self.resources_failed,
            self.violations,
        )


class Evaluation(list[Violation]):
    """The violations (a list), plus `policies`: one verdict per policy in the pack, in pack order."""

    def __init__(self, violations: Sequence[Violation] = (), policies: Sequence[PolicyVerdict] = ()) -> None:
        super().__init__(violations)
        self.policies: list[PolicyVerdict] = list(policies)

    @property
    def mandatory(self) -> list[Violation]:
        return [v for v in self if v.enforcement_level == EnforcementLevel.MANDATORY.value]


# --- loading a pack ---------------------------------------------------------------------------


@contextmanager
def _captured_pack(captured: list[dict[str, Any]]) -> Iterator[None]:
    original = pulumi_policy.PolicyPack.__init__
    parameters = list(inspect.signature(original).parameters)[1:]

    def capture(self: Any, *args: Any, **kwargs: Any) -> None:
        captured.append({**dict(zip(parameters, args, strict=False)), **kwargs})

    pulumi_policy.PolicyPack.__init__ = capture  # type: ignore[method-assign]
    try:
        yield
    finally:
        pulumi_policy.PolicyPack.__init__ = original  # type: ignore[method-assign]


def _pack_description(pack_dir: Path) -> str | None:
    try:
        data = yaml.safe_load((pack_dir / "PulumiPolicy.yaml").read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    return data.get("description") if isinstance(data, dict) else None


def load_pack(pack_dir: str | Path) -> LoadedPack:
    """Run a Python policy pack's `__main__.py` and capture the `PolicyPack` it builds, without serving it."""
    pack_dir = Path(pack_dir).resolve()
    main = pack_dir / "__main__.py"
    if not main.is_file():
        raise PackError(f"{pack_dir} is not a Python policy pack: {main.name} is missing")
    captured: list[dict[str, Any]] = []
    saved_path, saved_modules, saved_cwd = list(sys.path), set(sys.modules), os.getcwd()
    try:
        # As `python -m pulumi.policy <engine> .` does in the pack directory: run_path on the
        # directory puts it on sys.path and runs its __main__.py.
        os.chdir(pack_dir)
        with _captured_pack(captured):
            runpy.run_path(str(pack_dir), run_name="__main__")
    except SystemExit as error:
        raise PackError(f"{main} exited ({error.code}) before building its PolicyPack") from None
    except Exception as error:
        raise PackError(f"{main} failed: {type(error).__name__}: {error}") from error
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        # Forget the pack's own modules, so that another pack with same-named modules loads its own.
        for module in set(sys.modules) - saved_modules:
            module_file = getattr(sys.modules[module], "__file__", None) or ""
            if module_file.startswith(str(pack_dir)):
                del sys.modules[module]
    if len(captured) != 1:
        raise PackError(f"{main} built {len(captured)} PolicyPack objects; expected exactly one")
    args = captured[0]
    return _validated_pack(args, pack_dir)


def _validated_pack(args: Mapping[str, Any], pack_dir: Path | None) -> LoadedPack:
    name, policies = args.get("name"), args.get("policies")
    if not isinstance(name, str) or not name:
        raise PackError("PolicyPack has no name")
    if not isinstance(policies, list) or not policies or not all(isinstance(p, Policy) for p in policies):
        raise PackError(f"PolicyPack {name!r}: policies must be a non-empty list of Policy objects")
    names = [p.name for p in policies]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PackError(f"PolicyPack {name!r}: duplicate policy names {duplicates}")
    level = args.get("enforcement_level") or EnforcementLevel.ADVISORY
    if not isinstance(level, EnforcementLevel):
        raise PackError(f"PolicyPack {name!r}: enforcement_level must be an EnforcementLevel")
    return LoadedPack(
        name=name,
        policies=list(policies),
        enforcement_level=level,
        initial_config=args.get("initial_config"),
        description=args.get("description") or (_pack_description(pack_dir) if pack_dir else None),
        directory=pack_dir,
    )


def pack_from_policies(
    name: str, policies: list[Policy], enforcement_level: EnforcementLevel = EnforcementLevel.ADVISORY
) -> LoadedPack:
    """A LoadedPack straight from policy objects (tests, or packs built in code)."""
    return _validated_pack({"name": name, "policies": policies, "enforcement_level": enforcement_level}, None)


# --- evaluation -------------------------------------------------------------------------------


def _options(resource: offline.PlannedResource) -> PolicyResourceOptions:
    return PolicyResourceOptions(
        protect=resource.protect,
        ignore_changes=[],
        delete_before_replace=None,
        aliases=[],
        custom_timeouts=PolicyCustomTimeouts(0, 0, 0),
        additional_secret_outputs=[],
        parent=resource.parent,
    )


def _provider(resource: offline.PlannedResource) -> PolicyProviderResource | None:
    """The resource's provider: its type, URN and name (its configuration is not recorded offline)."""
    if not resource.provider:
        return None
    urn = resource.provider.rsplit("::", 1)[0]  # a provider reference is "<urn>::<id>"
    parts = urn.split("::")  # urn:pulumi:<stack>, <project>, <parent$type>, <name>
    if len(parts) < 4:
        return None
    return PolicyProviderResource(parts[2].rsplit("$", 1)[-1], {}, urn, parts[3])


class _Props(_DictProxy):
    """The analyzer's unknown-checking proxy over a resource's properties, built when a policy first looks.

    Built of new dicts and lists all the way down (the leaves are strings, numbers and booleans): what a
    policy writes into it stays its own, as when the analyzer deserializes for each policy. Most policies
    return early for other resource types and never look, so building every proxy up front was most of
    an evaluation's CPU. `read` tells whether the policy read any property: a resource policy that
    returned early read nothing, which is how the verdict table counts the resources it actually judged.
    """

    def __init__(self, props: dict[str, Any]) -> None:
        self._source: dict[str, Any] | None = props
        self.read = False

    def _built(self) -> None:
        if self._source is not None:
            _DictProxy.__init__(self, unknown_checking_proxy(self._source)["__target"], [])
            self._source = None

    def __getitem__(self, key: Any) -> Any:
        self._built()
        if key != "__target":
            self.read = True
        return super().__getitem__(key)

    def __setitem__(self, key: Any, value: Any) -> None:
        self._built()
        super().__setitem__(key, value)

    def __iter__(self) -> Iterator[Any]:
        self._built()
        self.read = True
        return super().__iter__()

    def __len__(self) -> int:
        self._built()
        self.read = True
        return int(super().__len__())


def evaluate(pack: LoadedPack, plan: offline.Plan, config: Mapping[str, Any] | None = None) -> Evaluation:
    """Run every policy of `pack` on `plan`; returns the violations, with `.policies` holding one verdict per policy.

    Resource policies see each resource's inputs (as `Analyze` does), stack policies every
    resource's outputs (as `AnalyzeStack` does), both in wire format behind the analyzer's
    unknown-checking proxy. Config is merged and validated first (`resolve_config`).
    """
    resolved = resolve_config(pack, config)
    stack = _Stack(plan)
    violations: list[Violation] = []
    verdicts: list[PolicyVerdict] = []
    for policy in pack.policies:
        settings = resolved[policy.name]
        kind = "stack" if isinstance(policy, StackValidationPolicy) else "resource"
        verdict = PolicyVerdict(policy.name, kind, settings.enforcement_level.value, policy.description)
        verdicts.append(verdict)
        if settings.enforcement_level == EnforcementLevel.DISABLED:
            continue
        # Stack policies cannot remediate, and a resource still violating after remediation is blocked: mandatory.
        level = (
            EnforcementLevel.MANDATORY if settings.enforcement_level == EnforcementLevel.REMEDIATE else settings.enforcement_level
        )
        found: list[Violation] = []
        if isinstance(policy, ResourceValidationPolicy):
            if not policy.has_validation():
                continue  # a remediation-only policy: the analyzer reports it not applicable
            for resource in plan.resources:
                props = _Props(resource.inputs)
                args = ResourceValidationArgs(
                    resource.type,
                    props,
                    resource.urn,
                    resource.name,
                    _options(resource),
                    _provider(resource),
                    _own(settings.properties),
                    {},
                )
                before = len(found)
                _call(policy, args, level, resource.urn, found)
                failed = len(found) > before
                verdict.evaluated += int(props.read or failed)
                verdict.resources_failed += int(failed)
        elif isinstance(policy, StackValidationPolicy):
            stack_args = StackValidationArgs(stack.resources(), _own(settings.properties), {})
            _call(policy, stack_args, level, None, found)
            verdict.evaluated = 1
            verdict.resources_failed = len({v.resource for v in found})
        verdict.violations = len(found)
        violations += found
    return Evaluation(violations, verdicts)


def _own(properties: Any) -> Any:
    """A policy's configured properties, its own copy (None when it has none)."""
    return copy.deepcopy(properties) if properties else None


def _call(
    policy: ResourceValidationPolicy | StackValidationPolicy,
    args: Any,
    level: EnforcementLevel,
    urn: str | None,
    found: list[Violation],
) -> None:
    """Call `policy.validate` with a report_violation callback, as the analyzer servicer does.

    A resource policy's violations belong to the resource being validated; a stack policy's to
    the URN it reports (None: the stack as a whole).
    """

    def report_violation(message: str, reported_urn: str | None = None) -> None:
        if message and not isinstance(message, str):
            raise TypeError("Expected message to be a string")
        if reported_urn is not None and not isinstance(reported_urn, str):
            raise TypeError("Expected urn to be a string")
        found.append(
            Violation(policy.name, level.value, urn if urn is not None else reported_urn or None, message or policy.description)
        )

    try:
        result = policy.validate(args, report_violation)
        if inspect.isawaitable(result):
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(result)
            finally:
                loop.close()
    except UnknownValueError as error:
        # As the analyzer does: a value unknown during preview is an advisory note, not a verdict.
        found.append(
            Violation(policy.name, EnforcementLevel.ADVISORY.value, urn, f"can't run policy {policy.name!r}: {error.message}")
        )
    except _NotApplicableError:
        pass  # `args.not_applicable()`: no verdict, as in the analyzer
    except Exception as error:
        raise PolicyRuntimeError(
            f"policy {policy.name!r} failed on {urn or 'the stack'}: {type(error).__name__}: {error}"
        ) from error


class _Stack:
    """Every resource with its outputs, parent and dependencies linked, as `AnalyzeStack` receives them.

    The engine sends a resource's output properties; its id is not among them (a plan records it
    beside the outputs), so policies match references by output properties (`bucket`, `arn`, ...).
    They come in the plan's tree order, not in registration order: the mock engine registers
    concurrently, and a stack policy that takes the first of something (the monthly-cost rule's
    region) would otherwise judge differently from one run to the next. The order and the properties
    are read once per evaluation; `resources()` builds each stack policy its own.
    """

    def __init__(self, plan: offline.Plan) -> None:
        self.plan = plan
        self.order = [r.urn for r in resources_of(plan)]
        self.props = {r.urn: {k: v for k, v in r.outputs.items() if k != "id"} if r.custom else r.inputs for r in plan.resources}

    def resources(self) -> list[PolicyResource]:
        resources: dict[str, PolicyResource] = {}
        for r in self.plan.resources:
            props = _Props(self.props[r.urn])
            resources[r.urn] = PolicyResource(r.type, props, r.urn, r.name, _options(r), _provider(r), None, [], {})
        for r in self.plan.resources:
            resource = resources[r.urn]
            if r.parent and r.parent in resources:
                resource.parent = resources[r.parent]
            resource.dependencies = [resources[d] for d in r.dependencies if d in resources]
        return [resources[urn] for urn in self.order]


def summary(evaluation: Evaluation) -> str:
    """A plain-text verdict table."""
    lines = [f"{'policy':40} {'level':10} {'status':8} {'passed':>6} {'failed':>6}"]
    for v in evaluation.policies:
        lines.append(f"{v.policy:40} {v.enforcement_level:10} {v.status:8} {v.passed:>6} {v.resources_failed:>6}")
    return "\n".join(lines)
