"""A verdict's explanation: the rule, the facts, what decided it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from models.verdict import Explanation
from tui.text import Static


class ExplanationModal(ModalScreen[None]):
    BINDINGS = [Binding("escape,i,q", "dismiss_modal", "Fermer", id="close")]
    DEFAULT_CLASSES = "form-modal"

    def __init__(self, title: str, explanation: Explanation, decided: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.explanation = explanation
        self.decided = decided

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form"):
            yield Static(self.title_text, classes="form-title", markup=False)
            yield Static(f"Règle : {self.explanation.rule}", markup=False)
            for fact in self.explanation.facts:
                yield Static(f"• {fact}", markup=False)
            if self.decided:
                yield Static("\nCe qui a décidé :", classes="field-label")
                for line in self.decided:
                    yield Static(f"  – {line}", markup=False)
            yield Static("\n(échap pour fermer)", classes="form-detail")

    def action_dismiss_modal(self) -> None:
        self.dismiss(None)
