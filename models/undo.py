"""« u » in a grid: the last change to its criteria, and the states it replaced.

An undo is not a deletion: it is new ``criterion.marked`` events that put back what each
criterion held before, each naming in ``undoes`` the event it reverts, so the history shows
both the slip and its correction. One key press may have marked several criteria (« a »): they
were written in one batch (same station, same instant) and are undone together.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from models.events import Event
from models.threshold import CriterionState


def last_change(events: Sequence[Event], grid: str) -> list[Event]:
    """The latest batch of criterion marks of ``grid`` not undone yet (undos are not undone:
    « u » again goes one change further back)."""
    marks = [e for e in events if e.type == "criterion.marked" and e.payload.get("grid") == grid]
    undone = {e.payload["undoes"] for e in marks if e.payload.get("undoes")}
    candidates = [e for e in marks if not e.payload.get("undoes") and e.id not in undone]
    if not candidates:
        return []
    last = candidates[-1]
    return [e for e in candidates if (e.station, e.ts) == (last.station, last.ts)]


def restoring(events: Sequence[Event], change: Sequence[Event]) -> list[dict[str, Any]]:
    """The payloads that put back, for each event of ``change``, the value it replaced."""
    by_id = {e.id: e for e in events}
    payloads = []
    for event in change:
        before = by_id.get(event.payload.get("replaces") or "")
        state = before.payload["state"] if before else CriterionState.NOT_EVALUATED.value
        comment = before.payload.get("comment", "") if before else ""
        payloads.append(
            {
                "grid": event.payload["grid"],
                "criterion": event.payload["criterion"],
                "state": state,
                "comment": comment,
                "undoes": event.id,
            }
        )
    return payloads
