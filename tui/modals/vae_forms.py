"""The VAE forms: the certifying body's admissibility decision, the dossier de preuve, and a
local jury member's signed decision on one certified competency.

Experience periods are typed one per line (« 01/09/2019 - 31/08/2021 »); the days counted
(overlaps once) and what the rule requires are shown as they are typed.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from textual import events, on
from textual.app import ComposeResult
from textual.widgets import Input, TextArea

from models.referential import WeightedReferential
from models.vae import Period, admissibility, oral_exempt
from store.credentials import SecretError
from tui.modals.candidate_form import parse_day
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.secret import read_secret, secret_fields, show_first_use, sign_as
from tui.operator import author_of
from tui.text import Select, Static

YES_NO = [("Oui", "oui"), ("Non", "non")]
_SPLIT = re.compile(r"\s*(?:-|–|au|à)\s*")


def parse_periods(text: str) -> list[Period]:
    """One period per line, « JJ/MM/AAAA - JJ/MM/AAAA »; refused with the faulty line."""
    periods = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = _SPLIT.split(line.strip(), maxsplit=1)
        if len(parts) != 2:
            raise FieldError("periods", f"Ligne {number} : écrivez « JJ/MM/AAAA - JJ/MM/AAAA ».")
        try:
            start, end = (parse_day(part, "periods", earliest=1960) for part in parts)
        except FieldError as exc:
            raise FieldError("periods", f"Ligne {number} : {exc}") from exc
        if end < start:
            raise FieldError("periods", f"Ligne {number} : la période finit avant de commencer.")
        periods.append(Period(start, end))
    if not periods:
        raise FieldError("periods", "Saisissez au moins une période d'expérience.")
    return periods


class AdmissibilityForm(FormModal[bool]):
    heading = "Recevabilité de la demande de VAE"

    def __init__(self, candidate: str, ref: WeightedReferential) -> None:
        super().__init__()
        self.candidate = candidate
        self.ref = ref

    def fields(self) -> ComposeResult:
        yield Static(
            f"Décidée par l'organisme certificateur ({self.ref.vae.admissibility_by}). "
            f"{self.ref.vae.relation_text} {self.ref.vae.duration_text}",
            classes="form-detail",
            markup=False,
        )
        yield from self.field(
            "L'expérience est-elle en relation avec le CQP ?",
            Select(YES_NO, id="related", prompt="Choisir"),
        )
        yield from self.field("Description de l'expérience", Input(id="description"))
        yield from self.field(
            "Périodes d'expérience, une par ligne (JJ/MM/AAAA - JJ/MM/AAAA)",
            TextArea(id="periods", soft_wrap=False),
        )
        yield Static("", id="periods-total", classes="form-detail")
        yield from self.field("Commentaire (facultatif)", Input(id="comment"))
        yield from self.field(
            "Date de la décision (JJ/MM/AAAA)",
            Input(date.today().strftime("%d/%m/%Y"), id="on"),
        )

    @on(TextArea.Changed, "#periods")
    def _count(self, event: TextArea.Changed) -> None:
        total = self.query_one("#periods-total", Static)
        try:
            periods = parse_periods(event.text_area.text)
        except FieldError as exc:
            total.update(str(exc))
            return
        result = admissibility(self.ref, True, periods)
        enough = "durée suffisante" if result.admissible else "durée insuffisante"
        total.update(f"{result.days} jours comptés, il en faut {result.required} : {enough}.")

    async def submit(self) -> bool:
        related = self.query_one("#related", Select).value
        if not isinstance(related, str):
            raise FieldError("related", "Indiquez si l'expérience est en relation avec le CQP.")
        description = required_text(
            self.query_one("#description", Input).value, "description", "La description", 3
        )
        periods = parse_periods(self.query_one("#periods", TextArea).text)
        decided = parse_day(self.query_one("#on", Input).value, "on")
        for period in periods:
            if period.end > decided:
                raise FieldError("periods", "Une période ne peut pas finir après la décision.")
        comment = self.query_one("#comment", Input).value
        await self.store(
            lambda s: s.decide_admissibility(
                self.candidate,
                related=related == "oui",
                description=description,
                periods=[(p.start, p.end) for p in periods],
                comment=comment,
                on=decided,
                author=author_of(self.app),
            )
        )
        return True


class ProofForm(FormModal[bool]):
    heading = "Dossier de preuve"

    def __init__(self, candidate: str, ref: WeightedReferential) -> None:
        super().__init__()
        self.candidate = candidate
        self.ref = ref

    def fields(self) -> ComposeResult:
        yield from self.field(
            "Date de réception (JJ/MM/AAAA)",
            Input(date.today().strftime("%d/%m/%Y"), id="received"),
        )
        yield Static(self.ref.vae.oral_exemption.text, classes="form-detail", markup=False)
        yield from self.field(
            "Date de l'attestation « parcours 3a Technicien carrière » (vide si aucune)",
            Input(id="attestation"),
        )
        yield from self.field(
            "Le jury demande-t-il un oral malgré l'attestation ?",
            Select(YES_NO, id="oral", value="non", allow_blank=False),
        )

    async def submit(self) -> bool:
        received = parse_day(self.query_one("#received", Input).value, "received")
        typed = self.query_one("#attestation", Input).value
        attestation = parse_day(typed, "attestation") if typed.strip() else None
        requested = self.query_one("#oral", Select).value == "oui"
        if requested and not oral_exempt(self.ref.vae.oral_exemption, attestation):
            requested = False  # without the exemption the presentation is due anyway
        await self.store(
            lambda s: s.receive_proof(
                self.candidate,
                received=received,
                attestation_3a=attestation,
                oral_requested=requested,
                author=author_of(self.app),
            )
        )
        return True


class DecisionForm(FormModal[bool]):
    """One competency decided by the member of the local jury at the keyboard, who signs the
    decision with their secret."""

    def __init__(self, candidate: str, competency: str, title: str, validated: bool) -> None:
        super().__init__()
        self.candidate = candidate
        self.competency = competency
        self.title = title
        self.validated = validated
        self.heading = "Compétence validée" if validated else "Compétence non validée"

    def context(self) -> ComposeResult:
        yield Static(
            f"{self.title}\nDécision du jury local : "
            + ("validée" if self.validated else "non validée"),
            classes="form-detail",
            markup=False,
        )

    def fields(self) -> ComposeResult:
        yield from self.field("Commentaire (facultatif)", Input(id="comment"))
        yield from secret_fields("member", "la personne au clavier, membre du jury")

    @on(events.Mount)
    async def _ask_first_use(self) -> None:
        await show_first_use(self, "member", author_of(self.app))

    async def submit(self) -> bool:
        comment = self.query_one("#comment", Input).value
        secret, confirm = read_secret(self, "member")
        author = author_of(self.app)

        def decide(s: Any) -> None:
            sign_as(
                s,
                author,
                secret,
                confirm,
                "member",
                lambda: s.decide_competency(
                    self.candidate, self.competency, self.validated, comment, author, secret
                ),
            )

        try:
            await self.store(decide)
        except SecretError as exc:  # wrong, locked or unacceptable secret
            raise FieldError("secret-member", str(exc)) from exc
        return True
