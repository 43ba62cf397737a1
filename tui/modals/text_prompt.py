"""One text to type: a reason, a comment. Required texts are refused empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from tui.modals.form import FormModal, required_text
from tui.text import Static


class TextPrompt(FormModal[str | None]):
    def __init__(
        self, heading: str, label: str, *, value: str = "", required: bool = True, detail: str = ""
    ) -> None:
        super().__init__()
        self.heading = heading
        self.label = label
        self.value = value
        self.required = required
        self.detail = detail

    def context(self) -> ComposeResult:
        if self.detail:
            yield Static(self.detail, classes="form-detail")

    def fields(self) -> ComposeResult:
        yield from self.field(self.label, Input(self.value, id="text"))

    async def submit(self) -> str | None:
        value = self.query_one("#text", Input).value
        if self.required:
            return required_text(value, "text", "Ce texte", minimum=3)
        return value.strip()
