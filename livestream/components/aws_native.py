"""The `pulumi_aws_native` submodules the components use, imported one by one.

`from livestream.components import aws_native` then `aws_native.mediapackagev2.Channel(...)`:
the type checker reads these services only, not all of `pulumi_aws_native` (see `aws.py`).
"""

from pulumi_aws_native import medialive, mediapackagev2
from pulumi_aws_native.provider import Provider  # the platform's own, pinned to its region

__all__ = ["Provider", "medialive", "mediapackagev2"]
