"""The `livestream` console command: arguments, exit codes, and one module per subcommand.

Each subcommand lives in `livestream/cli/<name>.py` with a `register(commands)` that adds its
parser(s) to argparse's subparsers and sets `run` (a function of the parsed arguments returning
the exit status) as a default; list the module in `SUBCOMMANDS`. Subcommand modules import
anything heavy (Pulumi, providers, boto3) inside `run`, so `livestream --help` answers at once.

Exit status, for every subcommand: 0 success, 1 the subcommand's own failure verdict (for `plan`,
a mandatory policy violation), 2 a usage, config or program error (the text says which, no traceback).
Nothing imports this package.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_ERROR = 2

SUBCOMMANDS = ("plan", "pack", "player", "ops")  # modules livestream.cli.<name>, in the order `--help` lists them


def parser() -> argparse.ArgumentParser:
    """The command's parser with every subcommand registered."""
    root = argparse.ArgumentParser(
        prog="livestream",
        description=(
            "Tools for the livestream Pulumi platform: `plan` and `player` work offline (no Pulumi CLI, plugins or AWS "
            "credentials); status, start, stop, go-live, verify and smoke operate a deployed stack with AWS credentials."
        ),
    )
    root.add_argument("--version", action="version", version=f"livestream {_version()}")
    commands = root.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMANDS:
        importlib.import_module(f"livestream.cli.{name}").register(commands)
    return root


def _version() -> str:
    from livestream import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    root = parser()
    args = root.parse_args(argv)
    run = getattr(args, "run", None)
    if run is None:
        root.print_help()
        return EXIT_ERROR
    code: int = run(args)
    return code


def lacks_extra(command: str, extra: str, modules: Sequence[str]) -> bool:
    """Say so (on stderr) when an optional extra a subcommand needs is not installed: the base install
    deploys the component; planning and operating need `pip install 'livestream[<extra>]'`."""
    missing = []
    for module in modules:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    if missing:
        print(
            f"livestream {command} needs the {extra} extra (missing: {', '.join(missing)}); "
            f"install it with: pip install 'livestream[{extra}]'",
            file=sys.stderr,
        )
    return bool(missing)


__all__ = ["EXIT_ERROR", "EXIT_FAILED", "EXIT_OK", "SUBCOMMANDS", "lacks_extra", "main", "parser"]
