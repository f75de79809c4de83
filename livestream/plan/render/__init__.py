"""Renderers of a plan document: `text` (people), `json` (CI, the contract), `markdown` (pull-request comments),
`mermaid` (the architecture diagram).

Each takes a `PlanDocument` and returns a string; none runs or reads anything else.
"""

from __future__ import annotations

from livestream.plan.document import PlanDocument
from livestream.plan.render.json import render_json
from livestream.plan.render.markdown import render_markdown
from livestream.plan.render.mermaid import node_labels, render_mermaid
from livestream.plan.render.text import render_text

FORMATS = ("text", "json", "markdown", "mermaid")


def render(document: PlanDocument, output_format: str, *, encoding: str | None = "utf-8", full_tree: bool = False) -> str:
    """The document in `output_format` (one of FORMATS); text uses `encoding` to choose its glyphs."""
    if output_format == "json":
        return render_json(document)
    if output_format == "markdown":
        return render_markdown(document)
    if output_format == "mermaid":
        return render_mermaid(document)
    return render_text(document, encoding=encoding, full_tree=full_tree)


__all__ = ["FORMATS", "node_labels", "render", "render_json", "render_markdown", "render_mermaid", "render_text"]
