"""The platform's identity: a stable name, plain-string settings, a stream key that survives changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from livestream.model.settings import ConfigError
from livestream.plan import engine as offline
from livestream.plan.engine import SECRET
from tests.conftest import ROOT, run_stack, stack_config

PLATFORM = "livestream:index:LiveStreamPlatform"
PASSWORD = "random:index/randomPassword:RandomPassword"
INPUT = "aws-native:medialive:Input"


def tag_values(plan: offline.Plan, key: str) -> set[str]:
    return {r.inputs["tags"][key] for r in plan.resources if isinstance(r.inputs.get("tags"), dict) and key in r.inputs["tags"]}


def test_plain_string_environment_only_tags() -> None:
    # Pulumi hands `livestream:environment: staging` to the program as the bare word, not JSON.
    plan = run_stack("prod", environment="staging")
    assert plan.one(PLATFORM).name == "live-prod"  # prod pins livestream:name, so nothing is renamed
    assert tag_values(plan, "livestream:environment") == {"staging"}
    assert tag_values(plan, "livestream:platform") == {"live-prod"}


def test_plain_string_settings_are_read_as_written() -> None:
    plan = run_stack("dev", name="studio-dev", whileLive="allow", environment="2024")
    assert plan.one(PLATFORM).name == "studio-dev"
    assert tag_values(plan, "livestream:environment") == {"2024"}  # a string setting stays a string


def test_unset_name_is_the_name_earlier_releases_derived() -> None:
    # dev sets no name: live-<stack>, exactly what the program always used, so no resource moves.
    assert run_stack("dev").one(PLATFORM).name == "live-dev"
    config = stack_config("dev")
    config["livestream:environment"] = "qa"
    assert offline.run(ROOT, "dev", config=config).one(PLATFORM).name == "live-qa"  # as before: pin a name to stop this


def test_a_set_name_is_independent_of_the_environment() -> None:
    first = run_stack("dev", name="live-dev", environment="dev")
    second = run_stack("dev", name="live-dev", environment="demo")
    assert sorted((r.type, r.name) for r in first.resources) == sorted((r.type, r.name) for r in second.resources)


@pytest.mark.parametrize("name", ["Live", "1live", "live_dev", "x" * 41, "live-"])
def test_bad_platform_names_are_refused_before_any_resource(name: str) -> None:
    with pytest.raises(offline.ProgramError) as raised:
        run_stack("dev", name=name)
    assert isinstance(raised.value.error, ConfigError)
    assert raised.value.error.key == "livestream:name"
    assert not [r for r in raised.value.plan.resources if r.custom]


def test_bad_while_live_is_refused() -> None:
    with pytest.raises(offline.ProgramError) as raised:
        run_stack("dev", whileLive="sometimes")
    assert isinstance(raised.value.error, ConfigError) and raised.value.error.key == "livestream:whileLive"


def test_stream_key_from_config_is_a_secret_and_replaces_the_generated_one() -> None:
    channels = stack_config("dev")["livestream:channels"]
    channels["main"]["ingest"]["streamKey"] = "kept-across-rebuilds-0001"
    plan = run_stack("dev", channels=channels)
    assert not plan.of_type(PASSWORD)  # nothing generated
    assert all(d["streamName"] == SECRET for d in plan.one(INPUT).inputs["destinations"])
    assert "kept-across-rebuilds-0001" not in repr([r.inputs for r in plan.resources])


def test_a_bad_stream_key_is_refused_without_echoing_it() -> None:
    channels = stack_config("dev")["livestream:channels"]
    channels["main"]["ingest"]["streamKey"] = "has/slash-in-it"
    with pytest.raises(offline.ProgramError) as raised:
        run_stack("dev", channels=channels)
    error = raised.value.error
    assert isinstance(error, ConfigError) and error.key == "livestream:channels.main.ingest.streamKey"
    assert "has/slash" not in str(error)


def test_the_generated_stream_key_outlives_a_protocol_switch() -> None:
    channels = stack_config("dev")["livestream:channels"]
    channels["main"]["ingest"]["protocol"] = "srt"
    srt = run_stack("dev", channels=channels)
    assert [r.name for r in srt.of_type(PASSWORD) if r.name.endswith("-stream-key")] == ["live-dev-main-stream-key"]
    assert srt.one(PASSWORD, "live-dev-main-stream-key").inputs == run_stack("dev").one(PASSWORD).inputs


def test_ingest_urls_list_one_url_per_pipeline_of_the_standard_class_input(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: pipelines\nruntime: python\n")
    (tmp_path / "Pulumi.test.yaml").write_text("config:\n  aws:region: us-east-1\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\n"
        "from livestream.components.platform import LiveStreamPlatform\n"
        "ingest = {'protocol': 'rtmp', 'allowed_cidrs': ['203.0.113.0/24']}\n"
        "platform = LiveStreamPlatform('p', {'channels': {'one': {'ingest': ingest}, "
        "'two': {'ingest': ingest, 'pipeline': 'STANDARD'}}})\n"
        "pulumi.export('urls', pulumi.Output.unsecret(platform.ingest_urls))\n"
    )
    plan = offline.run(tmp_path, "test")
    urls = plan.exports["urls"]
    assert [len(urls["one"]), len(urls["two"])] == [1, 2]
    assert all(len(r.inputs["destinations"]) == 2 for r in plan.of_type(INPUT))
    assert urls["two"][0] != urls["two"][1]
