"""Sign a competency in the logbook as tutor or manager, or withdraw one's own signature."""

from __future__ import annotations

from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input

from models.errors import CarnetError
from models.events import PersonCreated
from store.credentials import SecretError
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.secret import read_secret, secret_fields, show_first_use, sign_as
from tui.text import Select, Static

ROLE_LABELS = {"tuteur": "tuteur", "manager": "manager"}


class SignAttestation(FormModal[bool | None]):
    def __init__(
        self,
        candidate: str,
        competency: str,
        competency_title: str,
        role: str,
        signers: dict[str, PersonCreated],
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.competency = competency
        self.competency_title = competency_title
        self.role = role
        self.signers = signers
        self.heading = f"Attestation du {ROLE_LABELS[role]}"

    def context(self) -> ComposeResult:
        yield Static(self.competency_title, classes="form-detail")

    def fields(self) -> ComposeResult:
        choices = [(f"{p.name} — {p.organisme}", pid) for pid, p in self.signers.items()]
        select: Select[str] = Select(choices, id="person", prompt=f"Qui signe comme {self.role} ?")
        if len(choices) == 1:
            select = Select(choices, id="person", value=choices[0][1], allow_blank=False)
        yield from self.field("Signataire", select)
        yield from self.field(
            "Situation réelle de travail observée (une phrase)",
            Input(id="situation", placeholder="ex. Appel d'un assuré sur ses indemnités"),
        )
        yield from secret_fields("signer", "la personne qui signe")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await self._first_use()

    async def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "person":
            await self._first_use()

    async def _first_use(self) -> None:
        person = self.query_one("#person", Select).value
        await show_first_use(self, "signer", person if isinstance(person, str) else None)

    async def submit(self) -> bool | None:
        person = self.query_one("#person", Select).value
        if not isinstance(person, str):
            raise FieldError("person", f"Choisissez le {self.role} qui signe.")
        situation = required_text(
            self.query_one("#situation", Input).value, "situation", "La situation", minimum=3
        )
        secret, confirm = read_secret(self, "signer")

        def sign(s: Any) -> None:
            sign_as(
                s,
                person,
                secret,
                confirm,
                "signer",
                lambda: s.sign_attestation(
                    self.candidate, self.competency, self.role, person, situation, secret
                ),
            )

        try:
            await self.store(sign)
        except SecretError as exc:  # wrong, locked or unacceptable secret
            raise FieldError("secret-signer", str(exc)) from exc
        except FieldError:
            raise
        except CarnetError as exc:  # a refusal from the store is about the signer
            raise FieldError("person", str(exc)) from exc
        return True


class WithdrawAttestation(FormModal[bool | None]):
    heading = "Retirer sa signature"

    def __init__(self, candidate: str, competency: str, signed: dict[str, tuple[str, str]]) -> None:
        """``signed``: role -> (person id, person name) of the signatures in force."""
        super().__init__()
        self.candidate = candidate
        self.competency = competency
        self.signed = signed

    def fields(self) -> ComposeResult:
        choices = [(f"{ROLE_LABELS[r]} : {name}", r) for r, (_, name) in self.signed.items()]
        yield from self.field(
            "Signature retirée par son auteur", Select(choices, id="role", prompt="Laquelle ?")
        )
        yield from self.field("Motif (gardé dans l'historique)", Input(id="reason"))
        yield from secret_fields("signer", "l'auteur de la signature")

    async def on_select_changed(self, event: Select.Changed) -> None:
        role = event.value
        person = self.signed[role][0] if isinstance(role, str) and role in self.signed else None
        await show_first_use(self, "signer", person)

    async def submit(self) -> bool | None:
        role = self.query_one("#role", Select).value
        if not isinstance(role, str):
            raise FieldError("role", "Choisissez la signature à retirer.")
        reason = required_text(
            self.query_one("#reason", Input).value, "reason", "Le motif", minimum=3
        )
        person = self.signed[role][0]
        secret, confirm = read_secret(self, "signer")

        def withdraw(s: Any) -> None:
            sign_as(
                s,
                person,
                secret,
                confirm,
                "signer",
                lambda: s.withdraw_attestation(
                    self.candidate, self.competency, role, person, reason, secret
                ),
            )

        try:
            await self.store(withdraw)
        except SecretError as exc:
            raise FieldError("secret-signer", str(exc)) from exc
        return True
