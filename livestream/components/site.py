"""PlayerSite: the viewers' page, in a private bucket the distribution serves at its root.

The bucket is hardened like the others (`buckets.private_bucket`: encrypted, public access
blocked, TLS-only, owner-enforced) and only the distribution reads it, through origin access
control. Pulumi uploads the files `livestream.player.site` lists (the same ones `livestream player
--out` writes) plus `channels.json` built from the playback URLs. `recordings.json` is never
uploaded here: the recordings indexer owns it, and the page reads a missing one as "none yet".
"""

from __future__ import annotations

from collections.abc import Mapping

import pulumi

from livestream.components import aws
from livestream.components.buckets import Lifecycle, PrivateBucket, cloudfront_read, private_bucket
from livestream.player import site

# The site is rebuilt by every `pulumi up`: nothing to keep on destroy, no old versions to pay for.
SITE_LIFECYCLE = Lifecycle(glacier_after_days=None, expire_after_days=None)


class PlayerSite(pulumi.ComponentResource):
    """The player page's bucket and objects; `allow_distribution` and `publish_channels` finish it once the CDN exists."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]
    bucket_regional_domain_name: pulumi.Output[str]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livestream:index:PlayerSite", name, None, opts)
        self._name = name
        self._bucket: PrivateBucket = private_bucket(
            f"{name}-bucket",
            lifecycle=SITE_LIFECYCLE,
            parent=self,
            retain_on_delete=False,
            versioned=False,
            policy_later=True,  # the read grant names the distribution, which needs this bucket first
        )
        bucket = self._bucket.bucket
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.bucket_regional_domain_name = bucket.bucket_regional_domain_name
        for site_file in site.page_files():
            # an asset, not `content`: plans and state show its size, not 600 kB of hls.js
            self._upload(site_file, source=pulumi.StringAsset(site_file.body.decode()))
        self.register_outputs({"bucketName": self.bucket_name})

    def _upload(
        self, site_file: site.SiteFile, *, source: pulumi.Asset | None = None, content: pulumi.Input[str] | None = None
    ) -> aws.s3.BucketObjectv2:
        """One object, named after its logical file: a new content hash changes its key, not the resource's name."""
        return aws.s3.BucketObjectv2(
            f"{self._name}-{site_file.name}",
            bucket=self._bucket.bucket.id,
            key=site_file.key,
            source=source,
            content=content,
            content_type=site_file.content_type,
            cache_control=site_file.cache_control,
            opts=pulumi.ResourceOptions(parent=self, depends_on=self._bucket.guards),
        )

    def allow_distribution(self, distribution_arn: pulumi.Input[str]) -> aws.s3.BucketPolicy:
        """Only this distribution reads the site (the bucket's policy also keeps TLS-only)."""
        return self._bucket.add_policy(cloudfront_read(self._bucket.bucket.arn, "", distribution_arn))

    def publish_channels(self, playback_urls: pulumi.Input[Mapping[str, Mapping[str, str]]]) -> aws.s3.BucketObjectv2:
        """channels.json from the platform's playback URLs (an Output: the distribution's domain is in them)."""
        template = site.channels_file({})
        content = pulumi.Output.from_input(playback_urls).apply(site.channels_json)
        return self._upload(template, content=content)
