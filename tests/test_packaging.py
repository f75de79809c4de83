"""The package as others consume it: public API, multi-language schema, dependency rules."""

from __future__ import annotations

import fnmatch
import json
import tomllib
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


def test_the_policy_pack_lives_in_the_package_and_the_repository_folder_links_to_it() -> None:
    """`pulumi preview --policy-pack policies` from the repository runs the same pack the wheel carries."""
    pack = Path(livestream.__file__).resolve().parent / "policypack"
    assert (ROOT / "policies").resolve() == pack
    for needed in ("PulumiPolicy.yaml", "__main__.py", "config/dev.json", "config/prod.json", "livestream_policies/__init__.py"):
        assert (pack / needed).is_file(), needed


def test_every_file_of_the_policy_pack_is_packaged() -> None:
    """Each file of the pack is either Python in a package setuptools finds, or matched by the pack's package data."""
    with open(ROOT / "pyproject.toml", "rb") as file:
        patterns = tomllib.load(file)["tool"]["setuptools"]["package-data"]["livestream.policypack"]
    pack = ROOT / "livestream" / "policypack"
    files = [p.relative_to(pack) for p in pack.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    assert files
    for path in files:
        in_package = path.suffix == ".py" and (pack / path.parent / "__init__.py").is_file()
        assert in_package or any(fnmatch.fnmatch(str(path), pattern) for pattern in patterns), path
