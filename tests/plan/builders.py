"""Small plan documents built by hand: what the renderers and the document are tested on."""

from __future__ import annotations

from typing import Any

from livestream.model import latency
from livestream.plan.document import Cost, CostLine, Latency, PlanDocument, PolicyPackInfo, PolicyRow, Resource, Violation

STACK_URN = "urn:pulumi:dev::proj::"


def resource(type_: str, name: str, parent: Resource | None = None, *, inputs: Any = None, outputs: Any = None) -> Resource:
    custom = not type_.startswith("livestream:")
    chain = f"{parent.urn.split('::')[2]}$" if parent else "pulumi:pulumi:Stack$"  # the parents' types, as in a real URN
    return Resource(
        urn=f"{STACK_URN}{chain}{type_}::{name}",
        type=type_,
        name=name,
        custom=custom,
        parent_urn=parent.urn if parent else None,
        parent_name=parent.name if parent else None,
        parent_type=parent.type if parent else None,
        inputs=inputs or {},
        outputs=outputs or {},
    )


def document(*resources: Resource, **fields: Any) -> PlanDocument:
    base: dict[str, Any] = {
        "project": "proj",
        "stack": "dev",
        "project_dir": "/somewhere/proj",
        "region": "ap-northeast-2",
        "resources": resources,
        "cost": Cost(
            monthly_usd=12.5,
            note="from settings",
            basis="settings",
            items=(CostLine("MediaLive channels", 12.0, "main: 1 h", "src"), CostLine("S3 archive", 0.5, "1 GB", "src")),
            assumptions={"pricingRegion": "ap-northeast-2", "channelHours": {"main": 1.0}, "estimatedFigures": ["a"]},
        ),
        "latency": Latency({"main": latency.estimate(4)}, "settings"),
        "exports": {"playbackUrl": "https://x/index.m3u8", "ids": {"main": "1"}},
        "policy_pack": PolicyPackInfo("pack", "/somewhere/policies", "--policy-pack", None),
        "policies": (
            PolicyRow("https-only", "resource", "mandatory", "fail", 2, 1, 1, 1),
            PolicyRow("budget-exists", "stack", "advisory", "pass", 1, 1, 0, 0),
            PolicyRow("unused", "resource", "mandatory", "pass", 0, 0, 0, 0),
            PolicyRow("off", "stack", "disabled", "disabled", 0, 0, 0, 0),
        ),
        "violations": (
            Violation("https-only", "mandatory", resource("aws:cloudfront/distribution:Distribution", "cdn").urn, "x"),
        ),
    }
    return PlanDocument(**{**base, **fields})
