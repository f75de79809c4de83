"""The plan document: what `livestream plan` found, typed; `to_json()` is the `--json` contract.

Every renderer (text, JSON, Mermaid) takes this document and nothing else. The JSON keys, their
order and their values are the contract (README "livestream plan --json"): `resources`,
`violations`, `cost`, `latency` and `exports` for CI, plus the pack, the verdict table, notes and
a summary. Resources carry their inputs (secrets already "[secret]") and options into the JSON too, so
a later plan can be compared with this one (`livestream plan --against`, plan/diff.py); their
outputs, for the diagram, stay out. `schemaVersion` numbers the contract.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livestream.plan import tree

if TYPE_CHECKING:
    from livestream.cost import CostItem, Estimate
    from livestream.cost.alternatives import AlternativeCost
    from livestream.model.latency import LatencyEstimate
    from livestream.plan.engine import Plan

EXIT_OK = 0
EXIT_MANDATORY = 1
SCHEMA_VERSION = 1  # of the `--json` document: raised when a key changes meaning or goes away


@dataclass(frozen=True)
class Resource:
    urn: str
    type: str
    name: str
    custom: bool
    parent_urn: str | None = None
    parent_name: str | None = None
    parent_type: str | None = None
    inputs: Mapping[str, Any] = field(default_factory=dict, compare=False)
    outputs: Mapping[str, Any] = field(default_factory=dict, compare=False)
    options: Mapping[str, Any] = field(default_factory=dict, compare=False)  # PlannedResource.options()
    dependencies: tuple[str, ...] = field(default=(), compare=False)  # URNs, sorted

    def to_json(self) -> dict[str, Any]:
        return {
            "type": self.type,
            "name": self.name,
            "parent": self.parent_name,
            "parentType": self.parent_type,
            "urn": self.urn,
            "custom": self.custom,
            "inputs": dict(self.inputs),
            "options": dict(self.options),
            "dependencies": list(self.dependencies),
        }


def resources_of(plan: Plan) -> tuple[Resource, ...]:
    """The plan's resources in tree order, each with its parent's name and type."""
    by_urn = {r.urn: r for r in plan.resources}
    found = []
    for r in plan.resources:
        parent = by_urn.get(r.parent or "")
        found.append(
            Resource(
                urn=r.urn,
                type=r.type,
                name=r.name,
                custom=r.custom,
                parent_urn=parent.urn if parent else None,
                parent_name=parent.name if parent else None,
                parent_type=parent.type if parent else None,
                inputs=r.inputs,
                outputs=r.outputs,
                options=r.options(),
                dependencies=tuple(sorted(r.dependencies)),  # the SDK sends them in no stable order
            )
        )
    return tuple(tree.ordered(found))


@dataclass(frozen=True)
class PolicyPackInfo:
    name: str
    directory: str
    origin: str
    config: str | None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "directory": self.directory, "origin": self.origin, "config": self.config}


@dataclass(frozen=True)
class PolicyRow:
    """One row of the verdict table."""

    policy: str
    kind: str  # "resource" | "stack"
    enforcement_level: str
    status: str  # "pass" | "fail" | "disabled"
    evaluated: int
    passed: int
    failed: int
    violations: int

    def to_json(self) -> dict[str, Any]:
        return {
            "policy": self.policy,
            "kind": self.kind,
            "enforcementLevel": self.enforcement_level,
            "status": self.status,
            "evaluated": self.evaluated,
            "passed": self.passed,
            "failed": self.failed,
            "violations": self.violations,
        }


@dataclass(frozen=True)
class Violation:
    policy: str
    enforcement_level: str
    resource: str | None  # the URN, or None for the stack
    message: str

    def to_json(self) -> dict[str, Any]:
        """The `livestream plan --json` shape."""
        return {
            "policy": self.policy,
            "enforcementLevel": self.enforcement_level,
            "resource": self.resource,
            "message": self.message,
        }

    as_dict = to_json  # the evaluator's name for it (livestream.plan.verdicts)


@dataclass(frozen=True)
class CostLine:
    name: str
    monthly_usd: float  # rounded to cents
    detail: str
    source: str
    estimate: bool = False  # built from at least one price figure that is an estimate, not a published price
    low_usd: float | None = None  # the item at the low / high end of its figures' ranges (None: the value itself)
    high_usd: float | None = None

    @property
    def low(self) -> float:
        return self.monthly_usd if self.low_usd is None else self.low_usd

    @property
    def high(self) -> float:
        return self.monthly_usd if self.high_usd is None else self.high_usd

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "monthlyUsd": self.monthly_usd,
            "lowUsd": self.low,
            "highUsd": self.high,
            "estimate": self.estimate,
            "detail": self.detail,
            "source": self.source,
        }


def _cost_line(item: CostItem, estimated: set[str]) -> CostLine:
    """A cost item as a line: flagged when any figure it used is an estimate; its range where the model gives one
    (`low_usd`/`high_usd`, from the price table's figure ranges), else low = high = the value."""
    low, high = item.low_usd, item.high_usd
    return CostLine(
        item.name,
        round(item.monthly_usd, 2),
        item.detail,
        item.source,
        estimate=bool(estimated & set(item.figures)),
        low_usd=None if low is None else round(low, 2),
        high_usd=None if high is None else round(high, 2),
    )


@dataclass(frozen=True)
class Cost:
    """The monthly estimate with its basis ("settings" | "resources"), or none (`monthly_usd` None) and why."""

    monthly_usd: float | None
    note: str
    basis: str | None = None
    items: tuple[CostLine, ...] = ()
    assumptions: Mapping[str, Any] | None = None
    alternatives: tuple[AlternativeCost, ...] = ()  # build or buy: the same usage on managed services

    @classmethod
    def of(cls, estimate: Estimate, basis: str, note: str, alternatives: Iterable[AlternativeCost] = ()) -> Cost:
        estimated = set(estimate.assumptions.get("estimatedFigures") or ())
        lines = tuple(_cost_line(i, estimated) for i in estimate.items)
        return cls(estimate.monthly_usd, note, basis, lines, dict(estimate.assumptions), tuple(alternatives))

    @property
    def low_usd(self) -> float | None:
        return None if self.monthly_usd is None else round(self.monthly_usd + sum(i.low - i.monthly_usd for i in self.items), 2)

    @property
    def high_usd(self) -> float | None:
        return None if self.monthly_usd is None else round(self.monthly_usd + sum(i.high - i.monthly_usd for i in self.items), 2)

    def to_json(self) -> dict[str, Any]:
        items = [i.to_json() for i in self.items]
        if self.assumptions is None:
            return {"monthlyUsd": self.monthly_usd, "items": items, "basis": self.basis, "note": self.note}
        return {
            "monthlyUsd": self.monthly_usd,
            "lowUsd": self.low_usd,
            "highUsd": self.high_usd,
            "estimate": any(i.estimate for i in self.items),
            "items": items,
            "assumptions": dict(self.assumptions),
            "basis": self.basis,
            "note": self.note,
            "alternatives": [a.as_dict() for a in self.alternatives],
        }


@dataclass(frozen=True)
class Latency:
    """Glass-to-glass estimates per channel, with their basis, or a note saying why there are none."""

    channels: Mapping[str, LatencyEstimate] = field(default_factory=dict)
    basis: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Gates:
    """What fails a plan besides a mandatory violation (CI's choices on the command line).

    A plan that ran no policy pack fails unless the policies were skipped on purpose: a green build
    must have checked something.
    """

    policies_skipped: bool = False  # --no-policies
    fail_on_advisory: bool = False  # --fail-on-advisory
    max_monthly_usd: float | None = None  # --max-monthly-usd N

    def to_json(self) -> dict[str, Any]:
        return {
            "policiesSkipped": self.policies_skipped,
            "failOnAdvisory": self.fail_on_advisory,
            "maxMonthlyUsd": self.max_monthly_usd,
        }


@dataclass(frozen=True)
class Summary:
    resources: int
    components: int
    mandatory_violations: int
    advisory_violations: int
    exit_code: int
    failures: tuple[str, ...] = ()  # why the plan fails, one reason each (empty: it passes)

    def to_json(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "components": self.components,
            "mandatoryViolations": self.mandatory_violations,
            "advisoryViolations": self.advisory_violations,
            "failures": list(self.failures),
            "exitCode": self.exit_code,
        }


@dataclass(frozen=True)
class PlanDocument:
    project: str
    stack: str
    project_dir: str
    region: Any  # the stack's aws:region as configured (None when unset)
    resources: tuple[Resource, ...]
    cost: Cost
    latency: Latency
    exports: Mapping[str, Any]
    policy_pack: PolicyPackInfo | None = None
    policy_pack_note: str | None = None  # why no pack ran
    policies: tuple[PolicyRow, ...] = ()
    violations: tuple[Violation, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    changes: Mapping[str, Any] | None = None  # with --against: plan/diff.py's changes, the file and --fail-on
    failing_changes: int = 0  # changes whose action --fail-on lists: they fail the plan like a mandatory violation
    unchecked: tuple[str, ...] = ()  # settings holding secrets the offline plan cannot know: reported, never refused
    gates: Gates = Gates()

    def failures(self, mandatory: int, advisory: int) -> tuple[str, ...]:
        found = []
        if mandatory:
            found.append(f"{mandatory} mandatory policy violation(s)")
        if self.failing_changes:
            found.append(f"{self.failing_changes} change(s) of an action --fail-on lists")
        if self.policy_pack is None and not self.gates.policies_skipped:
            found.append("no policy pack was run (pass --no-policies to plan without one)")
        if advisory and self.gates.fail_on_advisory:
            found.append(f"{advisory} advisory policy violation(s) with --fail-on-advisory")
        limit, total = self.gates.max_monthly_usd, self.cost.monthly_usd
        if limit is not None and total is not None and total > limit:
            found.append(f"the estimate ${total:,.2f}/month is above --max-monthly-usd {limit:,.2f}")
        return tuple(found)

    @property
    def summary(self) -> Summary:
        mandatory = sum(1 for v in self.violations if v.enforcement_level == "mandatory")
        advisory = len(self.violations) - mandatory
        failures = self.failures(mandatory, advisory)
        return Summary(
            resources=len(self.resources),
            components=sum(1 for r in self.resources if not r.custom),
            mandatory_violations=mandatory,
            advisory_violations=advisory,
            exit_code=EXIT_MANDATORY if failures else EXIT_OK,
            failures=failures,
        )

    @property
    def exit_code(self) -> int:
        return self.summary.exit_code

    def of_type(self, types: Iterable[str]) -> list[Resource]:
        """The resources of these types, by name."""
        wanted = set(types)
        return sorted((r for r in self.resources if r.type in wanted), key=lambda r: r.name)

    def component_name(self, resource: Resource) -> str:
        return component_name(self.resources, resource)

    def to_json(self) -> dict[str, Any]:
        """The `livestream plan --json` document; `changes` (and `summary.failingChanges`) only with --against."""
        document = self._contract()
        if self.changes is not None:
            document["changes"] = dict(self.changes)
            document["summary"]["failingChanges"] = self.failing_changes
        return document

    def _contract(self) -> dict[str, Any]:
        return {
            "schemaVersion": SCHEMA_VERSION,
            "project": self.project,
            "stack": self.stack,
            "projectDir": self.project_dir,
            "region": self.region,
            "resources": [r.to_json() for r in self.resources],
            "policyPack": self.policy_pack.to_json() if self.policy_pack else None,
            "policyPackNote": self.policy_pack_note,
            "policies": [p.to_json() for p in self.policies],
            "violations": [v.to_json() for v in self.violations],
            "cost": self.cost.to_json(),
            "latency": {name: est.as_dict() for name, est in self.latency.channels.items()},
            "latencyBasis": self.latency.basis,
            "latencyNote": self.latency.note,
            "exports": self.exports,
            "warnings": list(self.warnings),
            "unchecked": list(self.unchecked),
            "gates": self.gates.to_json(),
            "notes": list(self.notes),
            "summary": self.summary.to_json(),
        }


def component_name(resources: Sequence[Resource], resource: Resource) -> str:
    """The owning component's name when the resource sits in one (Encoder `live-dev-main`), else its own."""
    parent = next((r for r in resources if r.urn == resource.parent_urn), None)
    return parent.name if parent is not None and not parent.custom else resource.name
