"""The livestream program: one platform per stack, configured by Pulumi.<stack>.yaml."""

import pulumi

from livestream import config
from livestream.platform import LiveStreamPlatform


def read_stack_config() -> config.Settings:
    stack = pulumi.Config("livestream")
    raw = {key: stack.get_object(key) for key in config.SECTIONS if stack.get(key) is not None}
    region = pulumi.Config("aws").require("region")
    return config.load(raw, environment=pulumi.get_stack(), region=region, prefix="livestream:")


settings = read_stack_config()
platform = LiveStreamPlatform(f"live-{settings.environment}", settings)

pulumi.export("archiveBucket", platform.archive_bucket_name)
pulumi.export("channelIds", platform.channel_ids)
pulumi.export("ingestUrls", platform.ingest_urls)
pulumi.export("playbackUrls", platform.playback_urls)
pulumi.export("distributionDomain", platform.distribution_domain)
pulumi.export("distributionId", platform.distribution_id)
pulumi.export("controlFunctionName", platform.control_function_name)
pulumi.export("dashboardUrl", platform.dashboard_url)
pulumi.export("alarmTopicArn", platform.alarm_topic_arn)
