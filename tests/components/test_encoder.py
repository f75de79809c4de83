"""Encoder: what the real program asks MediaLive for, per stack."""

from __future__ import annotations

import json
from typing import Any

import pytest

from livestream.model import ladder
from livestream.plan import engine as offline
from livestream.plan.engine import SECRET, Plan
from tests import botocore_shapes
from tests.conftest import ROOT, archive_bucket, run_stack, stack_config

CHANNEL = "aws:medialive/channel:Channel"
INPUT = "aws-native:medialive:Input"
SECURITY_GROUP = "aws:medialive/inputSecurityGroup:InputSecurityGroup"


def channel_inputs(plan: Plan) -> dict[str, Any]:
    return plan.one(CHANNEL).inputs


def video(plan: Plan) -> list[dict[str, Any]]:
    return channel_inputs(plan)["encoderSettings"]["videoDescriptions"]


def test_channel_class_per_stack(dev_plan: Plan, prod_plan: Plan) -> None:
    assert channel_inputs(dev_plan)["channelClass"] == "SINGLE_PIPELINE"
    assert channel_inputs(prod_plan)["channelClass"] == "STANDARD"


def test_channel_is_never_auto_started(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan in (dev_plan, prod_plan):
        assert channel_inputs(plan)["startChannel"] is False


def test_ladder_renditions_and_bitrates_follow_the_preset(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan, preset in ((dev_plan, "sd"), (prod_plan, "hd")):
        sent = [(v["width"], v["height"], v["codecSettings"]["h264Settings"]["bitrate"]) for v in video(plan)]
        assert sent == [(r.width, r.height, r.video_bitrate_bps) for r in ladder.PRESETS[preset]]
    assert [v["height"] for v in video(dev_plan)] == [480, 360, 240]
    assert [v["height"] for v in video(prod_plan)] == [720, 540, 360, 240]


def test_gop_is_fixed_in_seconds_and_divides_the_segment(dev_plan: Plan) -> None:
    segment = stack_config("dev")["livestream:channels"]["main"]["segmentSeconds"]
    for description in video(dev_plan):
        h264 = description["codecSettings"]["h264Settings"]
        assert h264["gopSizeUnits"] == "SECONDS"
        assert segment % h264["gopSize"] == 0
        assert h264["sceneChangeDetect"] == "DISABLED"  # no extra keyframes breaking the cadence


def test_gop_follows_a_changed_segment_length() -> None:
    channels = stack_config("dev")["livestream:channels"]
    channels["main"]["segmentSeconds"] = 3
    plan = run_stack("dev", channels=channels)
    assert {v["codecSettings"]["h264Settings"]["gopSize"] for v in video(plan)} == {1}


def test_input_specification_derived_from_the_ladder(dev_plan: Plan, prod_plan: Plan) -> None:
    assert channel_inputs(dev_plan)["inputSpecification"] == {
        "codec": "AVC",
        "inputResolution": "SD",
        "maximumBitrate": "MAX_10_MBPS",
    }
    assert channel_inputs(prod_plan)["inputSpecification"]["inputResolution"] == "HD"


def test_inputs_are_standard_class_and_outputs_follow_the_pipelines(dev_plan: Plan, prod_plan: Plan) -> None:
    # Two destinations (a standard-class input) on both: a single-pipeline channel uses the first, and an
    # upgrade to STANDARD keeps the input, its addresses and its key.
    assert len(dev_plan.one(INPUT).inputs["destinations"]) == 2
    assert len(prod_plan.one(INPUT).inputs["destinations"]) == 2
    for plan, pipelines in ((dev_plan, 1), (prod_plan, 2)):
        archive = next(d for d in channel_inputs(plan)["destinations"] if d["id"] == "archive")
        assert len(archive["settings"]) == pipelines


def test_stream_key_is_secret_and_stable(dev_plan: Plan) -> None:
    ingest = dev_plan.one(INPUT).inputs
    assert ingest["type"] == "RTMP_PUSH"
    assert all(d["streamName"] == SECRET for d in ingest["destinations"])  # carries the generated key, never shown
    key = dev_plan.one("random:index/randomPassword:RandomPassword")
    assert key.inputs["length"] >= 24 and key.inputs["special"] is False
    assert dev_plan.exports["ingestUrls"] == SECRET


def test_security_group_cidrs_come_from_config(prod_plan: Plan) -> None:
    cidrs = [rule["cidr"] for rule in prod_plan.one(SECURITY_GROUP).inputs["whitelistRules"]]
    assert cidrs == stack_config("prod")["livestream:channels"]["main"]["ingest"]["allowedCidrs"]
    assert prod_plan.one(INPUT).inputs["inputSecurityGroups"] == [prod_plan.one(SECURITY_GROUP).outputs["id"]]


def test_srt_listener_is_encrypted_with_a_generated_passphrase() -> None:
    channels = {"main": {"ingest": {"protocol": "srt", "allowedCidrs": ["203.0.113.0/24"]}}}
    plan = run_stack("dev", channels=channels)
    ingest = plan.one(INPUT).inputs
    assert ingest["type"] == "SRT_LISTENER"
    secret = plan.one("aws:secretsmanager/secret:Secret")
    decryption = ingest["srtSettings"]["srtListenerSettings"]["decryption"]
    assert decryption == {"algorithm": "AES256", "passphraseSecretArn": secret.outputs["arn"]}
    assert plan.one("aws:secretsmanager/secretVersion:SecretVersion").inputs["secretString"] == SECRET
    passphrase = plan.one("random:index/randomPassword:RandomPassword", "live-dev-main-srt-passphrase").inputs
    assert 10 <= passphrase["length"] <= 79  # MediaLive's SRT passphrase bounds
    policy = json.loads(plan.one("aws:iam/rolePolicy:RolePolicy", "live-dev-main-role-policy").inputs["policy"])
    reads = [s for s in policy["Statement"] if "secretsmanager:GetSecretValue" in s["Action"]]
    assert reads and reads[0]["Resource"] == [secret.outputs["arn"]]


def test_role_is_trusted_by_medialive_only(dev_plan: Plan) -> None:
    trust = json.loads(dev_plan.one("aws:iam/role:Role", "live-dev-main-role").inputs["assumeRolePolicy"])
    principals = [s["Principal"] for s in trust["Statement"]]
    assert principals == [{"Service": "medialive.amazonaws.com"}]


def test_role_policy_is_scoped_to_the_channel_archive_prefix(dev_plan: Plan) -> None:
    policy = json.loads(dev_plan.one("aws:iam/rolePolicy:RolePolicy", "live-dev-main-role-policy").inputs["policy"])
    bucket_arn = archive_bucket(dev_plan).outputs["arn"]
    for statement in policy["Statement"]:
        assert "*" not in statement["Action"] and not any(a.endswith(":*") for a in statement["Action"])
        assert "*" not in statement["Resource"]
    writes = next(s for s in policy["Statement"] if "s3:PutObject" in s["Action"])
    assert writes["Resource"] == [f"{bucket_arn}/main/*"]


def test_archive_output_group_writes_to_the_channel_prefix(dev_plan: Plan) -> None:
    inputs = channel_inputs(dev_plan)
    bucket = archive_bucket(dev_plan).outputs["bucket"]
    archive = next(d for d in inputs["destinations"] if d["id"] == "archive")
    assert all(s["url"].startswith(f"s3ssl://{bucket}/main/") for s in archive["settings"])
    group = next(g for g in inputs["encoderSettings"]["outputGroups"] if "archiveGroupSettings" in g["outputGroupSettings"])
    settings = group["outputGroupSettings"]["archiveGroupSettings"][0]
    assert settings["destination"]["destinationRefId"] == "archive"
    assert settings["rolloverInterval"] == 300


def test_every_output_references_existing_descriptions(prod_plan: Plan) -> None:
    encoder = channel_inputs(prod_plan)["encoderSettings"]
    videos = {v["name"] for v in encoder["videoDescriptions"]}
    audios = {a["name"] for a in encoder["audioDescriptions"]}
    for group in encoder["outputGroups"]:
        for output in group["outputs"]:
            assert output["videoDescriptionName"] in videos
            assert set(output["audioDescriptionNames"]) <= audios


def test_medialive_enums_are_valid_for_botocore(dev_plan: Plan, prod_plan: Plan) -> None:
    for plan in (dev_plan, prod_plan):
        report = botocore_shapes.check("medialive", "CreateChannel", channel_inputs(plan))
        assert report.invalid == []
        checked = {path.rsplit(".", 1)[-1] for path in report.checked}
        assert {"channelClass", "gopSizeUnits", "codingMode", "profile", "rateControlMode", "codec"} <= checked


def test_enum_checker_catches_a_bad_value(dev_plan: Plan) -> None:
    inputs = json.loads(json.dumps(channel_inputs(dev_plan)))
    inputs["encoderSettings"]["videoDescriptions"][0]["codecSettings"]["h264Settings"]["gopSizeUnits"] = "MINUTES"
    assert botocore_shapes.check("medialive", "CreateChannel", inputs).invalid


@pytest.mark.fresh_plans
def test_stream_key_stays_secret_on_every_run() -> None:
    """The SDK registers resources from several threads; the key must be secret whichever finishes first."""
    for stack in ("dev", "prod") * 4:
        destinations = offline.run(ROOT, stack).one(INPUT).inputs["destinations"]
        assert all(d["streamName"] == SECRET for d in destinations), stack


def test_sse_kms_archive_lets_the_encoder_encrypt_and_finish_multipart_uploads() -> None:
    """MediaLive writes recordings with multipart uploads: SSE-KMS needs GenerateDataKey and Decrypt on the key."""
    key = "arn:aws:kms:ap-northeast-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    archive = {**stack_config("dev")["livestream:archive"], "kmsKeyArn": key}
    plan = run_stack("dev", archive=archive)
    policy = json.loads(plan.one("aws:iam/rolePolicy:RolePolicy", "live-dev-main-role-policy").inputs["policy"])
    on_key = {a for s in policy["Statement"] if s["Resource"] == [key] for a in s["Action"]}
    assert {"kms:GenerateDataKey", "kms:Decrypt"} <= on_key


def hls_group_settings(plan: Plan) -> dict[str, Any]:
    groups = channel_inputs(plan)["encoderSettings"]["outputGroups"]
    return next(g["outputGroupSettings"]["hlsGroupSettings"] for g in groups if "hlsGroupSettings" in g["outputGroupSettings"])


def test_standard_channel_pauses_output_on_input_loss_so_mediapackage_fails_over(dev_plan: Plan, prod_plan: Plan) -> None:
    """MediaLive UG, HLS resiliency: PAUSE_OUTPUT on a STANDARD channel, EMIT_OUTPUT on a single pipeline."""
    assert hls_group_settings(prod_plan)["inputLossAction"] == "PAUSE_OUTPUT"
    assert hls_group_settings(dev_plan)["inputLossAction"] == "EMIT_OUTPUT"


def test_archive_destinations_do_not_claim_a_pipeline(prod_plan: Plan) -> None:
    """destinations.settings is a set in the provider: which URL a pipeline gets is not guaranteed."""
    archive = next(d for d in channel_inputs(prod_plan)["destinations"] if d["id"] == "archive")
    urls = [s["url"] for s in archive["settings"]]
    assert len(set(urls)) == 2  # identical destinations fail on start (MediaLive UG, variable data identifiers)
    assert not any("pipeline" in url for url in urls)
