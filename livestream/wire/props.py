"""Reading wire-format property values: nested keys, lists, numbers, flags, JSON documents, ARNs.

Properties arrive the way the Pulumi engine sends them: camelCase keys, numbers as floats (some
providers take numbers as strings), nested objects as mappings. Inside the policy analyzer they
are `pulumi_policy` proxies (a `Mapping`, a `Sequence`, never a `dict` or `list`) that raise on a
value unknown during preview; every reader here therefore works on the abstract collection
types, and lets that error propagate to the caller, which decides what unknown means.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, TypeGuard


def is_map(value: Any) -> TypeGuard[Mapping[Any, Any]]:
    return isinstance(value, Mapping)


def is_list(value: Any) -> TypeGuard[Sequence[Any]]:
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def get(value: Any, *path: str | int, default: Any = None) -> Any:
    """The value at `path` (keys for mappings, indexes for sequences), or `default` if any step is missing or null."""
    for step in path:
        if isinstance(step, int):
            present = is_list(value) and -len(value) <= step < len(value)
        else:
            present = is_map(value) and step in value
        if not present:
            return default
        value = value[step]
        if value is None:
            return default
    return value


def items(value: Any, *path: str | int) -> list[Any]:
    """The list at `path`; a single object counts as a one-item list, a missing value as empty."""
    found = get(value, *path)
    if found is None:
        return []
    if is_list(found):
        return list(found)
    return [found]


def strings(value: Any) -> list[str]:
    """IAM-style "string or list of strings"."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if is_list(value):
        return [str(v) for v in value if v is not None]
    return [str(value)]


def number(value: Any) -> float | None:
    """Wire numbers are floats; some providers take numbers as strings (budgets' limitAmount)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(str(value).strip())
    except ValueError:
        return None


def truthy(value: Any) -> bool:
    """A flag set to true (booleans may arrive as the strings "true"/"false")."""
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return value is True


def plain(value: Any) -> Any:
    """A deep copy made of dicts and lists (proxies unwrapped; unknown values still raise)."""
    if is_map(value):
        return {str(k): plain(value[k]) for k in value}
    if is_list(value):
        return [plain(v) for v in value]
    return value


def json_value(value: Any) -> Any:
    """A JSON document given as a string (IAM, schedule input) or as an object (aws-native `policyDocument`)."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return plain(value) if value is not None else None


def arn_resource(value: str) -> str:
    """The resource part of an ARN (`arn:aws:s3:::b` -> `b`); any other string as it is."""
    return value.split(":", 5)[-1] if value.startswith("arn:") else value


def arn_part(arn: Any, index: int) -> str | None:
    """A field of an ARN: 2 service, 3 region, 4 account, 5 resource."""
    if not isinstance(arn, str) or not arn.startswith("arn:"):
        return None
    parts = arn.split(":", 5)
    return parts[index] if len(parts) > index else None
