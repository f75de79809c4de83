"""The wire-format vocabulary: type tokens and property readers, shared by every reader of resources.

Pure (standard library only, no Pulumi), so the cost model, the plan report, the `livestream`
command and the CrossGuard pack all read resources the same way:

- `tokens`: what a MediaLive channel, a bucket, a distribution... is called, in pulumi-aws and aws-native;
- `props`: nested keys, lists, numbers, flags, JSON documents and ARNs in wire-format properties;
- `iam`: statements, principals and conditions of policy documents;
- `medialive`: a channel's classes, its renditions (the ladder) and destinations;
- `cloudfront`: a distribution's settings, classic or aws-native;
- `resource`: `WireResource` (type, name, props) and `of_type`.
"""

from livestream.wire import cloudfront, iam, medialive, props, tokens
from livestream.wire.resource import WireResource, of_type
from livestream.wire.tokens import Tokens

__all__ = ["Tokens", "WireResource", "cloudfront", "iam", "medialive", "of_type", "props", "tokens"]
