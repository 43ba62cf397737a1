"""Dates and times as French users read them, in the workstation's time zone."""

from __future__ import annotations

from models.timing import parse_ts


def when(ts: str) -> str:
    """« 12/10/2026 14:05 », local time."""
    if not ts:
        return "—"
    return parse_ts(ts).astimezone().strftime("%d/%m/%Y %H:%M")


def day(ts: str) -> str:
    return parse_ts(ts).astimezone().strftime("%d/%m/%Y") if ts else "—"
