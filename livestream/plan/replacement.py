"""Which input changes replace a resource instead of updating it, from the providers' own data.

- pulumi-aws-native: each resource class passes its CloudFormation create-only properties as
  `replace_on_changes` when it registers (e.g. `pulumi_aws_native/mediapackagev2/channel_group.py`:
  `replace_on_changes=["channelGroupName"]`; `medialive/input.py`: `inputNetworkLocation`,
  `routerSettings`, `type`, `vpc`). The offline engine records them per resource and the plan
  document carries them as `options.replaceOnChanges`, so nothing is restated here.
- pulumi-aws is bridged from the Terraform AWS provider and its Python SDK ships no such list, so
  FORCE_NEW restates the `ForceNew: true` schema fields of the types this platform uses, in wire
  (camelCase) spelling, each from the file named next to it in hashicorp/terraform-provider-aws.
  Physical names (`name`, `bucket`) are auto-named from the logical name, so they only change
  when the logical name does, which the diff already sees as delete + create.
- pulumi-random (terraform-provider-random): every argument of a random resource replaces it
  ("hold those values steady until the inputs are changed"); `*` stands for that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

ANY = "*"

FORCE_NEW: dict[str, tuple[str, ...]] = {
    # internal/service/medialive/channel.go: channel_class, vpc (name, encoder_settings, input_* update in place)
    "aws:medialive/channel:Channel": ("channelClass", "vpc"),
    # internal/service/medialive/input_security_group.go: no ForceNew field (whitelist_rules updates in place)
    "aws:medialive/inputSecurityGroup:InputSecurityGroup": (),
    # internal/service/s3/bucket.go: bucket, bucket_prefix, object_lock_enabled
    "aws:s3/bucket:Bucket": ("bucket", "bucketPrefix", "objectLockEnabled"),
    # internal/service/s3/bucket_*.go sub-resources: the bucket they configure (and its expected owner)
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": ("bucket", "expectedBucketOwner"),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": ("bucket", "expectedBucketOwner"),
    "aws:s3/bucketVersioning:BucketVersioning": ("bucket", "expectedBucketOwner"),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": ("bucket",),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": ("bucket",),
    "aws:s3/bucketPolicy:BucketPolicy": ("bucket",),
    # internal/service/s3/object.go: bucket, key (the player site's files)
    "aws:s3/bucketObjectv2:BucketObjectv2": ("bucket", "key"),
    # internal/service/sqs/queue.go: name, name_prefix, fifo_queue
    "aws:sqs/queue:Queue": ("name", "namePrefix", "fifoQueue"),
    # internal/service/cloudfront/distribution.go: no ForceNew field (price class, aliases, restrictions update)
    "aws:cloudfront/distribution:Distribution": (),
    # internal/service/sns/topic.go: name, name_prefix, fifo_topic; topic_policy.go: arn; topic_subscription.go
    "aws:sns/topic:Topic": ("name", "namePrefix", "fifoTopic"),
    "aws:sns/topicPolicy:TopicPolicy": ("arn",),
    "aws:sns/topicSubscription:TopicSubscription": ("endpoint", "protocol", "topic"),
    # internal/service/kms/key.go: customer_master_key_spec, key_usage, multi_region
    "aws:kms/key:Key": ("customerMasterKeySpec", "keyUsage", "multiRegion"),
    # internal/service/events/rule.go, target.go
    "aws:cloudwatch/eventRule:EventRule": ("name", "namePrefix", "eventBusName"),
    "aws:cloudwatch/eventTarget:EventTarget": ("rule", "targetId", "eventBusName"),
    # internal/service/scheduler/schedule.go, schedule_group.go
    "aws:scheduler/schedule:Schedule": ("name", "namePrefix", "groupName"),
    "aws:scheduler/scheduleGroup:ScheduleGroup": ("name", "namePrefix"),
    # internal/service/iam/role.go, role_policy.go; lambda/function.go; logs/group.go
    "aws:iam/role:Role": ("name", "namePrefix", "path"),
    "aws:iam/rolePolicy:RolePolicy": ("name", "namePrefix", "role"),
    "aws:lambda/function:Function": ("name",),
    "aws:cloudwatch/logGroup:LogGroup": ("name", "namePrefix"),
    "aws:secretsmanager/secret:Secret": ("name", "namePrefix"),
    "random:index/randomPassword:RandomPassword": (ANY,),
    "random:index/randomId:RandomId": (ANY,),
}


def create_only(type_token: str, options: Mapping[str, Any]) -> tuple[str, ...]:
    """The resource's replace-on-change properties: what it registered with, else the table."""
    registered = tuple(options.get("replaceOnChanges") or ())
    return registered or FORCE_NEW.get(type_token, ())


def source(type_token: str, options: Mapping[str, Any]) -> str:
    if options.get("replaceOnChanges"):
        return "create-only in the provider's schema"
    if type_token.startswith("random:"):
        return "every argument replaces a random value (terraform-provider-random)"
    return "ForceNew in terraform-provider-aws"


def replacing(type_token: str, options: Mapping[str, Any], changed: Sequence[str]) -> tuple[str, ...]:
    """The changed properties that force a replacement."""
    rules = create_only(type_token, options)
    if ANY in rules:
        return tuple(changed)
    return tuple(p for p in changed if p in rules)
