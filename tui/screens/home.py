"""The candidates: name, CQP, organisme and overall status, filtered as you type."""

from __future__ import annotations

import asyncio
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from models.verdict import Status
from tui.labels import cqp_label, sort_key, status_cell


class HomeScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open_dossier", "Ouvrir le dossier", id="open-dossier"),
        Binding("n", "new_candidate", "Nouveau candidat", id="new-candidate"),
        Binding("p", "people", "Personnes", id="people"),
        Binding("slash", "focus_filter", "Filtrer", id="filter"),
        Binding("escape", "clear_filter", "Effacer le filtre", id="clear-filter", show=False),
        Binding("ctrl+r", "restore", "Restaurer les sauvegardes", id="restore"),
    ]

    class StoreReady(Message):
        """The writer has opened the store: the list can be loaded."""

    def __init__(self) -> None:
        super().__init__()
        self._records: list[dict[str, Any]] = []
        self._unreadable: list[str] = []
        self.loaded = asyncio.Event()  # set once the list shows the store's candidates

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filtrer par nom, organisme, CQP ou statut…", id="filter")
        table: DataTable[str] = DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Ouverture des données…", id="saved")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#candidates", DataTable)
        # Fixed widths: the columns do not jump while the list is filtered, and fit 80 columns.
        table.add_column("Statut", key="status", width=12)
        table.add_column("Candidat", key="name", width=18)
        table.add_column("CQP", key="cqp", width=9)
        table.add_column("Organisme", key="organisme", width=21)
        table.add_column("Avancement", key="detail", width=20)
        table.focus()

    def on_home_screen_store_ready(self, _: StoreReady) -> None:
        self.run_worker(self.reload(), group="reload", exclusive=True)

    async def reload(self) -> None:
        listing = await self.app.store_call(lambda store: store.summaries())  # type: ignore[attr-defined]
        self._records = sorted(listing.records, key=lambda r: (sort_key(r["name"]), r["id"]))
        self._unreadable = [str(error) for _, error in listing.unreadable]
        self._fill(self.query_one("#filter", Input).value)
        count = len(self._records)
        line = f"{count} candidat{'s' if count > 1 else ''}"
        if self._unreadable:
            line += (
                f" — ⚠ {len(self._unreadable)} dossier(s) illisible(s) : "
                "ctrl+r restaure leur sauvegarde"
            )
            self.notify(
                self._unreadable[0], title="Dossier illisible", severity="error", timeout=30
            )
        self.query_one("#saved", Static).update(line)
        self.refresh_bindings()
        self.loaded.set()

    async def action_restore(self) -> None:
        report = await self.app.store_call(lambda store: store.restore_backups())  # type: ignore[attr-defined]
        self.notify("\n".join(report.lines()), title="Restauration", timeout=30)
        await self.reload()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        table = self.query_one("#candidates", DataTable)
        table.clear()
        needle = text.casefold().strip()
        for r in self._records:
            status = Status(r["status"])
            haystack = (
                f"{r['name']} {r['organisme']} {cqp_label(r['cqp'])} {status.label}".casefold()
            )
            if needle and needle not in haystack:
                continue
            table.add_row(
                status_cell(status),
                r["name"],
                cqp_label(r["cqp"]).removeprefix("Gestionnaire ").capitalize(),
                r["organisme"],
                _detail(r),
                key=r["id"],
            )

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.row_key.value))

    def action_open_dossier(self) -> None:
        table = self.query_one("#candidates", DataTable)
        if table.row_count:
            self._open(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    def _open(self, candidate: str) -> None:
        from tui.screens.dossier import DossierScreen

        self.app.push_screen(DossierScreen(candidate))

    async def on_screen_resume(self) -> None:
        if self.loaded.is_set():
            await self.reload()

    async def action_new_candidate(self) -> None:
        from tui.modals.candidate_form import CandidateForm

        people = await self.app.store_call(lambda store: store.people())  # type: ignore[attr-defined]

        async def done(candidate: str | None) -> None:
            if candidate:
                await self.reload()
                self.notify("Candidat créé.")
                self._open(candidate)

        self.app.push_screen(CandidateForm(people), done)

    def action_people(self) -> None:
        from tui.screens.people import PeopleScreen

        self.app.push_screen(PeopleScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "restore":
            return bool(self._unreadable)
        if action in {"open_dossier", "new_candidate", "people"}:
            return self.loaded.is_set()
        return True

    def action_focus_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one("#candidates", DataTable).focus()


def _detail(record: dict[str, Any]) -> str:
    if record["blocks"]:
        return "  ".join(
            f"B{i + 1} {b['validated']}/{b['total']}" for i, b in enumerate(record["blocks"])
        )
    average = record.get("average")
    return f"moyenne {average.replace('.', ',')}" if average else "notes incomplètes"
