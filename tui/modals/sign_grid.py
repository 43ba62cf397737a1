"""Both evaluators sign to close a grid; once both have, it is read-only."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult

from store.credentials import SecretError
from tui.modals.form import FieldError, FormModal
from tui.modals.secret import enrol_if_needed, read_secret, secret_fields, show_first_use
from tui.text import Checkbox, Static


class SignGrid(FormModal[bool | None]):
    heading = "Signature de la grille"

    def __init__(
        self, candidate: str, grid: str, signers: list[tuple[str, str, str, bool]]
    ) -> None:
        """``signers``: (person id, name, role label, already signed)."""
        super().__init__()
        self.candidate = candidate
        self.grid = grid
        self.signers = signers

    def context(self) -> ComposeResult:
        yield Static(
            "Une fois signée par les deux évaluateurs, la grille ne se modifie plus que par "
            "avenant motivé.",
            classes="form-detail",
        )

    def fields(self) -> ComposeResult:
        # Who signs, and whether they already have, in a label that wraps: a checkbox label
        # is one line and would cut « déjà signé(e) » at 80 columns.
        for person, name, role, signed in self.signers:
            label = f"{name} ({role})" + (" — déjà signé(e)" if signed else "")
            box = Checkbox("signe la grille", signed, id=f"sign-{person}", disabled=signed)
            yield from self.field(label, box)
            if not signed:
                yield from secret_fields(person, name)

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        for person, _, _, signed in self.signers:
            if not signed:
                await show_first_use(self, person, person)

    async def submit(self) -> bool | None:
        todo = [
            person
            for person, _, _, signed in self.signers
            if not signed and self.query_one(f"#sign-{person}", Checkbox).value
        ]
        if not todo and not all(signed for *_, signed in self.signers):
            first = next(p for p, *_, signed in self.signers if not signed)
            raise FieldError(f"sign-{first}", "Cochez la signature d'au moins un évaluateur.")

        secrets = {person: read_secret(self, person) for person in todo}

        def sign(store: Any) -> None:
            # Every first-use secret is checked before anyone signs; a signer already
            # recorded (a second try after a wrong secret) is not asked again.
            for person in todo:
                enrol_if_needed(store, person, *secrets[person], person)
            done = {
                sig.person for sig in store.grid_view(self.candidate, self.grid).signatures.values()
            }
            for person in todo:
                if person in done:
                    continue
                try:
                    store.sign_grid(self.candidate, self.grid, person, secrets[person][0])
                except SecretError as exc:
                    raise FieldError(f"secret-{person}", str(exc)) from exc

        await self.store(sign)
        return True
