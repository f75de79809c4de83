"""Recordings: every broadcast becomes a VOD in S3, played through the CDN, listed in recordings.json.

Mechanism (README "Recordings"): MediaPackage v2 harvest jobs. Each channel gets one extra CMAF
origin endpoint, `recording`, whose startover window (`maxHours`, at most 24 h, the longest a harvest
job may cover) holds the broadcast; nobody plays from it (its policy admits only the harvester).
When the MediaLive channel stops, the indexer function (`livestream/functions/recordings_indexer.py`)
harvests [first video, stop] of it into `recordings/<channel>/<id>/` of this component's bucket and
rebuilds `recordings.json` in the index bucket (the player site's). MediaPackage merges both
pipelines of a STANDARD channel, so each broadcast is one adaptive recording.

This component owns: the bucket (lifecycle to Glacier Instant Retrieval, which still plays, then
expiry; kept on `pulumi destroy` when `retainOnDelete`), the recording endpoints and their
harvester policies, the function with its least-privilege role and log group, and the EventBridge
rules (MediaLive channel state changes, MediaPackage v2 harvest notifications, an hourly sweep).
`publish` adds the bucket policy, the function and its rules once the CDN exists.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from livestream.components import aws, aws_native, iam, lambdas, state_events
from livestream.components.buckets import Lifecycle, cloudfront_read, private_bucket
from livestream.model.settings import RecordingSettings

TYPE = "livestream:index:Recordings"
mp = aws_native.mediapackagev2

FUNCTION_MODULE = "recordings_indexer"
HELPER_MODULES = ("hls_playlists", "medialive_metrics")  # shipped at the archive root next to the handler
MEMORY_MB = 256  # reads and writes a few hundred small S3 objects when it rebuilds the index
TIMEOUT_SECONDS = 300  # an index rebuild reads one recording.json per recording
LOG_RETENTION_DAYS = 30
ENDPOINT = "recording"
MANIFEST = "index"
PREFIX = "recordings/"  # where recordings land, and the CDN path pattern that serves them
SWEEP = "rate(1 hour)"  # harvest notifications are best effort; the sweep finishes what they missed
HARVESTER = "mediapackagev2.amazonaws.com"


@dataclass(frozen=True)
class RecordedChannel:
    """What the platform passes per channel: the MediaLive channel and its MediaPackage v2 channel."""

    name: str
    channel_id: pulumi.Input[str]
    channel_arn: pulumi.Input[str]
    channel_group: pulumi.Input[str]
    packager_channel: pulumi.Input[str]
    segment_seconds: int
    pipelines: int


def harvester_endpoint_policy(endpoint_arn: pulumi.Input[str], account_id: pulumi.Input[str]) -> dict:
    """Only MediaPackage harvest jobs of this account may read the recording endpoint
    (https://docs.aws.amazon.com/mediapackage/latest/userguide/endpoint-auth.html, "MediaPackage L2V Harvester")."""
    return iam.policy_object(
        iam.statement(
            ["mediapackagev2:HarvestObject", "mediapackagev2:GetObject"],
            [endpoint_arn],
            principal={"Service": HARVESTER},
            condition={"StringEquals": {"AWS:SourceAccount": account_id}},
            sid="AllowMediaPackageHarvestObjectAccess",
        )
    )


def harvester_writes(bucket_arn: pulumi.Input[str], account_id: pulumi.Input[str]) -> list[dict]:
    """The harvester of this account may write recordings/ (PutObject + GetBucketLocation,
    https://docs.aws.amazon.com/mediapackage/latest/ug/setting-up-create-trust-rel-policy.html, "Policy for
    live-to-VOD workflows"; MediaPackage v2 harvest jobs take no role, so the bucket policy grants it)."""
    account = {"StringEquals": {"aws:SourceAccount": account_id}}
    harvester = {"Service": HARVESTER}
    return [
        iam.statement(
            ["s3:PutObject"],
            [pulumi.Output.concat(bucket_arn, "/", PREFIX, "*")],
            principal=harvester,
            condition=account,
            sid="HarvestWrites",
        ),
        iam.statement(["s3:GetBucketLocation"], [bucket_arn], principal=harvester, condition=account, sid="HarvestLocates"),
    ]


def function_policy(
    bucket_arn: pulumi.Input[str],
    index_object_arn: pulumi.Input[str],
    channel_arns: Sequence[pulumi.Input[str]],
    endpoint_arns: Sequence[pulumi.Input[str]],
    log_group_arn: pulumi.Input[str],
) -> pulumi.Output[str]:
    """The indexer reads and writes its own bucket and one index object, starts harvests of its own
    endpoints, reads its channels' tags, state and metrics, and writes its own logs."""
    objects = pulumi.Output.concat(bucket_arn, "/*")
    harvest_jobs = [pulumi.Output.concat(arn, "/harvestJob/*") for arn in endpoint_arns]
    return iam.document(
        iam.statement(["s3:ListBucket"], [bucket_arn], sid="ListRecordings"),
        iam.statement(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [objects], sid="KeepRecordingState"),
        iam.statement(["s3:GetObject", "s3:PutObject"], [index_object_arn], sid="WriteTheIndex"),
        # CreateHarvestJob is authorised on the origin endpoint, GetHarvestJob on the job
        # (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awselementalmediapackagev2.html).
        iam.statement(
            ["mediapackagev2:CreateHarvestJob", "mediapackagev2:GetHarvestJob", "mediapackagev2:TagResource"],
            [*endpoint_arns, *harvest_jobs],
            sid="HarvestOwnEndpoints",
        ),
        # Start tags (the brief's livestream:started-at) and the state that tells a lost stop event.
        iam.statement(["medialive:ListTagsForResource", "medialive:DescribeChannel"], list(channel_arns), sid="ReadOwnChannels"),
        # GetMetricData has no resource-level permissions: "*" is the only valid resource (read only).
        iam.statement(["cloudwatch:GetMetricData"], ["*"], sid="ReadVideoMetrics"),
        iam.statement(
            ["logs:CreateLogStream", "logs:PutLogEvents"], [pulumi.Output.concat(log_group_arn, ":*")], sid="WriteOwnLogs"
        ),
    )


def event_patterns(channel_arns: Sequence[str]) -> dict[str, dict]:
    """EventBridge patterns (plain data once the ARNs are known): our channels' state changes
    (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html) and
    MediaPackage v2 harvest notifications (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-mediapackagev2.html)."""
    return {
        # Matched on detail.channel_arn, the field the function reads (the AWS example's `resources`
        # entry names a different channel than its detail, so that field is not relied on).
        "channel-state": state_events.event_pattern(channel_arns),
        "harvest": {"source": ["aws.mediapackagev2"], "detail-type": ["MediaPackageV2 HarvestJob Notification"]},
    }


def _pattern_json(key: str, patterns: Mapping[str, dict]) -> str:
    return json.dumps(patterns[key], sort_keys=True)


def indexer_channels(channels: Sequence[RecordedChannel], resolved: Sequence[Sequence[Any]], max_hours: int) -> str:
    """The indexer's CHANNELS variable: per MediaLive channel id, its packager channel and recording endpoint."""
    return json.dumps(
        {
            str(channel_id): {
                "name": channel.name,
                "channelGroup": group,
                "channel": packager_channel,
                "endpoint": ENDPOINT,
                "manifest": MANIFEST,
                "segmentSeconds": channel.segment_seconds,
                "pipelines": channel.pipelines,
                "maxHours": max_hours,
            }
            for channel, (channel_id, group, packager_channel) in zip(channels, resolved, strict=True)
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def function_code() -> pulumi.AssetArchive:
    return lambdas.code("recordings function", FUNCTION_MODULE, *HELPER_MODULES)


@dataclass(frozen=True)
class Publication:
    """Where recordings are announced, known once the CDN and the player site exist."""

    distribution_arn: pulumi.Input[str]  # the one distribution that may read recordings/
    playback_base: pulumi.Input[str]  # https://<custom domain or distribution domain>: every `hls` URL starts so
    index_bucket_name: pulumi.Input[str]  # recordings.json goes to this bucket's root (the player site's)
    index_bucket_arn: pulumi.Input[str]


class Recordings(pulumi.ComponentResource):
    """VOD recordings of every broadcast. Two steps, because the CDN serves this bucket and the indexer
    writes the CDN's URLs: construct it (bucket, recording endpoints), give `bucket_domain` to the CDN as
    an S3 origin for `recordings/*`, then `publish` (bucket policy, indexer function, its rules)."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    bucket_domain: pulumi.Output[str]
    function_name: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        settings: RecordingSettings,
        *,
        channels: Sequence[RecordedChannel],
        account_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        if not channels:
            raise ValueError("Recordings needs at least one channel")
        super().__init__(TYPE, name, None, opts)
        self._name = name
        self._settings = settings
        self._channels = tuple(channels)
        self._account_id = account_id
        self._private = private_bucket(
            f"{name}-bucket",
            lifecycle=Lifecycle(settings.glacier_after_days, settings.expire_after_days, storage_class="GLACIER_IR"),
            parent=self,
            retain_on_delete=settings.retain_on_delete,
            policy_later=True,  # `publish` writes the one policy: TLS, harvester, CloudFront
        )
        bucket = self._private.bucket
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.bucket_domain = bucket.bucket_regional_domain_name
        self._endpoints = [self._endpoint(name, channel, settings.max_hours) for channel in channels]
        self.register_outputs({"bucketName": self.bucket_name, "bucketDomain": self.bucket_domain})

    def publish(self, publication: Publication) -> aws.lambda_.Function:
        """Once the CDN exists: the bucket's one policy (TLS only, the harvester writes and the distribution
        reads recordings/), the indexer function that writes recordings.json, and the rules that run it."""
        self._private.add_policy(
            *harvester_writes(self.bucket_arn, self._account_id),
            cloudfront_read(self.bucket_arn, PREFIX, publication.distribution_arn),
        )
        function = self._function(self._name, publication)
        self.function_name = function.name
        self._rules(self._name, function, [c.channel_arn for c in self._channels])
        return function

    def _endpoint(self, name: str, channel: RecordedChannel, max_hours: int) -> mp.OriginEndpoint:
        """A CMAF HLS endpoint that only keeps the broadcast for harvesting (no viewer reads it)."""
        segment = channel.segment_seconds
        endpoint = mp.OriginEndpoint(
            f"{name}-{channel.name}-endpoint",
            channel_group_name=channel.channel_group,
            channel_name=channel.packager_channel,
            origin_endpoint_name=ENDPOINT,
            container_type=mp.OriginEndpointContainerType.CMAF,
            description=f"Recording source for channel {channel.name}: harvested when the channel stops",
            segment=mp.OriginEndpointSegmentArgs(segment_duration_seconds=segment, segment_name="segment"),
            startover_window_seconds=max_hours * 3600,
            hls_manifests=[
                mp.OriginEndpointHlsManifestConfigurationArgs(
                    manifest_name=MANIFEST,
                    manifest_window_seconds=max(60, 6 * segment),
                    program_date_time_interval_seconds=segment,
                )
            ],
            opts=pulumi.ResourceOptions(parent=self),
        )
        mp.OriginEndpointPolicy(
            f"{name}-{channel.name}-endpoint-policy",
            channel_group_name=endpoint.channel_group_name,
            channel_name=endpoint.channel_name,
            origin_endpoint_name=endpoint.origin_endpoint_name,
            policy=harvester_endpoint_policy(endpoint.arn, self._account_id),
            opts=pulumi.ResourceOptions(parent=endpoint),
        )
        return endpoint

    def _function(self, name: str, publication: Publication) -> aws.lambda_.Function:
        settings, channels, endpoints = self._settings, self._channels, self._endpoints
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=LOG_RETENTION_DAYS, opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=iam.service_trust("lambda.amazonaws.com"), opts=child)
        index_object = pulumi.Output.concat(publication.index_bucket_arn, "/recordings.json")
        role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=function_policy(
                self.bucket_arn, index_object, [c.channel_arn for c in channels], [e.arn for e in endpoints], log_group.arn
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        resolved = [pulumi.Output.all(c.channel_id, c.channel_group, c.packager_channel) for c in channels]
        config = pulumi.Output.all(*resolved).apply(lambda ids: indexer_channels(channels, ids, settings.max_hours))
        return aws.lambda_.Function(
            f"{name}-indexer",
            description="Harvest each broadcast into a VOD recording and keep recordings.json current",
            code=function_code(),
            handler=f"{FUNCTION_MODULE}.handler",
            runtime=lambdas.RUNTIME,
            architectures=[lambdas.ARCHITECTURE],
            memory_size=MEMORY_MB,
            timeout=TIMEOUT_SECONDS,
            role=role.arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "RECORDINGS_BUCKET": self.bucket_name,
                    "INDEX_BUCKET": publication.index_bucket_name,
                    "PLAYBACK_BASE": publication.playback_base,
                    "CHANNELS": config,
                }
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, log_group]),
        )

    def _rules(self, name: str, function: aws.lambda_.Function, channel_arns: Sequence[pulumi.Input[str]]) -> None:
        """Channel state changes, harvest notifications and the hourly sweep invoke the function."""
        patterns = pulumi.Output.all(*channel_arns).apply(lambda arns: event_patterns([str(a) for a in arns]))
        for key in ("channel-state", "harvest"):
            pattern = patterns.apply(functools.partial(_pattern_json, key))
            rule = aws.cloudwatch.EventRule(
                f"{name}-{key}", description=f"Recordings: {key}", event_pattern=pattern, opts=pulumi.ResourceOptions(parent=self)
            )
            self._invoke(name, key, rule, function)
        sweep = aws.cloudwatch.EventRule(
            f"{name}-sweep", description="Recordings: sweep", schedule_expression=SWEEP, opts=pulumi.ResourceOptions(parent=self)
        )
        self._invoke(name, "sweep", sweep, function)

    def _invoke(self, name: str, key: str, rule: aws.cloudwatch.EventRule, function: aws.lambda_.Function) -> None:
        """The rule targets the function, and Lambda lets this rule (only) invoke it."""
        aws.cloudwatch.EventTarget(
            f"{name}-{key}-target", rule=rule.name, arn=function.arn, opts=pulumi.ResourceOptions(parent=rule)
        )
        aws.lambda_.Permission(
            f"{name}-{key}-invoke",
            action="lambda:InvokeFunction",
            function=function.name,
            principal="events.amazonaws.com",
            source_arn=rule.arn,
            opts=pulumi.ResourceOptions(parent=rule),
        )
