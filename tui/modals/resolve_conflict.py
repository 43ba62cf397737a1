"""The secretariat's choice between two values recorded by two stations: a mandatory reason and
the secret of the agent at the keyboard, who signs the choice."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input

from store.credentials import SecretError
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.secret import read_secret, secret_fields, show_first_use, sign_as
from tui.operator import author_of
from tui.text import Static


class ResolveConflict(FormModal[bool]):
    heading = "Retenir cette valeur"

    def __init__(self, candidate: str, key: str, event: str, subject: str) -> None:
        super().__init__()
        self.candidate = candidate
        self.key = key
        self.event = event
        self.subject = subject

    def context(self) -> ComposeResult:
        yield Static(
            f"{self.subject}\nL'autre valeur reste dans l'historique et le dossier de "
            "certification.",
            classes="form-detail",
            markup=False,
        )

    def fields(self) -> ComposeResult:
        yield from self.field("Motif du choix (obligatoire)", Input(id="text"))
        yield from secret_fields("agent", "l'agent du secrétariat au clavier")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await show_first_use(self, "agent", author_of(self.app))

    async def submit(self) -> bool:
        reason = required_text(self.query_one("#text", Input).value, "text", "Ce texte", 3)
        secret, confirm = read_secret(self, "agent")
        author = author_of(self.app)

        def resolve(s: Any) -> None:
            sign_as(
                s,
                author,
                secret,
                confirm,
                "agent",
                lambda: s.resolve_conflict(
                    self.candidate, self.key, self.event, reason, author, secret
                ),
            )

        try:
            await self.store(resolve)
        except SecretError as exc:  # wrong, locked or unacceptable secret
            raise FieldError("secret-agent", str(exc)) from exc
        return True
