"""Check what the program sends against botocore's own service models: enums, numeric ranges,
string lengths and list sizes.

Pulumi's wire names are camelCase versions of the AWS API's PascalCase members (with single-item
lists where Terraform used blocks), so the wire tree and the botocore shape tree can be walked side
by side. Values a provider would only reject at deploy time are caught here.

Scope: MediaLive CreateChannel (pulumi-aws, Terraform-shaped) and CreateInput (aws-native,
CloudFormation-shaped, whose member names match the API), MediaPackage v2 CreateChannelGroup /
CreateChannel / CreateOriginEndpoint (aws-native), CloudFront CreateDistribution and friends
(pulumi-aws). Wire members with no API counterpart (provider-only fields such as `startChannel`,
`tags`) are skipped, as are values the plan does not know yet (outputs, "[secret]").
botocore's MediaLive model keeps numeric ranges only in shape names; they are read from there
(see `_limits`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import botocore.session
from botocore.model import ListShape, Shape, StructureShape

UNKNOWN = "[secret]"


@dataclass
class ShapeReport:
    checked: dict[str, Any] = field(default_factory=dict)  # path -> value (every constrained value seen)
    invalid: list[str] = field(default_factory=list)


# Wire names that are not the botocore member they stand for: key -> path of botocore members.
ALIASES: dict[str, tuple[str, ...]] = {
    "orderedCacheBehaviors": ("CacheBehaviors",),  # CloudFront distribution
    "cachedMethods": ("AllowedMethods", "CachedMethods"),  # a sibling on the wire, nested in the API
    "loggingConfig": ("Logging",),
}

NUMBERS = ("integer", "long", "double", "float")


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


_NAMED_RANGE = re.compile(r"^__(?:integer|long|double|float|string|list\w*?)Min(Negative)?(\d+)(?:Max(Negative)?(\d+))?")


def _limits(shape: Shape) -> tuple[float | None, float | None]:
    """min/max from the model; botocore's bundled MediaLive model keeps them only in the shape's
    name (`__integerMin1Max30`, `__doubleMinNegative59Max0`), so they are read from there."""
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is None and high is None and (named := _NAMED_RANGE.match(shape.name)):
        negative_low, low_digits, negative_high, high_digits = named.groups()
        low = -int(low_digits) if negative_low else int(low_digits)
        if high_digits is not None:
            high = -int(high_digits) if negative_high else int(high_digits)
    return low, high


def _bounds(shape: Shape, size: float, what: str, path: str, value: Any, report: ShapeReport) -> None:
    low, high = _limits(shape)
    if low is None and high is None:
        return
    report.checked[path] = value
    if (low is not None and size < low) or (high is not None and size > high):
        report.invalid.append(f"{path}={value!r}: {what} {size:g} not in [{low}, {high}] ({shape.name})")


def _walk_scalar(shape: Shape, value: Any, path: str, report: ShapeReport) -> None:
    if shape.type_name == "string" and isinstance(value, str) and value != UNKNOWN:
        if getattr(shape, "enum", None):
            report.checked[path] = value
            if value not in shape.enum:
                report.invalid.append(f"{path}={value!r} not in {shape.enum}")
        _bounds(shape, len(value), "length", path, value, report)
    elif shape.type_name in NUMBERS and isinstance(value, int | float) and not isinstance(value, bool):
        _bounds(shape, value, "value", path, value, report)


def _walk(shape: Shape, value: Any, path: str, report: ShapeReport) -> None:
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
        _bounds(shape, len(value), "items", path, f"<{len(value)} items>", report)
        for i, item in enumerate(value):
            _walk(shape.member, item, f"{path}[{i}]", report)
    else:
        _walk_scalar(shape, value, path, report)


def check(service: str, operation: str, wire_inputs: dict[str, Any]) -> ShapeReport:
    """Walk `wire_inputs` against the input shape of `service`'s `operation`."""
    report = ShapeReport()
    _walk(_service_model(service).operation_model(operation).input_shape, wire_inputs, operation, report)
    return report


@functools.cache
def _service_model(service: str) -> Any:
    """botocore's model of `service`, built once: read-only, and a new session for each check cost more than the walk."""
    return botocore.session.get_session().get_service_model(service)
