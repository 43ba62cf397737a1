"""Both evaluators sign to close a grid; once both have, it is read-only."""

from __future__ import annotations

from textual.app import ComposeResult

from tui.modals.form import FieldError, FormModal
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

    def fields(self) -> ComposeResult:
        yield Static(
            "Une fois signée par les deux évaluateurs, la grille ne se modifie plus que par "
            "avenant motivé.",
            classes="form-detail",
        )
        for person, name, role, signed in self.signers:
            label = f"{name} ({role}) signe la grille" + (" — déjà signé" if signed else "")
            yield from self.field("", Checkbox(label, signed, id=f"sign-{person}", disabled=signed))

    async def submit(self) -> bool | None:
        todo = [
            person
            for person, _, _, signed in self.signers
            if not signed and self.query_one(f"#sign-{person}", Checkbox).value
        ]
        if not todo and not all(signed for *_, signed in self.signers):
            first = next(p for p, *_, signed in self.signers if not signed)
            raise FieldError(f"sign-{first}", "Cochez la signature d'au moins un évaluateur.")

        def sign(store: object) -> None:
            for person in todo:
                store.sign_grid(self.candidate, self.grid, person)  # type: ignore[attr-defined]

        await self.store(sign)
        return True
