"""Concurrent edits from several stations: which value stands, and which are in conflict.

Each value that can be set from two stations (a criterion of a grid, a mark, a signature in the
logbook) has a key. An event that sets it names, in ``replaces``, the event whose value it
replaced on its own station. When an event from another station sets a different value without
having seen the current one, neither wins: the current value stays on screen, both are kept,
and the candidate is flagged until the secretariat records which stands, with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def claim_key(type: str, payload: dict[str, Any]) -> str | None:
    """The key of the value an event sets, or None for events that set no shared value (or a
    payload too malformed to name one: its validation refuses it next)."""
    fields = _KEY_FIELDS.get(type)
    if fields is None or not all(isinstance(payload.get(f), str) for f in fields[1:]):
        return None
    return ":".join([fields[0], *(payload[f] for f in fields[1:])])


_KEY_FIELDS = {
    "criterion.marked": ("criterion", "grid", "criterion"),
    "mark.entered": ("mark", "evaluation"),
    "attestation.signed": ("attestation", "competency", "role"),
}


@dataclass(frozen=True, slots=True)
class Source:
    """One recorded value for a key: the event that set it and where it came from."""

    event: str
    station: str
    author: str
    ts: str
    value: tuple[Any, ...]
    payload: Any


@dataclass
class Conflict:
    key: str
    sources: list[Source] = field(default_factory=list)
    # Set once the secretariat has chosen: (chosen event id, reason, who, when).
    chosen: str | None = None
    reason: str = ""
    resolved_by: str = ""
    resolved_ts: str = ""
    incompatible: str = ""  # for an event that could not apply at all: why

    @property
    def open(self) -> bool:
        return self.chosen is None

    def copy(self) -> Conflict:
        return Conflict(
            self.key,
            list(self.sources),
            self.chosen,
            self.reason,
            self.resolved_by,
            self.resolved_ts,
            self.incompatible,
        )
