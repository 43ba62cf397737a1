"""Statuses and the labels shown beside them: plain Python, cheap to import at start-up."""

from __future__ import annotations

import unicodedata
from enum import StrEnum


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

CQP_LABELS = {
    "gestionnaire-conseil": "Gestionnaire conseil",
    "gestionnaire-carriere": "Gestionnaire carrière",
}


def cqp_label(cqp: str) -> str:
    return CQP_LABELS.get(cqp, cqp)


def sort_key(text: str) -> str:
    """French alphabetical order: accents do not send « Éléonore » after « Zoé »."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
