"""A text that changes often (status panel, timer, saved indicator) without relayout.

``Static.update`` asks for a layout of the whole screen, and so a repaint of everything, on
every change; this widget has a fixed size from CSS and repaints only itself.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


class LiveText(Widget):
    text: reactive[Text] = reactive(Text(""), layout=False)

    def update(self, text: Text | str) -> None:
        self.text = text if isinstance(text, Text) else Text(text)

    def render(self) -> Text:
        return self.text

    @property
    def plain(self) -> str:
        return self.text.plain
