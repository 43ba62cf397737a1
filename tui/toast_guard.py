"""Textual 8.2.8 mounts a toast with the time its notification has left, negative when the
notification expired meanwhile (a busy machine, a screen change re-showing the toasts); its
timer then has a negative interval, and ``Timer._run`` recomputes its next tick forever
without yielding: the whole app freezes at 100 % of a processor. Seen in a Pilot flow on a
loaded machine. A toast's time is kept at a hundredth of a second at least: an expired one
goes at once. Textual is pinned (pyproject.toml); this goes when a release clamps it."""

from __future__ import annotations

from textual.notifications import Notification
from textual.widgets._toast import Toast

SHORTEST = 0.01  # seconds: above zero, which Timer._run would divide by

_original_init = Toast.__init__


def _init(self: Toast, notification: Notification) -> None:
    _original_init(self, notification)
    self._timeout = max(self._timeout, SHORTEST)


def install() -> None:
    if Toast.__init__ is not _init:
        Toast.__init__ = _init  # type: ignore[method-assign]
