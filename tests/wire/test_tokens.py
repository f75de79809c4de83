"""Every type token in the vocabulary is a real resource of the installed provider SDKs, and each kind
lists the aws-native type where aws-native has one (and only then leaves it out)."""

from __future__ import annotations

import importlib

import pytest
from pulumi.type_token import get_type_token

from livestream.wire import tokens

PACKAGES = {"aws": "pulumi_aws", "aws-native": "pulumi_aws_native"}
# Kinds with one provider only, and the class name the other provider would use if it had one.
ONE_PROVIDER = {
    "MEDIALIVE_CHANNELS": ("aws-native", "medialive", "Channel"),
    "PACKAGER_CHANNELS": ("aws", "mediapackagev2", "Channel"),
    "PACKAGER_CHANNEL_POLICIES": ("aws", "mediapackagev2", "ChannelPolicy"),
    "ORIGIN_ENDPOINTS": ("aws", "mediapackagev2", "OriginEndpoint"),
    "ORIGIN_ENDPOINT_POLICIES": ("aws", "mediapackagev2", "OriginEndpointPolicy"),
    "PUBLIC_ACCESS_BLOCKS": ("aws-native", "s3", "BucketPublicAccessBlock"),
    "ACCOUNT_PUBLIC_ACCESS_BLOCKS": ("aws-native", "s3", "AccountPublicAccessBlock"),
    "ENCRYPTION_CONFIGS": ("aws-native", "s3", "BucketServerSideEncryptionConfiguration"),
    "VERSIONING_CONFIGS": ("aws-native", "s3", "BucketVersioning"),
    "LIFECYCLE_CONFIGS": ("aws-native", "s3", "BucketLifecycleConfiguration"),
    "KMS_KEY_POLICIES": ("aws-native", "kms", "KeyPolicy"),
    "BUCKET_OBJECTS": ("aws-native", "s3", "BucketObject"),
    "IAM_POLICY_ATTACHMENTS": ("aws-native", "iam", "RolePolicyAttachment"),
}


def sdk_module(package: str, module: str) -> object:
    name = f"{PACKAGES[package]}.{module}"
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError:
        return importlib.import_module(name + "_")  # `lambda` is a Python keyword: pulumi_aws.lambda_


def resource_class(token: str) -> type:
    """`aws:medialive/input:Input` -> pulumi_aws.medialive.Input; `aws-native:s3:Bucket` -> pulumi_aws_native.s3.Bucket."""
    package, module, name = token.split(":")
    return getattr(sdk_module(package, module.split("/")[0]), name)  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", sorted(tokens.ALL))
def test_each_token_is_the_sdk_class_own_token(kind: str) -> None:
    found = tokens.ALL[kind]
    assert found, kind
    assert all(t.startswith("aws:") for t in found.classic) and all(t.startswith("aws-native:") for t in found.native)
    for token in found:
        assert get_type_token(resource_class(token)) == token


@pytest.mark.parametrize("kind", sorted(tokens.ALL))
def test_classic_and_native_listed_wherever_both_exist(kind: str) -> None:
    found = tokens.ALL[kind]
    if kind in ONE_PROVIDER:
        package, module, name = ONE_PROVIDER[kind]
        assert not hasattr(sdk_module(package, module), name), f"{kind}: {package} has {module}.{name}; list it"
        assert not (found.classic and found.native)
    else:
        assert found.classic and found.native, f"{kind} lists one provider only: {found}"


def test_a_token_set_is_a_tuple_of_both() -> None:
    assert tokens.BUCKETS == ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws-native:s3:Bucket")
    assert "aws-native:medialive:Input" in tokens.MEDIALIVE_INPUTS
    assert tokens.DISTRIBUTIONS.native == (tokens.NATIVE_DISTRIBUTION,)
    assert tokens.MEDIALIVE_CHANNELS.native == ()
