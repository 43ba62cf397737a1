"""The base of every form: labelled fields, a French message under the faulty field, and a
result only once the store has accepted it (so a refused form never half-saves)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, Static

from models.errors import CarnetError

T = TypeVar("T")


class FieldError(CarnetError):
    """Bad input in one field; the message is shown under it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FormBody(VerticalScroll, can_focus=False):
    """The form's scrolling body: the keyboard goes straight to the first field."""


class FormModal(ModalScreen[T]):
    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="cancel"),
        Binding("ctrl+s", "submit", "Valider", id="submit", priority=True),
    ]
    DEFAULT_CLASSES = "form-modal"
    heading = ""

    def compose(self) -> ComposeResult:
        with FormBody(classes="form"):
            yield Static(self.heading, classes="form-title")
            yield from self.fields()
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Valider (ctrl+s)", variant="primary", id="submit")
                yield Button("Annuler (échap)", id="cancel")

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    @staticmethod
    def field(label: str, widget: Widget) -> Iterator[Widget]:
        """A label, the widget, and the place for its error message."""
        yield Label(label, classes="field-label")
        yield widget
        yield Static("", id=f"error-{widget.id}", classes="field-error")

    async def submit(self) -> T:
        raise NotImplementedError

    async def action_submit(self) -> None:
        for error in self.query(".field-error"):
            if isinstance(error, Static):
                error.update("")
        try:
            result = await self.submit()
        except FieldError as exc:
            self.show_error(exc.field, str(exc))
            return
        except CarnetError as exc:
            self.show_error(None, str(exc))
            return
        self.dismiss(result)

    def show_error(self, field: str | None, message: str) -> None:
        target = self.query(f"#error-{field}") if field else None
        if target:
            # Messages name people: text, never markup.
            target.first(Static).update(Text(f"⚠ {message}"))
            self.query_one(f"#{field}").focus()
        else:
            self.query_one("#form-error", Static).update(Text(f"⚠ {message}"))

    def action_cancel(self) -> None:
        self.dismiss(None)

    async def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "submit":
            await self.action_submit()
        else:
            self.action_cancel()

    async def store(self, work: Any) -> Any:
        return await self.app.store_call(work)  # type: ignore[attr-defined]


def required_text(value: str, field: str, what: str, minimum: int = 1) -> str:
    text = value.strip()
    if len(text) < minimum:
        more = f" (au moins {minimum} caractères)" if minimum > 1 else ""
        raise FieldError(field, f"{what} est obligatoire{more}.")
    return text
