"""The livestream program: one platform per stack, configured by Pulumi.<stack>.yaml."""

from typing import Any, cast

import pulumi

from livestream import LiveStreamPlatform, LiveStreamPlatformArgs, config


def read_stack_config() -> tuple[dict[str, Any], config.Settings]:
    """The `livestream:*` keys, checked up front so errors name them as the stack file spells them."""
    stack = pulumi.Config("livestream")
    raw = {key: stack.get_object(key) for key in config.SECTIONS if stack.get(key) is not None}
    region = pulumi.Config("aws").require("region")
    return raw, config.load(raw, environment=pulumi.get_stack(), region=region, prefix="livestream:")


raw, settings = read_stack_config()
platform = LiveStreamPlatform(f"live-{settings.environment}", cast(LiveStreamPlatformArgs, raw))

pulumi.export("archiveBucket", platform.archive_bucket_name)
pulumi.export("channelIds", platform.channel_ids)
pulumi.export("ingestUrls", platform.ingest_urls)
pulumi.export("playbackUrls", platform.playback_urls)
pulumi.export("distributionDomain", platform.distribution_domain)
pulumi.export("distributionId", platform.distribution_id)
pulumi.export("controlFunctionName", platform.control_function_name)
pulumi.export("dashboardUrl", platform.dashboard_url)
pulumi.export("alarmTopicArn", platform.alarm_topic_arn)
