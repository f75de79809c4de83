"""Entry point of the multi-language component provider (see PulumiPlugin.yaml)."""

from pulumi.provider.experimental import component_provider_host

from livestream import LiveStreamPlatform, __version__

if __name__ == "__main__":
    component_provider_host(components=[LiveStreamPlatform], name="livestream", version=__version__)
