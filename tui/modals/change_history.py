"""The history of a person's or a candidate's changes: read only, one line per change."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from tui.text import Static


class ChangeHistoryModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,q", "dismiss_modal", "Fermer", id="close")]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Static(self.title_text, classes="form-title")
            if not self.lines:
                yield Static("Aucune modification depuis la création.")
            for line in self.lines:
                # Names and reasons are text from people: never markup (tui.text.Static).
                yield Static(f"• {line}")
            yield Static("\n(échap pour fermer)", classes="form-detail")

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)
