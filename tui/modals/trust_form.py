"""Trust a folder's public key file: its role, name, organisme and fingerprint are shown, and
the fingerprint, read out by that folder (by phone, on paper), must be typed to accept it."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.widgets import Input

from store.keys import ROLE_TEXT, TrustedKey, normalised_fingerprint
from tui.modals.form import FieldError, FormModal
from tui.text import Static


class TrustForm(FormModal[str | None]):
    heading = "Faire confiance à une clé publique"

    def __init__(self, path: Path, key: TrustedKey) -> None:
        super().__init__()
        self.path = path
        self.key = key

    def fields(self) -> ComposeResult:
        key = self.key
        who = f"{key.name} — {key.organisme}" if key.name or key.organisme else "sans nom"
        yield Static(
            f"{key.station} : {ROLE_TEXT[key.role]}, {who}\nEmpreinte : {key.fingerprint}\n\n"
            "Demandez à ce poste de vous lire l'empreinte de sa clé (carnet station, ou « s » "
            "Échanges dans son application) et tapez-la : elle doit être celle ci-dessus.",
            classes="form-detail",
            markup=False,
        )
        yield from self.field("Empreinte lue par ce poste", Input(id="fingerprint"))

    async def submit(self) -> str | None:
        typed = self.query_one("#fingerprint", Input).value
        if normalised_fingerprint(typed) != normalised_fingerprint(self.key.fingerprint):
            raise FieldError(
                "fingerprint", "Cette empreinte n'est pas celle de la clé : rien n'est enregistré."
            )
        from store.sync import confirm_trust

        _, outcome = await self.store(lambda s: confirm_trust(s, self.path, typed))
        if outcome == "inchangé":
            return f"{self.key.station} était déjà de confiance."
        return f"Confiance accordée à {self.key.label} ({ROLE_TEXT[self.key.role]}), {outcome}."
