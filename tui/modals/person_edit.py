"""Edit a person of the registry: name, organisme (from the registry's list) and roles."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input

from models.events import PERSON_ROLES, PersonCreated
from tui.modals.form import FieldError, FormModal, required_text
from tui.operator import author_of
from tui.text import Checkbox, Select, Static


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
        choices = [(name, name) for name in self.organismes]
        organisme: Select[str] = Select(choices, id="organisme", prompt="Choisir l'organisme")
        if self.current.organisme in self.organismes:
            # Given to the constructor: a value set before mounting is not shown.
            organisme = Select(
                choices, id="organisme", prompt="Choisir l'organisme", value=self.current.organisme
            )
        yield from self.field("Organisme (registre)", organisme)
        for role, label in PERSON_ROLES.items():
            yield Checkbox(label, role in self.current.roles, id=f"role-{role}")
        yield from self.field("Rôles", Checkbox("(au moins un)", id="roles", disabled=True))
        yield from self.field(
            "Motif (facultatif)", Input(id="reason", max_length=2000, placeholder="ex. nom d'usage")
        )

    async def submit(self) -> bool | None:
        name = required_text(self.query_one("#name", Input).value, "name", "Le nom")
        organisme = self.query_one("#organisme", Select).value
        if not isinstance(organisme, str):
            raise FieldError("organisme", "Choisissez l'organisme dans le registre.")
        roles = [r for r in PERSON_ROLES if self.query_one(f"#role-{r}", Checkbox).value]
        if not roles:
            raise FieldError("roles", "Cochez au moins un rôle.")
        reason = self.query_one("#reason", Input).value
        author = author_of(self.app)
        await self.store(
            lambda s: s.edit_person(
                self.person, author, name=name, organisme=organisme, roles=roles, reason=reason
            )
        )
        return True
