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
`allow_distribution` writes the bucket policy once the CDN exists.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pulumi
import pulumi_aws as aws
import pulumi_aws_native as aws_native

from livestream.components import iam
from livestream.components.buckets import Lifecycle, cloudfront_read, private_bucket
from livestream.model.settings import RecordingSettings

TYPE = "livestream:index:Recordings"
mp = aws_native.mediapackagev2

FUNCTIONS_DIR = Path(__file__).resolve().parent.parent / "functions"
FUNCTION_MODULE = "recordings_indexer"
RUNTIME = aws.lambda_.Runtime.PYTHON3D14  # as the control function: the newest Python Lambda offers
ARCHITECTURE = "arm64"
MEMORY_MB = 256  # reads and writes a few hundred small S3 objects when it rebuilds the index
TIMEOUT_SECONDS = 300  # an index rebuild reads one recording.json per recording
LOG_RETENTION_DAYS = 30
ENDPOINT = "recording"
MANIFEST = "index"
PREFIX = "recordings/"  # where recordings land, and the CDN path pattern that serves them
SWEEP = "rate(1 hour)"  # harvest notifications are best effort; the sweep finishes what they missed
HARVESTER = "mediapackagev2.amazonaws.com"
CLOUDFRONT = "cloudfront.amazonaws.com"


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
    return {
        "Version": iam.VERSION,
        "Statement": [
            iam.statement(
                ["mediapackagev2:HarvestObject", "mediapackagev2:GetObject"],
                [endpoint_arn],
                principal={"Service": HARVESTER},
                condition={"StringEquals": {"AWS:SourceAccount": account_id}},
                sid="AllowMediaPackageHarvestObjectAccess",
            )
        ],
    }


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


def event_patterns(channel_arns: Sequence[str], endpoint_arns: Sequence[str]) -> dict[str, dict]:
    """EventBridge patterns (plain data once the ARNs are known): our channels' state changes
    (https://docs.aws.amazon.com/medialive/latest/ug/monitoring-cloudwatch-json-state-change.html) and
    MediaPackage v2 harvest notifications (https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-mediapackagev2.html)."""
    return {
        # Matched on detail.channel_arn, the field the function reads (the AWS example's `resources`
        # entry names a different channel than its detail, so that field is not relied on).
        "channel-state": {
            "source": ["aws.medialive"],
            "detail-type": ["MediaLive Channel State Change"],
            "detail": {"channel_arn": list(channel_arns)},
        },
        "harvest": {"source": ["aws.mediapackagev2"], "detail-type": ["MediaPackageV2 HarvestJob Notification"]},
    }


def function_code() -> pulumi.AssetArchive:
    source = FUNCTIONS_DIR / f"{FUNCTION_MODULE}.py"
    if not source.is_file():
        raise FileNotFoundError(f"the recordings function's source is missing from the package: {source}")
    return pulumi.AssetArchive({source.name: pulumi.FileAsset(str(source))})


class Recordings(pulumi.ComponentResource):
    """VOD recordings of every broadcast; call `allow_distribution` once the CDN exists."""

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
        index_bucket_name: pulumi.Input[str] | None,
        index_bucket_arn: pulumi.Input[str] | None,
        playback_base: pulumi.Input[str],
        account_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """`index_bucket_*`: where recordings.json is written (the player site's bucket root; None: this
        component's bucket root); `playback_base`: https://<distribution or custom domain>, the start of
        every `hls` URL."""
        if not channels:
            raise ValueError("Recordings needs at least one channel")
        super().__init__(TYPE, name, None, opts)
        self._name = name
        self._account_id = account_id
        self._private = private_bucket(
            f"{name}-bucket",
            lifecycle=Lifecycle(settings.glacier_after_days, settings.expire_after_days, storage_class="GLACIER_IR"),
            parent=self,
            retain_on_delete=settings.retain_on_delete,
            policy_later=True,  # allow_distribution writes the one policy: TLS, harvester, CloudFront
        )
        bucket = self._private.bucket
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.bucket_domain = bucket.bucket_regional_domain_name
        endpoints = [self._endpoint(name, channel, settings.max_hours) for channel in channels]
        if index_bucket_name is None or index_bucket_arn is None:
            index_bucket_name, index_bucket_arn = self.bucket_name, self.bucket_arn
        function = self._function(name, settings, channels, endpoints, index_bucket_name, index_bucket_arn, playback_base)
        self.function_name = function.name
        self._rules(name, function, [c.channel_arn for c in channels], [e.arn for e in endpoints])
        self.register_outputs({"bucketName": self.bucket_name, "functionName": self.function_name})

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

    def _function(
        self,
        name: str,
        settings: RecordingSettings,
        channels: Sequence[RecordedChannel],
        endpoints: Sequence[mp.OriginEndpoint],
        index_bucket_name: pulumi.Input[str],
        index_bucket_arn: pulumi.Input[str],
        playback_base: pulumi.Input[str],
    ) -> aws.lambda_.Function:
        child = pulumi.ResourceOptions(parent=self)
        log_group = aws.cloudwatch.LogGroup(f"{name}-logs", retention_in_days=LOG_RETENTION_DAYS, opts=child)
        role = aws.iam.Role(f"{name}-role", assume_role_policy=iam.service_trust("lambda.amazonaws.com"), opts=child)
        index_object = pulumi.Output.concat(index_bucket_arn, "/recordings.json")
        role_policy = aws.iam.RolePolicy(
            f"{name}-policy",
            role=role.id,
            policy=function_policy(
                self.bucket_arn, index_object, [c.channel_arn for c in channels], [e.arn for e in endpoints], log_group.arn
            ),
            opts=pulumi.ResourceOptions(parent=role),
        )
        described = pulumi.Output.all(
            *[
                pulumi.Output.all(c.channel_id, c.channel_group, c.packager_channel).apply(
                    lambda v, c=c: (v[0], {"name": c.name, "channelGroup": v[1], "channel": v[2]})
                )
                for c in channels
            ]
        )
        extra = {c.name: {"segmentSeconds": c.segment_seconds, "pipelines": c.pipelines} for c in channels}
        common = {"endpoint": ENDPOINT, "manifest": MANIFEST, "maxHours": settings.max_hours}
        config = described.apply(
            lambda pairs: json.dumps(
                {cid: {**d, **common, **extra[d["name"]]} for cid, d in pairs}, sort_keys=True, separators=(",", ":")
            )
        )
        return aws.lambda_.Function(
            f"{name}-indexer",
            description="Harvest each broadcast into a VOD recording and keep recordings.json current",
            code=function_code(),
            handler=f"{FUNCTION_MODULE}.handler",
            runtime=RUNTIME,
            architectures=[ARCHITECTURE],
            memory_size=MEMORY_MB,
            timeout=TIMEOUT_SECONDS,
            role=role.arn,
            environment=aws.lambda_.FunctionEnvironmentArgs(
                variables={
                    "RECORDINGS_BUCKET": self.bucket_name,
                    "INDEX_BUCKET": index_bucket_name,
                    "PLAYBACK_BASE": playback_base,
                    "CHANNELS": config,
                }
            ),
            logging_config=aws.lambda_.FunctionLoggingConfigArgs(log_format="Text", log_group=log_group.name),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[role_policy, log_group]),
        )

    def _rules(
        self,
        name: str,
        function: aws.lambda_.Function,
        channel_arns: Sequence[pulumi.Input[str]],
        endpoint_arns: Sequence[pulumi.Input[str]],
    ) -> None:
        """Channel state changes, harvest notifications and the hourly sweep invoke the function."""
        patterns = pulumi.Output.all(pulumi.Output.all(*channel_arns), pulumi.Output.all(*endpoint_arns)).apply(
            lambda arns: event_patterns(arns[0], arns[1])
        )
        rules = {
            key: {"event_pattern": patterns.apply(lambda p, key=key: json.dumps(p[key], sort_keys=True))}
            for key in ("channel-state", "harvest")
        }
        rules["sweep"] = {"schedule_expression": SWEEP}
        for key, trigger in rules.items():
            rule = aws.cloudwatch.EventRule(
                f"{name}-{key}",
                description=f"Recordings: {key}",
                **trigger,
                opts=pulumi.ResourceOptions(parent=self),
            )
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

    def allow_distribution(self, distribution_arn: pulumi.Input[str]) -> aws.s3.BucketPolicy:
        """The bucket's one policy: TLS only, the harvester writes and this distribution reads recordings/."""
        return self._private.add_policy(
            *harvester_writes(self.bucket_arn, self._account_id), cloudfront_read(self.bucket_arn, PREFIX, distribution_arn)
        )
