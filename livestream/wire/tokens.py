"""Type tokens: what each kind of resource is called in wire format, in both AWS providers.

A resource reaches the cost model, the plan report and the policy pack as a type token
(`aws:medialive/channel:Channel`) and camelCase properties. Each kind below lists the classic
pulumi-aws tokens first, then aws-native's (Cloud Control) where that provider has the type, so
every reader recognises a program written with either. tests/wire/test_tokens.py imports each
token's resource class from the installed SDKs and compares the class's own token, and checks
that a kind without an aws-native token really has none.
"""

from __future__ import annotations

from collections.abc import Iterable


class Tokens(tuple[str, ...]):
    """The tokens of one kind of resource; a tuple of all of them, with `classic` and `native` kept apart."""

    classic: tuple[str, ...]
    native: tuple[str, ...]

    def __new__(cls, classic: Iterable[str] = (), native: Iterable[str] = ()) -> Tokens:
        classic, native = tuple(classic), tuple(native)
        self = super().__new__(cls, (*classic, *native))
        self.classic = classic
        self.native = native
        return self


# --- media -------------------------------------------------------------------------------------
# aws-native has no MediaLive Channel (AWS::MediaLive::Channel is not in Cloud Control's catalogue).
MEDIALIVE_CHANNELS = Tokens(["aws:medialive/channel:Channel"])
MEDIALIVE_INPUTS = Tokens(["aws:medialive/input:Input"], ["aws-native:medialive:Input"])
MEDIALIVE_SECURITY_GROUPS = Tokens(
    ["aws:medialive/inputSecurityGroup:InputSecurityGroup"], ["aws-native:medialive:InputSecurityGroup"]
)
# pulumi-aws has only the MediaPackage v2 channel group; channels, endpoints and policies are aws-native only.
PACKAGER_GROUPS = Tokens(["aws:mediapackagev2/channelGroup:ChannelGroup"], ["aws-native:mediapackagev2:ChannelGroup"])
PACKAGER_CHANNELS = Tokens([], ["aws-native:mediapackagev2:Channel"])
PACKAGER_CHANNEL_POLICIES = Tokens([], ["aws-native:mediapackagev2:ChannelPolicy"])
ORIGIN_ENDPOINTS = Tokens([], ["aws-native:mediapackagev2:OriginEndpoint"])
ORIGIN_ENDPOINT_POLICIES = Tokens([], ["aws-native:mediapackagev2:OriginEndpointPolicy"])

# --- delivery ----------------------------------------------------------------------------------
CLASSIC_DISTRIBUTION = "aws:cloudfront/distribution:Distribution"
NATIVE_DISTRIBUTION = "aws-native:cloudfront:Distribution"  # everything under `distributionConfig`
DISTRIBUTIONS = Tokens([CLASSIC_DISTRIBUTION], [NATIVE_DISTRIBUTION])
ORIGIN_ACCESS_CONTROLS = Tokens(
    ["aws:cloudfront/originAccessControl:OriginAccessControl"], ["aws-native:cloudfront:OriginAccessControl"]
)

# --- storage -----------------------------------------------------------------------------------
BUCKETS = Tokens(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"], ["aws-native:s3:Bucket"])
BUCKET_POLICIES = Tokens(["aws:s3/bucketPolicy:BucketPolicy"], ["aws-native:s3:BucketPolicy"])
# The classic provider's separate bucket settings; an aws-native Bucket carries each inline.
PUBLIC_ACCESS_BLOCKS = Tokens(["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"])
ACCOUNT_PUBLIC_ACCESS_BLOCKS = Tokens(["aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock"])
ENCRYPTION_CONFIGS = Tokens(
    [
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
    ]
)
VERSIONING_CONFIGS = Tokens(["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"])
# Objects a program uploads itself (the player site); aws-native has no S3 object resource.
BUCKET_OBJECTS = Tokens(["aws:s3/bucketObjectv2:BucketObjectv2", "aws:s3/bucketObject:BucketObject"])
LIFECYCLE_CONFIGS = Tokens(
    [
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
        "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
    ]
)

# --- control and operations --------------------------------------------------------------------
SCHEDULES = Tokens(["aws:scheduler/schedule:Schedule"], ["aws-native:scheduler:Schedule"])
FUNCTIONS = Tokens(["aws:lambda/function:Function"], ["aws-native:lambda:Function"])
LAMBDA_PERMISSIONS = Tokens(["aws:lambda/permission:Permission"], ["aws-native:lambda:Permission"])
LAMBDA_FUNCTION_URLS = Tokens(["aws:lambda/functionUrl:FunctionUrl"], ["aws-native:lambda:Url"])
METRIC_ALARMS = Tokens(["aws:cloudwatch/metricAlarm:MetricAlarm"], ["aws-native:cloudwatch:Alarm"])
DASHBOARDS = Tokens(["aws:cloudwatch/dashboard:Dashboard"], ["aws-native:cloudwatch:Dashboard"])
LOG_GROUPS = Tokens(["aws:cloudwatch/logGroup:LogGroup"], ["aws-native:logs:LogGroup"])
BUDGETS = Tokens(["aws:budgets/budget:Budget"], ["aws-native:budgets:Budget"])
TOPICS = Tokens(["aws:sns/topic:Topic"], ["aws-native:sns:Topic"])
SUBSCRIPTIONS = Tokens(["aws:sns/topicSubscription:TopicSubscription"], ["aws-native:sns:Subscription"])
TOPIC_POLICIES = Tokens(["aws:sns/topicPolicy:TopicPolicy"], ["aws-native:sns:TopicPolicy"])
QUEUES = Tokens(["aws:sqs/queue:Queue"], ["aws-native:sqs:Queue"])
LOG_DELIVERY_SOURCES = Tokens(["aws:cloudwatch/logDeliverySource:LogDeliverySource"], ["aws-native:logs:DeliverySource"])
SECRETS = Tokens(["aws:secretsmanager/secret:Secret"], ["aws-native:secretsmanager:Secret"])
KMS_KEYS = Tokens(["aws:kms/key:Key"], ["aws-native:kms:Key"])
KMS_KEY_POLICIES = Tokens(["aws:kms/keyPolicy:KeyPolicy"])  # an aws-native Key carries its `keyPolicy` inline
IAM_ROLES = Tokens(["aws:iam/role:Role"], ["aws-native:iam:Role"])
IAM_POLICY_HOLDERS = Tokens(
    [
        "aws:iam/rolePolicy:RolePolicy",
        "aws:iam/policy:Policy",
        "aws:iam/userPolicy:UserPolicy",
        "aws:iam/groupPolicy:GroupPolicy",
    ],
    ["aws-native:iam:RolePolicy", "aws-native:iam:ManagedPolicy", "aws-native:iam:UserPolicy", "aws-native:iam:GroupPolicy"],
)
IAM_MANAGED_POLICIES = Tokens(["aws:iam/policy:Policy"], ["aws-native:iam:ManagedPolicy"])
# Managed policies attached by ARN (`policyArn`); aws-native lists them on the role (`managedPolicyArns`).
IAM_POLICY_ATTACHMENTS = Tokens(
    [
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        "aws:iam/userPolicyAttachment:UserPolicyAttachment",
        "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
        "aws:iam/policyAttachment:PolicyAttachment",
    ]
)

ALL: dict[str, Tokens] = {name: value for name, value in globals().items() if isinstance(value, Tokens)}
