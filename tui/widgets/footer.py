"""The footer every screen shows: Textual's, compact.

At 80 columns the normal footer's padding cut the keys after the third or fourth (« esc
Retour », the grid's « s Clore »): the compact style gives back two columns per key. Each
screen lists its keys essential first (« ? », its main actions, « échap »); the rest are in the
help (« ? ») and, when the screen is wider, in the footer too.
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen
from textual.widgets import Footer


class KeyFooter(Footer):
    def __init__(self, palette_from: int = 0) -> None:
        """``palette_from``: the narrowest width that still shows « ^p palette » (the grid
        needs its room at 80 columns for its own keys; ctrl+p works all the same)."""
        super().__init__(compact=True, show_command_palette=palette_from == 0)
        self.palette_from = palette_from
        self._recompose_pending = False

    def bindings_changed(self, screen: Screen[Any]) -> None:
        """As Textual's footer, but the changes that arrive before it is composed again make
        one composition, not one each: a screen's start changes its bindings three or four
        times in a row (focus, the list filled, the store opened), and each composition
        mounts a widget per key."""
        self._bindings_ready = True
        if not screen.app.app_focus or self._recompose_pending:
            return
        if self.is_attached and screen is self.screen:
            self._recompose_pending = True
            self.call_after_refresh(self._recompose_once)

    async def _recompose_once(self) -> None:
        self._recompose_pending = False
        await self.recompose()

    def on_resize(self, event: events.Resize) -> None:
        shown = not self.palette_from or self.app.size.width >= self.palette_from
        if shown != self.show_command_palette:
            self.show_command_palette = shown
            self.refresh(recompose=True)  # the keys are composed once, with or without it
