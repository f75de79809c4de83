"""Check the enum-valued settings we send against botocore's own service models.

Pulumi's wire names are camelCase versions of the AWS API's PascalCase members (with
single-item lists where Terraform used blocks), so the wire tree and the botocore shape
tree can be walked side by side. Values a provider would only reject at deploy time are
caught here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import ListShape, Shape, StructureShape


@dataclass
class EnumReport:
    checked: dict[str, Any] = field(default_factory=dict)  # path -> value
    invalid: list[str] = field(default_factory=list)


# Wire names that are not the botocore member they stand for: key -> path of botocore members.
ALIASES: dict[str, tuple[str, ...]] = {
    "orderedCacheBehaviors": ("CacheBehaviors",),  # CloudFront distribution
    "cachedMethods": ("AllowedMethods", "CachedMethods"),  # a sibling on the wire, nested in the API
    "loggingConfig": ("Logging",),
}


def _member(shape: StructureShape, key: str) -> Shape | None:
    wanted = key.lower()
    for name, member in shape.members.items():
        if name.lower() == wanted:
            return member
    found: Shape | None = shape
    for part in ALIASES.get(key, ()):
        found = _member(found, part) if isinstance(found, StructureShape) else None
    return found if key in ALIASES else None


def _is_wrapped_list(shape: StructureShape) -> bool:
    """CloudFront wraps lists as {Quantity, Items}; the wire has the bare list."""
    return "Items" in shape.members and "Quantity" in shape.members


def _walk(shape: Shape, value: Any, path: str, report: EnumReport) -> None:
    if isinstance(shape, StructureShape) and isinstance(value, list) and _is_wrapped_list(shape):
        _walk(shape.members["Items"], value, path, report)
    elif isinstance(shape, StructureShape):
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, dict):
                for key, child in item.items():
                    member = _member(shape, key)
                    if member is not None:
                        _walk(member, child, f"{path}.{key}", report)
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for i, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{i}]", report)
    elif getattr(shape, "enum", None) and isinstance(value, str):
        report.checked[path] = value
        if value not in shape.enum:
            report.invalid.append(f"{path}={value!r} not in {shape.enum}")


def check(service: str, operation: str, wire_inputs: dict[str, Any]) -> EnumReport:
    """Walk `wire_inputs` against the input shape of `service`'s `operation`."""
    model = botocore.session.get_session().get_service_model(service)
    report = EnumReport()
    _walk(model.operation_model(operation).input_shape, wire_inputs, operation, report)
    return report
