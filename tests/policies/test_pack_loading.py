"""The pack as a whole: names, groups, schemas, loading any pack, and config validation."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyResource,
)
from pulumi_policy.proxy import UNKNOWN_STRING_VALUE, unknown_checking_proxy

from livestream.plan import engine as offline
from livestream.plan import verdicts
from tests.policies.helpers import (
    BUCKET,
    DISTRIBUTION,
    PACK_DIR,
    ROOT,
    lp,
    options,
    planned,
    urn,
)


def test_every_policy_is_named_kebab_case_uniquely_and_documented() -> None:
    names = [p.name for p in lp.ALL_POLICIES]
    assert len(names) == len(set(names)) == 39
    for policy in lp.ALL_POLICIES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", policy.name), policy.name
        assert "Fix:" in policy.description, policy.name
        # every rule names its equivalents in cdk-nag / Security Hub / Checkov, or says it is ours
        assert "Equivalents:" in policy.description, policy.name
        assert policy.enforcement_level in (EnforcementLevel.MANDATORY, EnforcementLevel.ADVISORY)
        assert policy.config_schema is not None and policy.remediation_steps
        assert policy.severity is not None


def test_readme_policy_table_lists_every_rule_with_its_group_and_level() -> None:
    readme = (ROOT / "README.md").read_text()
    for group, policies in lp.GROUPS.items():
        for policy in policies:
            level = policy.enforcement_level.value
            assert f"| `{policy.name}` | {group} | {level} |" in readme, policy.name


def test_groups_partition_the_pack() -> None:
    assert {g: len(ps) for g, ps in lp.GROUPS.items()} == {
        "https": 8,
        "cost": 10,
        "security": 7,
        "iam": 5,
        "access": 5,
        "operations": 4,
    }
    assert lp.group_of("monthly-cost-limit") == "cost" and lp.group_of("nope") is None
    assert lp.group_of("iam-trust-not-open") == "iam" and lp.group_of("kms-key-rotation") == "access"


def test_schema_defaults_validate_against_their_own_schema() -> None:
    pack = verdicts.pack_from_policies(lp.PACK_NAME, list(lp.ALL_POLICIES))
    resolved = verdicts.resolve_config(pack)
    assert resolved["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.MANDATORY
    assert resolved["medialive-ingest-not-open"].properties["allowMobileNetworks"] is False
    assert resolved["sns-topic-encrypted"].enforcement_level == EnforcementLevel.ADVISORY
    assert resolved["monthly-cost-limit"].properties["maxMonthlyUsd"] == 500


def test_load_pack_runs_main_without_serving() -> None:
    pack = verdicts.load_pack(PACK_DIR)
    assert pack.name == "livestream-policies"
    assert [p.name for p in pack.policies] == [p.name for p in lp.ALL_POLICIES]
    assert pack.enforcement_level == EnforcementLevel.ADVISORY
    assert pack.description


def test_load_pack_works_for_any_python_pack(tmp_path: Path) -> None:
    (tmp_path / "rules_pkg").mkdir()
    (tmp_path / "rules_pkg" / "__init__.py").write_text(
        "from pulumi_policy import EnforcementLevel, ResourceValidationPolicy\n"
        "def _no_topics(args, report):\n"
        "    if args.resource_type == 'aws:sns/topic:Topic':\n"
        "        report('no topics here')\n"
        "RULES = [ResourceValidationPolicy(name='no-topics', description='No SNS topics.', validate=_no_topics,"
        " enforcement_level=EnforcementLevel.MANDATORY)]\n"
    )
    (tmp_path / "__main__.py").write_text(
        "from pulumi_policy import EnforcementLevel, PolicyPack\nfrom rules_pkg import RULES\n"
        "PolicyPack('other-pack', RULES, EnforcementLevel.ADVISORY, {'no-topics': {'enforcementLevel': 'advisory'}})\n"
    )
    pack = verdicts.load_pack(tmp_path)
    assert pack.name == "other-pack" and pack.initial_config == {"no-topics": {"enforcementLevel": "advisory"}}
    plan = offline.Plan("p", "dev", {}, [planned("aws:sns/topic:Topic", "t", {})])
    assert [(v.policy, v.enforcement_level) for v in verdicts.evaluate(pack, plan)] == [("no-topics", "advisory")]
    assert [(v.policy, v.enforcement_level) for v in verdicts.evaluate(pack, plan, {"all": "mandatory"})] == [
        ("no-topics", "mandatory")
    ]


def test_load_pack_reports_a_directory_without_a_pack(tmp_path: Path) -> None:
    with pytest.raises(verdicts.PackError, match=r"__main__\.py"):
        verdicts.load_pack(tmp_path)
    (tmp_path / "__main__.py").write_text("print('no pack')\n")
    with pytest.raises(verdicts.PackError, match="0 PolicyPack"):
        verdicts.load_pack(tmp_path)


def test_wire_helpers_shared_by_the_rules() -> None:
    w = importlib.import_module("livestream_policies._wire")
    statement = {
        "Condition": {"ForAnyValue:StringLikeIfExists": {"AWS:SourceArn": ["a", "b"]}, "StringNotLike": {"aws:sourcearn": "c"}}
    }
    assert [v for _, v in w.condition_values(statement, "aws:SourceArn", ("StringLike",))] == ["a", "b"]
    assert [v for _, v in w.condition_values(statement, "aws:SourceArn")] == ["a", "b", "c"]
    assert (w.arn_resource("arn:aws:s3:::b/k"), w.arn_resource("b")) == ("b/k", "b")
    native = {"distributionConfig": {"priceClass": "PriceClass_100"}}
    assert w.distribution_config(native, "aws-native:cloudfront:Distribution") == native["distributionConfig"]
    assert w.distribution_config(native, DISTRIBUTION) is native

    def resource(props: dict[str, Any]) -> PolicyResource:
        return PolicyResource(BUCKET, unknown_checking_proxy(props), urn(BUCKET, "b"), "b", options(), None, None, [], {})

    assert w.known_items(resource({"rules": [{"id": "a"}]}), "rules") == [{"id": "a"}]
    assert w.known_items(resource({"rules": [{"id": UNKNOWN_STRING_VALUE}]}), "rules") == []


# --- config validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "policy", "key", "hint"),
    [
        ({"no-such-policy": "mandatory"}, "no-such-policy", None, "no such policy"),
        (
            {"budget-exists": {"maxMonthlyUsd": 100, "maxMonthly": 5}},
            "budget-exists",
            "maxMonthly",
            "allowed: enforcementLevel, maxMonthlyUsd",
        ),
        ({"budget-exists": {"maxMonthlyUsd": "lots"}}, "budget-exists", "maxMonthlyUsd", "'number'"),
        ({"medialive-channel-class": {"allowStandard": "yes"}}, "medialive-channel-class", "allowStandard", "'boolean'"),
        (
            {"cloudfront-price-class": {"allowedPriceClasses": ["PriceClass_300"]}},
            "cloudfront-price-class",
            "allowedPriceClasses[0]",
            "enum",
        ),
        ({"budget-exists": {"maxMonthlyUsd": -5}}, "budget-exists", "maxMonthlyUsd", "exclusiveMinimum"),
        ({"budget-exists": "strict"}, "budget-exists", "enforcementLevel", "advisory, mandatory, remediate, disabled"),
        ({"all": {"maxMonthlyUsd": 5}}, "all", "maxMonthlyUsd", "only an enforcementLevel"),
    ],
)
def test_config_errors_name_the_policy_the_key_and_what_is_allowed(
    pack: verdicts.LoadedPack, config: dict[str, Any], policy: str, key: str | None, hint: str
) -> None:
    with pytest.raises(verdicts.PolicyConfigError) as error:
        verdicts.validate_config(pack, config)
    assert (error.value.policy, error.value.key) == (policy, key)
    assert hint in str(error.value)


def test_config_files_validate_and_prod_is_stricter(pack: verdicts.LoadedPack) -> None:
    dev = verdicts.resolve_config(pack, verdicts.load_config(PACK_DIR / "config" / "dev.json"))
    prod = verdicts.resolve_config(pack, verdicts.load_config(PACK_DIR / "config" / "prod.json"))
    # both mandatory; only dev, fed by phones on mobile networks, opts into any source address
    assert dev["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.MANDATORY
    assert prod["medialive-ingest-not-open"].enforcement_level == EnforcementLevel.MANDATORY
    assert dev["medialive-ingest-not-open"].properties["allowMobileNetworks"]
    assert not prod["medialive-ingest-not-open"].properties["allowMobileNetworks"]
    assert dev["cloudfront-default-certificate-tls"].enforcement_level == EnforcementLevel.DISABLED
    assert prod["cloudfront-default-certificate-tls"].enforcement_level == EnforcementLevel.ADVISORY
    assert (
        prod["archive-lifecycle"].properties["requireTransition"] and not dev["archive-lifecycle"].properties["requireTransition"]
    )
    assert prod["cloudfront-price-class"].properties["allowedPriceClasses"] == ["PriceClass_200"]
    assert not prod["iam-no-wildcards"].properties["allowServiceWildcards"]


@pytest.mark.parametrize(
    ("config", "key", "hint"),
    [
        ({"budget-exists": {"enforcementLevel": 5}}, "enforcementLevel", "must be a string"),
        ({"budget-exists": 5}, None, "must be an enforcement level"),
        ({"budget-exists": {"enforcementLevel": "loud"}}, "enforcementLevel", "'loud' is not one of"),
    ],
)
def test_enforcement_level_errors(pack: verdicts.LoadedPack, config: dict[str, Any], key: str | None, hint: str) -> None:
    with pytest.raises(verdicts.PolicyConfigError) as error:
        verdicts.validate_config(pack, config)
    assert (error.value.policy, error.value.key) == ("budget-exists", key) and hint in str(error.value)


def test_enforcement_levels_may_be_given_as_enum_members_or_strings(pack: verdicts.LoadedPack) -> None:
    config = {
        "budget-exists": EnforcementLevel.DISABLED,
        "log-retention-cost-ceiling": {"enforcementLevel": EnforcementLevel.ADVISORY, "maxRetentionDays": 30},
        "log-group-retention": {"minRetentionDays": 7},
        "s3-encryption": "remediate",
    }
    resolved = verdicts.resolve_config(pack, config)
    assert resolved["budget-exists"].enforcement_level == EnforcementLevel.DISABLED
    assert resolved["log-retention-cost-ceiling"] == verdicts.ResolvedPolicyConfig(
        EnforcementLevel.ADVISORY, {"maxRetentionDays": 30}
    )
    assert resolved["log-group-retention"].enforcement_level == EnforcementLevel.MANDATORY
    assert resolved["s3-encryption"].enforcement_level == EnforcementLevel.REMEDIATE


def test_load_config_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text("{not json")
    with pytest.raises(verdicts.PolicyConfigError, match="not valid JSON"):
        verdicts.load_config(path)
    path.write_text("[]")
    with pytest.raises(verdicts.PolicyConfigError, match="JSON object"):
        verdicts.load_config(path)
    path.write_text("")
    assert verdicts.load_config(path) == {}
