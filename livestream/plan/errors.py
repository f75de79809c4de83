"""The one expected failure of a plan: reported as text with exit status 2, never as a traceback."""

from __future__ import annotations

from typing import Any


class PlanError(Exception):
    """A config, program, project, policy-pack or price-file problem, with the key or place it concerns."""

    def __init__(self, kind: str, message: str, *, key: str | None = None, where: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind  # "config" | "program" | "project" | "policy" | "prices" | "against" | "usage"
        self.message = message
        self.key = key
        self.where = where

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "message": self.message}
        if self.key:
            out["key"] = self.key
        if self.where:
            out["where"] = self.where
        return out
