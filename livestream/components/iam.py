"""IAM documents as Python data: small builders so every policy reads the same way.

Documents are plain dicts that may hold Pulumi Outputs (ARNs); `pulumi.Output.json_dumps`
turns them into the JSON a resource takes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pulumi

VERSION = "2012-10-17"


def statement(
    actions: Sequence[str],
    resources: Sequence[Any] | None = None,
    *,
    effect: str = "Allow",
    principal: dict[str, Any] | None = None,
    condition: dict[str, Any] | None = None,
    sid: str | None = None,
) -> dict[str, Any]:
    entry: dict[str, Any] = {"Effect": effect, "Action": list(actions)}
    if sid:
        entry["Sid"] = sid
    if principal is not None:
        entry["Principal"] = principal
    if resources is not None:
        entry["Resource"] = list(resources)
    if condition:
        entry["Condition"] = condition
    return entry


def document(*statements: dict[str, Any]) -> pulumi.Output[str]:
    return pulumi.Output.json_dumps(policy_object(*statements))


def policy_object(*statements: dict[str, Any]) -> dict[str, Any]:
    """A policy as a JSON object: MediaPackage v2 (Cloud Control) takes policies as objects, not strings."""
    return {"Version": VERSION, "Statement": list(statements)}


def service_trust(
    service: str, *, source_account: pulumi.Input[str] | None = None, source_arn: pulumi.Input[str] | None = None
) -> pulumi.Output[str]:
    """Trust policy letting one AWS service assume a role, optionally only for our account / resource (confused deputy)."""
    condition: dict[str, Any] = {}
    if source_account is not None:
        condition["StringEquals"] = {"aws:SourceAccount": source_account}
    if source_arn is not None:
        condition["ArnEquals"] = {"aws:SourceArn": source_arn}
    return document(statement(["sts:AssumeRole"], principal={"Service": service}, condition=condition or None))
