"""Edit a person of the registry: name, organisme (from the registry's list) and roles."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import PERSON_ROLES, PersonCreated
from tui.modals.form import FieldError, FormModal, required_text
from tui.modals.organisme_field import chosen_organisme, organisme_fields
from tui.operator import author_of
from tui.text import Checkbox, Static


class PersonEditForm(FormModal[bool | None]):
    heading = "Modifier une personne"

    def __init__(self, person: str, current: PersonCreated, organismes: list[str]) -> None:
        super().__init__()
        self.person = person
        self.current = current
        self.organismes = organismes

    def context(self) -> ComposeResult:
        yield Static(
            "Réservé à un agent du secrétariat. La modification est un nouvel événement : "
            "l'historique (« h ») garde l'ancienne valeur ; les signatures passées restent.",
            classes="form-detail",
        )

    def fields(self) -> ComposeResult:
        yield from self.field("Nom et prénom", Input(self.current.name, id="name", max_length=200))
        yield from organisme_fields(self, self.organismes, self.current.organisme)
        for role, label in PERSON_ROLES.items():
            yield Checkbox(label, role in self.current.roles, id=f"role-{role}")
        yield from self.field("Rôles", Checkbox("(au moins un)", id="roles", disabled=True))
        yield from self.field(
            "Motif (facultatif)", Input(id="reason", max_length=2000, placeholder="ex. nom d'usage")
        )

    async def submit(self) -> bool | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        organisme, new = chosen_organisme(self)
        roles = [r for r in PERSON_ROLES if self.query_one(f"#role-{r}", Checkbox).value]
        if not roles:
            raise FieldError("roles", "Cochez au moins un rôle.")
        reason = self.query_one("#reason", Input).value
        author = author_of(self.app)

        def work(store: Any) -> None:
            chosen = store.organisme_or_register(organisme, author) if new else organisme
            store.edit_person(
                self.person, author, name=name, organisme=chosen, roles=roles, reason=reason
            )

        await self.store(work)
        return True
