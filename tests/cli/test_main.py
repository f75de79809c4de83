"""`livestream` itself: subcommands register from their own modules; no subcommand is a usage error."""

from __future__ import annotations

import importlib

import pytest

from livestream import cli


def test_every_listed_subcommand_registers_a_runnable_parser() -> None:
    root = cli.parser()
    help_text = root.format_help()
    for name in cli.SUBCOMMANDS:
        module = importlib.import_module(f"livestream.cli.{name}")
        assert callable(module.register)
    commands = next(a for a in root._actions if a.dest == "command")
    assert {"plan", "player", "status", "start", "stop", "go-live", "verify", "smoke"} <= set(commands.choices)
    for name, sub in commands.choices.items():
        assert name in help_text and callable(sub.get_default("run")), name
    args = root.parse_args(["plan", "prod", "--json"])
    assert (args.command, args.stack, args.format) == ("plan", "prod", "json")
    assert args.run is importlib.import_module("livestream.cli.plan").run


def test_no_subcommand_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([]) == cli.EXIT_ERROR
    assert "COMMAND" in capsys.readouterr().out


def test_an_unknown_subcommand_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        cli.main(["deploy"])
    assert stop.value.code == 2 and "invalid choice" in capsys.readouterr().err
