"""A virtual list of one-line rows in fixed-width columns, with a cursor.

Textual's DataTable measures every row when rows are added (a third of a second for 1,000
candidates) and re-renders every visible cell after any cell changes (more than a frame on a
79-line grid). This list uses the Line API, as toolong does: only visible lines are rendered,
each line's strip is cached, and a change or a cursor move invalidates only the lines it
touches. Used for the candidates (home) and the criteria of a grid.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

Cell = Text | str  # a plain string costs nothing until its line is on screen


@dataclass(frozen=True)
class Line:
    key: str
    cells: tuple[Cell, ...]
    heading: bool = False  # a heading is shown but the cursor passes over it


class LineList(ScrollView, can_focus=True):
    DEFAULT_CSS = """
    LineList {
        background: $surface;
    }
    LineList > .line-list--cursor {
        background: $accent 40%;
        text-style: bold;
    }
    LineList:focus > .line-list--cursor {
        background: $accent;
    }
    LineList > .line-list--heading {
        background: $boost;
    }
    """
    COMPONENT_CLASSES = {"line-list--cursor", "line-list--heading"}
    BINDINGS = [
        Binding("up", "move(-1)", "Haut", show=False),
        Binding("down", "move(1)", "Bas", show=False),
        Binding("pageup", "move(-10)", "Page précédente", show=False),
        Binding("pagedown", "move(10)", "Page suivante", show=False),
        Binding("home", "jump(0)", "Début", show=False),
        Binding("end", "jump(-1)", "Fin", show=False),
        Binding("enter", "select", "Ouvrir", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    class WidthsChanged(Message):
        """The columns were fitted to a new width (a header above may follow them)."""

        def __init__(self, widths: tuple[int | None, ...]) -> None:
            super().__init__()
            self.widths = widths

    class Selected(Message):
        """Enter, or a click, on a line."""

        def __init__(self, key: str) -> None:
            super().__init__()
            self.key = key

    def __init__(
        self,
        widths: tuple[int | None, ...],
        *,
        id: str | None = None,
        fit: Callable[[int], tuple[int | None, ...]] | None = None,
        elide_middle: int | None = None,
    ) -> None:
        """``widths``: each column's width in cells; None for the one that takes the rest.
        ``fit``: the widths for the list's own width, recomputed when it is resized."""
        super().__init__(id=id)
        self.widths = widths
        self.fit = fit
        # The column whose long texts keep their start and their end (« Applique le cadre …
        # aux prestations » / « … aux cotisations »): two criteria that begin alike stay apart.
        self.elide_middle = elide_middle
        self.lines: list[Line] = []
        self._index: dict[str, int] = {}
        self._strips: dict[tuple[int, bool, int], Strip] = {}
        self._fitted_to = -1  # the line width the columns were last fitted to

    # --- content -------------------------------------------------------------------------

    def set_lines(self, lines: list[Line]) -> None:
        self.lines = lines
        self._index = {line.key: i for i, line in enumerate(lines)}
        self._strips.clear()
        self.virtual_size = Size(0, len(lines))  # lines fit the width: no horizontal scroll
        self.cursor = min(self.cursor, max(0, len(lines) - 1))
        self.refresh()

    def set_widths(self, widths: tuple[int | None, ...]) -> None:
        """New column widths (the screen was resized); a 0-width column is not drawn."""
        self.widths = widths
        self._strips.clear()
        self.refresh()

    def update_cell(self, key: str, column: int, cell: Cell) -> None:
        index = self._index[key]
        old = self.lines[index]
        cells = list(old.cells)
        cells[column] = cell
        self.lines[index] = Line(key, tuple(cells), old.heading)
        self._forget(index)

    @property
    def current_key(self) -> str | None:
        if not self.lines:
            return None
        return self.lines[self.cursor].key

    def _forget(self, index: int) -> None:
        for selected in (True, False):
            self._strips.pop((index, selected, self.line_width), None)
        self.refresh_line(index)

    def refresh_line(self, index: int) -> None:
        y = index - self.scroll_offset.y
        if 0 <= y < self.size.height:
            self.refresh(Region(0, y, self.line_width, 1))

    # --- cursor --------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        if old != new:
            self._forget(old)
            self._forget(new)
        # The competency heading just above the first criterion comes into view with it.
        top = new - 1 if new > 0 and self.lines and self.lines[new - 1].heading else new
        self.scroll_to_region(Region(0, top, 1, new - top + 1), animate=False, force=True)
        if self.lines:
            self.post_message(self.Highlighted(self.lines[new].key))

    def move_to(self, index: int, step: int = 1) -> None:
        """Puts the cursor on ``index``, or the nearest criterion from there in ``step``'s way."""
        if not self.lines:
            return
        index = max(0, min(index, len(self.lines) - 1))
        probe = index
        while 0 <= probe < len(self.lines) and self.lines[probe].heading:
            probe += step
        if not 0 <= probe < len(self.lines):
            probe = index
            while 0 <= probe < len(self.lines) and self.lines[probe].heading:
                probe -= step
        self.cursor = max(0, min(probe, len(self.lines) - 1))

    def action_move(self, step: int) -> None:
        self.move_to(self.cursor + step, 1 if step > 0 else -1)

    def action_jump(self, where: int) -> None:
        self.move_to(where if where >= 0 else len(self.lines) - 1, 1 if where >= 0 else -1)

    def action_select(self) -> None:
        key = self.current_key
        if key is not None and not self.lines[self.cursor].heading:
            self.post_message(self.Selected(key))

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if isinstance(offset, int):
            index = self.scroll_offset.y + offset
            if index == self.cursor:
                self.action_select()
            else:
                self.move_to(index)

    @property
    def line_width(self) -> int:
        """The width a line is drawn in: the list's less its scrollbar. Lines drawn to the full
        width lost their last two cells under the scrollbar once the list scrolled: a grid's
        « 💬 » after a comment, the home list's progress on a long list."""
        return self.scrollable_content_region.width

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(0, len(self.lines))
        self._fit()

    def _fit(self) -> None:
        width = self.line_width
        self._fitted_to = width
        if self.fit is not None:
            widths = self.fit(width)
            if widths != self.widths:
                self.set_widths(widths)
                self.post_message(self.WidthsChanged(widths))

    # --- rendering -----------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.line_width
        if width != self._fitted_to:
            # The scrollbar came or went (the lines changed, not the list's size): fit the
            # columns again, after this frame.
            self._fitted_to = width
            self.call_later(self._fit)
        if index >= len(self.lines):
            return Strip.blank(width, self.rich_style)
        selected = index == self.cursor
        cache_key = (index, selected, width)
        strip = self._strips.get(cache_key)
        if strip is None:
            strip = self._render_one(self.lines[index], selected, width)
            self._strips[cache_key] = strip
        return strip

    def _render_one(self, line: Line, selected: bool, width: int) -> Strip:
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        shown = [w for w in self.widths if w != 0]
        fixed = sum(w for w in shown if w is not None) + 2 * len(shown)
        for column, (cell, cell_width) in enumerate(zip(line.cells, self.widths, strict=False)):
            if cell_width == 0:
                continue
            piece = Text(cell) if isinstance(cell, str) else cell.copy()
            size = cell_width if cell_width is not None else max(1, width - fixed)
            if column == self.elide_middle and not line.heading and piece.cell_len > size:
                piece = elide_middle(piece, size)
            piece.truncate(size, overflow="ellipsis", pad=True)
            text.append(" ")
            text.append_text(piece)
            text.append(" ")
        text.truncate(width, overflow="ellipsis", pad=True)
        base = self.rich_style
        if line.heading:
            base += self.get_component_rich_style("line-list--heading")
        if selected:
            base += self.get_component_rich_style("line-list--cursor")
        segments = [
            Segment(seg.text, base + seg.style if seg.style else base, seg.control)
            for seg in text.render(self.app.console)
        ]
        return Strip(segments, width).adjust_cell_length(width, base)


def elide_middle(text: Text, size: int) -> Text:
    """``text`` cut to ``size`` cells by dropping its middle, its start and end kept."""
    if size < 12:
        return text
    head = text[: size * 3 // 5 - 2]
    head.rstrip()
    room = size - head.cell_len - 3
    plain = text.plain
    start = len(plain)
    while start > 0 and cell_len(plain[start - 1 :]) <= room:
        start -= 1
    while start < len(plain) and plain[start].isspace():
        start += 1
    head.append(" … ")
    head.append_text(text[start:])
    return head
