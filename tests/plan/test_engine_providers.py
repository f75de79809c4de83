"""The offline engine checks provider configuration the way `pulumi up` does (issue 12, point 1).

pulumi-aws reads `aws:region`, pulumi-aws-native `aws-native:region`; both fall back to
AWS_REGION / AWS_DEFAULT_REGION and refuse to configure without a region ("missing required
configuration key"). A program whose aws and aws-native providers would target different
regions creates its resources in two regions: refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from livestream.plan import engine as offline
from tests.conftest import ROOT, stack_config

PROGRAM = """
import pulumi, pulumi_aws as aws, pulumi_aws_native as native
aws.s3.Bucket("b")
native.mediapackagev2.ChannelGroup("g", channel_group_name="g")
"""


@pytest.fixture
def no_region_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def raw_project(tmp_path: Path) -> Path:
    (tmp_path / "Pulumi.yaml").write_text("name: raw\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    return tmp_path


def test_a_native_resource_on_a_default_provider_without_region_is_refused(tmp_path, no_region_env) -> None:
    with pytest.raises(offline.ProgramError, match="aws-native:region"):
        offline.run(raw_project(tmp_path), "dev", config={"aws:region": "ap-northeast-2"})


def test_an_aws_resource_without_region_is_refused(tmp_path, no_region_env) -> None:
    with pytest.raises(offline.ProgramError, match="aws:region"):
        offline.run(raw_project(tmp_path), "dev", config={"aws-native:region": "ap-northeast-2"})


def test_the_environment_region_configures_both(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AWS_REGION", "ap-northeast-2")
    plan = offline.run(raw_project(tmp_path), "dev", config={})
    assert {r.type for r in plan.resources} >= {"aws:s3/bucket:Bucket", "aws-native:mediapackagev2:ChannelGroup"}


def test_providers_in_two_regions_are_refused(tmp_path, no_region_env) -> None:
    with pytest.raises(offline.ProgramError, match="regions"):
        offline.run(raw_project(tmp_path), "dev", config={"aws:region": "ap-northeast-2", "aws-native:region": "us-west-2"})


def test_a_stray_environment_region_cannot_move_the_platform(monkeypatch) -> None:
    """Only aws:region set, AWS_REGION pointing elsewhere: every native resource still goes to aws:region."""
    monkeypatch.setenv("AWS_REGION", "us-west-2")
    plan = offline.run(ROOT, "dev", config=stack_config("dev"))
    (provider,) = plan.of_type("pulumi:providers:aws-native")
    assert provider.inputs["region"] == "ap-northeast-2"
    native = [r for r in plan.resources if r.type.startswith("aws-native:")]
    assert native and all(r.provider and r.provider.startswith(provider.urn) for r in native)


def test_a_provider_the_caller_passes_is_honoured(tmp_path, no_region_env) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: consumer\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  aws:region: ap-northeast-2\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi, pulumi_aws_native as native\n"
        "from livestream import LiveStreamPlatform\n"
        "mine = native.Provider('mine', region='ap-northeast-2')\n"
        "ingest = {'protocol': 'rtmp', 'allowed_cidrs': ['203.0.113.0/24']}\n"
        "LiveStreamPlatform('live', {'channels': {'main': {'ingest': ingest}}},\n"
        "                   opts=pulumi.ResourceOptions(providers={'aws-native': mine}))\n"
    )
    plan = offline.run(tmp_path, "dev")
    (provider,) = plan.of_type("pulumi:providers:aws-native")
    assert provider.name == "mine"
    assert all(r.provider.startswith(provider.urn) for r in plan.resources if r.type.startswith("aws-native:"))
