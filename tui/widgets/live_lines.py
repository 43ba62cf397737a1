"""A block of text that changes a line or two at a time: a grid's status panel.

Each mark changes two or three of the panel's thirty lines (the block's count, one
competency's), but a ``Static`` or a :class:`LiveText` renders every line again on any change:
2 ms of every key on a grid, most of the time from the key to the screen. This widget wraps the
text to its width, renders each line once (Line API) and repaints only the lines that differ.
User text (an amendment's reason) is a ``Text``: shown as written, never parsed as markup.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget


class LiveLines(Widget):
    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._text = Text()
        self._rows: list[Text] = []  # the text wrapped to the content width
        self._width = 0
        self._strips: dict[int, Strip] = {}

    @property
    def plain(self) -> str:
        return self._text.plain

    def update(self, text: Text | str) -> None:
        self._text = text if isinstance(text, Text) else Text(text)
        self._wrap()

    def on_resize(self) -> None:
        self._wrap()

    def _wrap(self) -> None:
        width = self.content_size.width
        rows = list(self._text.wrap(self.app.console, width)) if width > 0 else []
        old, self._rows = self._rows, rows
        if width != self._width:
            self._width = width
            self._strips.clear()
            self.refresh()
            return
        for y in range(max(len(old), len(rows))):
            if y >= len(old) or y >= len(rows) or old[y] != rows[y]:
                self._strips.pop(y, None)
                self.refresh(Region(0, y, self.size.width, 1))

    def render_line(self, y: int) -> Strip:
        strip = self._strips.get(y)
        if strip is None:
            base = self.rich_style
            width = self._width
            if y < len(self._rows):
                segments = [
                    Segment(s.text, base + s.style if s.style else base, s.control)
                    for s in self._rows[y].render(self.app.console)
                    if s.text != "\n"
                ]
                strip = Strip(segments).crop(0, width).adjust_cell_length(width, base)
            else:
                strip = Strip.blank(width, base)
            self._strips[y] = strip
        return strip
