"""Trust a folder's public key: its role, name, organisme and fingerprint are shown, and the
fingerprint, read out by that folder (by phone, on paper), must be typed to accept it. The key
comes from its key file (« i » on a .cle) or with a bundle signed by a folder not trusted yet;
a second secretariat is shown with a warning naming the one trusted already."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from store.keys import ROLE_TEXT, UNKNOWN_ROLE, TrustedKey, normalised_fingerprint
from tui.modals.form import FieldError, FormModal
from tui.text import Static


class TrustForm(FormModal[str | None]):
    heading = "Faire confiance à une clé publique"

    def __init__(
        self,
        key: TrustedKey,
        trust: Callable[[Any, str], str],
        *,
        warning: str = "",
        came_with: str = "",
    ) -> None:
        """``trust(store, typed)`` records it and returns « nouveau », « mis à jour » or
        « inchangé »; ``came_with``: the bundle the key came with, when it did."""
        super().__init__()
        self.key = key
        self.trust = trust
        self.warning = warning
        self.came_with = came_with

    def context(self) -> ComposeResult:
        # Whose key, its fingerprint and the warning stay in view while the field is typed.
        key = self.key
        who = f"{key.name} — {key.organisme}" if key.name or key.organisme else "sans nom"
        role = ROLE_TEXT.get(key.role, ROLE_TEXT[UNKNOWN_ROLE])
        came = (
            f"Le lot {self.came_with} est signé par ce poste, inconnu ici.\n"
            if self.came_with
            else ""
        )
        yield Static(
            f"{came}{key.station} : {role}, {who}\nEmpreinte : {key.fingerprint}",
            classes="form-detail",
            markup=False,
        )
        if self.warning:
            yield Static(self.warning, classes="form-warning", markup=False)

    def fields(self) -> ComposeResult:
        # Where that station finds it, in the label: at 80×24 the identity, the fingerprint,
        # a second secretariat's warning and the field must all be in view at once.
        label = "Empreinte que ce poste vous lit (« carnet station » chez lui)"
        yield from self.field(label, Input(id="fingerprint"))

    async def submit(self) -> str | None:
        typed = self.query_one("#fingerprint", Input).value
        if normalised_fingerprint(typed) != normalised_fingerprint(self.key.fingerprint):
            raise FieldError(
                "fingerprint", "Cette empreinte n'est pas celle de la clé : rien n'est enregistré."
            )
        outcome = await self.store(lambda s: self.trust(s, typed))
        role = ROLE_TEXT.get(self.key.role, ROLE_TEXT[UNKNOWN_ROLE])
        if outcome == "inchangé":
            return f"{self.key.label} était déjà de confiance."
        if outcome == "mis à jour":
            said = f"{self.key.label} était déjà de confiance ; rôle, nom et organisme mis à jour."
        else:
            said = f"Confiance accordée à {self.key.label} ({role})."
        if self.key.encryption is None:
            # A bundle carries the key that signs it, not the one to encrypt to its station.
            said += (
                " Pour lui envoyer des lots, faites aussi confiance à son fichier .cle "
                "(« carnet station --out » chez lui, puis « i » sur ce fichier)."
            )
        return said
