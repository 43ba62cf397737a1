"""A read-only list, one entry per line: the history of a person's or a candidate's changes,
the questions asked in a block 3 grid."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from tui.text import Static


class ChangeHistoryModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss_modal", "Fermer", id="close")]
    DEFAULT_CLASSES = "form-modal"

    def __init__(
        self, title: str, lines: list[str], empty: str = "Aucune modification depuis la création."
    ) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.empty = empty  # the grid's questions use it too

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Static(self.title_text, classes="form-title")
            if not self.lines:
                yield Static(self.empty)
            for line in self.lines:
                # Names and reasons are text from people: never markup (tui.text.Static).
                yield Static(f"• {line}")
            yield Static("\n(échap pour fermer)", classes="form-detail")

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)
