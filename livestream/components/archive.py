"""Archive: the shared S3 bucket every channel records into."""

from __future__ import annotations

import pulumi

from livestream.components.buckets import Lifecycle, private_bucket
from livestream.model.settings import ArchiveSettings


class Archive(pulumi.ComponentResource):
    """Recordings outlive the stack in prod: the bucket is retained on `pulumi destroy`."""

    bucket_name: pulumi.Output[str]
    bucket_arn: pulumi.Output[str]

    def __init__(self, name: str, settings: ArchiveSettings, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("livestream:index:Archive", name, None, opts)
        bucket = private_bucket(
            f"{name}-bucket",
            lifecycle=Lifecycle(settings.glacier_after_days, settings.expire_after_days, settings.noncurrent_expire_days),
            parent=self,
            retain_on_delete=settings.retain_on_delete,
            kms_key_arn=settings.kms_key_arn,
        ).bucket
        self.bucket_name = bucket.bucket
        self.bucket_arn = bucket.arn
        self.register_outputs({"bucketName": self.bucket_name, "bucketArn": self.bucket_arn})

    def prefix_of(self, channel: str) -> str:
        """Each channel records under its own prefix, so its role can be scoped to it."""
        return f"{channel}/"
