"""New candidate: identity, organisme, CQP, route (carrière), tutor and manager."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import PersonCreated
from models.people import is_active
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.organisme_field import chosen_organisme, organisme_fields
from tui.operator import author_of
from tui.text import Select

ROUTES = [
    ("Nouvel embauché (contrat de professionnalisation)", "nouvel_embauche"),
    ("Salarié en parcours de formation", "parcours_formation"),
    ("Validation des acquis de l'expérience (VAE)", "vae"),
]


def parse_day(text: str, field: str, earliest: int = 2000, *, future: bool = False) -> date:
    """A French date (JJ/MM/AAAA), refused in French if impossible, implausible or (unless
    ``future``: a change planned ahead) in the future."""
    value = text.strip()
    if not value:
        raise FieldError(field, "La date est obligatoire (JJ/MM/AAAA).")
    shape = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value)
    if shape is None:
        raise FieldError(field, f"« {value} » n'est pas une date au format JJ/MM/AAAA.")
    try:
        day = date(int(shape[3]), int(shape[2]), int(shape[1]))
    except ValueError:  # well written, but no such day (31/02, 29/02 of a common year, 13th month)
        raise FieldError(field, f"Le {value} n'existe pas : vérifiez le jour et le mois.") from None
    if day > date.today() and not future:
        raise FieldError(field, "La date ne peut pas être dans le futur.")
    if day.year < earliest:
        raise FieldError(field, f"La date est antérieure à {earliest} : vérifiez l'année.")
    return day


class CandidateForm(FormModal[str | None]):
    heading = "Nouveau candidat"

    def __init__(
        self, people: dict[str, PersonCreated], organismes: list[str] | None = None
    ) -> None:
        super().__init__()
        self.people = people
        self.organismes = organismes or []

    def _choices(self, role: str) -> list[tuple[str, str]]:
        return sorted(
            (
                (f"{p.name} — {p.organisme}", pid)
                for pid, p in self.people.items()
                if role in p.roles and is_active(p)
            ),
            key=lambda c: c[0],
        )

    def fields(self) -> ComposeResult:
        yield from self.field(
            "Nom et prénom", Input(id="name", max_length=200, placeholder="ex. Jeanne Martin")
        )
        yield from organisme_fields(self, self.organismes)
        cqps = [
            ("Gestionnaire conseil", "gestionnaire-conseil"),
            ("Gestionnaire carrière", "gestionnaire-carriere"),
        ]
        yield from self.field("CQP", Select(cqps, id="cqp", prompt="Choisir le CQP"))
        yield from self.field(
            "Voie d'accès (Gestionnaire carrière)", Select(ROUTES, id="route", prompt="—")
        )
        yield from self.field(
            "Date d'entrée en formation ou en VAE (JJ/MM/AAAA)",
            Input(id="started", placeholder="ex. 02/09/2026"),
        )
        yield from self.field(
            "Tuteur", Select(self._choices("tuteur"), id="tutor", prompt="Choisir le tuteur")
        )
        yield from self.field(
            "Manager", Select(self._choices("manager"), id="manager", prompt="Choisir le manager")
        )

    async def submit(self) -> str | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        organisme, new = chosen_organisme(self)
        cqp = self.query_one("#cqp", Select).value
        if not isinstance(cqp, str):
            raise FieldError("cqp", "Choisissez le CQP préparé.")
        route = self.query_one("#route", Select).value
        route = route if isinstance(route, str) else None
        if cqp == "gestionnaire-carriere" and route is None:
            raise FieldError(
                "route", "La voie d'accès est obligatoire pour le Gestionnaire carrière."
            )
        if cqp == "gestionnaire-conseil" and route is not None:
            raise FieldError("route", "La voie d'accès ne concerne que le Gestionnaire carrière.")
        started = parse_day(self.query_one("#started", Input).value, "started")
        tutor = self.query_one("#tutor", Select).value
        manager = self.query_one("#manager", Select).value
        if not isinstance(tutor, str):
            raise FieldError("tutor", "Choisissez le tuteur (créez-le d'abord dans Personnes).")
        if not isinstance(manager, str):
            raise FieldError("manager", "Choisissez le manager (créez-le d'abord dans Personnes).")
        if tutor == manager:
            raise FieldError(
                "manager",
                "Le tuteur et le manager doivent être deux personnes différentes : chacun "
                "atteste le carnet de suivi dans son rôle.",
            )
        author = author_of(self.app)

        def work(store: Any) -> str:
            chosen = store.organisme_or_register(organisme, author) if new else organisme
            created: str = store.create_candidate(
                name,
                chosen,
                cqp,
                author,
                route=route,
                tutor=tutor,
                manager=manager,
                started=started,
                strict_organisme=True,
            )
            return created

        candidate: str = await self.store(work)
        return candidate
