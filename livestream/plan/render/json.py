"""The `--json` report: the plan document's contract (`PlanDocument.to_json`), indented, one trailing newline."""

from __future__ import annotations

import json

from livestream.plan.document import PlanDocument


def render_json(document: PlanDocument) -> str:
    return json.dumps(document.to_json(), indent=2, default=str) + "\n"
