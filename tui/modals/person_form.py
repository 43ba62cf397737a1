"""New person in the registry: name, organisme and roles."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import PERSON_ROLES
from tui.modals.form import FieldError, FormModal, required_text
from tui.operator import author_of
from tui.text import Checkbox


class PersonForm(FormModal[str | None]):
    heading = "Nouvelle personne"

    def fields(self) -> ComposeResult:
        yield from self.field(
            "Nom et prénom", Input(id="name", max_length=200, placeholder="ex. Marie Durand")
        )
        yield from self.field(
            "Organisme", Input(id="organisme", max_length=200, placeholder="ex. CPAM du Rhône")
        )
        for role, label in PERSON_ROLES.items():
            yield Checkbox(label, id=f"role-{role}")
        yield from self.field("Rôles", Checkbox("(au moins un)", id="roles", disabled=True))

    async def submit(self) -> str | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        organisme = required_text(
            self.query_one("#organisme", Input).value, "organisme", "L'organisme"
        )
        roles = [r for r in PERSON_ROLES if self.query_one(f"#role-{r}", Checkbox).value]
        if not roles:
            raise FieldError("roles", "Cochez au moins un rôle.")
        person: str = await self.store(
            lambda s: s.create_person(name, organisme, roles, author_of(self.app))
        )
        return person
