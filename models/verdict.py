"""Verdicts with their explanation as data, shared by both rules."""

from __future__ import annotations

from dataclasses import dataclass

from models.status import Status

__all__ = ["Explanation", "Status"]


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why a verdict is what it is: the rule applied, the facts, and what decided it.

    A plain dataclass: verdicts are rebuilt on every mark, and pydantic's validation of a few
    dozen of them would cost a good part of the write budget.
    """

    rule: str
    facts: tuple[str, ...]
    decided_by: tuple[str, ...] = ()
