"""The livestream CrossGuard rules, importable without starting a policy pack.

`policies/__main__.py` builds the `PolicyPack` from `ALL_POLICIES`; tests and the offline
evaluator (`livestream.verdicts`) import this package with `policies/` on `sys.path`.

Groups: `https` (transport security end to end), `cost` (what may bill, and for how long),
`security` (storage, topics, functions, logs), `iam` (identity and trust policies), `access`
(resource policies and origin access: KMS, SNS, MediaPackage, CloudFront), `operations`
(access logs, runtimes, alarms, failed stops). Every rule reads wire-format resources — type
tokens and camelCase properties — so it judges any Pulumi program, not only this one.
"""

from __future__ import annotations

from pulumi_policy import Policy

from livestream_policies import access, cost, https, iam, operations, security

PACK_NAME = "livestream-policies"

GROUPS: dict[str, list[Policy]] = {
    "https": list(https.POLICIES),
    "cost": list(cost.POLICIES),
    "security": list(security.POLICIES),
    "iam": list(iam.POLICIES),
    "access": list(access.POLICIES),
    "operations": list(operations.POLICIES),
}

ALL_POLICIES: list[Policy] = [policy for group in GROUPS.values() for policy in group]


def group_of(policy_name: str) -> str | None:
    return next((group for group, policies in GROUPS.items() if any(p.name == policy_name for p in policies)), None)


__all__ = ["ALL_POLICIES", "GROUPS", "PACK_NAME", "access", "cost", "group_of", "https", "iam", "operations", "security"]
