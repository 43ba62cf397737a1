"""The base of every form: labelled fields, a French message under the faulty field, and a
result only once the store has accepted it (so a refused form never half-saves)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Input

from models.errors import CarnetError
from tui.text import Label, Static

T = TypeVar("T")


class FieldError(CarnetError):
    """Bad input in one field; the message is shown under it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class FormBody(VerticalScroll, can_focus=False):
    """The form's scrolling body: the keyboard goes straight to the first field."""

    def on_resize(self) -> None:
        # Fitted to the room the form leaves, the body may now end above the field that has
        # the focus: one would type into a field one cannot see.
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            self.call_after_refresh(show_field, focused)


def label_of(widget: Widget) -> Widget | None:
    """The label ``FormModal.field`` put just above a field, if it has one."""
    parent = widget.parent
    siblings = list(parent.children) if isinstance(parent, Widget) else []
    index = siblings.index(widget) if widget in siblings else 0
    label = siblings[index - 1] if index > 0 else None
    return label if label is not None and label.has_class("field-label") else None


def show_field(widget: Widget) -> None:
    """A field in view with its label above it."""
    label = label_of(widget)
    if label is not None:
        label.scroll_visible(animate=False, immediate=True)
    widget.scroll_visible(animate=False, immediate=True)


class FormContext(VerticalScroll, can_focus=False):
    """The form's context, above the fields: scrolls on its own only if very long."""


class FormModal(ModalScreen[T]):
    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="cancel"),
        Binding("ctrl+s", "submit", "Valider", id="submit", priority=True),
    ]
    DEFAULT_CLASSES = "form-modal"
    heading = ""

    def compose(self) -> ComposeResult:
        # The title, the context (what is signed, amended, decided) and the buttons stay in
        # view; only the fields scroll, however short the terminal.
        with Vertical(classes="form"):
            yield Static(self.heading, classes="form-title")
            with FormContext(classes="form-context"):
                yield from self.context()
            with FormBody(classes="form-body"):
                yield from self.fields()
            yield Static("", id="form-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Valider (ctrl+s)", variant="primary", id="submit")
                yield Button("Annuler (échap)", id="cancel")

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_body)

    def on_mount(self) -> None:
        self.call_after_refresh(self._fit_body)

    def _fit_body(self) -> None:
        """The fields get the rows the title, context, error and buttons leave (CSS cannot
        say « what is left » inside a box whose height follows its content)."""
        body = self.query_one(FormBody)
        form = body.parent
        if not isinstance(form, Widget):
            return
        others = sum(child.outer_size.height for child in form.children if child is not body)
        chrome = form.styles.gutter.height
        room = max(3, self.size.height - chrome - others)
        if body.styles.max_height is None or body.styles.max_height.value != room:
            body.styles.max_height = room

    def context(self) -> ComposeResult:
        """What the form is about, kept above the fields (none by default)."""
        yield from ()

    def fields(self) -> ComposeResult:
        raise NotImplementedError

    @staticmethod
    def field(label: str, widget: Widget) -> Iterator[Widget]:
        """A label, the widget, and the place for its error message."""
        yield Label(label, classes="field-label")
        yield widget
        limit = getattr(widget, "max_length", 0)
        if isinstance(widget, Input) and limit:
            # The limit said before it is met: the field stops there, not a store refusal.
            yield Static(f"{limit} caractères au plus", classes="field-hint")
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
            # A field shown only when needed (a first signature's confirmation) is shown with
            # its error: the store found it needed after all.
            for hidden in self.query(f".reveal-{field}"):
                hidden.display = True
            # Messages name people: text, never markup.
            error = target.first(Static)
            error.update(Text(f"⚠ {message}"))
            self.query_one(f"#{field}").focus()
            # The field may already have had the focus (a wrong secret): its message, on the
            # line below it, is brought into view all the same on a short terminal.
            self.call_after_refresh(lambda: error.scroll_visible(animate=False, immediate=True))
        else:
            self.query_one("#form-error", Static).update(Text(f"⚠ {message}"))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A field comes into view with its label above it: a checkbox's label is the
        statement a person declares, and must be read whole before it is ticked."""
        widget = event.widget
        if isinstance(widget.parent, FormBody) and label_of(widget) is not None:
            self.call_after_refresh(show_field, widget)

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter in the last field (or the only one) submits; elsewhere it goes to the next
        field, as on paper. ctrl+s submits from anywhere."""
        event.stop()
        # A field hidden until needed (a first signature's confirmation) is not one of them.
        fields = [w for w in self.query_one(FormBody).query("*") if w.focusable and w.display]
        if not fields or event.input is fields[-1]:
            await self.action_submit()
        else:
            self.focus_next()

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
