"""`livestream plan` (contract: README): the JSON contract, exit codes 0/1/2, other projects, Mermaid, no secret leaks.

Most tests call the command in-process (`cli.main` with capsys, or `plan.build` + `plan.render`) and
share one run per stack; two subprocess runs prove the console behaviour (exit status, stderr,
no traceback, no SDK import for `--help`).
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import livestream
from livestream import cli
from livestream.cli import plan
from livestream.plan.render import node_labels

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
CONSUMER = ROOT / "examples" / "consumer"
BAD_PROGRAM = FIXTURES / "bad_program"
BAD_CONFIG = FIXTURES / "bad_config"
SECRET_CONFIG = FIXTURES / "secret_config"
TWO_CHANNELS = FIXTURES / "two_channels"

CONTRACT_KEYS = {"resources", "violations", "cost", "latency", "exports"}
VIOLATION_KEYS = {"policy", "enforcementLevel", "resource", "message"}
STREAM_KEY_PLAINTEXT = "x" * 16  # the mock engine's RandomPassword result is "x" * length: a secret output


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def dev() -> plan.PlanReport:
    return plan.build(ROOT, "dev")


@pytest.fixture(scope="module")
def dev_json(dev: plan.PlanReport) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(plan.render(dev, "json"))
    return document


@pytest.fixture(scope="module")
def two_channels() -> plan.PlanReport:
    return plan.build(TWO_CHANNELS, "test")


@pytest.fixture(scope="module")
def secret_outputs() -> dict[str, str]:
    result = plan.build(SECRET_CONFIG, "dev")
    return {fmt: plan.render(result, fmt) for fmt in ("text", "json", "mermaid")}


# --- the JSON contract --------------------------------------------------------------------------


def test_json_on_the_dev_stack_has_the_contract_keys_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--json")
    assert code == 0
    document = json.loads(out)  # exactly one JSON object on stdout
    assert set(document) >= CONTRACT_KEYS
    assert document["summary"]["exitCode"] == 0 and document["summary"]["mandatoryViolations"] == 0
    assert isinstance(document["cost"]["monthlyUsd"], float)


def test_resources_are_type_name_parent(dev_json: dict[str, Any]) -> None:
    resources = dev_json["resources"]
    assert all({"type", "name", "parent"} <= set(r) for r in resources)
    by_name = {r["name"]: r for r in resources}
    assert by_name["live-dev"]["type"] == "livestream:index:LiveStreamPlatform"
    assert by_name["live-dev"]["parent"] is None  # the stack is not listed
    assert (by_name["live-dev-main"]["type"], by_name["live-dev-main"]["parent"]) == ("livestream:index:Encoder", "live-dev")
    channel = by_name["live-dev-main-channel"]
    assert (channel["type"], channel["parent"], channel["parentType"]) == (
        "aws:medialive/channel:Channel",
        "live-dev-main",
        "livestream:index:Encoder",
    )
    names = {r["name"] for r in resources}
    assert all(r["parent"] is None or r["parent"] in names for r in resources)
    assert dev_json["summary"]["resources"] == len(resources)


def test_violations_have_the_contract_shape(dev_json: dict[str, Any]) -> None:
    # dev opts into ingest from phones on mobile networks and skips the default-certificate advisory
    assert dev_json["violations"] == []
    assert dev_json["policyPack"]["config"].endswith("policies/config/dev.json")  # the stack's own policy config
    prod = json.loads(plan.render(plan.build(ROOT, "prod"), "json"))
    assert prod["violations"], "prod without a custom domain gets the default-certificate TLS 1.0 advisory"
    assert all(set(v) == VIOLATION_KEYS for v in prod["violations"])
    assert {v["enforcementLevel"] for v in prod["violations"]} == {"advisory"}
    assert [v["policy"] for v in prod["violations"]] == ["cloudfront-default-certificate-tls"]
    assert prod["policyPack"]["name"] == "livestream-policies"
    assert len(prod["policies"]) > 10 and all(p["status"] in ("pass", "fail", "disabled") for p in prod["policies"])


def test_cost_is_itemised_from_the_settings_with_counts_from_the_plan(dev_json: dict[str, Any]) -> None:
    cost = dev_json["cost"]
    assert cost["basis"] == "platform"
    items = {i["name"]: i for i in cost["items"]}
    assert {"MediaLive channels", "CloudFront egress", "S3 archive", "CloudWatch alarms"} <= set(items)
    assert cost["monthlyUsd"] == pytest.approx(sum(i["monthlyUsd"] for i in cost["items"]), abs=0.05)
    alarms = sum(1 for r in dev_json["resources"] if r["type"] == "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert items["CloudWatch alarms"]["detail"].startswith(f"{alarms} alarms")
    keys = sum(1 for r in dev_json["resources"] if r["type"] == "aws:kms/key:Key")
    assert keys and items["KMS keys"]["detail"].startswith(f"{keys} customer managed keys")
    assert cost["assumptions"]["region"] == "ap-northeast-2"


def test_latency_is_per_channel(dev_json: dict[str, Any]) -> None:
    assert set(dev_json["latency"]) == {"main"}
    main = dev_json["latency"]["main"]
    assert main["low"] <= main["seconds"] <= main["high"]
    assert main["segmentSeconds"] == 4 and main["lowLatencyHls"] is False


def test_exports_keep_secrets_secret(dev_json: dict[str, Any]) -> None:
    exports = dev_json["exports"]
    assert exports["ingestUrls"] == "[secret]"  # RTMP URLs carry the stream key
    assert exports["archiveBucket"].startswith("live-dev-archive")


@pytest.mark.fresh_plans
def test_output_is_deterministic(dev: plan.PlanReport) -> None:
    again = plan.build(ROOT, "dev")  # the engine registers concurrently; the report must not show it
    for fmt in ("text", "json", "mermaid"):
        assert plan.render(again, fmt).replace(str(ROOT), "ROOT") == plan.render(dev, fmt).replace(str(ROOT), "ROOT")


# --- text and mermaid -----------------------------------------------------------------------------


def test_text_report_has_tree_verdicts_cost_latency_exports(dev: plan.PlanReport) -> None:
    text = plan.render(dev, "text")
    for heading in ("Resources", "Policies", "Monthly cost", "Latency", "Exports"):
        assert f"\n{heading}  " in text or f"\n{heading}\n" in text
    assert "LiveStreamPlatform live-dev" in text
    assert "├─ Encoder live-dev-main" in text
    assert "aws:cloudwatch:MetricAlarm  ×" in text  # same-type siblings folded
    assert "medialive-ingest-not-open" in text and "advisory" in text
    total = next(line for line in text.splitlines() if line.strip().startswith("total "))
    assert f"${dev.document.cost.monthly_usd:,.2f}" in total
    assert "main   19.0 s" in text
    assert text.rstrip().endswith("(exit 0)")


def test_text_full_tree_and_ascii_fallback(dev: plan.PlanReport) -> None:
    full = plan.render(dev, "text", full_tree=True)
    alarms = sum(1 for r in dev.document.resources if r.type == "aws:cloudwatch/metricAlarm:MetricAlarm")
    assert full.count("aws:cloudwatch:MetricAlarm  live-dev-alarms-") == alarms
    ascii_text = plan.render(dev, "text", encoding="ascii")
    ascii_text.encode("ascii")
    assert "|- Encoder live-dev-main" in ascii_text


def test_mermaid_is_drawn_from_the_plan(dev: plan.PlanReport) -> None:
    diagram = plan.render(dev, "mermaid")
    assert diagram.startswith("flowchart LR\n")
    labels = " | ".join(node_labels(diagram))
    for node in ("Broadcaster", "Encoder live-dev-main", "Packager", "MediaPackage v2", "Cdn", "CloudFront", "Viewers"):
        assert node in labels
    assert "Archive live-dev-archive" in labels and "Alarms" in labels and "Scheduler" in labels
    for edge in (
        "broadcaster -->|RTMP| enc1",
        "enc1 -->|HLS ingest| pkg1",
        "pkg1 -->|origin fetch| cdn1",
        "cdn1 -->|HTTPS| viewers",
        "enc1 -->|recording| arc1",
        "scheduler -.->|start / stop / idle stop| enc1",  # dev: an evening schedule and an idle stop
    ):
        assert edge in diagram


def test_mermaid_shows_the_player_page_and_recordings_and_counts_only_scheduled_functions(dev: plan.PlanReport) -> None:
    diagram = plan.render(dev, "mermaid")
    labels = " | ".join(node_labels(diagram))
    assert "Player page live-dev-site" in labels and "Recordings live-dev-recordings" in labels
    for edge in ("site1 -->|page| cdn1", "pkg1 -.->|harvest on stop| rec1", "rec1 -->|past broadcasts| cdn1"):
        assert edge in diagram
    functions = [r for r in dev.document.resources if r.type == "aws:lambda/function:Function"]
    assert len(functions) == 2  # the control function and the recordings indexer; only the first is scheduled
    assert "1 control function" in labels


def test_mermaid_has_only_the_nodes_the_plan_has(two_channels: plan.PlanReport, secret_outputs: dict[str, str]) -> None:
    diagram = plan.render(two_channels, "mermaid")
    assert "broadcaster -->|RTMP| enc1" in diagram and "broadcaster -->|SRT| enc2" in diagram
    assert diagram.count("-->|HLS ingest| pkg1") == 2
    assert "operators" not in diagram  # no e-mail subscriptions in this program
    assert secret_outputs["mermaid"] == "flowchart LR\n"  # no media path at all


# --- exit codes ------------------------------------------------------------------------------------


def test_a_mandatory_violation_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(BAD_PROGRAM), "--json")
    assert code == 1
    document = json.loads(out)
    mandatory = [v for v in document["violations"] if v["enforcementLevel"] == "mandatory"]
    assert mandatory and document["summary"]["mandatoryViolations"] == len(mandatory)
    assert {"iam-no-wildcards", "cloudfront-viewer-https", "budget-exists"} <= {v["policy"] for v in mandatory}
    assert any(v["resource"] is None for v in mandatory)  # a stack policy's finding
    assert document["cost"]["basis"] == "resources"  # raw providers, no livestream config: priced from the plan


def test_policy_config_can_relax_the_levels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "advisory.json"
    config.write_text(json.dumps({"all": "advisory"}))
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(BAD_PROGRAM), "--policy-config", str(config))
    assert code == 0
    assert "mandatory policy violated" in out and f"config: {config}" in out


def test_a_bad_config_exits_2_naming_the_key(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_main(capsys, "plan", "dev", "--project", str(BAD_CONFIG))
    assert code == 2
    assert out == ""
    assert "livestream:channels.main.pipeline" in err and "DOUBLE" in err and "SINGLE_PIPELINE" in err
    assert "Traceback" not in err
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(BAD_CONFIG), "--json")
    assert code == 2
    assert json.loads(out)["error"]["key"] == "livestream:channels.main.pipeline"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["plan", "nope"], "no stack file Pulumi.nope.yaml"),
        (["plan", "dev", "--project", "tests"], "Pulumi.yaml not found"),
        (["plan", "dev", "--policy-pack", "no/such/pack"], "no such directory"),
    ],
)
def test_project_errors_exit_2(capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    code, _, err = run_main(capsys, *[a if a != "tests" else str(ROOT / "tests") for a in argv])
    assert code == 2 and expected in err


def test_program_errors_exit_2_with_the_location(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: broken\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text("import pulumi\n\nvalue = {}\nprint('chatter')\npulumi.export('x', value['missing'])\n")
    code, out, err = run_main(capsys, "plan", "--project", str(tmp_path), "--json")
    assert code == 2
    assert json.loads(out)["error"]["kind"] == "program"  # the program's print went to stderr, not into the JSON
    assert "KeyError" in err and "__main__.py:5" in err and "chatter" in err
    assert "Traceback" not in err


def test_policy_config_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    config = tmp_path / "typo.json"
    config.write_text(json.dumps({"monthly-cost-limt": {"maxMonthlyUsd": 10}}))
    code, _, err = run_main(capsys, "plan", "test", "--project", str(TWO_CHANNELS), "--policy-config", str(config))
    assert code == 2 and "monthly-cost-limt" in err


def test_subprocess_exit_codes_and_no_traceback() -> None:
    command = [sys.executable, "-m", "livestream.cli", "plan", "dev", "--project", str(BAD_CONFIG)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 2
    assert "livestream:channels.main.pipeline" in done.stderr and "Traceback" not in done.stderr


def test_help_does_not_import_the_sdks() -> None:
    probe = "import sys; from livestream import cli; cli.parser().format_help(); print('pulumi' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=60, check=True)
    assert done.stdout.strip() == "False"


# --- any project -------------------------------------------------------------------------------------


def test_runs_on_a_second_project_directory(two_channels: plan.PlanReport, capsys: pytest.CaptureFixture[str]) -> None:
    document = two_channels.document.to_json()
    assert document["project"] == "two-channels" and document["stack"] == "test"
    encoders = [r["name"] for r in document["resources"] if r["type"] == "livestream:index:Encoder"]
    assert sorted(encoders) == ["studio-studio-a", "studio-studio-b"]
    assert two_channels.exit_code in (0, 1) and document["summary"]["exitCode"] == two_channels.exit_code
    # The program passes Python args: cost and latency come from the settings the component recorded.
    assert document["cost"]["basis"] == "platform" and document["cost"]["monthlyUsd"] > 0
    assert document["latency"]["studio-a"]["segmentSeconds"] == 4
    assert set(document["latency"]) == {"studio-a", "studio-b"}
    assert document["latency"]["studio-b"]["segmentSeconds"] == 2
    assert document["exports"]["ingestUrls"] == "[secret]"


def test_a_library_platform_is_priced_from_the_settings_it_recorded(two_channels: plan.PlanReport) -> None:
    cost = two_channels.document.to_json()["cost"]
    assert cost["assumptions"]["channelHours"] == {"studio-a": 730.0, "studio-b": 730.0}  # no schedule: all month
    assert cost["assumptions"]["pipelines"] == {"studio-a": "STANDARD", "studio-b": "SINGLE_PIPELINE"}
    assert (cost["assumptions"]["archiveRetentionDays"], cost["assumptions"]["glacierAfterDays"]) == (90, 30)
    items = {i["name"]: i["detail"] for i in cost["items"]}
    # One schedule, the daily "still running" notice cron(0 3 * * ? *), invoking the control function.
    daily = round(365 / 12)
    assert items["EventBridge Scheduler"].startswith(f"{daily} invocations")
    # The recordings indexer too: an hourly sweep, and per daily broadcast a start and a stop per pipeline
    # plus two harvest notices (studio-a is STANDARD: 6 events, studio-b single: 4).
    recordings = 730 + 30 * (6 + 4)
    assert items["Lambda"].startswith(f"{daily + recordings:,} invocations")
    assert items["Secrets Manager"].startswith("1 secret x") and items["KMS keys"].startswith("2 customer managed keys")


def test_cost_is_not_applicable_without_live_channels(secret_outputs: dict[str, str]) -> None:
    document = json.loads(secret_outputs["json"])
    assert set(document) >= CONTRACT_KEYS
    assert document["cost"]["monthlyUsd"] is None and document["cost"]["items"] == []
    assert "not applicable" in document["cost"]["note"]
    assert document["latency"] == {}


def test_prices_override(capsys: pytest.CaptureFixture[str], dev_json: dict[str, Any], tmp_path: Path) -> None:
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({"assumptions": {"cacheHitRatio": 0.95}}))
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--prices", str(prices), "--json")
    assert code == 0
    cost = json.loads(out)["cost"]
    assert cost["assumptions"]["overridden"] == ["assumptions.cacheHitRatio"]
    assert cost["monthlyUsd"] < dev_json["cost"]["monthlyUsd"]
    prices.write_text(json.dumps({"medialive": {"noSuchFigure": 1}}))
    code, _, err = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--prices", str(prices))
    assert code == 2 and "noSuchFigure" in err


def test_the_pack_livestream_carries_runs_by_default() -> None:
    result = plan.build(SECRET_CONFIG, "dev")  # a project without policies/
    pack = result.document.policy_pack
    assert pack is not None and pack.origin == "the pack livestream carries" and Path(pack.directory) == plan.PACKED_PACK


def test_a_plan_that_ran_no_pack_never_passes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(plan, "PACKED_PACK", tmp_path)  # an install that lost its pack
    result = plan.build(SECRET_CONFIG, "dev")
    assert result.exit_code == 1 and result.document.policy_pack is None and result.document.violations == ()
    text = plan.render(result, "text")
    assert "no policy pack" in text and "PASS" not in text and text.endswith("(exit 1)\n")


def test_no_policies_says_not_checked_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_main(capsys, "plan", "dev", "--project", str(SECRET_CONFIG), "--no-policies")
    assert code == 0 and "NOT CHECKED" in out and "PASS" not in out


def test_ci_gates_advisories_and_a_monthly_ceiling(capsys: pytest.CaptureFixture[str]) -> None:
    prod = ("plan", "prod", "--project", str(ROOT), "--json")
    assert run_main(capsys, *prod)[0] == 0  # prod has one advisory (the default certificate's TLS 1.0)
    code, out, _ = run_main(capsys, *prod, "--fail-on-advisory")
    assert code == 1 and json.loads(out)["summary"]["failures"] == ["1 advisory policy violation(s) with --fail-on-advisory"]
    code, out, _ = run_main(capsys, *prod, "--max-monthly-usd", "100")
    assert code == 1 and "above --max-monthly-usd 100.00" in json.loads(out)["summary"]["failures"][0]
    assert run_main(capsys, *prod, "--max-monthly-usd", "100000")[0] == 0


def test_version_and_policy_pack_path(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["--version"])
    assert stop.value.code == 0 and capsys.readouterr().out.strip() == f"livestream {livestream.__version__}"
    code, out, _ = run_main(capsys, "policy-pack-path")
    assert (
        code == 0 and (Path(out.strip()) / "PulumiPolicy.yaml").is_file() and (Path(out.strip()) / "config/prod.json").is_file()
    )


# --- secrets -------------------------------------------------------------------------------------------


def test_no_secure_value_ever_reaches_the_output(secret_outputs: dict[str, str]) -> None:
    stack_file = (SECRET_CONFIG / "Pulumi.dev.yaml").read_text()
    ciphertexts = [line.split("secure:", 1)[1].strip() for line in stack_file.splitlines() if "secure:" in line]
    assert len(ciphertexts) == 2  # one top-level, one nested in an object
    for fmt, output in secret_outputs.items():
        for ciphertext in ciphertexts:
            assert ciphertext not in output, fmt
            assert ciphertext.split(":")[-1] not in output, fmt
        assert "secure" not in output, fmt
    exports = json.loads(secret_outputs["json"])["exports"]
    assert exports["webhookToken"] == exports["webhookUrl"] == exports["apiKey"] == "[secret]"
    assert exports["retentionDays"] == 14  # the rest of the object is still there


def test_secret_outputs_never_reach_the_output(dev: plan.PlanReport, dev_json: dict[str, Any]) -> None:
    for fmt in ("text", "json", "mermaid"):
        assert STREAM_KEY_PLAINTEXT not in plan.render(dev, fmt)


def test_the_last_guard_redacts_a_leaked_secure_value(dev: plan.PlanReport) -> None:
    leaky = plan.PlanReport(replace(dev.document, exports={"oops": "v1:abc:LEAKED"}), secrets=("v1:abc:LEAKED",))
    assert "LEAKED" not in plan.render(leaky, "json")


CONSUMER_AS_STACK_FILE = """config:
  aws:region: ap-northeast-2
  livestream:channels:
    lobby: {ingest: {protocol: rtmp, allowedCidrs: ["203.0.113.0/24"]}, ladder: sd}
    keynote:
      ingest: {protocol: srt, allowedCidrs: ["198.51.100.0/24"]}
      ladder: hd
      segmentSeconds: 2
      lowLatencyHls: true
  livestream:archive: {expireAfterDays: 90}
  livestream:cdn: {priceClass: PriceClass_200, corsOrigins: ["https://studio.example.com"]}
  livestream:alarms: {emails: [studio-ops@example.com]}
  livestream:budget: {monthlyUsd: 600}
  livestream:schedule: {timezone: Asia/Seoul, idleStopMinutes: 15}
  livestream:usage: {streamedHoursPerMonth: 40, viewerHoursPerMonth: 800, watchedKbps: 2000}
  livestream:tags: {team: studio}
"""


def test_args_in_code_get_the_same_estimate_as_the_same_values_in_a_stack_file(tmp_path: Path) -> None:
    """Issue 13: the consumer's schedule and usage args were ignored ($3,275 at 730 h against its $600 budget)."""
    (tmp_path / "Pulumi.yaml").write_text(f"name: livestream\nruntime: python\nmain: {ROOT}\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(CONSUMER_AS_STACK_FILE)
    from_code = plan.build(CONSUMER, "dev", policy_config=CONSUMER / "policy-config.json").document.to_json()["cost"]
    from_stack_file = plan.build(tmp_path, "dev").document.to_json()["cost"]
    assert from_code["basis"] == from_stack_file["basis"] == "platform"
    assert from_code["items"] == from_stack_file["items"]
    assert from_code["monthlyUsd"] == from_stack_file["monthlyUsd"] < 600
    assert from_code["assumptions"]["channelHours"]["keynote"] < 730


def test_stack_keys_nothing_read_are_warned_about_and_not_priced(tmp_path: Path) -> None:
    """A consumer that follows the old hint and puts livestream:channels in its stack file: the program never reads it."""
    for name in ("Pulumi.yaml", "__main__.py", "policy-config.json"):
        (tmp_path / name).write_text((CONSUMER / name).read_text())
    stack = (
        CONSUMER / "Pulumi.dev.yaml"
    ).read_text() + "  livestream:channels: {extra: {ingest: {allowedCidrs: [10.0.0.0/8]}}}\n"
    (tmp_path / "Pulumi.dev.yaml").write_text(stack)
    document = plan.build(tmp_path, "dev", policy_config=tmp_path / "policy-config.json").document.to_json()
    assert any(
        w.startswith("livestream:channels is set in Pulumi.dev.yaml but nothing in the program read it")
        for w in document["warnings"]
    )
    assert "extra" not in document["cost"]["assumptions"]["channelHours"]


def test_json_has_a_schema_version_resource_inputs_without_secrets_and_cost_ranges(dev_json: dict[str, Any]) -> None:
    assert dev_json["schemaVersion"] == 1
    passwords = [r for r in dev_json["resources"] if r["type"] == "random:index/randomPassword:RandomPassword"]
    channel = next(r for r in dev_json["resources"] if r["type"] == "aws:medialive/channel:Channel")
    assert channel["inputs"]["channelClass"] == "SINGLE_PIPELINE"
    assert STREAM_KEY_PLAINTEXT not in json.dumps(dev_json["resources"]) and passwords
    cost = dev_json["cost"]
    for item in cost["items"]:
        assert isinstance(item["estimate"], bool) and item["lowUsd"] <= item["monthlyUsd"] <= item["highUsd"]
    assert {i["name"]: i["estimate"] for i in cost["items"]}["MediaLive idle"] is True  # idle charges are guesses
    assert cost["lowUsd"] <= cost["monthlyUsd"] <= cost["highUsd"]


# --- provider configuration, as `pulumi up` checks it -------------------------------------------


def project_copy(tmp_path: Path, config: dict[str, Any]) -> Path:
    """This repository's program with another stack file (same code, other provider config)."""
    import shutil

    for name in ("__main__.py", "Pulumi.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / "Pulumi.dev.yaml").write_text(json.dumps({"config": config}))
    return tmp_path


def stack_without(key: str) -> dict[str, Any]:
    import yaml

    config = yaml.safe_load((ROOT / "Pulumi.dev.yaml").read_text())["config"]
    config.pop(key, None)
    return config


@pytest.fixture
def no_region_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def test_a_missing_provider_region_exits_2_naming_the_key(capsys, tmp_path, no_region_env) -> None:
    project = project_copy(tmp_path, stack_without("aws:region"))
    code, out, err = run_main(capsys, "plan", "dev", "--project", str(project), "--policy-pack", str(ROOT / "policies"))
    assert code == 2 and out == ""
    assert "aws:region" in err and "Traceback" not in err


def test_the_stack_files_need_only_aws_region(capsys, no_region_env) -> None:
    """The platform gives aws-native the aws provider's region: no aws-native:region in the stack files."""
    code, _, err = run_main(capsys, "plan", "dev", "--project", str(ROOT), "--json")
    assert code == 0, err
