"""The people registry: tutors, managers, business evaluators, certifiers, jury members."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header

from models.events import PERSON_ROLES, PersonCreated
from models.status import sort_key
from tui.modals.person_form import PersonForm
from tui.text import DataTable, Static


class PeopleScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "new_person", "Nouvelle personne", id="new-person"),
        Binding("escape", "app.pop_screen", "Retour", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Personnes", classes="screen-title")
        table: DataTable[str] = DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    async def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        table.add_column("Nom", key="name")
        table.add_column("Organisme", key="organisme")
        table.add_column("Rôles", key="roles")
        await self.reload()
        table.focus()

    async def reload(self) -> None:
        people: dict[str, PersonCreated] = await self.app.store_call(lambda s: s.people())  # type: ignore[attr-defined]
        table = self.query_one("#people", DataTable)
        table.clear()
        for pid, person in sorted(people.items(), key=lambda p: sort_key(p[1].name)):
            roles = ", ".join(PERSON_ROLES[r] for r in person.roles)
            table.add_row(person.name, person.organisme, roles, key=pid)
        self.sub_title = f"{len(people)} personne(s)"

    def action_new_person(self) -> None:
        async def done(person: str | None) -> None:
            if person:
                await self.reload()
                self.notify("Personne enregistrée.")

        self.app.push_screen(PersonForm(), done)
