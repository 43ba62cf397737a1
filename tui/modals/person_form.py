"""New person in the registry: name, organisme and roles."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import PERSON_ROLES
from store.errors import StoreError
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.organisme_field import chosen_organisme, organisme_fields
from tui.operator import author_of
from tui.text import Checkbox


class PersonForm(FormModal[str | None]):
    heading = "Nouvelle personne"

    def __init__(self, organismes: list[str] | None = None) -> None:
        super().__init__()
        self.organismes = organismes or []

    def fields(self) -> ComposeResult:
        yield from self.field(
            "Nom et prénom", Input(id="name", max_length=200, placeholder="ex. Marie Durand")
        )
        yield from organisme_fields(self, self.organismes)
        for role, label in PERSON_ROLES.items():
            yield Checkbox(label, id=f"role-{role}")
        yield from self.field("Rôles", Checkbox("(au moins un)", id="roles", disabled=True))

    async def submit(self) -> str | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        organisme, new = chosen_organisme(self)
        roles = [r for r in PERSON_ROLES if self.query_one(f"#role-{r}", Checkbox).value]
        if not roles:
            raise FieldError("roles", "Cochez au moins un rôle.")
        author = author_of(self.app)

        def work(store: Any) -> str:
            chosen = store.organisme_or_register(organisme, author) if new else organisme
            created: str = store.create_person(name, chosen, roles, author, strict_organisme=True)
            return created

        try:
            person: str = await self.store(work)
        except StoreError as exc:
            if "organisme" in str(exc).lower():
                raise FieldError("new-organisme" if new else "organisme", str(exc)) from None
            raise
        return person
