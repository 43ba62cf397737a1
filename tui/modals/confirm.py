"""A yes-or-no question, answered with « o » / « n » (or the buttons)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button

from tui.text import Static


class Confirm(ModalScreen[bool]):
    BINDINGS = [
        Binding("o", "answer(True)", "Oui", id="yes"),
        Binding("n,escape", "answer(False)", "Non", id="no"),
    ]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.question, markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Oui (o)", variant="primary", id="yes")
                yield Button("Non (n)", id="no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")
