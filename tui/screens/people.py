"""The people registry: tutors, managers, business evaluators, certifiers, jury members."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header

from models.errors import CarnetError
from models.events import PERSON_ROLES, PersonCreated
from models.people import PersonRecord, is_active
from models.status import sort_key
from tui.change_text import change_text
from tui.keys import HELP
from tui.modals.change_history import ChangeHistoryModal
from tui.modals.person_edit import PersonEditForm
from tui.modals.person_form import PersonForm
from tui.modals.text_prompt import TextPrompt
from tui.operator import author_of
from tui.text import DataTable, Static
from tui.widgets.footer import KeyFooter


class PeopleScreen(Screen[None]):
    BINDINGS = [
        # Short words: the footer shows these at 80 columns; « ? » gives every key in full.
        HELP,
        Binding("n", "new_person", "Créer", id="new-person"),
        Binding("e", "edit_person", "Modifier", id="edit-person"),
        Binding("escape", "app.pop_screen", "Retour", id="back"),
        Binding("x", "deactivate_person", "Désactiver", id="deactivate-person"),
        Binding("h", "person_history", "Historique", id="person-history"),
        Binding("i", "enrol", "Inscrire", id="enrol"),
        Binding("s", "reset_secret", "Secret", id="reset-secret"),
        Binding("o", "new_organisme", "Organisme", id="new-organisme"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._rows: dict[str, str] = {}  # each person in full, for the detail line
        self._people: dict[str, PersonCreated] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Personnes", classes="screen-title")
        table: DataTable[str] = DataTable(id="people", cursor_type="row", zebra_stripes=True)
        yield table
        # The highlighted person in full: at 80 columns the table cuts the last column.
        yield Static("", id="person-detail")
        yield KeyFooter()

    async def on_mount(self) -> None:
        table = self.query_one("#people", DataTable)
        # The secret's state next to the name: at 80 columns the last column is cut, and the
        # organisme and roles are read whole on the detail line.
        table.add_column("Nom", key="name")
        table.add_column("Secret", key="secret")
        table.add_column("Organisme", key="organisme")
        table.add_column("Rôles", key="roles")
        await self.reload()
        table.focus()

    async def reload(self) -> None:
        def read(store: Any) -> tuple[dict[str, PersonCreated], dict[str, str]]:
            people = store.people()
            return people, {pid: store.credential_state(pid) for pid in people}

        people, secrets = await self.app.store_call(read)  # type: ignore[attr-defined]
        self._people = people
        self._rows = {pid: _detail(person, secrets[pid]) for pid, person in people.items()}
        table = self.query_one("#people", DataTable)
        kept = self._highlighted()  # the cursor stays on the person just edited
        table.clear()
        for pid, person in sorted(people.items(), key=lambda p: sort_key(p[1].name)):
            roles = ", ".join(PERSON_ROLES[r] for r in person.roles)
            # Names and organismes are text from people: never markup.
            table.add_row(
                Text(person.name if is_active(person) else f"{person.name} (désactivé·e)"),
                SECRET_LABELS[secrets[pid]],
                Text(person.organisme),
                roles,
                key=pid,
            )
        self.sub_title = f"{len(people)} personne(s)"
        if kept is not None and kept in people:
            table.move_cursor(row=table.get_row_index(kept))
        self._show_detail()

    def on_data_table_row_highlighted(self, _: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        table = self.query_one("#people", DataTable)
        detail = ""
        if table.row_count:
            row = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            detail = self._rows.get(row or "", "")
        self.query_one("#person-detail", Static).update(detail)

    async def action_new_person(self) -> None:
        organismes = await self.app.store_call(  # type: ignore[attr-defined]
            lambda s: s.organisme_choices()
        )

        async def done(person: str | None) -> None:
            if person:
                await self.reload()
                self.notify("Personne enregistrée.")

        self.app.push_screen(PersonForm(organismes), done)

    def _highlighted(self) -> str | None:
        table = self.query_one("#people", DataTable)
        if table.row_count == 0:
            return None
        return table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value

    async def action_edit_person(self) -> None:
        """A secretariat agent edits the highlighted person (a new event, kept in history)."""
        person = self._highlighted()
        if person is None:
            return
        current = self._people[person]
        if not is_active(current):
            self.notify(f"{current.name} est désactivé(e) : rien à modifier.", markup=False)
            return
        organismes = await self.app.store_call(  # type: ignore[attr-defined]
            lambda s: s.organisme_choices()
        )

        async def done(ok: bool | None) -> None:
            if ok:
                await self.reload()
                self.notify("Modification enregistrée.")

        self.app.push_screen(PersonEditForm(person, current, organismes), done)

    def action_deactivate_person(self) -> None:
        """The highlighted person signs and is chosen no more; their signatures stay."""
        person = self._highlighted()
        if person is None:
            return
        current = self._people[person]
        author = author_of(self.app)

        async def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                await self.app.store_call(  # type: ignore[attr-defined]
                    lambda s: s.deactivate_person(person, reason, author)
                )
            except CarnetError as exc:
                self.notify(str(exc), severity="error", markup=False, timeout=15)
                return
            await self.reload()
            self.notify(f"{current.name} est désactivé(e).", markup=False)

        self.app.push_screen(
            TextPrompt(
                f"Désactiver {current.name}",
                "Motif (obligatoire, gardé dans l'historique)",
                detail="Réservé à un agent du secrétariat. La personne ne pourra plus signer ni "
                "être choisie pour un rôle ; ses signatures passées restent valables.",
            ),
            reason_given,
        )

    async def action_person_history(self) -> None:
        person = self._highlighted()
        if person is None:
            return
        history = await self.app.store_call(  # type: ignore[attr-defined]
            lambda s: s.person_history(person)
        )
        lines = [change_text(change, self._people) for change in history]
        title = f"Historique — {self._people[person].name}"
        self.app.push_screen(ChangeHistoryModal(title, lines))

    def action_new_organisme(self) -> None:
        """The secretariat adds an organisme to the registry, under its canonical name."""
        author = author_of(self.app)

        async def name_given(name: str | None) -> None:
            if not name:
                return
            try:
                added = await self.app.store_call(  # type: ignore[attr-defined]
                    lambda s: s.register_organisme(name, author)
                )
            except CarnetError as exc:
                self.notify(str(exc), severity="error", markup=False, timeout=15)
                return
            self.notify(f"Organisme « {added} » ajouté au registre.", markup=False)

        self.app.push_screen(
            TextPrompt(
                "Nouvel organisme",
                "Nom exact de l'organisme",
                detail="Réservé à un agent du secrétariat. Un nom déjà au registre, à la casse, "
                "aux accents ou aux tirets près, est refusé : choisissez-le dans la liste.",
            ),
            name_given,
        )

    def action_enrol(self) -> None:
        """The secretariat's lists (carnet inscrire): all or nothing, every bad line named."""
        author = author_of(self.app)

        async def path_given(text: str | None) -> None:
            if not text:
                return
            from store.enrolment import enrol

            path = Path(text).expanduser()

            def work(store: Any) -> Any:
                agent = store.people().get(author)
                if agent is None or "secretariat" not in agent.roles:
                    raise CarnetError(
                        "Inscrire une liste est réservé à un agent du secrétariat "
                        "(« ctrl+l » pour changer de personne)."
                    )
                return enrol(store, path, author)

            try:
                report = await self.app.store_call(work)  # type: ignore[attr-defined]
            except CarnetError as exc:
                self.notify(str(exc), severity="error", markup=False, timeout=30)
                return
            await self.reload()
            self.notify(
                f"{report.people} personne(s) et {report.candidates} candidat(s) inscrit(s) ; "
                f"{report.already} ligne(s) déjà inscrite(s), passée(s).",
                markup=False,
            )

        self.app.push_screen(
            TextPrompt(
                "Inscrire une liste",
                "Fichier .csv ou .xlsx",
                detail="Colonnes : type;nom;organisme;roles;cqp;parcours;entree;tuteur;manager. "
                "Tout ou rien : chaque ligne fautive est signalée et rien n'est enregistré ; "
                "ce qui est déjà inscrit est passé. Les organismes doivent être au registre "
                "(« o » en ajoute un).",
            ),
            path_given,
        )

    def action_reset_secret(self) -> None:
        """A secretariat agent resets a locked or forgotten secret, with its reason."""
        table = self.query_one("#people", DataTable)
        if table.row_count == 0:
            return
        person = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or ""
        author = author_of(self.app)

        async def reason_given(reason: str | None) -> None:
            if not reason:
                return
            try:
                await self.app.store_call(  # type: ignore[attr-defined]
                    lambda s: s.reset_secret(person, reason, author)
                )
            except CarnetError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            await self.reload()
            self.notify("Secret réinitialisé : la personne en choisira un nouveau en sa présence.")

        self.app.push_screen(
            TextPrompt(
                "Réinitialiser le secret",
                "Motif (obligatoire, gardé dans le registre)",
                detail="Réservé à un agent du secrétariat. La personne choisira un nouveau "
                "secret, en sa présence, à sa prochaine signature.",
            ),
            reason_given,
        )


SECRET_LABELS = {"none": "— à choisir", "ok": "✔ défini", "locked": "⚠ verrouillé"}


def _detail(person: PersonCreated, secret: str) -> str:
    roles = ", ".join(PERSON_ROLES[r] for r in person.roles)
    if isinstance(person, PersonRecord) and not person.active:
        return f"{person.name} — {person.organisme} — désactivé(e) : {person.deactivation}"
    return f"{person.name} — {person.organisme} — {roles} — secret : {SECRET_LABELS[secret]}"
