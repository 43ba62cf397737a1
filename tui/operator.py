"""The author of what the UI records: the person at the keyboard (see screens/login.py)."""

from __future__ import annotations

from typing import Any

from textual.app import App

# Events no person makes (a timer started by the screen…) and actions before anyone has said
# who they are carry this; the store refuses it wherever the seeds name a person.
STATION = "poste"


def author_of(app: App[Any]) -> str:
    operator = getattr(app, "operator", None)
    return operator if isinstance(operator, str) and operator else STATION
