"""The plan document: what `livestream plan` found, typed; `to_json()` is the `--json` contract.

Every renderer (text, JSON, Mermaid) takes this document and nothing else. The JSON keys, their
order and their values are the contract (README "livestream plan --json"): `resources`,
`violations`, `cost`, `latency` and `exports` for CI, plus the pack, the verdict table, notes and
a summary. Resources carry their inputs (secrets already "[secret]") and options into the JSON too, so
a later plan can be compared with this one (`livestream plan --against`, plan/diff.py); their
outputs, for the diagram, stay out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from livestream.plan import tree

if TYPE_CHECKING:
    from livestream.cost import Estimate
    from livestream.cost.alternatives import AlternativeCost
    from livestream.model.latency import LatencyEstimate
    from livestream.plan.engine import Plan

EXIT_OK = 0
EXIT_MANDATORY = 1


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
        return {
            "policy": self.policy,
            "enforcementLevel": self.enforcement_level,
            "resource": self.resource,
            "message": self.message,
        }


@dataclass(frozen=True)
class CostLine:
    name: str
    monthly_usd: float  # rounded to cents
    detail: str
    source: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "monthlyUsd": self.monthly_usd, "detail": self.detail, "source": self.source}


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
        lines = tuple(CostLine(i.name, round(i.monthly_usd, 2), i.detail, i.source) for i in estimate.items)
        return cls(estimate.monthly_usd, note, basis, lines, dict(estimate.assumptions), tuple(alternatives))

    def to_json(self) -> dict[str, Any]:
        items = [i.to_json() for i in self.items]
        if self.assumptions is None:
            return {"monthlyUsd": self.monthly_usd, "items": items, "basis": self.basis, "note": self.note}
        return {
            "monthlyUsd": self.monthly_usd,
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
class Summary:
    resources: int
    components: int
    mandatory_violations: int
    advisory_violations: int
    exit_code: int

    def to_json(self) -> dict[str, Any]:
        return {
            "resources": self.resources,
            "components": self.components,
            "mandatoryViolations": self.mandatory_violations,
            "advisoryViolations": self.advisory_violations,
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

    @property
    def summary(self) -> Summary:
        mandatory = sum(1 for v in self.violations if v.enforcement_level == "mandatory")
        return Summary(
            resources=len(self.resources),
            components=sum(1 for r in self.resources if not r.custom),
            mandatory_violations=mandatory,
            advisory_violations=len(self.violations) - mandatory,
            exit_code=EXIT_MANDATORY if mandatory or self.failing_changes else EXIT_OK,
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
            "notes": list(self.notes),
            "summary": self.summary.to_json(),
        }


def component_name(resources: Sequence[Resource], resource: Resource) -> str:
    """The owning component's name when the resource sits in one (Encoder `live-dev-main`), else its own."""
    parent = next((r for r in resources if r.urn == resource.parent_urn), None)
    return parent.name if parent is not None and not parent.custom else resource.name
