"""Run any Pulumi Python program offline, under the SDK's mock engine, and capture what it registers.

This is how the tests and `livestream plan` see a stack without the Pulumi CLI, provider
plugins or AWS: the real program runs, every resource registration is recorded with its
inputs in wire format (type tokens, camelCase), its parent and its options, and the
stack's exports are resolved. Secrets never leave as values: they read "[secret]".
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
import runpy
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as _sdk_resource
from pulumi.runtime import rpc, settings
from pulumi.runtime.config import CONFIG, set_all_config
from pulumi.runtime.proto import source_pb2 as _source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from livestream.model.settings import placeholders
from livestream.plan.fake_outputs import ACCOUNT_ID, fake_outputs

SECRET = "[secret]"


def _skip_source_positions() -> None:
    """Register resources without the caller's stack trace.

    For every resource the SDK walks the whole Python stack, reads each frame's source line and
    turns each file name into a URI, so the Pulumi CLI can point at the line that created it.
    Nothing here reads them, and they cost about a sixth of a plan's CPU time. Only this module
    does this, and only once it is imported: the offline runner, never a real deployment.
    """
    if callable(getattr(_sdk_resource, "_get_stack_trace", None)):  # private: left alone if the SDK changes
        _sdk_resource._get_stack_trace = _source_pb2.StackTrace


_skip_source_positions()


class ProgramError(RuntimeError):
    """The program could not run: bad project files, bad config, or an exception in the program.

    `error` is the original exception (e.g. a `ConfigError`); `plan` holds whatever was
    registered before the failure, so callers can prove that nothing was.
    """

    def __init__(self, message: str, *, error: BaseException | None = None, plan: Plan | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.plan = plan


@dataclass
class PlannedResource:
    urn: str
    type: str
    name: str
    parent: str | None
    custom: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    retain_on_delete: bool = False
    protect: bool = False
    dependencies: tuple[str, ...] = ()
    provider: str | None = None
    delete_before_replace: bool = False
    replace_on_changes: tuple[str, ...] = ()  # the SDK's create-only properties (pulumi-aws-native passes them)
    ignore_changes: tuple[str, ...] = ()
    aliases: tuple[dict[str, Any], ...] = ()  # each {"urn"} or {"name", "type", "parentUrn" | "noParent", ...}

    def options(self) -> dict[str, Any]:
        """The resource options that decide what a change does to it, as the plan document spells them."""
        return {
            "protect": self.protect,
            "retainOnDelete": self.retain_on_delete,
            "deleteBeforeReplace": self.delete_before_replace,
            "replaceOnChanges": list(self.replace_on_changes),
            "ignoreChanges": list(self.ignore_changes),
            "aliases": [dict(a) for a in self.aliases],
        }


@dataclass
class Plan:
    project: str
    stack: str
    config: dict[str, Any]
    resources: list[PlannedResource] = field(default_factory=list)
    exports: dict[str, Any] = field(default_factory=dict)
    config_read: set[str] = field(default_factory=set)  # the config keys the program looked up

    def of_type(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> PlannedResource:
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(found) != 1:
            raise LookupError(f"expected one {type_token} {name or ''}, found {[r.name for r in found]}")
        return found[0]

    def by_urn(self, urn: str) -> PlannedResource:
        return next(r for r in self.resources if r.urn == urn)

    def children(self, parent: PlannedResource) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == parent.urn]


# --- engine ---------------------------------------------------------------------------------


def _redact(value: Any) -> Any:
    """Keep a secret's shape (how many destinations, which keys) but none of its values."""
    if isinstance(value, dict):
        return {k: _redact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_redact(v) for v in value]
    return SECRET


def _asset(value: Any) -> Any:
    """Assets and archives as plain data, so plans serialise to JSON."""
    if isinstance(value, pulumi.AssetArchive):
        return {"assetArchive": {name: _asset(item) for name, item in value.assets.items()}}
    if isinstance(value, pulumi.FileAsset | pulumi.FileArchive):
        return {"path": str(value.path)}
    if isinstance(value, pulumi.StringAsset):
        return {"text": f"<{len(value.text)} characters>"}
    if isinstance(value, pulumi.RemoteAsset | pulumi.RemoteArchive):
        return {"uri": value.uri}
    return {"asset": type(value).__name__}


def _strip_secrets(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return _redact(_strip_secrets(rpc.unwrap_rpc_secret(value)))
    if isinstance(value, pulumi.Asset | pulumi.Archive):
        return _asset(value)
    if isinstance(value, dict):
        return {k: _strip_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_strip_secrets(v) for v in value]
    return value


class _Mocks(pulumi_mocks.Mocks):
    def __init__(self, region: str) -> None:
        self.region = region
        # The SDK registers resources from several threads at once, so the registration under way
        # is per thread: the monitor sets its additionalSecretOutputs, new_resource (same thread) reads them.
        self.registration = threading.local()

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str | None, dict[str, Any]]:
        inputs = _strip_secrets(dict(args.inputs))
        if not args.custom:
            return None, {}
        outputs = fake_outputs(args.typ, args.name, inputs, self.region)
        state = {**args.inputs, **outputs}  # the SDK gets real values back (assets stay assets)
        for key in getattr(self.registration, "secret_outputs", ()):  # as the engine does with additionalSecretOutputs
            if key in state:
                state[key] = rpc.wrap_rpc_secret(state[key])
        return outputs.pop("id"), state

    def call(self, args: pulumi_mocks.MockCallArgs) -> Any:
        token = args.token
        if token.endswith("getCallerIdentity"):
            return {"accountId": ACCOUNT_ID, "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/offline", "userId": "OFFLINE"}
        if token.endswith("getRegion"):
            return {"name": self.region, "region": self.region, "id": self.region}
        if token.endswith("getPartition"):
            return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"}
        return {}


def _aliases(request: Any) -> tuple[dict[str, Any], ...]:
    """A registration's aliases as plain data: URNs, or specs naming what changed (name, type, parent, stack, project).

    The SDK sends specs when the monitor supports them (the mock does) and leaves inheriting a parent's
    aliases to the engine, so only the aliases given to this resource appear here.
    """
    found: list[dict[str, Any]] = [{"urn": urn} for urn in request.aliasURNs]
    for alias in request.aliases:
        if alias.WhichOneof("alias") == "urn":
            found.append({"urn": alias.urn})
            continue
        spec = alias.spec
        fields = {"name": spec.name, "type": spec.type, "stack": spec.stack, "project": spec.project}
        entry: dict[str, Any] = {k: v for k, v in fields.items() if v}
        if spec.WhichOneof("parent") == "parentUrn" and spec.parentUrn:  # "" means "the current parent"
            entry["parentUrn"] = spec.parentUrn
        elif spec.WhichOneof("parent") == "noParent":
            entry["noParent"] = spec.noParent
        found.append(entry)
    return tuple(found)


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """The SDK's mock monitor, also remembering each registration's parent and options."""

    mocks: _Mocks

    def __init__(self, mocks: _Mocks) -> None:
        super().__init__(mocks)
        self.planned: list[PlannedResource] = []

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 (gRPC method name)
        self.mocks.registration.secret_outputs = tuple(request.additionalSecretOutputs)
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        inputs = _strip_secrets(rpc.deserialize_properties(request.object))
        registration = self.resources[response.urn]
        self.planned.append(
            PlannedResource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                parent=request.parent or None,
                custom=bool(request.custom),
                inputs=inputs,
                outputs={**_strip_secrets(registration.state), "id": registration.id} if request.custom else {},
                retain_on_delete=bool(request.retainOnDelete),
                protect=bool(request.protect),
                dependencies=tuple(request.dependencies),
                provider=request.provider or None,
                delete_before_replace=bool(request.deleteBeforeReplace),
                replace_on_changes=tuple(request.replaceOnChanges),
                ignore_changes=tuple(request.ignoreChanges),
                aliases=_aliases(request),
            )
        )
        return response


# --- provider configuration -----------------------------------------------------------------

# Packages whose provider refuses to configure without a region, and where it reads it:
# pulumi-aws `aws:region`, pulumi-aws-native `aws-native:region`, each falling back to the
# AWS_REGION / AWS_DEFAULT_REGION environment variables ("missing required configuration key
# aws-native:region" otherwise). https://www.pulumi.com/registry/packages/aws-native/installation-configuration/
REGIONAL_PACKAGES = ("aws", "aws-native")
REGION_VARIABLES = ("AWS_REGION", "AWS_DEFAULT_REGION")


def _environment_region() -> str | None:
    return next((os.environ[name] for name in REGION_VARIABLES if os.environ.get(name)), None)


def check_providers(plan: Plan) -> None:
    """Refuse what `pulumi up` refuses: a provider with no region, or aws and aws-native in two regions."""
    providers = {r.urn: r for r in plan.resources if r.type.startswith("pulumi:providers:")}
    regions: dict[str, set[str]] = {}
    for resource in plan.resources:
        package = resource.type.split(":", 1)[0]
        if not resource.custom or package not in REGIONAL_PACKAGES or resource.type.startswith("pulumi:"):
            continue
        region, source = _provider_region(resource, package, plan.config, providers)
        if not region:
            raise ProgramError(
                f"{resource.type} {resource.name!r}: missing required configuration key {source} (the {package} provider "
                f"needs a region: set {source} in Pulumi.{plan.stack}.yaml, or {' / '.join(REGION_VARIABLES)})"
            )
        regions.setdefault(region, set()).add(f"{package} ({source})")
    if len(regions) > 1:
        where = "; ".join(f"{region}: {', '.join(sorted(users))}" for region, users in sorted(regions.items()))
        raise ProgramError(f"the program's providers target different regions, so its resources would be split: {where}")


def _provider_region(
    resource: PlannedResource, package: str, config: Mapping[str, Any], providers: Mapping[str, PlannedResource]
) -> tuple[str | None, str]:
    """The region a resource's provider would use, and the setting it comes from."""
    if resource.provider:
        provider = providers.get(resource.provider.rsplit("::", 1)[0])
        if provider is not None:
            label = f"region of provider {provider.name!r}"
            return (provider.inputs.get("region") or _environment_region()), label
    key = f"{package}:region"
    return (config.get(key) or _environment_region()), key


# --- project files --------------------------------------------------------------------------


# libyaml's parser where PyYAML was built with it: ~10x faster on a stack file, and every plan reads two.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text()
        try:
            data = yaml.load(text, Loader=_FAST_LOADER) or {}  # a safe loader, C or pure
        except yaml.YAMLError:
            data = yaml.safe_load(text) or {}  # the pure parser, for its message: libyaml's does not quote the line
    except FileNotFoundError:
        raise ProgramError(f"{path} does not exist") from None
    except yaml.YAMLError as error:
        raise ProgramError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ProgramError(f"{path} must hold a YAML mapping")
    return data


@dataclass(frozen=True)
class _Project:
    name: str
    main: Path  # the program file
    defaults: dict[str, Any]  # config defaults declared in Pulumi.yaml


def _project(project_dir: Path) -> _Project:
    """Pulumi.yaml, read once: a named Python project, its entry point and config defaults."""
    path = project_dir / "Pulumi.yaml"
    project = _read_yaml(path)
    name = str(project.get("name") or "")
    if not name:
        raise ProgramError(f"{path} has no project name")
    runtime = project.get("runtime")
    runtime_name = runtime.get("name") if isinstance(runtime, dict) else runtime
    if runtime_name != "python":
        raise ProgramError(f"{path}: runtime {runtime_name!r} is not python; only Python programs run offline")
    main = project_dir / str(project.get("main") or ".")
    defaults = {k: v.get("default") for k, v in (project.get("config") or {}).items() if isinstance(v, dict) and "default" in v}
    return _Project(name, main / "__main__.py" if main.is_dir() else main, defaults)


def stack_config(project_dir: Path, stack: str) -> tuple[str, dict[str, Any], set[str]]:
    """Project name, the stack's config with fully qualified keys, and which keys are secret."""
    project = _project(project_dir)
    return (project.name, *_stack_values(project_dir, project, stack))


def _stack_values(project_dir: Path, project: _Project, stack: str) -> tuple[dict[str, Any], set[str]]:
    name, defaults = project.name, project.defaults
    stack_file = _read_yaml(project_dir / f"Pulumi.{stack}.yaml")
    values: dict[str, Any] = {}
    secrets: set[str] = set()
    for key, value in {**defaults, **(stack_file.get("config") or {})}.items():
        full = key if ":" in key else f"{name}:{key}"
        if _has_secure(value):  # top-level or nested in an object: the whole key is secret, as the CLI treats it
            secrets.add(full)
            value = _mask_secure(value)
        values[full] = value
    return values, secrets


def _is_secure(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"secure"}


def _has_secure(value: Any) -> bool:
    if _is_secure(value):
        return True
    if isinstance(value, dict):
        return any(_has_secure(v) for v in value.values())
    return isinstance(value, list) and any(_has_secure(v) for v in value)


def _mask_secure(value: Any) -> Any:
    """Every `{secure: <ciphertext>}` (at any depth) becomes the placeholder; the ciphertext never reaches the program."""
    if _is_secure(value):
        return SECRET
    if isinstance(value, dict):
        return {k: _mask_secure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_mask_secure(v) for v in value]
    return value


class _ReadTracking(dict[str, Any]):
    """The SDK's config map, remembering which keys the program looked up (`pulumi.Config.get` and friends)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        super().__init__(values)
        self.read: set[str] = set()

    def __contains__(self, key: object) -> bool:
        self.read.add(str(key))
        return super().__contains__(key)

    def __getitem__(self, key: str) -> Any:
        self.read.add(key)
        return super().__getitem__(key)


@contextmanager
def _program_context(project_dir: Path) -> Iterator[None]:
    saved_cwd, saved_path = os.getcwd(), list(sys.path)
    os.chdir(project_dir)
    sys.path.insert(0, str(project_dir))
    try:
        yield
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path


def _run_main(main: Path) -> None:
    runpy.run_path(str(main), run_name="__main__")


def _resolve(value: Any) -> Any:
    output = pulumi.Output.from_input(value)
    resolved = _sync_await(output.future())
    return SECRET if _sync_await(output.is_secret()) else _strip_secrets(resolved)


def run(project_dir: str | Path = ".", stack: str = "dev", config: Mapping[str, Any] | None = None) -> Plan:
    """Run the project's program for `stack` under mocks. `config` (full keys) replaces the stack file's config."""
    project_dir = Path(project_dir).resolve()
    project = _project(project_dir)
    if config is None:
        values, secret_keys = _stack_values(project_dir, project, stack)
    else:
        values, secret_keys = dict(config), set()
    region = str(values.get("aws:region") or "us-east-1")
    with _event_loop(), paused_cyclic_gc():
        return _run(project, project_dir, stack, values, secret_keys, region)


_handed_back: list[asyncio.AbstractEventLoop] = []  # the idle loop the last run left current


@contextmanager
def _event_loop() -> Iterator[None]:
    """A fresh loop per run, closed after it: the SDK's registrations run in the loop's default
    executor, whose threads (six per run) and everything they reach would otherwise outlive the run.
    An unused loop is left current for callers that still build Outputs; the next run closes it."""
    while _handed_back:
        _handed_back.pop().close()
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        yield
    finally:
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()
        _handed_back.append(asyncio.new_event_loop())
        asyncio.set_event_loop(_handed_back[-1])


@contextmanager
def paused_cyclic_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector for one plan (reference counting still frees memory).

    The SDK imports build thousands of classes and the engine keeps every resource's futures alive,
    so generation-2 collections keep re-walking a growing heap: measured on the 2-core reference
    machine, pausing them cuts a 20-channel plan from ~3.1 s to ~2.1 s (prod ~1.2 s to ~1.0 s) for
    ~6 MB more peak memory (bench/plan_speed.py), and a dev plan in a process that holds more (a
    test worker) from 0.55 s to 0.29 s of CPU. The previous state is restored afterwards.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _run(project: _Project, project_dir: Path, stack: str, values: dict[str, Any], secret_keys: set[str], region: str) -> Plan:
    settings.ROOT.set(None)
    set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}, sorted(secret_keys))
    read = _ReadTracking(CONFIG.get())
    CONFIG.set(read)
    monitor = _RecordingMonitor(_Mocks(region))
    pulumi_mocks.set_mocks(monitor.mocks, project=project.name, stack=stack, preview=False, monitor=monitor)
    plan = Plan(project=project.name, stack=stack, config=values, resources=monitor.planned, config_read=read.read)
    with _program_context(project_dir), placeholders({SECRET}):  # a secret is unknown here, not invalid
        try:
            _sync_await(run_pulumi_func(lambda: _run_main(project.main)))
        except Exception as error:
            raise ProgramError(f"{type(error).__name__}: {error}", error=error, plan=plan) from error
        finally:
            settings.SETTINGS.rpc_manager.clear()
    check_providers(plan)
    root = settings.get_root_resource()
    outputs = getattr(root, "outputs", {}) or {}
    plan.exports = {name: _resolve(value) for name, value in outputs.items()}
    return plan
