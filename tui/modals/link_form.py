"""Declare a link between a person and the candidate (it will bar them from evaluating)."""

from __future__ import annotations

from textual.app import ComposeResult

from models.events import PersonCreated
from tui.modals.form import FieldError, FormModal
from tui.operator import author_of
from tui.text import Select

RELATIONS = [
    ("Tuteur du candidat", "tuteur"),
    ("Manager du candidat", "manager"),
    ("Supérieur hiérarchique du candidat", "superieur"),
    ("Intervenu(e) dans sa formation", "formateur"),
]


class LinkForm(FormModal[bool | None]):
    heading = "Déclarer un lien avec le candidat"

    def __init__(self, candidate: str, people: dict[str, PersonCreated]) -> None:
        super().__init__()
        self.candidate = candidate
        self.people = people

    def fields(self) -> ComposeResult:
        choices = sorted((f"{p.name} — {p.organisme}", pid) for pid, p in self.people.items())
        yield from self.field(
            "Personne", Select(choices, id="person", prompt="Choisir la personne")
        )
        yield from self.field("Lien", Select(RELATIONS, id="relation", prompt="Choisir le lien"))

    async def submit(self) -> bool | None:
        person = self.query_one("#person", Select).value
        relation = self.query_one("#relation", Select).value
        if not isinstance(person, str):
            raise FieldError("person", "Choisissez la personne.")
        if not isinstance(relation, str):
            raise FieldError("relation", "Choisissez le lien.")
        await self.store(
            lambda s: s.declare_link(self.candidate, person, relation, author_of(self.app))
        )
        return True
