"""Cost-allocation tags on every taggable resource a platform creates.

Each resource gets `livestream:platform=<name>`, `livestream:environment=<env>` and the
user's own tags (stack config `livestream:tags` or component args). Tags a resource sets
itself are kept; the two `livestream:` tags always win, because budgets and cost reports
filter on them.

The tags are applied by a resource *transformation* registered on the platform component:
the SDK runs it in-process for the component and every descendant, before registration.
(Engine-side `transforms` would do the same in a real deployment, but the SDK's mock
monitor does not run them, so `livestream plan` and the tests would never see the tags.)

Whether a resource takes tags, and in which shape, is read from its class: the `tags`
parameter of the generated constructor is either a map (`pulumi_aws`, some `aws-native`
types) or a list of `{key, value}` (most `aws-native` types). Other shapes (e.g. the
autoscaling group's `propagate_at_launch` tags) are left alone.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Mapping
from typing import Any, Literal

import pulumi

PLATFORM_TAG = "livestream:platform"
ENVIRONMENT_TAG = "livestream:environment"
CHANNEL_TAG = "livestream:channel"  # on a MediaLive channel: its name in the platform (live.py reads it back)
SETTINGS_TAG = "livestream:channel-settings"  # on a MediaLive channel: digest of the settings it was deployed with
MANDATORY_TAGS = frozenset({PLATFORM_TAG, ENVIRONMENT_TAG})  # budgets and cost reports filter on them

TagShape = Literal["map", "list"]

_KEY_VALUE_LIST = re.compile(
    r"^typing\.Union\[typing\.Sequence\[typing\.Union\[ForwardRef\('_root_inputs\.(CreateOnly)?TagArgs'\)"
)
_MAP = re.compile(r"^typing\.Union\[typing\.Mapping\[str, ")


def platform_tags(platform: str, environment: str, user_tags: Mapping[str, str] | None = None) -> dict[str, str]:
    """The tags every resource of a platform carries: the user's, then the two mandatory ones."""
    return {**(user_tags or {}), PLATFORM_TAG: platform, ENVIRONMENT_TAG: environment}


def cost_filter_value(platform: str) -> str:
    """How AWS Budgets and Cost Explorer name this platform's cost-allocation tag value."""
    return f"user:{PLATFORM_TAG}${platform}"


@functools.cache
def tag_shape(resource_class: Any) -> TagShape | None:
    """'map' or 'list' when the class's constructor takes `tags` in a shape we understand, else None."""
    init = getattr(resource_class, "_internal_init", None)
    if init is None:
        return None
    parameter = inspect.signature(init).parameters.get("tags")
    if parameter is None:
        return None
    annotation = str(parameter.annotation)
    if _MAP.match(annotation):
        return "map"
    if _KEY_VALUE_LIST.match(annotation):
        return "list"
    return None


def merge(existing: Any, tags: Mapping[str, str], shape: TagShape, *, mandatory: frozenset[str]) -> Any:
    """`existing` tags (None, a map/list, or an Output of one) merged with `tags`.

    Keys in `mandatory` take their value from `tags`; other keys the resource already sets keep
    the resource's value.
    """
    if existing is None:
        return _render(dict(tags), shape)
    if _is_static(existing):
        return _render(_combined(_as_dict(existing), tags, mandatory), shape)
    return pulumi.Output.from_input(existing).apply(lambda value: _render(_combined(_as_dict(value), tags, mandatory), shape))


def transformation(tags: Mapping[str, str]) -> pulumi.ResourceTransformation:
    """A resource transformation adding `tags` to every custom resource whose class takes tags."""
    wanted = dict(tags)

    def add_tags(args: pulumi.ResourceTransformationArgs) -> pulumi.ResourceTransformationResult | None:
        if not isinstance(args.resource, pulumi.CustomResource) or isinstance(args.resource, pulumi.ProviderResource):
            return None
        resource_class: Any = type(args.resource)
        shape = tag_shape(resource_class)
        if shape is None:
            return None
        props = dict(args.props)
        props["tags"] = merge(props.get("tags"), wanted, shape, mandatory=MANDATORY_TAGS)
        return pulumi.ResourceTransformationResult(props, args.opts)

    return add_tags


def _combined(existing: Mapping[str, Any], tags: Mapping[str, str], mandatory: frozenset[str]) -> dict[str, Any]:
    combined = {**tags, **existing}
    combined.update({k: v for k, v in tags.items() if k in mandatory})
    return combined


def _is_static(value: Any) -> bool:
    """Whether the keys are known now (values may still be Outputs), so no `apply` is needed."""
    if isinstance(value, Mapping):
        return True
    if isinstance(value, list | tuple):
        return all(not isinstance(item, pulumi.Output) and isinstance((_key_value(item) or (None,))[0], str) for item in value)
    return False


def _key_value(item: Any) -> tuple[Any, Any] | None:
    """(key, value) of one list-shaped tag: a dict or a generated `TagArgs`."""
    if isinstance(item, Mapping):
        return item.get("key"), item.get("value")
    if hasattr(item, "key") and hasattr(item, "value"):
        return item.key, item.value
    return None


def _as_dict(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    pairs = (_key_value(item) for item in value)
    return {pair[0]: pair[1] for pair in pairs if pair is not None}


def _render(tags: Mapping[str, Any], shape: TagShape) -> Any:
    if shape == "map":
        return dict(tags)
    return [{"key": key, "value": value} for key, value in tags.items()]
