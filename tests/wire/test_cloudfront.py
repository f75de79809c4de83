"""A distribution's settings, classic or aws-native."""

from __future__ import annotations

from livestream.wire import cloudfront, tokens

ORIGINS = [{"domainName": "g.egress.mediapackagev2.example", "originAccessControlId": "oac"}]


def test_classic_settings_are_the_resource_native_ones_sit_under_distribution_config() -> None:
    classic = {"priceClass": "PriceClass_200", "origins": ORIGINS}
    native = {"distributionConfig": {"priceClass": "PriceClass_100", "origins": ORIGINS}}
    assert cloudfront.price_class(classic, tokens.CLASSIC_DISTRIBUTION) == "PriceClass_200"
    assert cloudfront.price_class(native, tokens.NATIVE_DISTRIBUTION) == "PriceClass_100"
    assert cloudfront.price_class(native, tokens.CLASSIC_DISTRIBUTION) is None  # the classic type has no such wrapper
    assert (
        cloudfront.origins(native, tokens.NATIVE_DISTRIBUTION)
        == ORIGINS
        == cloudfront.origins(classic, tokens.CLASSIC_DISTRIBUTION)
    )
    assert cloudfront.distribution_config({}, tokens.NATIVE_DISTRIBUTION) == {}
