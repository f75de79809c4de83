"""A consumer program: two channels from the livestream component next to a resource of our own."""

import pulumi
import pulumi_aws as aws

from livestream import LiveStreamPlatform, LiveStreamPlatformArgs

config = pulumi.Config()
ops_email = config.require("opsEmail")

args: LiveStreamPlatformArgs = {
    "channels": {
        "lobby": {
            "ingest": {"protocol": "rtmp", "allowed_cidrs": ["203.0.113.0/24"]},
            "ladder": "sd",
        },
        "keynote": {
            "ingest": {"protocol": "srt", "allowed_cidrs": ["198.51.100.0/24"]},
            "ladder": "hd",
            "segment_seconds": 2,
            "low_latency_hls": True,
        },
    },
    "archive": {"expire_after_days": 90},
    "cdn": {"price_class": "PriceClass_200", "cors_origins": ["https://studio.example.com"]},
    "alarms": {"emails": [ops_email]},
    "budget": {"monthly_usd": 600},
    "schedule": {"timezone": "Asia/Seoul", "idle_stop_minutes": 15},
    "usage": {"streamed_hours_per_month": 40, "viewer_hours_per_month": 800, "watched_kbps": 2000},
    "tags": {"team": "studio"},
}
platform = LiveStreamPlatform("studio", args)

# Our own resource next to the component: the app reads its player URL from SSM.
player_url = aws.ssm.Parameter(
    "keynote-player-url",
    type=aws.ssm.ParameterType.STRING,
    value=platform.playback_urls.apply(lambda urls: urls["keynote"]["hls"]),
    description="HLS playback URL of the keynote channel",
    tags={"team": "studio"},
)

pulumi.export("playbackUrls", platform.playback_urls)
pulumi.export("playerUrl", platform.player_url)  # the viewers' page at the distribution's root
pulumi.export("playerUrlParameter", player_url.name)
pulumi.export("controlFunctionName", platform.control_function_name)
