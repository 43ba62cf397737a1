"""An event not yet sealed, as the store's callers hand it over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Draft:
    """An event not yet sealed: its type and payload."""

    type: str
    payload: dict[str, Any]
    # Only for writing a past history in one write (the demo); the app always uses the clock.
    at: datetime | None = None
    # Likewise: the person who made this event of that history, when not the write's author.
    by: str | None = None
