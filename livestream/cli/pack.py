"""`livestream policy-pack-path`: the folder of the CrossGuard pack this package carries.

For the Pulumi CLI, wherever livestream is installed:

    pack="$(livestream policy-pack-path)"
    pulumi preview --policy-pack "$pack" --policy-pack-config "$pack/config/prod.json"
"""

from __future__ import annotations

import argparse
import sys

from livestream.cli import EXIT_ERROR, EXIT_OK


def register(commands: argparse._SubParsersAction) -> None:
    command = commands.add_parser(
        "policy-pack-path",
        help="print the folder of the policy pack livestream carries (for pulumi preview --policy-pack)",
        description="Print the folder of the CrossGuard policy pack installed with livestream (PulumiPolicy.yaml, config/).",
    )
    command.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from livestream.cli.plan import PACKED_PACK

    if not (PACKED_PACK / "PulumiPolicy.yaml").is_file():
        print(f"this livestream install has no policy pack at {PACKED_PACK}", file=sys.stderr)
        return EXIT_ERROR
    print(PACKED_PACK)
    return EXIT_OK
