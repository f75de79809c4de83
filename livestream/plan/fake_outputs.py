"""Computed outputs a real provider would return, so the offline engine's downstream wiring has values.

The mock engine knows no provider: without these, an ARN, a domain name or an ingest URL that one
resource hands to another would be empty. Values are shaped like AWS's (ARNs in the resource's
region and the engine's fake account) but never real.
"""

from __future__ import annotations

from typing import Any

ACCOUNT_ID = "123456789012"


def fake_outputs(type_token: str, name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    """Computed outputs a real provider would return, so downstream wiring has values to work on."""
    region = inputs.get("region") or region  # pulumi_aws 7: a resource may name its own region
    rest = type_token.partition(":")[2]
    module = rest.split("/")[0].split(":")[0]
    service = module.replace("-", "")
    arn = f"arn:aws:{service}:{region}:{ACCOUNT_ID}:{rest.split(':')[-1].lower()}/{name}"
    outputs: dict[str, Any] = {"arn": arn, "id": f"{name}-id", "name": inputs.get("name") or f"{name}-0a1b2c3"}
    specific = _SPECIFIC_OUTPUTS.get(type_token)
    if specific:
        outputs.update(specific(name, inputs, region))
    return outputs


def _native_medialive_input(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    """RTMP push URLs carry the stream name; SRT listeners get one srt:// URL per pipeline."""
    if inputs.get("type") == "SRT_LISTENER":
        urls = [f"srt://198.51.100.{i + 20}:5000" for i in range(2)]
    else:
        urls = [
            f"rtmp://198.51.100.{i + 10}:1935/{d.get('streamName', 'live')}"
            for i, d in enumerate(inputs.get("destinations") or [])
        ]
    return {"arn": f"arn:aws:medialive:{region}:{ACCOUNT_ID}:input:{name}-id", "awsId": f"{name}-id", "destinationUrls": urls}


def _mediapackagev2_group(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    group = inputs.get("channelGroupName", name)
    return {
        "arn": f"arn:aws:mediapackagev2:{region}:{ACCOUNT_ID}:channelGroup/{group}",
        "egressDomain": f"{group}.egress.mediapackagev2.{region}.amazonaws.com",
        "channelGroupName": group,
    }


def _mediapackagev2_channel(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    group, channel = inputs.get("channelGroupName", "group"), inputs.get("channelName", name)
    urls = [f"https://{group}-{i}.ingest.mediapackagev2.{region}.amazonaws.com/in/v1/{group}/{i}/{channel}/index" for i in (1, 2)]
    return {
        "arn": f"arn:aws:mediapackagev2:{region}:{ACCOUNT_ID}:channelGroup/{group}/channel/{channel}",
        "ingestEndpoints": [{"id": str(i), "url": url} for i, url in enumerate(urls, 1)],
        "ingestEndpointUrls": urls,
    }


def _mediapackagev2_endpoint(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    group, channel = inputs.get("channelGroupName", "group"), inputs.get("channelName", "channel")
    endpoint = inputs.get("originEndpointName", name)
    base = f"https://{group}.egress.mediapackagev2.{region}.amazonaws.com/out/v1/{group}/{channel}/{endpoint}"
    return {
        "arn": f"arn:aws:mediapackagev2:{region}:{ACCOUNT_ID}:channelGroup/{group}/channel/{channel}/originEndpoint/{endpoint}",
        "hlsManifestUrls": [f"{base}/{m.get('manifestName', 'index')}.m3u8" for m in inputs.get("hlsManifests") or []],
        "lowLatencyHlsManifestUrls": [
            f"{base}/{m.get('manifestName', 'index')}.m3u8" for m in inputs.get("lowLatencyHlsManifests") or []
        ],
        "dashManifestUrls": [f"{base}/{m.get('manifestName', 'index')}.mpd" for m in inputs.get("dashManifests") or []],
    }


def _distribution(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    distribution_id = f"E{name.upper().replace('-', '')[:12]}"
    return {
        "arn": f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{distribution_id}",
        "id": distribution_id,
        "domainName": "d111111abcdef8.cloudfront.net",
        "hostedZoneId": "Z2FDTNDATAQYW2",
    }


def _bucket(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    bucket = inputs.get("bucket") or f"{name}-0a1b2c3"
    return {
        "arn": f"arn:aws:s3:::{bucket}",
        "bucket": bucket,
        "id": bucket,
        "bucketRegionalDomainName": f"{bucket}.s3.{region}.amazonaws.com",
        "bucketDomainName": f"{bucket}.s3.amazonaws.com",
    }


def _random_password(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    length = int(inputs.get("length", 32))
    return {"result": ("x" * length)}


def _random_id(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"hex": "0f1e2d3c4b5a6978", "b64Url": "Dx4tPEtaaXg", "dec": "1089751030596348280"}


def _sns_topic(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:sns:{region}:{ACCOUNT_ID}:{name}"}


def _kms_key(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{name}-id", "keyId": f"{name}-id"}


def _metric_alarm(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:cloudwatch:{region}:{ACCOUNT_ID}:alarm:{name}"}


def _lambda(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}", "name": name}


def _channel(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:medialive:{region}:{ACCOUNT_ID}:channel:{name}-id", "channelId": f"{name}-id"}


def _role(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:iam::{ACCOUNT_ID}:role/{name}", "name": name}


def _secret(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    return {"arn": f"arn:aws:secretsmanager:{region}:{ACCOUNT_ID}:secret:{name}-AbCdEf"}


def _log_group(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    log_name = inputs.get("name", name)
    return {"arn": f"arn:aws:logs:{region}:{ACCOUNT_ID}:log-group:{log_name}", "name": log_name}


def _schedule_group(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
    group = inputs.get("name", name)
    return {"arn": f"arn:aws:scheduler:{region}:{ACCOUNT_ID}:schedule-group/{group}", "name": group}


def _global_arn(service: str, kind: str) -> Any:
    def outputs(name: str, inputs: dict[str, Any], region: str) -> dict[str, Any]:
        return {"arn": f"arn:aws:{service}::{ACCOUNT_ID}:{kind}/{name}-id", "id": f"{name}-id"}

    return outputs


_SPECIFIC_OUTPUTS = {
    "aws-native:medialive:Input": _native_medialive_input,
    "aws:medialive/channel:Channel": _channel,
    "aws-native:mediapackagev2:ChannelGroup": _mediapackagev2_group,
    "aws:mediapackagev2/channelGroup:ChannelGroup": _mediapackagev2_group,
    "aws-native:mediapackagev2:Channel": _mediapackagev2_channel,
    "aws-native:mediapackagev2:OriginEndpoint": _mediapackagev2_endpoint,
    "aws:cloudfront/distribution:Distribution": _distribution,
    "aws:cloudfront/originAccessControl:OriginAccessControl": _global_arn("cloudfront", "origin-access-control"),
    "aws:cloudfront/keyGroup:KeyGroup": _global_arn("cloudfront", "key-group"),
    "aws:s3/bucket:Bucket": _bucket,
    "aws:s3/bucketV2:BucketV2": _bucket,
    "random:index/randomPassword:RandomPassword": _random_password,
    "random:index/randomId:RandomId": _random_id,
    "aws:sns/topic:Topic": _sns_topic,
    "aws:kms/key:Key": _kms_key,
    "aws:cloudwatch/metricAlarm:MetricAlarm": _metric_alarm,
    "aws:lambda/function:Function": _lambda,
    "aws:iam/role:Role": _role,
    "aws:secretsmanager/secret:Secret": _secret,
    "aws:cloudwatch/logGroup:LogGroup": _log_group,
    "aws:scheduler/scheduleGroup:ScheduleGroup": _schedule_group,
}
