"""The package as others consume it: public API, multi-language schema, dependency rules."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

import livestream
from livestream import LiveStreamPlatform

ROOT = Path(__file__).resolve().parent.parent


def schema() -> dict:
    analyzed = Analyzer("livestream").analyze([LiveStreamPlatform])
    spec = generate_schema(
        "livestream",
        livestream.__version__,
        None,
        analyzed["component_definitions"],
        analyzed["type_definitions"],
        list(analyzed["dependencies"]),
    )
    return json.loads(json.dumps(spec.to_json()))  # the schema exactly as the CLI would publish it


def test_schema_lists_the_component_args_and_outputs() -> None:
    spec = schema()
    component = spec["resources"]["livestream:index:LiveStreamPlatform"]
    assert component["isComponent"] is True
    assert set(component["inputProperties"]) >= {"channels", "archive", "cdn", "alarms", "budget", "schedule", "tags"}
    assert component["requiredInputs"] == ["channels"]
    assert set(component["properties"]) >= {"playbackUrls", "playerUrl", "ingestUrls", "channelIds", "distributionDomain"}
    channel = spec["types"]["livestream:index:ChannelArgs"]
    assert set(channel["properties"]) >= {"ingest", "ladder", "renditions", "pipeline", "segmentSeconds", "lowLatencyHls"}
    assert channel["required"] == ["ingest"]


def test_schema_documents_every_field() -> None:
    spec = schema()
    component = spec["resources"]["livestream:index:LiveStreamPlatform"]
    undocumented = [name for name, prop in component["inputProperties"].items() if not prop.get("description")]
    undocumented += [name for name, prop in component["properties"].items() if not prop.get("description")]
    for token, complex_type in spec["types"].items():
        undocumented += [f"{token}.{n}" for n, prop in complex_type["properties"].items() if not prop.get("description")]
    assert undocumented == []


def test_public_api_exports_resolve() -> None:
    for name in livestream.__all__:
        assert getattr(livestream, name) is not None, name
    assert {"LiveStreamPlatform", "LiveStreamPlatformArgs", "Encoder", "Archive", "ConfigError"} <= set(livestream.__all__)


def test_plugin_manifest_points_at_a_provider_hosting_the_component() -> None:
    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == "python"
    entry = (ROOT / manifest["main"] / "__main__.py").read_text()
    assert "component_provider_host" in entry and "LiveStreamPlatform" in entry
