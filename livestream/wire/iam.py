"""Reading IAM-style policy documents in wire format (IAM, bucket, endpoint and key policies)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from livestream.wire.props import is_list, is_map, json_value, strings


def statements(document: Any) -> list[Mapping[str, Any]]:
    """The statements of a policy document (JSON string or object)."""
    doc = json_value(document)
    if not is_map(doc):
        return []
    found = doc.get("Statement")
    if is_map(found):
        return [found]
    if is_list(found):
        return [s for s in found if is_map(s)]
    return []


def condition_values(statement: Mapping[str, Any], key: str, operators: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """(operator, value) pairs for a condition key, matching the key case-insensitively as IAM does.

    With `operators`, only pairs whose operator is one of them once its set qualifier
    (`ForAnyValue:`, `ForAllValues:`) and `IfExists` suffix are dropped: `ForAnyValue:ArnLike`
    and `ArnLikeIfExists` count as `ArnLike`.
    """
    pairs: list[tuple[str, str]] = []
    condition = statement.get("Condition")
    if not is_map(condition):
        return pairs
    for operator, block in condition.items():
        if not is_map(block):
            continue
        if operators is not None and str(operator).split(":")[-1].removesuffix("IfExists") not in operators:
            continue
        for name, values in block.items():
            if str(name).lower() == key.lower():
                for value in values if is_list(values) else [values]:
                    pairs.append((str(operator), str(value).lower() if isinstance(value, bool) else str(value)))
    return pairs


def principals(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """The statement's principals by kind; `"*"` is reported as {"*": ["*"]}."""
    principal = statement.get("Principal")
    if principal is None:
        return {}
    if isinstance(principal, str):
        return {"*": ["*"]} if principal == "*" else {"AWS": [principal]}
    if is_map(principal):
        return {str(k): strings(v) for k, v in principal.items()}
    return {}
