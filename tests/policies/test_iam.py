"""IAM rules read in full: wildcards, sensitive reads, privilege escalation, managed policies, trust policies."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest

from tests.policies.helpers import ACCOUNT, check_resource, check_stack, res

ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
FOREIGN = "999988887777"


def doc(*statements: Mapping[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(actions: list[str], resources: list[str], **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resources, **extra}


# --- iam-no-sensitive-reads-on-all ---------------------------------------------------------------


def test_sensitive_reads_scoped_to_arns_pass() -> None:
    scoped = allow(
        ["secretsmanager:GetSecretValue", "s3:GetObject", "ssm:GetParameter"],
        [f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:srt-*", "arn:aws:s3:::archive/main/*"],
    )
    assert check_resource("iam-no-sensitive-reads-on-all", ROLE_POLICY, {"policy": doc(scoped)}) == []
    metrics = allow(["cloudwatch:GetMetricData"], ["*"])  # a read, but not of data or secrets
    assert check_resource("iam-no-sensitive-reads-on-all", ROLE_POLICY, {"policy": doc(metrics)}) == []


@pytest.mark.parametrize(
    ("actions", "expected"),
    [
        (["secretsmanager:GetSecretValue"], "secretsmanager:GetSecretValue"),
        (["s3:Get*"], "s3:GetObject"),
        (["ssm:GetParameter*"], "ssm:GetParametersByPath"),
        (["kms:Decrypt"], "kms:Decrypt"),
        (["*"], "secretsmanager:GetSecretValue"),
    ],
)
def test_sensitive_reads_on_every_resource_are_violations(actions: list[str], expected: str) -> None:
    [message] = check_resource("iam-no-sensitive-reads-on-all", MANAGED, {"policy": doc(allow(actions, ["*"]))})
    assert expected in message and "Resource '*'" in message


def test_sensitive_reads_are_found_in_a_roles_inline_policies() -> None:
    props = {"inlinePolicies": [{"name": "read", "policy": doc(allow(["s3:GetObject"], ["*"]))}]}
    [message] = check_resource("iam-no-sensitive-reads-on-all", ROLE, props)
    assert message.startswith("inlinePolicies[0] (read)")


# --- iam-no-privilege-escalation -------------------------------------------------------------------


def test_passing_one_named_role_is_not_escalation() -> None:
    named = allow(["iam:PassRole"], [f"arn:aws:iam::{ACCOUNT}:role/medialive"])
    assert check_resource("iam-no-privilege-escalation", ROLE_POLICY, {"policy": doc(named)}) == []


@pytest.mark.parametrize(
    ("actions", "resources", "expected"),
    [
        (["iam:PassRole"], ["*"], "iam:PassRole on '*'"),
        (["iam:CreatePolicyVersion"], [f"arn:aws:iam::{ACCOUNT}:policy/p"], "iam:CreatePolicyVersion"),
        (["iam:AttachRolePolicy"], [f"arn:aws:iam::{ACCOUNT}:role/r"], "iam:AttachRolePolicy"),
        (["iam:Put*"], [f"arn:aws:iam::{ACCOUNT}:role/r"], "iam:PutRolePolicy"),
        (["iam:*"], ["*"], "iam:UpdateAssumeRolePolicy"),
    ],
)
def test_privilege_escalation_actions_are_violations(actions: list[str], resources: list[str], expected: str) -> None:
    [message] = check_resource("iam-no-privilege-escalation", ROLE_POLICY, {"policy": doc(allow(actions, resources))})
    assert expected in message


def test_escalation_actions_can_be_allowed_by_config() -> None:
    props = {"policy": doc(allow(["iam:CreatePolicyVersion"], ["*"]))}
    assert (
        check_resource("iam-no-privilege-escalation", ROLE_POLICY, props, {"allowedActions": ["iam:CreatePolicyVersion"]}) == []
    )


# --- iam-no-admin-managed-policies -------------------------------------------------------------------


def test_least_privilege_managed_policies_pass() -> None:
    props = {"managedPolicyArns": ["arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]}
    assert check_resource("iam-no-admin-managed-policies", ROLE, props) == []


@pytest.mark.parametrize(
    ("type_", "props"),
    [
        (ROLE, {"managedPolicyArns": ["arn:aws:iam::aws:policy/AdministratorAccess"]}),
        (ATTACHMENT, {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess", "role": "r"}),
        (ATTACHMENT, {"policyArn": "arn:aws-cn:iam::aws:policy/PowerUserAccess", "role": "r"}),
    ],
)
def test_admin_and_full_access_managed_policies_are_violations(type_: str, props: dict[str, Any]) -> None:
    [message] = check_resource("iam-no-admin-managed-policies", type_, props)
    assert "AWS managed policy" in message


def test_full_access_policies_can_be_allowed_but_administrator_never_by_the_flag() -> None:
    config = {"allowFullAccess": True}
    s3 = {"policyArn": "arn:aws:iam::aws:policy/AmazonS3FullAccess"}
    admin = {"policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}
    assert check_resource("iam-no-admin-managed-policies", ATTACHMENT, s3, config) == []
    assert len(check_resource("iam-no-admin-managed-policies", ATTACHMENT, admin, config)) == 1


# --- iam-trust-not-open ----------------------------------------------------------------------------------


def role(name: str, *statements: Mapping[str, Any]) -> dict[str, Any]:
    return res(ROLE, name, {"assumeRolePolicy": doc(*statements), "arn": f"arn:aws:iam::{ACCOUNT}:role/{name}"})


def trust(principal: Any, condition: Mapping[str, Any] | None = None) -> dict[str, Any]:
    statement: dict[str, Any] = {"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": principal}
    if condition:
        statement["Condition"] = condition
    return statement


@pytest.mark.parametrize(
    "statement",
    [
        trust({"Service": "medialive.amazonaws.com"}),
        trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
        trust({"AWS": f"arn:aws:iam::{FOREIGN}:root"}, {"StringEquals": {"sts:ExternalId": "vendor-42"}}),
        trust("*", {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
    ],
)
def test_trust_naming_or_binding_the_principal_passes(statement: dict[str, Any]) -> None:
    assert check_stack("iam-trust-not-open", [role("r", statement)]) == []


@pytest.mark.parametrize(
    ("statement", "expected"),
    [
        (trust("*"), "any principal"),
        (trust({"AWS": "*"}), "any principal"),
        (trust({"AWS": "*"}, {"StringLike": {"aws:PrincipalOrgID": "*"}}), "any principal"),
        (trust({"AWS": f"arn:aws:iam::{FOREIGN}:root"}), f"another account ['arn:aws:iam::{FOREIGN}:root']"),
        (trust({"AWS": FOREIGN}), "another account"),
    ],
)
def test_open_or_foreign_trust_is_a_violation(statement: dict[str, Any], expected: str) -> None:
    [(resource, message)] = check_stack("iam-trust-not-open", [role("r", statement)])
    assert resource == "r" and expected in message


def test_trusted_accounts_come_from_config() -> None:
    spec = role("r", trust({"AWS": f"arn:aws:iam::{FOREIGN}:root"}))
    assert check_stack("iam-trust-not-open", [spec], {"trustedAccounts": [FOREIGN]}) == []
