"""User text is text: the widgets through which names, organismes, comments and reasons reach
the screen, every one of them literal.

Textual parses console markup in strings by default (Static, Label, DataTable cells, Select
options, Checkbox labels, notifications, the command palette). A tutor named
``[@click=app.quit]Eval[/]`` would then be a link that quits the app, and ``[/]`` alone makes a
screen raise. Rather than escape at each call site, the screens import these widgets from
here instead of ``textual.widgets`` (tests/test_text_safety.py checks it): a plain ``str``
given to them is shown as written. A screen that wants styling passes a rich ``Text``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual import widgets
from textual.content import Content
from textual.style import Style
from textual.widgets._data_table import CellType, ColumnKey, RowKey

V = TypeVar("V")

__all__ = ["Checkbox", "DataTable", "Label", "Select", "Static", "escape_markup", "literal"]


def literal(text: str) -> Text:
    """A string shown exactly as written, whatever brackets it holds."""
    return Text(text, end="")


def escape_markup(text: str) -> str:
    """For the rare API that only takes markup (the palette's help line). Every « [ » is
    escaped: Textual's own ``escape`` leaves a bracket that is not closed (``[/b``), which its
    parser still reads as a closing tag, and raises."""
    return text.replace("[", "\\[")


def _cell(value: Any) -> Any:
    return literal(value) if isinstance(value, str) else value


class Static(widgets.Static):
    """A Static whose strings are never markup."""

    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class Label(widgets.Label):
    def __init__(self, content: Any = "", *, markup: bool = False, **kwargs: Any) -> None:
        super().__init__(content, markup=markup, **kwargs)


class DataTable(widgets.DataTable[CellType]):
    """A DataTable whose string cells are literal (Textual's parses them as markup)."""

    def add_row(
        self,
        *cells: CellType,
        height: int | None = 1,
        key: str | None = None,
        label: Any = None,
    ) -> RowKey:
        return super().add_row(
            *(_cell(c) for c in cells), height=height, key=key, label=_cell(label)
        )

    def update_cell(
        self,
        row_key: RowKey | str,
        column_key: ColumnKey | str,
        value: CellType,
        *,
        update_width: bool = False,
    ) -> None:
        super().update_cell(row_key, column_key, _cell(value), update_width=update_width)


class Select(widgets.Select[V]):
    """A Select whose option prompts are literal (a person's name, an organisme)."""

    def _setup_variables_for_options(self, options: Iterable[tuple[RenderableType, Any]]) -> None:
        super()._setup_variables_for_options([(_cell(prompt), value) for prompt, value in options])


class Checkbox(widgets.Checkbox):
    """A Checkbox whose label is literal and reads ticked or not without colour: « X » when
    ticked, a blank when not (Textual draws an X in both states, only its colour changes)."""

    @property
    def _button(self) -> Content:
        button_style = self.get_visual_style("toggle--button")
        side_style = Style(foreground=button_style.background, background=self.background_colors[1])
        return Content.assemble(
            (self.BUTTON_LEFT, side_style),
            ("X" if self.value else " ", button_style),
            (self.BUTTON_RIGHT, side_style),
        )

    def _make_label(self, label: Any) -> Content:
        if isinstance(label, str):
            return Content(label.split("\n", 1)[0].rstrip())
        return super()._make_label(label)
