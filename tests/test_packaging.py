"""The package as others consume it: public API, multi-language schema, dependency rules."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import yaml
from pulumi.provider.experimental.analyzer import Analyzer
from pulumi.provider.experimental.schema import generate_schema

import livestream
from livestream import LiveStreamPlatform

ROOT = Path(__file__).resolve().parent.parent
PURE_MODULES = [f"livestream.{m}" for m in ("config", "ladder", "ttl", "cost", "latency", "cron")]


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
    assert set(component["properties"]) >= {"playbackUrls", "ingestUrls", "channelIds", "distributionDomain", "dashboardUrl"}
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


def test_pure_modules_import_no_pulumi() -> None:
    code = f"import sys; import {', '.join(PURE_MODULES)}; print(sorted(m for m in sys.modules if m.startswith('pulumi')))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == "[]"


def test_control_function_imports_only_stdlib_and_boto3() -> None:
    source = (ROOT / "livestream" / "functions" / "channel_control.py").read_text()
    imported = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    third_party = {name for name in imported if name not in sys.stdlib_module_names}
    assert third_party <= {"boto3", "botocore"}


def test_subcomponents_do_not_import_each_other() -> None:
    parts = ["encoder", "packager", "cdn", "archive", "alarms", "scheduler"]
    for part in parts:
        tree = ast.parse((ROOT / "livestream" / f"{part}.py").read_text())
        modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        assert not {f"livestream.{other}" for other in parts if other != part} & modules, part
