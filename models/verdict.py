"""Verdicts with their explanation as data, shared by both rules."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from models.status import Status

__all__ = ["Explanation", "Status"]


class Explanation(BaseModel):
    """Why a verdict is what it is: the rule applied, the facts, and what decided it."""

    model_config = ConfigDict(frozen=True)

    rule: str
    facts: tuple[str, ...]
    decided_by: tuple[str, ...] = ()

    def text(self) -> str:
        return " ".join((self.rule, *self.facts))
