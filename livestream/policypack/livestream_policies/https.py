"""HTTPS everywhere: viewers, origins, the packager's endpoints, S3 and ingest.

Each rule reads provider wire format (type tokens, camelCase keys), so it judges any
program's resources, not only this repository's components.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import PolicyResource, ReportViolation, ResourceValidationArgs

from livestream_policies import _wire as w
from livestream_policies.iam import sid
from livestream_policies.ingest import ingest_not_open, srt_encrypted

# CloudFront security policies, oldest first (CloudFront API MinimumProtocolVersion enum).
TLS_POLICIES = (
    "SSLv3",
    "TLSv1",
    "TLSv1_2016",
    "TLSv1.1_2016",
    "TLSv1.2_2018",
    "TLSv1.2_2019",
    "TLSv1.2_2021",
    "TLSv1.2_2025",
    "TLSv1.3_2025",
)
SECURE_VIEWER_POLICIES = ("redirect-to-https", "https-only")
ORIGIN_SSL_PROTOCOLS = ("SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2")
CLOUDFRONT_SERVICE = "cloudfront.amazonaws.com"
HARVESTER_SERVICE = "mediapackagev2.amazonaws.com"
HARVESTER_ACTIONS = ("mediapackagev2:HarvestObject", "mediapackagev2:GetObject")
SOURCE_ARN_OPERATORS = ("StringEquals", "ArnEquals", "StringLike", "ArnLike")


# --- cloudfront-viewer-https ------------------------------------------------------------------


def _check_viewer_protocol(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    allowed = ("https-only",) if config["requireHttpsOnly"] else SECURE_VIEWER_POLICIES
    dist = w.distribution_config(props, args.resource_type)
    ordered_key = "cacheBehaviors" if args.resource_type == w.NATIVE_DISTRIBUTION else "orderedCacheBehaviors"
    behaviours: list[tuple[str, Any]] = [("defaultCacheBehavior", w.get(dist, "defaultCacheBehavior"))]
    for i, behaviour in enumerate(w.items(dist, ordered_key)):
        behaviours.append((f"{ordered_key}[{i}] (pathPattern {w.get(behaviour, 'pathPattern')!r})", behaviour))
    for where, behaviour in behaviours:
        if behaviour is None:
            continue
        policy = w.get(behaviour, "viewerProtocolPolicy")
        if policy not in allowed:
            report(
                f"{where}.viewerProtocolPolicy is {policy!r}; allowed: {', '.join(allowed)}. "
                "Set viewerProtocolPolicy to 'redirect-to-https' (or 'https-only') on this behaviour."
            )


viewer_https = w.resource_policy(
    name="cloudfront-viewer-https",
    description=(
        "Every CloudFront cache behaviour (default and ordered) serves viewers over HTTPS only. "
        "Equivalents: Security Hub CloudFront.3, Checkov CKV_AWS_34. "
        "Fix: set viewerProtocolPolicy to 'redirect-to-https' or 'https-only' on each behaviour."
    ),
    types=w.DISTRIBUTIONS,
    check=_check_viewer_protocol,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Set viewerProtocolPolicy='redirect-to-https' (or 'https-only') on defaultCacheBehavior and every "
        "orderedCacheBehaviors entry."
    ),
    tags=["https", "cloudfront"],
    properties={
        "requireHttpsOnly": {
            "type": "boolean",
            "default": False,
            "description": "Allow only 'https-only' (no redirect from plain HTTP).",
        }
    },
)


# --- cloudfront-tls-minimum -------------------------------------------------------------------


def _viewer_certificate(props: Mapping[str, Any], args: ResourceValidationArgs) -> tuple[Any, bool]:
    """The distribution's viewerCertificate, and whether it names a certificate of its own (ACM or IAM)."""
    certificate = w.get(w.distribution_config(props, args.resource_type), "viewerCertificate", default={})
    return certificate, bool(w.get(certificate, "acmCertificateArn") or w.get(certificate, "iamCertificateId"))


def _check_tls(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    certificate, custom = _viewer_certificate(props, args)
    if not custom:
        # No certificate of its own: the *.cloudfront.net certificate, which CloudFront serves with TLSv1.
        if not config["allowDefaultCertificate"]:
            report(
                "the distribution uses the default *.cloudfront.net certificate, whose minimum protocol CloudFront "
                "fixes at TLSv1; attach an ACM certificate (us-east-1) with a custom domain and "
                f"minimumProtocolVersion {config['minimumProtocolVersion']} or newer."
            )
        return
    minimum = str(config["minimumProtocolVersion"])
    version = w.get(certificate, "minimumProtocolVersion")
    floor = TLS_POLICIES.index(minimum) if minimum in TLS_POLICIES else TLS_POLICIES.index("TLSv1.2_2021")
    if version not in TLS_POLICIES or TLS_POLICIES.index(version) < floor:
        report(
            f"viewerCertificate.minimumProtocolVersion is {version!r} with a custom certificate; "
            f"set it to {TLS_POLICIES[floor]} or newer ({', '.join(TLS_POLICIES[floor:])})."
        )
    method = w.get(certificate, "sslSupportMethod")
    if method not in (None, "sni-only") and not config["allowDedicatedIp"]:
        report(
            f"viewerCertificate.sslSupportMethod is {method!r}: dedicated-IP "
            "custom SSL costs $600/month per distribution; use 'sni-only'."
        )


tls_minimum = w.resource_policy(
    name="cloudfront-tls-minimum",
    description=(
        "CloudFront with a custom certificate negotiates TLSv1.2_2021 or newer; the default *.cloudfront.net "
        "certificate is allowed only where configured. The trade-off: the default certificate needs no domain and "
        "still serves older media clients (set-top boxes, old smart TVs that stop at TLS 1.0/1.1), but CloudFront "
        "fixes its floor at TLSv1; both shipped stacks accept it until a custom domain is configured, and prod gets "
        "the cloudfront-default-certificate-tls advisory meanwhile. Equivalents: AwsSolutions-CFR4, Security Hub "
        "CloudFront.8 and CloudFront.15, Checkov CKV_AWS_174. Fix: set viewerCertificate.minimumProtocolVersion "
        "to TLSv1.2_2021 and sslSupportMethod to sni-only."
    ),
    types=w.DISTRIBUTIONS,
    check=_check_tls,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Use an ACM certificate with viewerCertificate.minimumProtocolVersion='TLSv1.2_2021' (or newer) and "
        "sslSupportMethod='sni-only'."
    ),
    tags=["https", "cloudfront", "tls"],
    properties={
        "minimumProtocolVersion": {
            "type": "string",
            "enum": list(TLS_POLICIES[TLS_POLICIES.index("TLSv1.2_2018") :]),
            "default": "TLSv1.2_2021",
            "description": "The oldest security policy accepted with a custom certificate.",
        },
        "allowDefaultCertificate": {
            "type": "boolean",
            "default": True,
            "description": "Accept the default *.cloudfront.net certificate (its TLS floor is fixed by CloudFront).",
        },
        "allowDedicatedIp": {
            "type": "boolean",
            "default": False,
            "description": "Accept sslSupportMethod 'vip' (dedicated IP, $600/month).",
        },
    },
)


# --- cloudfront-default-certificate-tls -------------------------------------------------------------


def _check_default_certificate(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    _, custom = _viewer_certificate(props, args)
    if not custom:
        # "If you use the default CloudFront domain name ... CloudFront automatically sets the security policy to
        # TLSv1":
        # https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/secure-connections-supported-viewer-protocols-ciphers.html
        report(
            "the distribution serves viewers with the default *.cloudfront.net certificate, which still accepts TLS 1.0 "
            "and 1.1 (CloudFront fixes its security policy at TLSv1). Configure a custom domain with an ACM certificate "
            "(us-east-1) and minimumProtocolVersion TLSv1.2_2021 to close them."
        )


default_certificate_tls = w.resource_policy(
    name="cloudfront-default-certificate-tls",
    description=(
        "Advisory: a distribution without a custom domain uses the default certificate, which still accepts TLS 1.0. "
        "Enabled for prod, disabled for dev (policies/config). Equivalents: Security Hub CloudFront.7, AwsSolutions-CFR4 "
        "(partly). Fix: a custom domain with an ACM certificate."
    ),
    types=w.DISTRIBUTIONS,
    check=_check_default_certificate,
    level=w.ADVISORY,
    severity="low",
    remediation="Set livestream:cdn customDomain (domainName, certificateArn in us-east-1): TLSv1.2_2021 minimum.",
    tags=["https", "cloudfront", "tls"],
)


# --- cloudfront-origin-https ------------------------------------------------------------------


def _check_origins(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    allowed = set(config["allowedOriginSslProtocols"])
    for i, origin in enumerate(w.origins(props, args.resource_type)):
        custom = w.get(origin, "customOriginConfig")
        if custom is None:
            continue  # S3 / VPC origins: CloudFront reaches them over HTTPS with its own credentials.
        where = f"origins[{i}] ({w.origin_name(origin, args.resource_type)})"
        policy = w.get(custom, "originProtocolPolicy")
        if policy != "https-only":
            report(f"{where}.customOriginConfig.originProtocolPolicy is {policy!r}; set it to 'https-only'.")
        protocols = w.strings(w.get(custom, "originSslProtocols"))
        weak = [p for p in protocols if p not in allowed]
        if not protocols or weak:
            report(
                f"{where}.customOriginConfig.originSslProtocols is {protocols}; "
                f"use only {sorted(allowed)} (drop {weak or 'nothing'})."
            )


origin_https = w.resource_policy(
    name="cloudfront-origin-https",
    description=(
        "CloudFront reaches custom origins over HTTPS only, with TLSv1.2. "
        "Equivalents: AwsSolutions-CFR5, Security Hub CloudFront.9 and CloudFront.10, Checkov CKV2_AWS_72. "
        "Fix: customOriginConfig.originProtocolPolicy='https-only' and originSslProtocols=['TLSv1.2']."
    ),
    types=w.DISTRIBUTIONS,
    check=_check_origins,
    level=w.MANDATORY,
    severity="high",
    remediation="On every custom origin set originProtocolPolicy='https-only' and originSslProtocols=['TLSv1.2'].",
    tags=["https", "cloudfront"],
    properties={
        "allowedOriginSslProtocols": {
            "type": "array",
            "items": {"type": "string", "enum": list(ORIGIN_SSL_PROTOCOLS)},
            "default": ["TLSv1.2"],
            "description": "SSL/TLS protocols CloudFront may use towards custom origins.",
        }
    },
)


# --- mediapackage-endpoint-cloudfront-only ----------------------------------------------------


def _endpoint_key(resource: PolicyResource) -> tuple[Any, Any, Any]:
    return w.known(
        lambda: (
            w.get(resource.props, "channelGroupName"),
            w.get(resource.props, "channelName"),
            w.get(resource.props, "originEndpointName"),
        ),
        (None, None, None),
    )


def _policy_covers(policy: PolicyResource, endpoint: PolicyResource) -> bool:
    """By (group, channel, endpoint) names when all are known; else by the policy depending on the endpoint."""
    want, have = _endpoint_key(endpoint), _endpoint_key(policy)
    if all(want) and all(have):
        return want == have
    return any(d.urn == endpoint.urn for d in policy.dependencies) or any(
        d.urn == endpoint.urn for deps in (policy.property_dependencies or {}).values() for d in deps
    )


def _is_harvester(statement: Mapping[str, Any]) -> bool:
    """The documented live-to-VOD harvester statement: Service mediapackagev2.amazonaws.com, HarvestObject/GetObject,
    bound to an account by AWS:SourceAccount. Origin endpoint authorization, "MediaPackage L2V Harvester":
    https://docs.aws.amazon.com/mediapackage/latest/userguide/endpoint-auth.html"""
    principals = w.principals(statement)
    accounts = [v for _, v in w.condition_values(statement, "aws:SourceAccount", ("StringEquals",))]
    return (
        set(principals) == {"Service"}
        and w.strings(principals.get("Service")) == [HARVESTER_SERVICE]
        and "NotAction" not in statement
        and set(w.strings(statement.get("Action"))) <= set(HARVESTER_ACTIONS)
        and bool(accounts)
        and all(a.isdigit() for a in accounts)
    )


def _is_allowlisted(statement: Mapping[str, Any], config: Mapping[str, Any]) -> bool:
    """A principal the stack names in config (a third-party CDN's IAM user), limited to the allowed actions."""
    principals = w.principals(statement)
    return (
        set(principals) == {"AWS"}
        and bool(principals["AWS"])
        and set(principals["AWS"]) <= set(config["allowedPrincipals"])
        and "NotAction" not in statement
        and set(w.strings(statement.get("Action"))) <= set(config["allowedActions"])
    )


def _statement_problems(statement: Mapping[str, Any], config: Mapping[str, Any]) -> list[str]:
    if statement.get("Effect") != "Allow":
        return []
    if (config["allowHarvester"] and _is_harvester(statement)) or _is_allowlisted(statement, config):
        return []
    allowed_actions = set(config["allowedActions"])
    problems: list[str] = []
    name = sid(statement)
    principals = w.principals(statement)
    if set(principals) != {"Service"} or w.strings(principals.get("Service")) != [CLOUDFRONT_SERVICE]:
        problems.append(
            f"statement {name} allows {principals or 'no principal'}; allow only Service {CLOUDFRONT_SERVICE} (or the "
            "documented harvester statement, or a principal listed in allowedPrincipals)"
        )
    arns = [v for _, v in w.condition_values(statement, "aws:SourceArn", SOURCE_ARN_OPERATORS)]
    if not arns or any(w.arn_part(a, 2) != "cloudfront" or "*" in a for a in arns):
        problems.append(
            f"statement {name} needs a condition aws:SourceArn = the CloudFront distribution ARN (found {arns or 'none'})"
        )
    if "NotAction" in statement:
        problems.append(f"statement {name} uses NotAction; list the actions instead")
    extra = [a for a in w.strings(statement.get("Action")) if a not in allowed_actions]
    if extra:
        problems.append(f"statement {name} allows {extra}; CloudFront needs only {sorted(allowed_actions)}")
    return problems


def _check_endpoints(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    policies = w.of_type(resources, w.ORIGIN_ENDPOINT_POLICIES)
    for endpoint in w.of_type(resources, w.ORIGIN_ENDPOINTS):
        covering = [p for p in policies if _policy_covers(p, endpoint)]
        if not covering:
            report(
                f"{w.label(endpoint)} has no OriginEndpointPolicy: anyone who learns its URL can read it. Add an "
                f"OriginEndpointPolicy allowing only {CLOUDFRONT_SERVICE} with aws:SourceArn = the distribution ARN.",
                endpoint.urn,
            )
    for policy in policies:
        # Unknown during preview (the distribution ARN in the condition): judged at `pulumi up`.
        statements = w.known_statements(policy, "policy")
        if statements is None:
            continue
        problems = [p for s in statements for p in _statement_problems(s, config)]
        if not any(s.get("Effect") == "Allow" for s in statements):
            problems.append("the policy document has no Allow statement for CloudFront (or is not valid JSON)")
        for problem in problems:
            report(f"{w.label(policy)}: {problem}.", policy.urn)


endpoint_cloudfront_only = w.stack_policy(
    name="mediapackage-endpoint-cloudfront-only",
    description=(
        "Every MediaPackage v2 origin endpoint has an endpoint policy that lets only CloudFront "
        "(service principal cloudfront.amazonaws.com, condition aws:SourceArn = the distribution) read it, plus, where "
        "recordings use harvest jobs, the documented live-to-VOD harvester statement (mediapackagev2.amazonaws.com, "
        "HarvestObject/GetObject, AWS:SourceAccount) and principals listed in allowedPrincipals. Equivalents: none in "
        "cdk-nag, Security Hub or Checkov (our addition). Fix: add an OriginEndpointPolicy with those Allow statements."
    ),
    check=_check_endpoints,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Add an aws-native mediapackagev2.OriginEndpointPolicy per endpoint: Allow Service cloudfront.amazonaws.com "
        "mediapackagev2:GetObject and GetHeadObject with Condition StringEquals aws:SourceArn = distribution ARN."
    ),
    tags=["https", "mediapackage", "origin-access"],
    properties={
        "allowedActions": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["mediapackagev2:GetObject", "mediapackagev2:GetHeadObject"],
            "description": "Actions CloudFront (and allowlisted principals) may be granted on an origin endpoint.",
        },
        "allowHarvester": {
            "type": "boolean",
            "default": True,
            "description": "Admit the documented MediaPackage live-to-VOD harvester statement.",
        },
        "allowedPrincipals": {
            "type": "array",
            "items": {"type": "string"},
            "default": [],
            "description": "IAM principal ARNs (e.g. a third-party CDN's user) that may read with allowedActions.",
        },
    },
)


# --- s3-bucket-tls-only -----------------------------------------------------------------------


def _denies_insecure_transport(document: Any) -> bool:
    for statement in w.statements(document):
        if statement.get("Effect") != "Deny":
            continue
        principals = w.principals(statement)
        everyone = principals.get("*") == ["*"] or principals.get("AWS") == ["*"]
        actions = w.strings(statement.get("Action"))
        all_actions = "*" in actions or "s3:*" in actions
        insecure = any(v.lower() == "false" for _, v in w.condition_values(statement, "aws:SecureTransport", ("Bool",)))
        if everyone and all_actions and insecure:
            return True
    return False


def _check_tls_only(resources: list[PolicyResource], config: dict[str, Any], report: ReportViolation) -> None:
    for bucket in w.of_type(resources, w.BUCKETS):
        holders = [bucket, *w.resources_for_bucket(resources, w.BUCKET_POLICIES, bucket)]
        # A document still unknown during preview counts as compliant until `pulumi up` can read it.
        if not any(w.known(lambda h=h: _denies_insecure_transport(w.get(h.props, "policy")), True) for h in holders):
            report(
                f"{w.label(bucket)} has no bucket policy denying requests with aws:SecureTransport=false. Add a "
                'BucketPolicy with {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": [bucket ARN, '
                'bucket ARN + "/*"], "Condition": {"Bool": {"aws:SecureTransport": "false"}}}.',
                bucket.urn,
            )


bucket_tls_only = w.stack_policy(
    name="s3-bucket-tls-only",
    description=(
        "Every S3 bucket has a bucket policy that denies any request made without TLS (aws:SecureTransport=false). "
        "Equivalents: AwsSolutions-S10, Security Hub S3.5, NIST.800.53.R5-S3BucketSSLRequestsOnly, Checkov CKV_AWS_379. "
        "Fix: attach a BucketPolicy with a Deny s3:* statement on that condition."
    ),
    check=_check_tls_only,
    level=w.MANDATORY,
    severity="high",
    remediation='Attach a BucketPolicy: Deny, Principal "*", Action "s3:*", Condition Bool aws:SecureTransport "false".',
    tags=["https", "s3"],
)


POLICIES = [
    viewer_https,
    tls_minimum,
    default_certificate_tls,
    origin_https,
    endpoint_cloudfront_only,
    bucket_tls_only,
    ingest_not_open,
    srt_encrypted,
]
