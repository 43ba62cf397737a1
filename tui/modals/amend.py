"""A correction to a signed grid: the new state, a comment, a mandatory reason, and the
secret of the evaluator at the keyboard, who signs it as they signed the grid."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input

from models.threshold import CriterionState
from store.credentials import SecretError
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.secret import read_secret, secret_fields, show_first_use, sign_as
from tui.operator import author_of
from tui.text import Select, Static


class AmendCriterion(FormModal[bool | None]):
    heading = "Avenant à une grille signée"

    def __init__(
        self,
        candidate: str,
        grid: str,
        criterion: str,
        text: str,
        current: CriterionState,
        comment: str,
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.grid = grid
        self.criterion = criterion
        self.text = text
        self.current = current
        self.comment = comment

    def context(self) -> ComposeResult:
        yield Static(
            f"{self.text}\nÉtat actuel : {self.current.label}", classes="form-detail", markup=False
        )

    def fields(self) -> ComposeResult:
        states = [(s.label, s.value) for s in CriterionState if s is not self.current]
        yield from self.field("Nouvel état", Select(states, id="state", prompt="Choisir"))
        yield from self.field("Commentaire", Input(self.comment, id="comment"))
        yield from self.field("Motif de l'avenant (obligatoire)", Input(id="reason"))
        yield from secret_fields("amender", "l'évaluateur au clavier")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await show_first_use(self, "amender", author_of(self.app))

    async def submit(self) -> bool | None:
        state = self.query_one("#state", Select).value
        if not isinstance(state, str):
            raise FieldError("state", "Choisissez le nouvel état.")
        reason = required_text(
            self.query_one("#reason", Input).value, "reason", "Le motif", minimum=3
        )
        comment = self.query_one("#comment", Input).value.strip()
        secret, confirm = read_secret(self, "amender")
        author = author_of(self.app)

        def amend(s: Any) -> None:
            sign_as(
                s,
                author,
                secret,
                confirm,
                "amender",
                lambda: s.amend_criterion(
                    self.candidate,
                    self.grid,
                    self.criterion,
                    CriterionState(state),
                    comment,
                    reason,
                    author,
                    secret,
                ),
            )

        try:
            await self.store(amend)
        except SecretError as exc:  # wrong, locked or unacceptable secret
            raise FieldError("secret-amender", str(exc)) from exc
        return True
