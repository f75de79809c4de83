"""Who may reach the platform's resources: key and topic policies, the packager's ingest, CloudFront's origins.

Resource policies are read like IAM documents (`_wire.statements`); a statement whose principal
is '*' counts as public unless a condition binds the caller to fixed accounts or resources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w
from livestream_policies.iam import is_bound, is_public, matches, principal_account, sid, stack_accounts

# Condition keys that keep a '*' principal to one account, organisation or resource. KMS adds
# kms:CallerAccount (https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html).
PUBLIC_BINDING_KEYS = (
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:SourceOwner",
    "aws:PrincipalAccount",
    "aws:PrincipalOrgID",
    "kms:CallerAccount",
)
# Key specs whose automatic rotation KMS supports: symmetric encryption keys only
# (https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html).
ROTATABLE_KEY_SPECS = ("SYMMETRIC_DEFAULT",)
MEDIALIVE_SERVICE = "medialive.amazonaws.com"
PUT_OBJECT = "mediapackagev2:PutObject"
# Origin access control types and the signing CloudFront must use for each
# (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-mediapackage.html,
# .../private-content-restricting-access-to-s3.html).
OAC_MEDIAPACKAGE = "mediapackagev2"
OAC_S3 = "s3"


# --- public resource policies (KMS keys, SNS topics) ----------------------------------------------


def public_statements(document: Any) -> list[str]:
    """Sids of Allow statements open to principal '*' without a binding condition."""
    found: list[str] = []
    for statement in w.statements(document):
        if statement.get("Effect") != "Allow":
            continue
        if is_public(w.principals(statement)) and not is_bound(statement, PUBLIC_BINDING_KEYS):
            found.append(sid(statement))
    return found


def _public_check(kind: str) -> w.ResourceCheck:
    def check(
        props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
    ) -> None:
        document = w.get(props, "policy")
        if document is None:
            return  # no policy: the service's default (account-only) applies
        for statement in public_statements(document):
            report(
                f"the {kind} policy's statement {statement} allows principal '*' without an aws:SourceArn / "
                "aws:SourceAccount (or aws:PrincipalOrgID) condition: any AWS account may use it. Name the principal "
                "or bind it with one of those conditions."
            )

    return check


kms_policy_not_public = w.resource_policy(
    name="kms-key-policy-not-public",
    description=(
        "No KMS key policy allows principal '*' without an aws:SourceArn, aws:SourceAccount, aws:PrincipalOrgID or "
        "kms:CallerAccount condition. Equivalents: Security Hub KMS.5, Checkov CKV_AWS_33. "
        "Fix: name the principals (the account root, the publishing services)."
    ),
    types=(*w.KMS_KEYS, *w.KMS_KEY_POLICIES),
    check=_public_check("key"),
    level=w.MANDATORY,
    severity="critical",
    remediation="Replace Principal '*' with the account root and the service principals, or add an aws:SourceAccount condition.",
    tags=["security", "kms"],
)

sns_policy_not_public = w.resource_policy(
    name="sns-topic-policy-not-public",
    description=(
        "No SNS topic policy allows principal '*' without an aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID "
        "condition. Equivalents: Security Hub SNS.4, Checkov CKV_AWS_169 (and CKV_AWS_385 for other accounts). "
        "Fix: grant the publishing service with aws:SourceArn / aws:SourceAccount."
    ),
    types=(*w.SNS_TOPICS, *w.SNS_TOPIC_POLICIES),
    check=_public_check("topic"),
    level=w.MANDATORY,
    severity="critical",
    remediation="Grant sns:Publish to the service principal (cloudwatch.amazonaws.com) with aws:SourceAccount and aws:SourceArn.",
    tags=["security", "sns"],
)


# --- kms-key-rotation -----------------------------------------------------------------------------


def _check_rotation(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    spec = w.get(props, "customerMasterKeySpec") or w.get(props, "keySpec") or "SYMMETRIC_DEFAULT"
    if spec not in ROTATABLE_KEY_SPECS or w.get(props, "keyUsage") not in (None, "ENCRYPT_DECRYPT"):
        return  # KMS cannot rotate asymmetric or HMAC keys automatically
    if not w.truthy(w.get(props, "enableKeyRotation")):
        report("enableKeyRotation is not true: the key material never changes. Set enable_key_rotation=True (yearly).")


key_rotation = w.resource_policy(
    name="kms-key-rotation",
    description=(
        "Customer managed symmetric KMS keys rotate their key material automatically. Equivalents: AwsSolutions-KMS5, "
        "NIST.800.53.R5-KMSBackingKeyRotationEnabled, Security Hub KMS.4, Checkov CKV_AWS_7. "
        "Fix: enableKeyRotation=true."
    ),
    types=w.KMS_KEYS,
    check=_check_rotation,
    level=w.MANDATORY,
    severity="medium",
    remediation="Set enable_key_rotation=True on aws.kms.Key (symmetric keys; KMS rotates yearly at no extra cost per rotation).",
    tags=["security", "kms", "encryption"],
)


# --- mediapackage-channel-ingest-only-encoder -------------------------------------------------------


def encoder_roles(resources: list[PolicyResource]) -> set[str]:
    """ARNs of this stack's roles that MediaLive may assume: the encoders that push to MediaPackage."""
    arns: set[str] = set()
    for role in w.of_type(resources, w.IAM_ROLES):
        statements = w.known_statements(role, "assumeRolePolicy") or []
        services = {s for st in statements if st.get("Effect") == "Allow" for s in w.principals(st).get("Service", [])}
        arn = w.known(lambda r=role: w.get(r.props, "arn"), None)
        if MEDIALIVE_SERVICE in services and isinstance(arn, str):
            arns.add(arn)
    return arns


def _push_problems(statement: Mapping[str, Any], encoders: set[str], own: set[str], config: dict[str, Any]) -> list[str]:
    if statement.get("Effect") != "Allow" or not matches(w.strings(statement.get("Action")), PUT_OBJECT):
        return []
    principals = w.principals(statement)
    allowed = encoders | set(config["allowedPrincipals"])
    if is_public(principals):
        return [f"statement {sid(statement)} lets anyone ('*') push to the channel"]
    if set(principals) - {"AWS"}:
        return [f"statement {sid(statement)} lets {sorted(set(principals) - {'AWS'})} principals push; allow encoder roles only"]
    strangers = [p for p in principals.get("AWS", []) if p not in allowed]
    if strangers and (encoders or config["allowedPrincipals"]):
        return [f"statement {sid(statement)} lets {strangers} push; only this platform's encoder roles may"]
    foreign = [p for p in strangers if principal_account(p) not in own]
    return [f"statement {sid(statement)} lets another account {foreign} push"] if foreign else []


def _check_channel_policies(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    encoders = encoder_roles(resources)
    own = stack_accounts(resources)
    for policy in w.of_type(resources, w.CHANNEL_POLICIES):
        statements = w.known_statements(policy, "policy")
        if statements is None:
            continue  # the encoder role's ARN is unknown during preview: judged at `pulumi up`
        for statement in statements:
            for problem in _push_problems(statement, encoders, own, config):
                report(
                    f"{w.label(policy)}: {problem}. Allow {PUT_OBJECT} only to the MediaLive role(s) of this stack "
                    "(Principal AWS = the role ARN).",
                    policy.urn,
                )


channel_ingest_only_encoder = w.stack_policy(
    name="mediapackage-channel-ingest-only-encoder",
    description=(
        "A MediaPackage v2 channel policy lets only this platform's encoder roles (roles MediaLive assumes) "
        "mediapackagev2:PutObject: never '*', never another account, never a service principal. "
        "Equivalents: none in cdk-nag, Security Hub or Checkov (our addition; AwsSolutions-MS7 asks the same of "
        "MediaStore containers). Fix: Principal AWS = the MediaLive role ARN."
    ),
    check=_check_channel_policies,
    level=w.MANDATORY,
    severity="critical",
    remediation="In the ChannelPolicy allow mediapackagev2:PutObject only to the MediaLive channel's IAM role ARN.",
    tags=["security", "mediapackage", "ingest"],
    properties={
        "allowedPrincipals": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "Role ARNs outside this stack that may push (an encoder deployed elsewhere).",
        }
    },
)


# --- cloudfront-origin-access-control ------------------------------------------------------------


def origin_kind(origin: Mapping[str, Any]) -> str | None:
    """'mediapackagev2', 's3' or None (another custom origin), from the origin's domain name."""
    domain = str(w.get(origin, "domainName") or "")
    if ".mediapackagev2." in domain and domain.endswith(".amazonaws.com"):
        return OAC_MEDIAPACKAGE
    if w.get(origin, "s3OriginConfig") is not None or (
        ".s3." in f".{domain}" and domain.endswith(".amazonaws.com") and "s3-website" not in domain
    ):
        return OAC_S3
    return None


def _oac_problems(oac: PolicyResource, kind: str) -> list[str]:
    props = w.known(lambda: w.plain(oac.props), {})
    found = (
        props.get("originAccessControlOriginType") or w.get(props, "originAccessControlConfig", "originAccessControlOriginType"),
        props.get("signingBehavior") or w.get(props, "originAccessControlConfig", "signingBehavior"),
        props.get("signingProtocol") or w.get(props, "originAccessControlConfig", "signingProtocol"),
    )
    if found != (kind, "always", "sigv4"):
        return [f"{w.label(oac)} is (type, signing, protocol) {found}; this origin needs ({kind!r}, 'always', 'sigv4')"]
    return []


def _origins(distribution: PolicyResource) -> list[tuple[str, Mapping[str, Any]]]:
    origins = w.known(lambda: w.plain(w.origins(distribution.props, distribution.resource_type)), [])
    return [(w.origin_name(o, distribution.resource_type), o) for o in origins]


def _check_oac(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    controls = {v: c for c in w.of_type(resources, w.ORIGIN_ACCESS_CONTROLS) for v in w.reference_values(c, "id")}
    for distribution in w.of_type(resources, w.DISTRIBUTIONS):
        for origin_id, origin in _origins(distribution):
            kind = origin_kind(origin)
            if kind is None:
                continue
            oac_id = w.get(origin, "originAccessControlId")
            legacy = w.get(origin, "s3OriginConfig", "originAccessIdentity")
            if not oac_id:
                uses = " (it uses a legacy origin access identity)" if legacy else ""
                report(
                    f"{w.label(distribution)} origin {origin_id!r} is a {kind} origin without origin access control{uses}: "
                    f"add an OriginAccessControl of type {kind!r} (signing 'always', 'sigv4') and set originAccessControlId.",
                    distribution.urn,
                )
            elif oac_id in controls:
                for problem in _oac_problems(controls[oac_id], kind):
                    report(f"{w.label(distribution)} origin {origin_id!r}: {problem}.", distribution.urn)


origin_access_control = w.stack_policy(
    name="cloudfront-origin-access-control",
    description=(
        "Every distribution origin that is a MediaPackage v2 endpoint has origin access control of type "
        "'mediapackagev2', and every S3 origin one of type 's3', both signing 'always' with 'sigv4'. "
        "Equivalents: AwsSolutions-CFR7 and Security Hub CloudFront.13 (S3 origins); the MediaPackage v2 half is our "
        "addition. Fix: add an OriginAccessControl and reference it from the origin."
    ),
    check=_check_oac,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Create aws.cloudfront.OriginAccessControl(origin_access_control_origin_type='mediapackagev2' or 's3', "
        "signing_behavior='always', signing_protocol='sigv4') and set origin_access_control_id on the origin."
    ),
    tags=["https", "cloudfront", "origin-access"],
)


POLICIES = [
    kms_policy_not_public,
    sns_policy_not_public,
    key_rotation,
    channel_ingest_only_encoder,
    origin_access_control,
]
