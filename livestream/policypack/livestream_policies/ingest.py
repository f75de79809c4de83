"""Ingest guard rails (`https` group): who may push to a MediaLive input, and SRT encryption.

Part of the `https` group's list (`https.POLICIES`); kept apart because ingest is judged on
MediaLive inputs and security groups, the rest of the group on CloudFront, MediaPackage and S3.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from typing import Any

from pulumi_policy import ResourceValidationArgs

from livestream_policies import _wire as w

# --- medialive-ingest-not-open ----------------------------------------------------------------


def ingest_networks(rules: Any, report: Callable[[str], None]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """The union of a security group's CIDRs, collapsed: 0.0.0.0/1 and 128.0.0.0/1 become 0.0.0.0/0."""
    by_version: dict[int, list[Any]] = {4: [], 6: []}
    for rule in w.items(rules):
        cidr = w.get(rule, "cidr")
        try:
            network = ipaddress.ip_network(str(cidr).strip(), strict=False)
        except ValueError:
            report(f"whitelistRules cidr {cidr!r} is not a CIDR block.")
            continue
        by_version[network.version].append(network)
    return [n for networks in by_version.values() for n in ipaddress.collapse_addresses(networks)]


def _check_ingest_cidrs(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    networks = ingest_networks(w.get(props, "whitelistRules"), report)
    if config["allowMobileNetworks"]:
        return  # the stack opted in: phones on carrier networks push from addresses nobody can list
    for version in (4, 6):
        minimum = config["minIpv4PrefixLength"] if version == 4 else config["minIpv6PrefixLength"]
        own = [n for n in networks if n.version == version]
        bits = 32 if version == 4 else 128
        total = sum(n.num_addresses for n in own)
        if own and total > 2 ** (bits - minimum):
            width = "every address" if total == 2**bits else f"{total} addresses"
            report(
                f"whitelistRules together allow {', '.join(map(str, own))} ({width}), wider than one /{minimum}: "
                "anyone who learns the stream key can push. List the encoder networks, use an SRT input with a "
                "passphrase, or (phones on mobile networks) opt in with allowMobileNetworks."
            )


ingest_not_open = w.resource_policy(
    name="medialive-ingest-not-open",
    description=(
        "MediaLive input security groups do not accept pushes from the whole internet, judged on the union of all "
        "their CIDRs (two /1 halves are 0.0.0.0/0): together they cover at most one /minIpv4PrefixLength "
        "(/minIpv6PrefixLength). A stack whose broadcasters are phones on mobile networks opts in with "
        "allowMobileNetworks. Equivalents: none for MediaLive (our addition; Security Hub EC2.18/EC2.19 and Checkov "
        "CKV_AWS_24/CKV_AWS_260 ask the same of EC2 security groups). Fix: list the encoders' networks in whitelistRules."
    ),
    types=w.MEDIALIVE_SECURITY_GROUPS,
    check=_check_ingest_cidrs,
    level=w.MANDATORY,
    severity="high",
    remediation=(
        "Replace 0.0.0.0/0 in the input security group's whitelistRules with the encoder networks' CIDR blocks, "
        "or set allowMobileNetworks for a stack fed by phones."
    ),
    tags=["ingest", "medialive", "network"],
    properties={
        "minIpv4PrefixLength": {
            "type": "integer",
            "minimum": 0,
            "maximum": 32,
            "default": 8,
            "description": "The union of IPv4 CIDRs may cover at most one /N (8: 16.7 million addresses).",
        },
        "minIpv6PrefixLength": {
            "type": "integer",
            "minimum": 0,
            "maximum": 128,
            "default": 32,
            "description": "The union of IPv6 CIDRs may cover at most one /N.",
        },
        "allowMobileNetworks": {
            "type": "boolean",
            "default": False,
            "description": "Accept any source address: broadcasters are phones on carrier networks (stream key only).",
        },
    },
)


# --- medialive-srt-encrypted ------------------------------------------------------------------


def _check_srt(
    props: Mapping[str, Any], config: dict[str, Any], report: Callable[[str], None], args: ResourceValidationArgs
) -> None:
    kind = w.get(props, "type")
    allowed = set(config["allowedAlgorithms"])
    if kind == "SRT_LISTENER":
        decryptions = [
            ("srtSettings.srtListenerSettings.decryption", w.get(props, "srtSettings", "srtListenerSettings", "decryption"))
        ]
    elif kind == "SRT_CALLER":
        decryptions = [
            (f"srtSettings.srtCallerSources[{i}].decryption", w.get(source, "decryption"))
            for i, source in enumerate(w.items(props, "srtSettings", "srtCallerSources"))
        ] or [("srtSettings.srtCallerSources", None)]
    else:
        return
    for where, decryption in decryptions:
        if not w.get(decryption, "passphraseSecretArn"):
            report(
                f"{kind} input without {where}.passphraseSecretArn: the contribution stream travels unencrypted. "
                "Store a 10-79 character passphrase in Secrets Manager and set decryption "
                "{algorithm: AES256, passphraseSecretArn} (aws-native medialive.Input)."
            )
            continue
        algorithm = w.get(decryption, "algorithm")
        if algorithm is not None and algorithm not in allowed:
            report(f"{where}.algorithm is {algorithm!r}; allowed: {sorted(allowed)}.")


srt_encrypted = w.resource_policy(
    name="medialive-srt-encrypted",
    description=(
        "SRT inputs (listener or caller) decrypt with a passphrase kept in Secrets Manager. "
        "Equivalents: none (our addition). Fix: set srtSettings...decryption.passphraseSecretArn (and algorithm AES256)."
    ),
    types=w.MEDIALIVE_INPUTS,
    check=_check_srt,
    level=w.MANDATORY,
    severity="high",
    remediation="Store the SRT passphrase in Secrets Manager and set decryption.passphraseSecretArn on the SRT input.",
    tags=["ingest", "medialive", "encryption"],
    properties={
        "allowedAlgorithms": {
            "type": "array",
            "items": {"type": "string", "enum": ["AES128", "AES192", "AES256"]},
            "default": ["AES128", "AES192", "AES256"],
            "description": "SRT encryption algorithms accepted when one is set.",
        }
    },
)
