"""Encoder: one MediaLive channel with its ingest, its role and its ABR ladder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_random as random

from livestream.components import aws, aws_native, iam
from livestream.components.tags import CHANNEL_TAG, SETTINGS_TAG
from livestream.model import ladder as ladders
from livestream.model.ladder import Rendition
from livestream.model.settings import ChannelSettings

ml = aws.medialive
native_ml = aws_native.medialive

AUDIO_SELECTOR = "program"
ARCHIVE_DESTINATION = "archive"
PACKAGER_DESTINATION = "packager"
HLS_GROUP = "packager"  # the output group that pushes to the packager (alarms watch its errors)


@dataclass(frozen=True)
class ArchiveTarget:
    """Where the channel records: the shared bucket and this channel's prefix."""

    bucket_name: pulumi.Input[str]
    bucket_arn: pulumi.Input[str]
    prefix: str
    rollover_seconds: int
    kms_key_arn: Any = None


class Encoder(pulumi.ComponentResource):
    """A MediaLive channel: never auto-started, so it bills only when someone starts it."""

    channel_id: pulumi.Output[str]
    channel_arn: pulumi.Output[str]
    role_arn: pulumi.Output[str]
    ingest_urls: pulumi.Output[list[str]]  # one per pipeline: a STANDARD channel wants both pushed

    def __init__(
        self,
        name: str,
        channel: ChannelSettings,
        *,
        archive: ArchiveTarget,
        region: str,
        account_id: pulumi.Input[str],
        packager_ingest_urls: pulumi.Input[Sequence[str]] | None = None,
        packager_channel_arn: pulumi.Input[str] | None = None,
        settings_digest: str | None = None,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`settings_digest` tags the channel, so a later deployment can tell whether it would change it (live.py)."""
        super().__init__("livestream:index:Encoder", name, None, opts)
        self.settings = channel
        child = pulumi.ResourceOptions(parent=self)
        ingest, secret_arn = self._ingest(name, child)
        pipelines = channel.pipeline_count
        self.ingest_urls = pulumi.Output.secret(ingest.destination_urls.apply(lambda urls: list(urls)[:pipelines]))
        self.srt_passphrase_arn: pulumi.Output[str] | None = secret_arn  # the ops commands read it for go-live
        role = aws.iam.Role(f"{name}-role", assume_role_policy=iam.service_trust("medialive.amazonaws.com"), opts=child)
        aws.iam.RolePolicy(
            f"{name}-role-policy",
            role=role.id,
            policy=_role_policy(archive, region, account_id, secret_arn, packager_channel_arn),
            opts=pulumi.ResourceOptions(parent=role),
        )
        medialive_channel = ml.Channel(
            f"{name}-channel",
            channel_class=channel.pipeline,
            role_arn=role.arn,
            start_channel=False,
            input_specification=ml.ChannelInputSpecificationArgs(
                codec="AVC", input_resolution=channel.input_resolution, maximum_bitrate=channel.input_max_bitrate
            ),
            input_attachments=[
                ml.ChannelInputAttachmentArgs(
                    input_attachment_name=f"{name}-ingest",
                    input_id=ingest.aws_id,
                    input_settings=ml.ChannelInputAttachmentInputSettingsArgs(
                        audio_selectors=[ml.ChannelInputAttachmentInputSettingsAudioSelectorArgs(name=AUDIO_SELECTOR)],
                        source_end_behavior="CONTINUE",
                    ),
                )
            ],
            destinations=_destinations(channel, archive, packager_ingest_urls),
            encoder_settings=encoder_settings(channel, archive.rollover_seconds, with_packager=packager_ingest_urls is not None),
            tags={CHANNEL_TAG: channel.name, SETTINGS_TAG: settings_digest} if settings_digest else None,
            # A new channel class replaces the channel (channel_class is ForceNew in the Terraform provider), and
            # an input attaches to one channel only: the old channel goes first, so the new one can take the input.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role], delete_before_replace=True),
        )
        self.channel_id = medialive_channel.channel_id
        self.channel_arn = medialive_channel.arn
        self.role_arn = role.arn
        self.register_outputs({"channelId": self.channel_id, "channelArn": self.channel_arn, "ingestUrls": self.ingest_urls})

    def _ingest(self, name: str, child: pulumi.ResourceOptions) -> tuple[native_ml.Input, pulumi.Output[str] | None]:
        """The input behind its security group, and the SRT passphrase's secret ARN (None for RTMP)."""
        security_group = ml.InputSecurityGroup(
            f"{name}-ingest-sg",
            whitelist_rules=[ml.InputSecurityGroupWhitelistRuleArgs(cidr=c) for c in self.settings.ingest.allowed_cidrs],
            opts=child,
        )
        # The stream key outlives protocol switches: rtmp -> srt -> rtmp gives the same key back.
        stream_key = self._stream_key(name, child)
        if self.settings.ingest.protocol == "srt":
            return self._srt_input(name, security_group, child)
        return self._rtmp_input(name, security_group, stream_key, child), None

    def _stream_key(self, name: str, child: pulumi.ResourceOptions) -> pulumi.Output[str]:
        """The RTMP stream key: the one supplied in config (a secret), else one generated once and kept in the stack."""
        supplied = self.settings.ingest.stream_key
        if supplied is not None:
            return pulumi.Output.secret(supplied)
        return random.RandomPassword(f"{name}-stream-key", length=24, special=False, opts=child).result

    def _rtmp_input(
        self, name: str, security_group: ml.InputSecurityGroup, key: pulumi.Input[str], child: pulumi.ResourceOptions
    ) -> native_ml.Input:
        """RTMP push, always a standard-class input (two destinations), whatever the channel class.

        A single-pipeline channel accepts a standard-class input and uses its first pipeline, so a later
        upgrade to STANDARD keeps the input, its addresses and its key
        (https://docs.aws.amazon.com/medialive/latest/ug/single-channel-upgrade.html).
        """
        return native_ml.Input(
            f"{name}-rtmp",
            type=native_ml.InputType.RTMP_PUSH,
            input_security_groups=[security_group.id],
            destinations=[
                native_ml.InputDestinationArgs(stream_name=pulumi.Output.concat(self.settings.name, "/", key, "-", suffix))
                for suffix in ("primary", "backup")
            ],
            opts=child,
        )

    def _srt_input(
        self, name: str, security_group: ml.InputSecurityGroup, child: pulumi.ResourceOptions
    ) -> tuple[native_ml.Input, pulumi.Output[str]]:
        """SRT listener, AES-256 encrypted; the passphrase lives only in Secrets Manager."""
        passphrase = random.RandomPassword(f"{name}-srt-passphrase", length=32, special=False, opts=child)
        secret = aws.secretsmanager.Secret(f"{name}-srt-passphrase", description="SRT passphrase for ingest", opts=child)
        aws.secretsmanager.SecretVersion(
            f"{name}-srt-passphrase-version",
            secret_id=secret.id,
            secret_string=passphrase.result,
            opts=pulumi.ResourceOptions(parent=secret),
        )
        ingest = native_ml.Input(
            f"{name}-srt",
            type=native_ml.InputType.SRT_LISTENER,
            input_security_groups=[security_group.id],
            srt_settings=native_ml.InputSrtSettingsArgs(
                srt_listener_settings=native_ml.InputSrtListenerSettingsArgs(
                    decryption=native_ml.InputSrtListenerDecryptionArgs(
                        algorithm=native_ml.InputAlgorithm.AES256, passphrase_secret_arn=secret.arn
                    ),
                    minimum_latency=2000,
                )
            ),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[secret]),
        )
        return ingest, secret.arn


def _role_policy(
    archive: ArchiveTarget,
    region: str,
    account_id: pulumi.Input[str],
    secret_arn: pulumi.Input[str] | None,
    packager_channel_arn: pulumi.Input[str] | None,
) -> pulumi.Output[str]:
    """Least privilege: this channel's archive prefix, its own log streams, its own secret and packager."""
    log_group = pulumi.Output.concat("arn:aws:logs:", region, ":", account_id, ":log-group:ElementalMediaLive:*")
    statements = [
        iam.statement(["s3:PutObject"], [pulumi.Output.concat(archive.bucket_arn, "/", archive.prefix, "*")], sid="WriteArchive"),
        iam.statement(["s3:ListBucket"], [archive.bucket_arn], condition={"StringLike": {"s3:prefix": [f"{archive.prefix}*"]}}),
        iam.statement(
            ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"], [log_group]
        ),
    ]
    if archive.kms_key_arn:
        # SSE-KMS: uploading needs kms:GenerateDataKey, and a multipart upload (how MediaLive writes
        # recordings) also kms:Decrypt to assemble the parts. S3 user guide, "Multipart upload API and
        # permissions": https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html#mpuAndPermissions
        statements.append(iam.statement(["kms:GenerateDataKey", "kms:Decrypt"], [archive.kms_key_arn], sid="EncryptArchive"))
    if secret_arn is not None:
        statements.append(iam.statement(["secretsmanager:GetSecretValue"], [secret_arn], sid="ReadSrtPassphrase"))
    if packager_channel_arn is not None:
        statements.append(iam.statement(["mediapackagev2:PutObject"], [packager_channel_arn], sid="FeedPackager"))
    return iam.document(*statements)


def _destinations(
    channel: ChannelSettings, archive: ArchiveTarget, packager_ingest_urls: pulumi.Input[Sequence[str]] | None
) -> list[ml.ChannelDestinationArgs]:
    pipelines = range(channel.pipeline_count)
    archive_urls = [
        pulumi.Output.concat("s3ssl://", archive.bucket_name, "/", archive.prefix, label, "/", channel.name)
        for label in archive_copy_labels(channel)
    ]
    destinations = [
        ml.ChannelDestinationArgs(
            id=ARCHIVE_DESTINATION, settings=[ml.ChannelDestinationSettingArgs(url=url) for url in archive_urls]
        )
    ]
    if packager_ingest_urls is not None:
        urls = pulumi.Output.from_input(packager_ingest_urls)
        destinations.append(
            ml.ChannelDestinationArgs(
                id=PACKAGER_DESTINATION,
                settings=[ml.ChannelDestinationSettingArgs(url=urls.apply(_pick(p))) for p in pipelines],
            )
        )
    return destinations


def archive_copy_labels(channel: ChannelSettings) -> tuple[str, ...]:
    """One folder per destination URL, named so that it claims no pipeline.

    `destinations.settings` is a set in the provider (pulumi-aws / terraform-provider-aws), so the
    order MediaLive receives the URLs in, and so which pipeline writes which URL, is not guaranteed;
    MediaLive has no variable data identifier for the pipeline
    (https://docs.aws.amazon.com/medialive/latest/ug/variable-data-identifiers.html) and two
    identical destinations fail on start. A STANDARD channel therefore records two copies, `copy1`
    and `copy2`, each written by one of its pipelines.
    """
    return tuple(f"copy{n}" for n in range(1, channel.pipeline_count + 1))


def _pick(index: int) -> Callable[[Sequence[str]], str]:
    return lambda urls: urls[index]


# --- encoder settings: pure functions of the channel's settings ------------------------------


def video_name(rendition: Rendition) -> str:
    return f"video_{rendition.name}"


def audio_name(output: str) -> str:
    return f"audio_{output}"


def video_description(rendition: Rendition, channel: ChannelSettings) -> ml.ChannelEncoderSettingsVideoDescriptionArgs:
    """H.264 with a fixed, closed GOP in seconds, so every segment boundary is a keyframe."""
    return ml.ChannelEncoderSettingsVideoDescriptionArgs(
        name=video_name(rendition),
        width=rendition.width,
        height=rendition.height,
        respond_to_afd="NONE",
        scaling_behavior="DEFAULT",
        sharpness=50,
        codec_settings=ml.ChannelEncoderSettingsVideoDescriptionCodecSettingsArgs(
            h264_settings=ml.ChannelEncoderSettingsVideoDescriptionCodecSettingsH264SettingsArgs(
                rate_control_mode="CBR",
                bitrate=rendition.video_bitrate_bps,
                buf_size=rendition.video_bitrate_bps * 2,
                framerate_control="SPECIFIED",
                framerate_numerator=channel.framerate,
                framerate_denominator=1,
                gop_size=float(channel.gop_seconds),
                gop_size_units="SECONDS",
                gop_closed_cadence=1,
                gop_num_b_frames=2,
                scene_change_detect="DISABLED",
                profile="HIGH" if rendition.height >= 480 else "MAIN",
                level=ladders.h264_level(rendition, channel.framerate),
                par_control="SPECIFIED",
                par_numerator=1,
                par_denominator=1,
                adaptive_quantization="AUTO",
                look_ahead_rate_control="MEDIUM",
                entropy_encoding="CABAC",
                scan_type="PROGRESSIVE",
                timecode_insertion="DISABLED",
            )
        ),
    )


def audio_description(name: str) -> ml.ChannelEncoderSettingsAudioDescriptionArgs:
    return ml.ChannelEncoderSettingsAudioDescriptionArgs(
        name=name,
        audio_selector_name=AUDIO_SELECTOR,
        audio_type_control="FOLLOW_INPUT",
        language_code_control="FOLLOW_INPUT",
        codec_settings=ml.ChannelEncoderSettingsAudioDescriptionCodecSettingsArgs(
            aac_settings=ml.ChannelEncoderSettingsAudioDescriptionCodecSettingsAacSettingsArgs(
                bitrate=float(ladders.AUDIO_BITRATE_BPS),
                coding_mode="CODING_MODE_2_0",
                input_type="NORMAL",
                profile="LC",
                rate_control_mode="CBR",
                raw_format="NONE",
                sample_rate=float(ladders.AUDIO_SAMPLE_RATE),
                spec="MPEG4",
            )
        ),
    )


def archive_output_group(channel: ChannelSettings, rollover_seconds: int) -> ml.ChannelEncoderSettingsOutputGroupArgs:
    """The top rendition recorded as MPEG-TS files that roll over every `rollover_seconds`."""
    top = ladders.top(channel.ladder)
    return ml.ChannelEncoderSettingsOutputGroupArgs(
        name="archive",
        output_group_settings=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsArgs(
            archive_group_settings=[
                ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsArchiveGroupSettingArgs(
                    destination=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsArchiveGroupSettingDestinationArgs(
                        destination_ref_id=ARCHIVE_DESTINATION
                    ),
                    rollover_interval=rollover_seconds,
                )
            ]
        ),
        outputs=[
            ml.ChannelEncoderSettingsOutputGroupOutputArgs(
                output_name="archive",
                video_description_name=video_name(top),
                audio_description_names=[audio_name("archive")],
                output_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsArgs(
                    archive_output_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsArchiveOutputSettingsArgs(
                        extension="ts",
                        name_modifier=f"_{top.name}",
                        container_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsArchiveOutputSettingsContainerSettingsArgs(
                            m2ts_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsArchiveOutputSettingsContainerSettingsM2tsSettingsArgs(
                                audio_buffer_model="ATSC", buffer_model="MULTIPLEX", rate_mode="CBR"
                            )
                        ),
                    )
                ),
            )
        ],
    )


def input_loss_action(channel: ChannelSettings) -> str:
    """What the HLS group sends to MediaPackage while its pipeline has no input.

    MediaLive user guide, HLS "Fields for resiliency" (sending to MediaPackage):
    https://docs.aws.amazon.com/medialive/latest/ug/hls-resiliency.html - a standard channel uses
    PAUSE_OUTPUT, so MediaPackage sees the lost pipeline stop and switches to its other ingest
    (with EMIT_OUTPUT the filler frames count as content and it never fails over); a single
    pipeline uses EMIT_OUTPUT, so viewers keep a playlist that moves (slate) instead of a frozen one.
    """
    return "PAUSE_OUTPUT" if channel.pipeline_count == 2 else "EMIT_OUTPUT"


def hls_output_group(channel: ChannelSettings) -> ml.ChannelEncoderSettingsOutputGroupArgs:
    """Every rendition as HLS, pushed to the packager's ingest endpoints (one per pipeline)."""
    return ml.ChannelEncoderSettingsOutputGroupArgs(
        name=HLS_GROUP,
        output_group_settings=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsArgs(
            hls_group_settings=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsHlsGroupSettingsArgs(
                destination=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsHlsGroupSettingsDestinationArgs(
                    destination_ref_id=PACKAGER_DESTINATION
                ),
                segment_length=channel.segment_seconds,
                mode="LIVE",
                hls_cdn_settings=[
                    ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsHlsGroupSettingsHlsCdnSettingArgs(
                        hls_basic_put_settings=ml.ChannelEncoderSettingsOutputGroupOutputGroupSettingsHlsGroupSettingsHlsCdnSettingHlsBasicPutSettingsArgs(
                            connection_retry_interval=1, filecache_duration=300, num_retries=10, restart_delay=15
                        )
                    )
                ],
                input_loss_action=input_loss_action(channel),
                manifest_duration_format="INTEGER",
                program_date_time="INCLUDE",
                program_date_time_period=channel.segment_seconds,
                ts_file_mode="SEGMENTED_FILES",
                stream_inf_resolution="INCLUDE",
                output_selection="MANIFESTS_AND_SEGMENTS",
            )
        ),
        outputs=[
            ml.ChannelEncoderSettingsOutputGroupOutputArgs(
                output_name=f"hls_{rendition.name}",
                video_description_name=video_name(rendition),
                audio_description_names=[audio_name(rendition.name)],
                output_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsArgs(
                    hls_output_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsHlsOutputSettingsArgs(
                        name_modifier=f"_{rendition.name}",
                        hls_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsHlsOutputSettingsHlsSettingsArgs(
                            standard_hls_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsHlsOutputSettingsHlsSettingsStandardHlsSettingsArgs(
                                m3u8_settings=ml.ChannelEncoderSettingsOutputGroupOutputOutputSettingsHlsOutputSettingsHlsSettingsStandardHlsSettingsM3u8SettingsArgs(
                                    audio_frames_per_pes=4, pcr_control="PCR_EVERY_PES_PACKET", scte35_behavior="NO_PASSTHROUGH"
                                )
                            )
                        ),
                    )
                ),
            )
            for rendition in channel.ladder
        ],
    )


def encoder_settings(channel: ChannelSettings, rollover_seconds: int, *, with_packager: bool) -> ml.ChannelEncoderSettingsArgs:
    audio_outputs = ["archive"] + ([r.name for r in channel.ladder] if with_packager else [])
    output_groups = [archive_output_group(channel, rollover_seconds)]
    if with_packager:
        output_groups.append(hls_output_group(channel))
    return ml.ChannelEncoderSettingsArgs(
        timecode_config=ml.ChannelEncoderSettingsTimecodeConfigArgs(source="SYSTEMCLOCK"),
        video_descriptions=[video_description(r, channel) for r in channel.ladder],
        audio_descriptions=[audio_description(audio_name(o)) for o in audio_outputs],
        output_groups=output_groups,
    )
