"""Which resources carry the platform's identity, and the transformation that protects them.

Replacing one of these changes what people outside the stack hold: the CloudFront domain viewers
and DNS point at, the channel group in every playback path, the RTMP/SRT addresses and keys typed
into encoders, the bucket holding the recordings. With `protect` on (prod), Pulumi refuses to
delete or replace them, so a rename or a removed channel fails loudly instead of executing
(https://www.pulumi.com/docs/iac/concepts/options/protect/). Lift it on purpose with
`pulumi state unprotect <urn>` or by setting `protect: false` and running `pulumi up` first.
"""

from __future__ import annotations

import pulumi

# Type token -> the logical-name suffixes that carry identity (empty: every resource of the type).
IDENTITY: dict[str, tuple[str, ...]] = {
    "aws:cloudfront/distribution:Distribution": (),
    "aws-native:mediapackagev2:ChannelGroup": (),
    "aws-native:medialive:Input": (),
    "random:index/randomPassword:RandomPassword": ("-stream-key", "-srt-passphrase"),
    "aws:secretsmanager/secret:Secret": ("-srt-passphrase",),
    "aws:s3/bucket:Bucket": ("-archive-bucket", "-recordings-bucket"),  # shared recording URLs point into it
}


def carries_identity(type_token: str, name: str) -> bool:
    if type_token not in IDENTITY:
        return False
    suffixes = IDENTITY[type_token]
    return not suffixes or name.endswith(suffixes)


def transformation() -> pulumi.ResourceTransformation:
    """Protect every identity-bearing resource under the component this is registered on."""

    def protect(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if not carries_identity(args.type_, args.name):
            return None
        return pulumi.ResourceTransformationResult(
            args.props, pulumi.ResourceOptions.merge(args.opts, pulumi.ResourceOptions(protect=True))
        )

    return protect
