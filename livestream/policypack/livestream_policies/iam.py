"""IAM read in full: identity policies, managed-policy attachments and trust policies.

Every rule names its equivalents in the trusted rule sets (cdk-nag RULES.md of cdklabs/cdk-nag,
the AWS Security Hub control reference, Checkov's AWS policy index) so a reviewer can map a
finding to the control they already know.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w

# IAM verbs that only read. Anything else (Put, Create, Delete, Update, Start, Stop, Publish, Invoke...) writes.
READ_VERBS = ("Get", "List", "Describe", "Head", "BatchGet", "Query", "Scan", "Search", "Lookup", "View", "Select")
# Actions AWS only authorises on Resource "*": they cannot be scoped, so "*" is not a finding for them.
UNSCOPABLE_ACTIONS = (
    "cloudwatch:PutMetricData",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
)
# Reads that hand over data or secrets: on Resource "*" they read every secret, object and parameter
# of the account (Checkov CKV_AWS_288 "data exfiltration"; Security Hub KMS.1/KMS.2 for kms:Decrypt).
SENSITIVE_READS = (
    "secretsmanager:GetSecretValue",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
)
# Actions that let a principal grant itself more than it has: the single-action methods of Rhino
# Security Labs, "AWS IAM Privilege Escalation - Methods and Mitigation"
# (https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/), the list
# cloudsplaining's PRIVILEGE_ESCALATION_METHODS and so Checkov CKV_AWS_286 use. iam:PassRole
# counts only on Resource "*" (passing one named role to one service is how Lambda and
# MediaLive work).
PRIVILEGE_ESCALATION_ACTIONS = (
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:AttachUserPolicy",
    "iam:AttachGroupPolicy",
    "iam:AttachRolePolicy",
    "iam:PutUserPolicy",
    "iam:PutGroupPolicy",
    "iam:PutRolePolicy",
    "iam:AddUserToGroup",
    "iam:UpdateAssumeRolePolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "lambda:UpdateFunctionCode",
    "glue:UpdateDevEndpoint",
)
PASS_ROLE = "iam:PassRole"
# AWS managed policies that grant a whole service or everything (IAM4's concern, narrowed to the
# ones that matter: administrator and "...FullAccess").
ADMIN_MANAGED_POLICIES = ("arn:aws*:iam::aws:policy/AdministratorAccess", "arn:aws*:iam::aws:policy/PowerUserAccess")
FULL_ACCESS_MANAGED_POLICY = "arn:aws*:iam::aws:policy/*FullAccess*"
# Condition keys that bind who may assume a role (or use a resource) to an account, an
# organisation or one external party.
BINDING_CONDITION_KEYS = (
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "aws:PrincipalArn",
    "sts:ExternalId",
)


# --- reading IAM documents ----------------------------------------------------------------------


def policy_documents(props: Mapping[str, Any], resource_type: str) -> list[tuple[str, Any]]:
    """(where, document) of every identity policy a resource holds: a role's inline policies, or `policy`."""
    if resource_type in w.IAM_ROLES:
        return [
            (f"inlinePolicies[{i}] ({w.get(p, 'name')})", w.get(p, "policy"))
            for i, p in enumerate(w.items(props, "inlinePolicies"))
        ]
    return [("policy", w.get(props, "policy"))]


def allow_statements(props: Mapping[str, Any], resource_type: str, report: Callable[[str], None]) -> list[tuple[str, Any]]:
    """(where, statement) of every Allow statement; a document that is not JSON is reported once."""
    found: list[tuple[str, Any]] = []
    for where, document in policy_documents(props, resource_type):
        if document is None:
            continue
        statements = w.statements(document)
        if not statements:
            report(f"{where} is not a JSON policy document with statements; it cannot be checked.")
        found += [(where, s) for s in statements if s.get("Effect") == "Allow"]
    return found


def matches(patterns: Iterable[str], action: str) -> bool:
    """Does any IAM action pattern (`s3:Get*`, `*`) cover `action`? IAM matches actions case-insensitively."""
    return any(fnmatch.fnmatchcase(action.lower(), p.lower()) for p in patterns)


def is_write(action: str) -> bool:
    """Whether an action (pattern) can write: `s3:GetObject`, `s3:List*` read; `s3:*`, `*`, `s3:Put*` write."""
    _, _, verb = action.partition(":")
    literal = verb.split("*", 1)[0]  # what the pattern fixes before its first wildcard
    return not literal.startswith(READ_VERBS)


def on_every_resource(statement: Mapping[str, Any]) -> bool:
    return "*" in w.strings(statement.get("Resource")) or "NotResource" in statement


def sid(statement: Mapping[str, Any]) -> str:
    return str(statement.get("Sid") or "(no Sid)")


IAM_TYPES = (*w.IAM_POLICY_HOLDERS, *w.IAM_ROLES)


# --- iam-no-wildcards -------------------------------------------------------------------------


def statement_problems(statement: Mapping[str, Any], config: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    actions = w.strings(statement.get("Action"))
    if "NotAction" in statement:
        problems.append(
            f"statement {sid(statement)} allows NotAction {w.strings(statement.get('NotAction'))} — everything else; list actions"
        )
    if "*" in actions:
        problems.append(f"statement {sid(statement)} allows Action '*'; list the actions it needs")
    elif not config["allowServiceWildcards"]:
        wide = [a for a in actions if a.endswith(":*")]
        if wide:
            problems.append(f"statement {sid(statement)} allows whole services {wide}; list the actions it needs")
    if on_every_resource(statement):
        writes = [a for a in actions if is_write(a) and not matches(config["allowedWildcardResourceActions"], a)]
        if "NotAction" in statement:
            writes.append("NotAction")
        if writes:
            problems.append(
                f"statement {sid(statement)} allows write actions {writes} on Resource '*'; scope them to the platform's ARNs"
            )
    return problems


def _check_wildcards(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    for where, statement in allow_statements(props, args.resource_type, report):
        for problem in statement_problems(statement, config):
            report(f"{where}: {problem}.")


iam_no_wildcards = w.resource_policy(
    name="iam-no-wildcards",
    description=(
        "IAM policies (role, user, group and managed policies, and roles' inline policies) allow no '*' action and no "
        "write action on Resource '*'. Equivalents: AwsSolutions-IAM5, Security Hub IAM.1 and IAM.21, "
        "NIST.800.53.R5-IAMPolicyNoStatementsWithAdminAccess / -WithFullAccess, Checkov CKV_AWS_62, CKV_AWS_63, "
        "CKV_AWS_290, CKV_AWS_355. Fix: list the actions and scope resources to the platform's ARNs."
    ),
    types=IAM_TYPES,
    check=_check_wildcards,
    level=w.MANDATORY,
    severity="high",
    remediation="Replace '*' actions with the exact actions; replace Resource '*' on write actions with the resources' ARNs.",
    tags=["security", "iam", "least-privilege"],
    properties={
        "allowServiceWildcards": {
            "type": "boolean",
            "default": True,
            "description": "Accept 'service:*' actions (still not on Resource '*').",
        },
        "allowedWildcardResourceActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(UNSCOPABLE_ACTIONS),
            "description": "Write actions (glob patterns) accepted on Resource '*' — those IAM cannot scope.",
        },
    },
)


# --- iam-no-sensitive-reads-on-all ----------------------------------------------------------------


def _check_sensitive_reads(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    for where, statement in allow_statements(props, args.resource_type, lambda _m: None):
        if not on_every_resource(statement):
            continue
        actions = w.strings(statement.get("Action"))
        reads = [r for r in config["sensitiveActions"] if matches(actions, r)]
        if reads:
            report(
                f"{where}: statement {sid(statement)} allows {reads} on Resource '*': every secret, object or parameter "
                "of the account. Scope it to the ARNs the code reads."
            )


sensitive_reads = w.resource_policy(
    name="iam-no-sensitive-reads-on-all",
    description=(
        "No IAM policy reads secrets, objects, parameters or decrypts on Resource '*' (secretsmanager:GetSecretValue, "
        "s3:GetObject, ssm:GetParameter*, kms:Decrypt, also through wildcards such as s3:Get* or *). Equivalents: "
        "Checkov CKV_AWS_288, Security Hub KMS.1 and KMS.2, AwsSolutions-IAM5 (partly). Fix: scope the Resource."
    ),
    types=IAM_TYPES,
    check=_check_sensitive_reads,
    level=w.MANDATORY,
    severity="high",
    remediation="Name the secret, bucket prefix, parameter path or key ARN the code reads instead of Resource '*'.",
    tags=["security", "iam", "least-privilege"],
    properties={
        "sensitiveActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": list(SENSITIVE_READS),
            "description": "Read actions that must never apply to Resource '*'.",
        }
    },
)


# --- iam-no-privilege-escalation ------------------------------------------------------------------


def _check_escalation(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    allowed = config["allowedActions"]
    for where, statement in allow_statements(props, args.resource_type, lambda _m: None):
        actions = w.strings(statement.get("Action"))
        found = [a for a in PRIVILEGE_ESCALATION_ACTIONS if matches(actions, a) and a not in allowed]
        if on_every_resource(statement) and matches(actions, PASS_ROLE) and PASS_ROLE not in allowed:
            found.append(f"{PASS_ROLE} on '*'")
        if found:
            report(
                f"{where}: statement {sid(statement)} allows privilege escalation {found}: whoever holds it can grant "
                "itself more. Remove these actions (or pass only named roles)."
            )


privilege_escalation = w.resource_policy(
    name="iam-no-privilege-escalation",
    description=(
        "No IAM policy allows a privilege-escalation action (iam:CreatePolicyVersion, iam:Attach*/Put*Policy, "
        "iam:UpdateAssumeRolePolicy, iam:CreateAccessKey, iam:PassRole on '*', ... — Rhino Security Labs' list as "
        "used by cloudsplaining). Equivalents: Checkov CKV_AWS_286 (and CKV_AWS_287 partly). "
        "Fix: remove the action or name the role passed."
    ),
    types=IAM_TYPES,
    check=_check_escalation,
    level=w.MANDATORY,
    severity="critical",
    remediation="Drop IAM-administration actions from workload roles; give iam:PassRole only on the named role ARN.",
    tags=["security", "iam", "least-privilege"],
    properties={
        "allowedActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Escalation actions accepted anyway (an admin pipeline's own role).",
        }
    },
)


# --- iam-no-admin-managed-policies ----------------------------------------------------------------


def _attached_arns(props: Mapping[str, Any], resource_type: str) -> list[str]:
    if resource_type in w.IAM_ROLES:
        return w.strings(w.get(props, "managedPolicyArns"))
    return w.strings(w.get(props, "policyArn"))


def _check_managed(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    banned = [*ADMIN_MANAGED_POLICIES, *([FULL_ACCESS_MANAGED_POLICY] if not config["allowFullAccess"] else [])]
    for arn in _attached_arns(props, args.resource_type):
        if matches(banned, arn) and arn not in config["allowedPolicyArns"]:
            report(
                f"attaches the AWS managed policy {arn.rsplit('/', 1)[-1]}: administrator or whole-service access. "
                "Write a policy with the actions and resources the workload uses."
            )


admin_managed_policies = w.resource_policy(
    name="iam-no-admin-managed-policies",
    description=(
        "No role, user or group gets AdministratorAccess, PowerUserAccess or an AWS managed '*FullAccess' policy "
        "(managedPolicyArns or a policy attachment). Equivalents: Checkov CKV_AWS_274, AwsSolutions-IAM4 (partly: "
        "other AWS managed policies are accepted), Security Hub IAM.1. Fix: attach a least-privilege policy instead."
    ),
    types=(*w.IAM_ROLES, *w.IAM_POLICY_ATTACHMENTS),
    check=_check_managed,
    level=w.MANDATORY,
    severity="critical",
    remediation="Replace the managed policy with an inline or customer managed policy listing the actions and ARNs used.",
    tags=["security", "iam", "least-privilege"],
    properties={
        "allowFullAccess": {"type": "boolean", "default": False, "description": "Accept '*FullAccess' managed policies."},
        "allowedPolicyArns": {"type": "array", "items": {"type": "string"}, "default": []},
    },
)


# --- iam-trust-not-open ---------------------------------------------------------------------------


def stack_accounts(resources: Iterable[PolicyResource]) -> set[str]:
    """The accounts this stack's own resources live in, read from their known ARNs."""
    accounts: set[str] = set()
    for resource in resources:
        account = w.arn_part(w.known(lambda r=resource: w.get(r.props, "arn"), None), 4)
        if account and account.isdigit():
            accounts.add(account)
    return accounts


def is_bound(statement: Mapping[str, Any], keys: Iterable[str] = BINDING_CONDITION_KEYS) -> bool:
    """Does a condition bind the caller to fixed values (no '*' in them)?"""
    for key in keys:
        values = [v for op, v in w.condition_values(statement, key) if not op.startswith(("StringNot", "ArnNot"))]
        if values and all(v != "*" for v in values):
            return True
    return False


def is_public(principals: Mapping[str, list[str]]) -> bool:
    """Does a statement's principal admit anyone: `"*"`, or '*' among its AWS principals?"""
    return principals.get("*") == ["*"] or "*" in principals.get("AWS", [])


def principal_account(value: str) -> str | None:
    """The account an AWS principal names: the account field of an ARN, else the value itself (an account id)."""
    return w.arn_part(value, 4) if value.startswith("arn:") else value


def _foreign_accounts(principals: Mapping[str, list[str]], own: set[str]) -> list[str]:
    found: list[str] = []
    for value in principals.get("AWS", []):
        account = principal_account(value)
        if account and account.isdigit() and account not in own:
            found.append(value)
    return found


def trust_problems(statement: Mapping[str, Any], own: set[str]) -> list[str]:
    principals = w.principals(statement)
    if is_public(principals):
        if not is_bound(statement):
            return [f"statement {sid(statement)} lets any principal ('*') assume the role"]
        return []
    foreign = _foreign_accounts(principals, own)
    if foreign and not is_bound(statement, ("sts:ExternalId", "aws:PrincipalOrgID", "aws:PrincipalArn")):
        return [f"statement {sid(statement)} trusts another account {foreign} without sts:ExternalId or aws:PrincipalOrgID"]
    return []


def _check_trust(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    own = stack_accounts(resources) | set(config["trustedAccounts"])
    for role in w.of_type(resources, w.IAM_ROLES):
        statements = w.known_statements(role, "assumeRolePolicy") or []
        for statement in statements:
            if statement.get("Effect") != "Allow":
                continue
            for problem in trust_problems(statement, own):
                report(
                    f"the trust policy of {w.label(role)}: {problem}. Name the service or account, and bind it with "
                    "aws:SourceArn / aws:SourceAccount (services) or sts:ExternalId (third parties).",
                    role.urn,
                )


trust_not_open = w.stack_policy(
    name="iam-trust-not-open",
    description=(
        "No role's trust policy lets principal '*' assume it without a binding condition (aws:SourceArn, "
        "aws:SourceAccount, aws:PrincipalOrgID, sts:ExternalId ...), nor another account without sts:ExternalId or "
        "aws:PrincipalOrgID. Equivalents: Checkov CKV_AWS_60 and CKV_AWS_61. Fix: name the principal and bind it."
    ),
    check=_check_trust,
    level=w.MANDATORY,
    severity="critical",
    remediation="Trust one service principal (with aws:SourceAccount/aws:SourceArn) or one account with sts:ExternalId.",
    tags=["security", "iam"],
    properties={
        "trustedAccounts": {
            "type": "array",
            "items": {"type": "string", "pattern": "^[0-9]{12}$"},
            "default": [],
            "description": "Accounts besides the stack's own that roles may trust without conditions.",
        }
    },
)


POLICIES = [iam_no_wildcards, sensitive_reads, privilege_escalation, admin_managed_policies, trust_not_open]
