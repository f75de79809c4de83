"""Operations on a deployed platform: `livestream status | start | stop | go-live | verify | smoke`.

boto3 against the stack's outputs (`pulumi stack output --json --show-secrets`, or a file holding
that JSON). Nothing here imports Pulumi or the components: the commands work from any machine with
AWS credentials and the outputs. Every AWS client honours `AWS_ENDPOINT_URL` (tests point it at a
local moto server).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # a check failed, a channel did not reach its state, a smoke step failed
EXIT_USAGE = 2  # bad arguments, unreadable outputs, missing credentials, unknown channel


class OpsError(Exception):
    """An expected failure the user can fix (exit status 2): printed as text, never a traceback."""

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def as_dict(self) -> dict[str, str]:
        return {"error": self.message, **({"hint": self.hint} if self.hint else {})}
