"""LiveStreamPlatform: wires the subcomponents together by passing outputs between them.

No `from __future__ import annotations` here: Pulumi's schema analyzer reads the args and
output annotations at run time to publish the component to other languages.
"""

import json
import os
from collections.abc import Mapping
from typing import Any

import pulumi

from livestream.components import aws, aws_native, live, protection, tags
from livestream.components.alarms import CDN_REGION, Alarms, ChannelTarget
from livestream.components.archive import Archive
from livestream.components.args import LiveStreamPlatformArgs
from livestream.components.cdn import Cdn, PackagerOrigin, S3Origin
from livestream.components.encoder import HLS_GROUP, ArchiveTarget, Encoder
from livestream.components.packager import LL_HLS, Packager
from livestream.components.recordings import PREFIX as RECORDINGS_PREFIX
from livestream.components.recordings import Publication, RecordedChannel, Recordings
from livestream.components.scheduler import Scheduler
from livestream.components.site import PlayerSite
from livestream.model import settings as config
from livestream.model import ttl
from livestream.model.settings import Settings

TYPE = "livestream:index:LiveStreamPlatform"
SETTINGS = "settings"  # the input property holding the platform's validated settings as JSON (`settings.as_args`)
UNCHECKED = "unchecked"  # the input property listing settings whose values the plan could not know (secrets offline)


def settings_from_args(args: Mapping[str, Any], *, prefix: str = "") -> Settings:
    """Validated settings from component args; region and environment default to the stack's.

    `prefix` is how error keys are spelt: "" for args, "livestream:" for stack config.
    """
    raw = dict(args)
    region = raw.pop("region", None) or pulumi.Config("aws").get("region") or os.environ.get("AWS_REGION") or "us-east-1"
    return config.load(raw, environment=pulumi.get_stack(), region=region, prefix=prefix)


def args_from_stack_config(namespace: str = "livestream") -> dict[str, Any]:
    """The platform's args from stack config, keys spelt as the stack file spells them (camelCase).

    Pulumi hands every config value over as a string: objects and lists as JSON, a plain
    `environment: staging` as the bare word. String settings are taken as written; the others are
    JSON-decoded, and a value that is not JSON stays a string for the settings model to judge.

    Every `<namespace>:*` key, not only the known ones: the settings model then refuses a misspelt key
    ("did you mean livestream:archive?") instead of the program silently leaving it out.
    """
    from pulumi.runtime import config as runtime  # the SDK keeps the stack's keys here; Config reads single keys

    prefix = f"{namespace}:"
    keys = sorted({key[len(prefix) :] for key in (*runtime.CONFIG.get(), *runtime.get_config_env()) if key.startswith(prefix)})
    stack_config = pulumi.Config(namespace)
    args: dict[str, Any] = {}
    for key in keys:
        raw = stack_config.get(key)
        if raw is None:
            continue
        args[key] = raw if config.snake(key) in config.STRING_SECTIONS else _decoded(raw)
    return args


def _decoded(raw: str) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def stack_platform_name(args: Mapping[str, Any]) -> str:
    """The stack's platform name: `name` when set, else what earlier releases derived (live-<environment or stack>)."""
    name = args.get("name")
    environment = args.get("environment")
    return config.platform_name(
        name if isinstance(name, str) else None,
        environment=environment if isinstance(environment, str) else None,
        stack=pulumi.get_stack(),
    )


def _own_options(platform: str, settings: Settings) -> pulumi.ResourceOptions:
    """Every taggable resource carries the cost-allocation tags (tags.py); with `protect`, the
    identity-bearing ones refuse deletion and replacement (protection.py)."""
    transformations = [tags.transformation(tags.platform_tags(platform, settings.environment, settings.tags))]
    if settings.protect:
        transformations.append(protection.transformation())
    return pulumi.ResourceOptions(transformations=transformations)


class LiveStreamPlatform(pulumi.ComponentResource):
    """A complete live-streaming platform: many channels sharing one archive, CDN, topic and scheduler."""

    archive_bucket_name: pulumi.Output[str]
    """S3 bucket every channel records into, under `<channel>/`."""
    channel_ids: pulumi.Output[dict[str, str]]
    """MediaLive channel id per channel name (for the control function and the console)."""
    ingest_urls: pulumi.Output[dict[str, list[str]]]
    """Secret: per channel, the rtmp:// (with stream key) or srt:// URLs to push to, one per pipeline.

    A STANDARD channel lists two: push the same stream to both, or its second pipeline has no input."""
    playback_urls: pulumi.Output[dict[str, dict[str, str]]]
    """Per channel, the HTTPS playback URLs on the CDN: `hls`, `dash` and `llHls` when enabled."""
    player_url: pulumi.Output[str]
    """The viewers' page: https://<custom domain or distribution domain>/ (channels, live state, past broadcasts)."""
    distribution_domain: pulumi.Output[str]
    """CloudFront domain name (point a custom domain's CNAME here)."""
    distribution_id: pulumi.Output[str]
    """CloudFront distribution id (for invalidations and metrics)."""
    control_function_name: pulumi.Output[str]
    """Lambda that starts, stops and reports on the channels: invoke with {"action": "start"}."""
    dashboard_url: pulumi.Output[str]
    """Console URL of the platform's CloudWatch dashboard."""
    alarm_topic_arn: pulumi.Output[str]
    """SNS topic alarms, budget alerts and idle-stop notices go to."""
    # What the ops commands (livestream status | verify | go-live, livestream/ops/) read from the stack:
    region: pulumi.Output[str]
    """The AWS region the channels, packager and schedules live in."""
    srt_passphrase_arns: pulumi.Output[dict[str, str]]
    """Per SRT channel, the Secrets Manager secret holding its ingest passphrase."""
    origin_urls: pulumi.Output[dict[str, dict[str, str]]]
    """Per channel, the packager's own manifest URLs (`hls`, `dash`, `llHls`): only the CDN may read them."""
    alarm_names: pulumi.Output[dict[str, list[str]]]
    """The platform's CloudWatch alarm names per region (CDN alarms live in us-east-1)."""
    budget_name: pulumi.Output[str] | None
    """The monthly AWS Budgets budget, when `budget.monthlyUsd` is set."""
    schedule_group_name: pulumi.Output[str]
    """The EventBridge Scheduler group holding the start / stop / idle-stop schedules."""
    schedule_timezone: pulumi.Output[str]
    """The IANA timezone every schedule runs in."""

    def __init__(
        self,
        name: str,
        args: LiveStreamPlatformArgs,
        opts: pulumi.ResourceOptions | None = None,
        *,
        config_prefix: str = "",
    ) -> None:
        settings = settings_from_args(args, prefix=config_prefix)  # everything validated before the first resource
        # The platform's name in AWS (channel group, dashboard, tags); the resource name unless `name` pins it,
        # so a library user can rename the resource with `aliases` and keep every physical name.
        platform = settings.name or name
        # A deployment that would stop a live channel is refused here, before anything is registered.
        live.guard(platform, settings, key=f"{config_prefix}whileLive" if config_prefix else "while_live")
        # The validated settings, defaults filled in, are the component's recorded input: what `livestream plan`
        # (or any tool reading the plan or the state) estimates from, however the program passed them. As JSON
        # text, because the wire format's numbers are doubles and it drops nulls (an explicit "off").
        recorded = {
            SETTINGS: pulumi.Output.json_dumps(config.as_args(settings), sort_keys=False),
            UNCHECKED: list(settings.unchecked),
        }
        super().__init__(TYPE, name, recorded, pulumi.ResourceOptions.merge(opts, _own_options(platform, settings)))
        self.settings = settings
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOutputOptions(parent=self)).account_id

        child = pulumi.ResourceOptions(parent=self)
        # The MediaLive input and every MediaPackage v2 resource come from aws-native: pin them to the platform's region.
        native = pulumi.ResourceOptions(parent=self, providers=self._native_providers(name, settings.region, opts))
        self.archive = Archive(f"{name}-archive", settings.archive, opts=child)
        # Packager channels first: each Encoder pushes HLS to its v2 channel's ingest endpoints.
        self.packager = Packager(f"{name}-packager", settings.channels, group_name=platform, opts=native)
        self.encoders = self._build_encoders(name, settings, account_id, native)
        self._build_delivery(name, settings, account_id, native)
        self._build_operations(name, platform, settings, account_id)
        self._build_scheduler(name, settings, account_id)

        self.archive_bucket_name = self.archive.bucket_name
        self.channel_ids = pulumi.Output.all(**{c: e.channel_id for c, e in self.encoders.items()}).apply(dict)
        self.ingest_urls = pulumi.Output.secret(
            pulumi.Output.all(**{c: e.ingest_urls for c, e in self.encoders.items()}).apply(dict)
        )
        self._ops_outputs(settings)
        self.register_outputs(self._outputs())

    def _outputs(self) -> dict[str, Any]:
        """The component's outputs by their wire (camelCase) names, as the program exports them."""
        return {
            "archiveBucketName": self.archive_bucket_name,
            "channelIds": self.channel_ids,
            "ingestUrls": self.ingest_urls,
            "playbackUrls": self.playback_urls,
            "playerUrl": self.player_url,
            "distributionDomain": self.distribution_domain,
            "distributionId": self.distribution_id,
            "controlFunctionName": self.control_function_name,
            "dashboardUrl": self.dashboard_url,
            "alarmTopicArn": self.alarm_topic_arn,
            "region": self.region,
            "srtPassphraseArns": self.srt_passphrase_arns,
            "originUrls": self.origin_urls,
            "alarmNames": self.alarm_names,
            "scheduleGroupName": self.schedule_group_name,
            "scheduleTimezone": self.schedule_timezone,
            **({"budgetName": self.budget_name} if self.budget_name is not None else {}),
        }

    def _ops_outputs(self, settings: Settings) -> None:
        """What `livestream status | verify | go-live` need beyond the viewer-facing outputs."""
        self.region = pulumi.Output.from_input(settings.region)
        srt = {c: e.srt_passphrase_arn for c, e in self.encoders.items() if e.srt_passphrase_arn is not None}
        self.srt_passphrase_arns = pulumi.Output.all(**srt).apply(dict) if srt else pulumi.Output.from_input({})
        domain = self.packager.egress_domain
        origins = {
            channel: pulumi.Output.all(
                **{kind: pulumi.Output.concat("https://", domain, path) for kind, path in paths.items()}
            ).apply(dict)
            for channel, paths in self.packager.playback_paths.items()
        }
        self.origin_urls = pulumi.Output.all(**origins).apply(dict)
        in_region = [*self.alarms.channel_alarms, self.dead_letter_alarm]  # the stack's region, as the topic
        self.alarm_names = pulumi.Output.all([a.name for a in in_region], [a.name for a in self.alarms.cdn_alarms]).apply(
            lambda names: _alarms_by_region(settings.region, CDN_REGION, names[0], names[1])
        )
        self.budget_name = self.alarms.budget.name if self.alarms.budget is not None else None
        self.schedule_group_name = self.scheduler.schedule_group_name
        self.schedule_timezone = pulumi.Output.from_input(settings.schedule.timezone)

    def _native_providers(self, name: str, region: str, opts: pulumi.ResourceOptions | None) -> list[pulumi.ProviderResource]:
        """An aws-native provider in the platform's region, unless the caller passed one in `opts`.

        pulumi-aws-native does not read `aws:region`: it reads `aws-native:region`, else AWS_REGION /
        AWS_DEFAULT_REGION, and refuses to configure without one
        (https://www.pulumi.com/registry/packages/aws-native/installation-configuration/). A stack
        that sets only `aws:region` would fail on its first native resource, or with a stray
        environment variable put the MediaLive input and the packager in another region.
        """
        if _has_native_provider(opts):
            return []  # the caller's provider reaches the children through the parent chain
        return [aws_native.Provider(f"{name}-aws-native", region=region, opts=pulumi.ResourceOptions(parent=self))]

    def _build_encoders(
        self, name: str, settings: Settings, account_id: pulumi.Output[str], native: pulumi.ResourceOptions
    ) -> dict[str, Encoder]:
        """One Encoder per channel, recording under its own archive prefix and allowed into its v2 channel."""
        archive = self.archive
        encoders = {
            channel.name: Encoder(
                f"{name}-{channel.name}",
                channel,
                archive=ArchiveTarget(
                    bucket_name=archive.bucket_name,
                    bucket_arn=archive.bucket_arn,
                    prefix=archive.prefix_of(channel.name),
                    rollover_seconds=settings.archive.rollover_seconds,
                    kms_key_arn=settings.archive.kms_key_arn,
                ),
                region=settings.region,
                account_id=account_id,
                packager_ingest_urls=self.packager.ingest_urls[channel.name],
                packager_channel_arn=self.packager.channel_arns[channel.name],
                settings_digest=live.settings_digest(channel, settings),
                opts=native,
            )
            for channel in settings.channels
        }
        for channel_name, encoder in encoders.items():
            self.packager.authorize_encoder(channel_name, encoder.role_arn)
        return encoders

    def _build_delivery(
        self, name: str, settings: Settings, account_id: pulumi.Output[str], native: pulumi.ResourceOptions
    ) -> None:
        """Cdn (CloudFront) in front of the packager, the player site and the recordings; then only this
        distribution may read them."""
        packager = self.packager
        self.site = PlayerSite(f"{name}-site", opts=pulumi.ResourceOptions(parent=self))
        self.recordings = self._build_recordings(name, settings, account_id, native)
        s3_origins = [
            S3Origin("player-site", self.site.bucket_regional_domain_name),  # the default behaviour: `/`
        ]
        if self.recordings is not None:
            s3_origins.append(S3Origin("recordings", self.recordings.bucket_domain, f"{RECORDINGS_PREFIX}*"))
        low_latency = any(c.low_latency_hls for c in settings.channels)
        self.cdn = Cdn(
            f"{name}-cdn",
            settings.cdn,
            origin=PackagerOrigin(
                domain_name=packager.egress_domain,
                path_prefix=f"/out/v1/{packager.group_name}/",
                low_latency_endpoint=LL_HLS if low_latency else None,
            ),
            timings=ttl.shared_timings(c.segment_seconds for c in settings.channels),
            s3_origins=s3_origins,
            opts=pulumi.ResourceOptions(parent=self),
        )
        packager.allow_distribution(self.cdn.distribution_arn)
        self.site.allow_distribution(self.cdn.distribution_arn)
        urls = {
            channel: pulumi.Output.all(**{key: self.cdn.url(path) for key, path in paths.items()}).apply(dict)
            for channel, paths in packager.playback_paths.items()
        }
        self.playback_urls = pulumi.Output.all(**urls).apply(dict)
        self.site.publish_channels(self.playback_urls)
        if self.recordings is not None:
            self.recordings.publish(
                Publication(
                    distribution_arn=self.cdn.distribution_arn,
                    playback_base=self.cdn.url(""),
                    index_bucket_name=self.site.bucket_name,  # recordings.json next to channels.json
                    index_bucket_arn=self.site.bucket_arn,
                )
            )
        self.player_url = self.cdn.url("/")
        self.distribution_domain = self.cdn.domain_name
        self.distribution_id = self.cdn.distribution_id

    def _build_recordings(
        self, name: str, settings: Settings, account_id: pulumi.Output[str], native: pulumi.ResourceOptions
    ) -> Recordings | None:
        """Each broadcast becomes a VOD, harvested from a recording endpoint of its packager channel."""
        if not settings.recordings.enabled:
            return None
        channels = [
            RecordedChannel(
                name=channel.name,
                channel_id=self.encoders[channel.name].channel_id,
                channel_arn=self.encoders[channel.name].channel_arn,
                channel_group=self.packager.channels[channel.name].channel_group_name,
                packager_channel=self.packager.channels[channel.name].channel_name,
                segment_seconds=channel.segment_seconds,
                pipelines=channel.pipeline_count,
            )
            for channel in settings.channels
        ]
        # `native`: the recording endpoints are aws-native resources, in the platform's region like the packager's.
        return Recordings(f"{name}-recordings", settings.recordings, channels=channels, account_id=account_id, opts=native)

    def _build_operations(self, name: str, platform: str, settings: Settings, account_id: pulumi.Output[str]) -> None:
        """Alarms per channel and pipeline, the dashboard, the notification topic and the monthly budget."""
        targets = [
            ChannelTarget(
                name=channel.name,
                channel_id=self.encoders[channel.name].channel_id,
                pipelines=channel.pipeline_count,
                hls_output_group=HLS_GROUP,
                packager_channel_group=self.packager.group_name,
                packager_channel=self.packager.channels[channel.name].channel_name,
            )
            for channel in settings.channels
        ]
        self.alarms = Alarms(
            f"{name}-alarms",
            settings.alarms,
            platform=platform,
            region=settings.region,
            channels=targets,
            budget=settings.budget,
            distribution_id=self.cdn.distribution_id,
            account_id=account_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dashboard_url = self.alarms.dashboard_url
        self.alarm_topic_arn = self.alarms.topic_arn

    def _build_scheduler(self, name: str, settings: Settings, account_id: pulumi.Output[str]) -> None:
        """The control function and its schedules; idle stops and "still running" notices go to the alarms topic."""
        self.scheduler = Scheduler(
            f"{name}-scheduler",
            settings.schedule,
            channel_ids={c: e.channel_id for c, e in self.encoders.items()},
            channel_arns={c: e.channel_arn for c, e in self.encoders.items()},
            topic_arn=self.alarms.topic_arn,
            topic_kms_key_arn=self.alarms.topic_kms_key_arn,
            account_id=account_id,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.dead_letter_alarm = self.alarms.watch_dead_letters(self.scheduler.dead_letter_queue_name)
        self.control_function_name = self.scheduler.function_name


def _alarms_by_region(region: str, cdn_region: str, channel_alarms: list[str], cdn_alarms: list[str]) -> dict[str, list[str]]:
    """Channel and scheduler alarms live in the stack's region, CDN alarms in us-east-1 (one list when they coincide)."""
    names: dict[str, list[str]] = {region: list(channel_alarms)}
    names.setdefault(cdn_region, []).extend(cdn_alarms)
    return names


def _has_native_provider(opts: pulumi.ResourceOptions | None) -> bool:
    """Did the caller give the platform an aws-native provider (`provider=` or `providers=`)?"""
    if opts is None:
        return False
    if isinstance(opts.provider, aws_native.Provider):
        return True
    providers = opts.providers
    if isinstance(providers, Mapping):
        return "aws-native" in providers
    return any(isinstance(p, aws_native.Provider) for p in providers or [])
