"""The livestream program: one platform per stack, configured by Pulumi.<stack>.yaml."""

from typing import cast

import pulumi

from livestream import LiveStreamPlatform, LiveStreamPlatformArgs
from livestream.components.platform import args_from_stack_config, stack_platform_name

args = args_from_stack_config("livestream")  # every livestream:* key: a misspelt one is refused, not ignored
# The name is set once (livestream:name); unset, it is the name earlier releases derived, so no resource moves.
# Errors name the keys as the stack file spells them (livestream:channels.main...).
platform = LiveStreamPlatform(stack_platform_name(args), cast(LiveStreamPlatformArgs, args), config_prefix="livestream:")

pulumi.export("archiveBucket", platform.archive_bucket_name)
pulumi.export("channelIds", platform.channel_ids)
pulumi.export("ingestUrls", platform.ingest_urls)
pulumi.export("playbackUrls", platform.playback_urls)
pulumi.export("playerUrl", platform.player_url)
pulumi.export("distributionDomain", platform.distribution_domain)
pulumi.export("distributionId", platform.distribution_id)
pulumi.export("controlFunctionName", platform.control_function_name)
pulumi.export("dashboardUrl", platform.dashboard_url)
pulumi.export("alarmTopicArn", platform.alarm_topic_arn)
# Read by the ops commands (livestream status | start | stop | go-live | verify | smoke):
pulumi.export("region", platform.region)
pulumi.export("srtPassphraseArns", platform.srt_passphrase_arns)
pulumi.export("originUrls", platform.origin_urls)
pulumi.export("alarmNames", platform.alarm_names)
pulumi.export("scheduleGroupName", platform.schedule_group_name)
pulumi.export("scheduleTimezone", platform.schedule_timezone)
if platform.budget_name is not None:
    pulumi.export("budgetName", platform.budget_name)
