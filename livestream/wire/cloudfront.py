"""Reading a CloudFront distribution in wire format, classic or aws-native."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from livestream.wire.props import get, items
from livestream.wire.tokens import NATIVE_DISTRIBUTION


def distribution_config(props: Mapping[str, Any], resource_type: str) -> Mapping[str, Any]:
    """The distribution's settings: the classic resource's own properties, aws-native's `distributionConfig`."""
    if resource_type == NATIVE_DISTRIBUTION:
        return get(props, "distributionConfig", default={})
    return props


def price_class(props: Mapping[str, Any], resource_type: str) -> str | None:
    """The price class as set (CloudFront's default, when unset, is PriceClass_All)."""
    value = get(distribution_config(props, resource_type), "priceClass")
    return str(value) if value else None


def origins(props: Mapping[str, Any], resource_type: str) -> list[Any]:
    return items(distribution_config(props, resource_type), "origins")
