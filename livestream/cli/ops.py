"""`livestream status | start | stop | go-live | verify | smoke`: the operator's commands (livestream/ops).

Each reads the stack outputs (`--outputs FILE`, else `pulumi stack output --json --show-secrets
[--stack S]`) and talks to AWS with boto3 (`AWS_ENDPOINT_URL` honoured). Exit status: 0 done / all
checks passed; 1 a check failed, a channel did not reach its state, an alarm is in ALARM (status),
or the run was interrupted; 2 a usage or configuration error (unreadable outputs, unknown channel,
missing credentials, no region). `--json` prints one JSON object on stdout; progress goes to
stderr. Stream keys, passphrases and ingest URLs are printed only with `--show-secrets`.

boto3 and the ops package are imported when a command runs, so `livestream --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from livestream.cli import EXIT_ERROR as EXIT_USAGE  # as livestream.ops.EXIT_USAGE, without importing it
from livestream.cli import EXIT_FAILED, EXIT_OK, lacks_extra

if TYPE_CHECKING:
    from livestream.ops.aws import Aws
    from livestream.ops.outputs import StackOutputs

COMMANDS = ("status", "start", "stop", "go-live", "verify", "smoke")
REDACTED = "[secret]"
OPS_EXTRA = ("boto3", "qrcode", "PIL")  # what `pip install 'livestream[ops]'` adds


def _common(parser: argparse.ArgumentParser) -> None:
    """What every ops subcommand takes, and that `run` runs it."""
    parser.set_defaults(run=run)
    parser.add_argument("--stack", metavar="S", help="Pulumi stack to read outputs from (default: the selected stack)")
    parser.add_argument(
        "--outputs", metavar="FILE", help="JSON from `pulumi stack output --json --show-secrets` (no Pulumi CLI needed)"
    )
    parser.add_argument("--region", help="AWS region (default: the stack's `region` output, else AWS_REGION)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    parser.add_argument("--show-secrets", action="store_true", help="print stream keys, passphrases and ingest URLs")


def _waiting(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--timeout", type=float, default=300.0, metavar="SECONDS", help="give up waiting after this long (default: 300)"
    )
    parser.add_argument("--poll", type=float, default=5.0, metavar="SECONDS", help="seconds between state checks (default: 5)")


def register(commands: Any) -> None:
    """The ops subcommands' parsers (status | start | stop | go-live | verify | smoke), each run by `run`."""
    status = commands.add_parser("status", help="channel states, input, today's run time and cost, CDN requests, alarms")
    _common(status)
    status.add_argument("--prices", metavar="FILE", help="JSON price overrides (as `livestream plan --prices`)")
    for name, text in (
        ("start", "start a channel (tagged as a manual start) and wait until RUNNING"),
        ("stop", "stop a channel and wait until IDLE"),
    ):
        parser = commands.add_parser(name, help=text)
        parser.add_argument("channel", help="channel name, as in livestream:channels")
        _common(parser)
        _waiting(parser)
        parser.add_argument("--no-wait", action="store_true", help="return once the request is accepted")
    go_live = commands.add_parser(
        "go-live", help="start a channel, then print OBS / SRT settings, a Larix QR code and the player URL"
    )
    go_live.add_argument("channel")
    go_live.add_argument("--qr", metavar="FILE.png", help="write the Larix Broadcaster QR code here (it holds the stream key)")
    _common(go_live)
    _waiting(go_live)
    verify = commands.add_parser("verify", help="read-only checks of a deployed stack; each says pass/fail and what to do")
    _common(verify)
    smoke = commands.add_parser("smoke", help="end-to-end test: start, push a test pattern, play it through the CDN, stop")
    smoke.add_argument("channel")
    _common(smoke)
    _waiting(smoke)
    smoke.add_argument("--duration", type=float, default=180.0, metavar="SECONDS", help="test pattern length (default: 180)")
    smoke.add_argument("--size", default="1280x720", help="test pattern size (default: 1280x720)")
    smoke.add_argument("--fps", type=int, default=30, help="test pattern frame rate (default: 30)")
    smoke.add_argument(
        "--manifest-poll", type=float, default=2.0, metavar="SECONDS", help="seconds between manifest fetches (default: 2)"
    )
    smoke.add_argument(
        "--playable-timeout", type=float, default=180.0, metavar="SECONDS", help="wait this long for playback (default: 180)"
    )
    smoke.add_argument(
        "--recording-timeout",
        type=float,
        default=180.0,
        metavar="SECONDS",
        help="wait this long for the recording (default: 180)",
    )


class _Printer:
    """stdout for results (redacted unless --show-secrets), stderr for progress."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.secrets: tuple[str, ...] = ()
        self._last: tuple[str, str] | None = None

    def redact(self, text: str) -> str:
        if self.args.show_secrets:
            return text
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def out(self, text: str) -> None:
        print(self.redact(text))

    def document(self, document: dict[str, Any]) -> None:
        print(self.redact(json.dumps(document, indent=2, default=str)))

    def note(self, text: str) -> None:
        print(self.redact(text), file=sys.stderr, flush=True)

    def progress(self, channel: str, state: str, waited: float) -> None:
        """A live line on a terminal; one line per state change otherwise (CI logs)."""
        if sys.stderr.isatty():
            print(f"\r  {channel}: {state:<10} {waited:5.0f} s", end="", file=sys.stderr, flush=True)
            if state in ("RUNNING", "IDLE"):
                print(file=sys.stderr)
        elif self._last != (channel, state):
            print(f"  {channel}: {state} ({waited:.0f} s)", file=sys.stderr, flush=True)
        self._last = (channel, state)


def _connect(args: argparse.Namespace, printer: _Printer) -> tuple[StackOutputs, Aws]:
    from livestream.ops import aws, outputs

    stack_outputs = outputs.load(outputs_file=args.outputs, stack=args.stack, cwd=Path.cwd())
    printer.secrets = stack_outputs.secrets
    return stack_outputs, aws.connect(stack_outputs, region=args.region)


def _transition(args: argparse.Namespace, printer: _Printer) -> int:
    from livestream.ops import channels

    outputs, aws = _connect(args, printer)
    action = channels.start if args.command == "start" else channels.stop
    result = action(
        aws, outputs, args.channel, wait=not args.no_wait, timeout=args.timeout, poll=args.poll, progress=printer.progress
    )
    if args.json:
        printer.document(result.as_dict())
    else:
        verb = ("started" if args.command == "start" else "stopped") if result.changed else "unchanged"
        printer.out(f"{result.channel}: {result.state} ({verb}, was {result.before}, {result.seconds:.0f} s)")
        for note in result.notes:
            printer.out(f"  note: {note}")
    return EXIT_OK if result.reached else EXIT_FAILED


def _status(args: argparse.Namespace, printer: _Printer) -> int:
    from livestream.ops import status

    outputs, aws = _connect(args, printer)
    document = status.status(aws, outputs, prices_path=args.prices)
    if args.json:
        printer.document(document)
    else:
        printer.out(status.render(document))
    return EXIT_FAILED if document["alarmsInAlarm"] else EXIT_OK


def _go_live(args: argparse.Namespace, printer: _Printer) -> int:
    from livestream.ops import channels, golive

    outputs, aws = _connect(args, printer)
    outputs.ingest(args.channel)  # fail before starting anything when the outputs lack the ingest URLs
    started = channels.start(aws, outputs, args.channel, timeout=args.timeout, poll=args.poll, progress=printer.progress)
    if not started.reached:
        printer.note(f"{args.channel} is {started.state}, not RUNNING, after {started.seconds:.0f} s; try `livestream status`")
        return EXIT_FAILED
    found = golive.ingests(aws, outputs, args.channel, with_passphrase=bool(args.show_secrets or args.qr))
    code = golive.QrCode.of(golive.larix_url(args.channel, found))
    if args.qr:
        code.save_png(Path(args.qr))
    sheet = golive.broadcast_sheet(outputs, args.channel, found, show_secrets=args.show_secrets)
    printer.secrets = printer.secrets + tuple(i.passphrase for i in found if i.passphrase)
    if args.json:
        printer.document({**sheet, "state": started.state, "qrFile": args.qr})
    else:
        printer.out(golive.render(sheet, qr_text=code.terminal() if args.show_secrets else None, qr_file=args.qr))
    return EXIT_OK


def _verify(args: argparse.Namespace, printer: _Printer) -> int:
    from livestream.ops import verify

    outputs, aws = _connect(args, printer)
    checks = verify.verify(aws, outputs)
    failed = any(c.status == verify.FAIL for c in checks)
    if args.json:
        printer.document({"ok": not failed, "checks": [c.as_dict() for c in checks]})
    else:
        printer.out(verify.render(checks))
    return EXIT_FAILED if failed else EXIT_OK


def _smoke(args: argparse.Namespace, printer: _Printer) -> int:
    from livestream.ops import smoke

    outputs, aws = _connect(args, printer)
    options = smoke.SmokeOptions(
        duration=args.duration,
        size=args.size,
        fps=args.fps,
        poll=args.manifest_poll,
        playable_timeout=args.playable_timeout,
        recording_timeout=args.recording_timeout,
        channel_timeout=args.timeout,
        channel_poll=args.poll,
    )
    report = smoke.run(aws, outputs, args.channel, options, say=printer.note, progress=printer.progress)
    if args.json:
        printer.document(report.as_dict())
    else:
        printer.out(smoke.render(report))
    return EXIT_OK if report.ok else EXIT_FAILED


HANDLERS: dict[str, Callable[[argparse.Namespace, _Printer], int]] = {
    "status": _status,
    "start": _transition,
    "stop": _transition,
    "go-live": _go_live,
    "verify": _verify,
    "smoke": _smoke,
}


def run(args: argparse.Namespace) -> int:
    """Run one ops command; expected failures print their message (and hint) and return 2 or 1."""
    if lacks_extra(args.command, "ops", OPS_EXTRA):
        return EXIT_USAGE
    from livestream.ops import OpsError

    printer = _Printer(args)
    try:
        return HANDLERS[args.command](args, printer)
    except OpsError as error:
        if args.json:
            printer.document(error.as_dict())
        printer.note(f"livestream {args.command}: {error.message}" + (f"\n  hint: {error.hint}" if error.hint else ""))
        return error.exit_code
    except KeyboardInterrupt:
        printer.note(f"livestream {args.command}: interrupted")
        return 1
