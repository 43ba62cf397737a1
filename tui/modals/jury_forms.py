"""The juries' forms: composing the local jury, its proposal, the national proclamation.

A member the seed forbids is refused at their field with the reason; two members of one
organisme are allowed after a warning, confirmed by validating a second time.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input

from models.career import PROCLAMATION_LABELS, TRAINING_DECISIONS, VAE_DECISIONS
from models.events import NEEDS_RECOMMENDATIONS, PersonCreated
from models.jury import JURY_ROLES, JuryError, same_organisme
from models.people import is_active
from store.credentials import SecretError
from tui.modals.candidate_form import parse_day
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.secret import read_secret, secret_fields, show_first_use, sign_as
from tui.operator import author_of
from tui.text import Checkbox, Select, Static


class JuryForm(FormModal[bool]):
    heading = "Composer le jury local"

    def __init__(
        self,
        candidate: str,
        organisme: str,
        people: dict[str, PersonCreated],
        current: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.organisme = organisme
        self.people = people
        self.current = current or {}
        self.warned: list[tuple[str, str]] | None = None

    def fields(self) -> ComposeResult:
        yield Static(
            f"Candidat de : {self.organisme}. Le représentant de la Branche retraite et l'expert "
            "métier viennent d'un autre organisme ; de préférence, les trois membres sont "
            "d'organismes différents.",
            classes="form-detail",
            markup=False,
        )
        choices = sorted(
            (
                f"{p.name} — {p.organisme}"
                + (
                    " (organisme du candidat)"
                    if same_organisme(p.organisme, self.organisme)
                    else ""
                ),
                pid,
            )
            for pid, p in self.people.items()
            if "jury" in p.roles and is_active(p)
        )
        for role, label in JURY_ROLES.items():
            select: Select[str] = Select(choices, id=role, prompt="Choisir un membre")
            if self.current.get(role) in self.people:
                select.value = self.current[role]
            yield from self.field(label, select)

    async def submit(self) -> bool:
        members = []
        for role, label in JURY_ROLES.items():
            person = self.query_one(f"#{role}", Select).value
            if not isinstance(person, str):
                raise FieldError(role, f"Choisissez : {label.lower()}.")
            members.append((role, person))
        try:
            warnings: list[str] = await self.store(lambda s: s.check_jury(self.candidate, members))
        except JuryError as exc:
            raise FieldError(exc.role or "caisse_nationale", str(exc)) from exc
        if warnings and self.warned != members:
            self.warned = members
            raise FieldError(
                "caisse_nationale",
                " ".join(warnings) + " Validez à nouveau (ctrl+s) pour confirmer ce jury.",
            )
        await self.store(
            lambda s: s.compose_jury(
                self.candidate, members, author_of(self.app), accept_warnings=True
            )
        )
        return True


class ProposalForm(FormModal[bool]):
    heading = "Proposition du jury local"

    def __init__(self, candidate: str) -> None:
        super().__init__()
        self.candidate = candidate

    def fields(self) -> ComposeResult:
        yield Static(
            "Après délibération, le jury local propose la certification, ou rend un avis "
            "argumenté de non-certification destiné au jury paritaire national.",
            classes="form-detail",
        )
        choices = [
            ("Proposer la certification", "certification"),
            ("Avis argumenté de non-certification", "non_certification"),
        ]
        yield from self.field("Proposition", Select(choices, id="proposal", prompt="Choisir"))
        yield from self.field(
            "Motifs (obligatoires pour une non-certification)", Input(id="reasons")
        )
        yield from secret_fields("member", "la personne au clavier, membre du jury")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await show_first_use(self, "member", author_of(self.app))

    async def submit(self) -> bool:
        proposal = self.query_one("#proposal", Select).value
        if not isinstance(proposal, str):
            raise FieldError("proposal", "Choisissez la proposition du jury.")
        reasons = self.query_one("#reasons", Input).value
        if proposal == "non_certification":
            reasons = required_text(reasons, "reasons", "L'avis argumenté", minimum=3)
        secret, confirm = read_secret(self, "member")
        author = author_of(self.app)

        def propose(s: Any) -> None:
            sign_as(
                s,
                author,
                secret,
                confirm,
                "member",
                lambda: s.propose(self.candidate, proposal, reasons, author, secret),
            )

        try:
            await self.store(propose)
        except SecretError as exc:
            raise FieldError("secret-member", str(exc)) from exc
        return True


class ProclamationForm(FormModal[bool]):
    heading = "Proclamation du jury paritaire national"

    def __init__(self, candidate: str, *, vae: bool) -> None:
        super().__init__()
        self.candidate = candidate
        self.vae = vae

    def fields(self) -> ComposeResult:
        yield Static(
            "Le jury paritaire national est souverain : sa décision est définitive et "
            "s'impose au verdict calculé (les deux restent affichés).",
            classes="form-detail",
        )
        decisions = VAE_DECISIONS if self.vae else TRAINING_DECISIONS
        order = list(PROCLAMATION_LABELS)
        choices = [
            (PROCLAMATION_LABELS[d].capitalize(), d) for d in sorted(decisions, key=order.index)
        ]
        yield from self.field("Décision", Select(choices, id="decision", prompt="Choisir"))
        yield from self.field(
            "Préconisations (travaux complémentaires, formation, réorientation) — "
            "obligatoires en cas d'échec ou de validation partielle",
            Input(id="recommendations"),
        )
        yield from self.field(
            "Date de la proclamation (JJ/MM/AAAA)",
            Input(date.today().strftime("%d/%m/%Y"), id="on"),
        )
        yield from self.field(
            "La proclamation est définitive : plus rien de cette session ne pourra changer.",
            Checkbox("Je confirme la proclamation définitive", id="final"),
        )
        yield from secret_fields("agent", "l'agent du secrétariat au clavier")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await show_first_use(self, "agent", author_of(self.app))

    async def submit(self) -> bool:
        decision = self.query_one("#decision", Select).value
        if not isinstance(decision, str):
            raise FieldError("decision", "Choisissez la décision proclamée.")
        recommendations = self.query_one("#recommendations", Input).value
        if decision in NEEDS_RECOMMENDATIONS:
            recommendations = required_text(
                recommendations, "recommendations", "Le champ « préconisations »", minimum=3
            )
        on = parse_day(self.query_one("#on", Input).value, "on")
        if not self.query_one("#final", Checkbox).value:
            raise FieldError(
                "final",
                "Cochez la confirmation : la proclamation est définitive, plus rien de cette "
                "session ne pourra être modifié.",
            )
        secret, confirm = read_secret(self, "agent")
        author = author_of(self.app)

        def proclaim(s: Any) -> None:
            sign_as(
                s,
                author,
                secret,
                confirm,
                "agent",
                lambda: s.proclaim(
                    self.candidate,
                    decision,
                    recommendations,
                    on,
                    author,
                    confirmed_final=True,
                    secret=secret,
                ),
            )

        try:
            await self.store(proclaim)
        except SecretError as exc:  # wrong, locked or unacceptable secret
            raise FieldError("secret-agent", str(exc)) from exc
        return True
