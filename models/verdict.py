"""Verdicts with their explanation as data, shared by both rules."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Status(StrEnum):
    VALIDATED = "validated"
    FAILED = "failed"
    PENDING = "pending"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def mark(self) -> str:
        # A sign beside the colour, so that status is never told by colour alone.
        return _MARKS[self]


_LABELS = {Status.VALIDATED: "validé", Status.FAILED: "non validé", Status.PENDING: "en cours"}
_MARKS = {Status.VALIDATED: "✔", Status.FAILED: "✘", Status.PENDING: "…"}


class Explanation(BaseModel):
    """Why a verdict is what it is: the rule applied, the facts, and what decided it."""

    model_config = ConfigDict(frozen=True)

    rule: str
    facts: tuple[str, ...]
    decided_by: tuple[str, ...] = ()

    def text(self) -> str:
        return " ".join((self.rule, *self.facts))
