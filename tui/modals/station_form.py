"""This folder's name and organisme, as the folders that trust it see them (public key file,
stations view at the secretariat)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from tui.modals.form import FormModal, required_text
from tui.text import Static


class StationForm(FormModal[str | None]):
    heading = "Nom et organisme de ce poste"

    def __init__(self, name: str, organisme: str) -> None:
        super().__init__()
        self.current = (name, organisme)

    def fields(self) -> ComposeResult:
        yield Static(
            "Écrits dans la clé publique du poste : écrivez-la de nouveau (« k ») et faites-la "
            "reconnaître par le secrétariat.",
            classes="form-detail",
        )
        yield from self.field(
            "Nom du poste",
            Input(self.current[0], id="name", placeholder="ex. Tutorat Lyon 3", max_length=200),
        )
        yield from self.field(
            "Organisme",
            Input(self.current[1], id="organisme", placeholder="ex. CPAM du Rhône", max_length=200),
        )

    async def submit(self) -> str | None:
        name = " ".join(
            required_text(self.query_one("#name", Input).value, "name", "Le nom").split()
        )
        organisme = " ".join(
            required_text(
                self.query_one("#organisme", Input).value, "organisme", "L'organisme"
            ).split()
        )

        def save(store: object) -> None:
            from store.station import set_identity

            store.station = set_identity(store.folder, name, organisme)  # type: ignore[attr-defined]

        await self.store(save)
        return f"Ce poste s'appelle désormais « {name} » ({organisme})."
