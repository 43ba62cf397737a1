"""The stations view at the secretariat: each station's name, organisme and role, its last
bundle (number, date, days since), the events received from it, its gaps with the missing
numbers and its forks; silent stations flagged. « t » changes the sort, « / » filters (text,
or « silencieux », « trou », « fourche »)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Header, Input

from store.stations import COLUMNS, filter_rows, ranges_text, sort_rows
from tui.keys import HELP
from tui.text import DataTable, Static
from tui.timefmt import day
from tui.widgets.filter_input import FilterInput
from tui.widgets.footer import KeyFooter

SORT_TEXT = {
    "nom": "nom",
    "organisme": "organisme",
    "role": "rôle",
    "dernier_lot": "dernier lot",
    "evenements": "événements",
    "trous": "trous",
    "fourches": "fourches",
    "jours": "jours sans lot",
}


class StationsScreen(Screen[None]):
    BINDINGS = [
        HELP,
        Binding("t", "sort", "Trier", id="sort"),
        Binding("slash", "filter", "Filtrer", id="filter"),
        Binding("escape", "back", "Retour", id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, Any]] = []
        self.sort = "nom"
        self.text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="stations-title", classes="screen-title", markup=False)
        yield FilterInput(
            id="stations-filter", placeholder="filtre : texte, silencieux, trou, fourche"
        )
        table: DataTable[Any] = DataTable(id="stations", cursor_type="row")
        yield table
        yield Static("", id="stations-detail", markup=False)
        yield KeyFooter()

    async def on_mount(self) -> None:
        from store.stations import stations_view

        self.sub_title = "Postes"
        self.query_one("#stations-filter", Input).display = False
        table = self.query_one("#stations", DataTable)
        for label, key, width in (
            ("Poste", "name", 24), ("Rôle", "role", 11), ("Dernier lot", "last", 16),
            ("Évén.", "events", 7), ("Jours", "days", 6), ("Alertes", "flags", None),
        ):  # fmt: skip
            table.add_column(label, key=key, width=width)
        self.rows = await self.app.store_call(stations_view)  # type: ignore[attr-defined]
        self.show()
        table.focus()

    def show(self) -> None:
        rows = filter_rows(sort_rows(self.rows, self.sort), self.text)
        table = self.query_one("#stations", DataTable)
        table.clear()
        for r in rows:
            flags = []
            if r["silent"]:
                flags.append("silencieux")
            if r["gaps"]:
                flags.append(f"manquent n° {ranges_text(r['gaps'])}")
            if r["forks"]:
                flags.append("FOURCHE n° " + ", ".join(str(f["seq"]) for f in r["forks"]))
            name = f"{r['name']} ({r['organisme']})" if r["name"] else r["id"]
            last = (
                f"n° {r['last_bundle']} {day(r['last_bundle_created'])}"
                if r["last_bundle"] is not None
                else "aucun"
            )
            days = "—" if r["days_since_last_bundle"] is None else str(r["days_since_last_bundle"])
            style = "bold red" if r["forks"] else ("yellow" if flags else "")
            table.add_row(
                Text(name, style=style), Text(r["role_text"]), Text(last), Text(str(r["events"])),
                Text(days), Text(" ; ".join(flags) or "—", style=style), key=r["id"],
            )  # fmt: skip
        silent = sum(1 for r in self.rows if r["silent"])
        problems = sum(1 for r in self.rows if r["gaps"] or r["forks"])
        what = f" — filtre « {self.text} »" if self.text else ""
        self.query_one("#stations-title", Static).update(
            f"{len(rows)} poste(s) sur {len(self.rows)}, triés par {SORT_TEXT[self.sort]}{what}"
            f" — {silent} silencieux, {problems} avec trous ou fourches"
        )
        self._detail()

    def _detail(self) -> None:
        table = self.query_one("#stations", DataTable)
        detail = self.query_one("#stations-detail", Static)
        if table.row_count == 0:
            detail.update("Aucun poste ici." if not self.rows else "Aucun poste pour ce filtre.")
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        row = next(r for r in self.rows if r["id"] == key)
        lines = [f"{row['id']} — {row['role_text']} — {row['bundles_received']} lot(s) reçu(s)"]
        # The alerts in full here: at 80 columns their column shows only their start.
        if row["silent"]:
            days = row["days_since_last_bundle"]
            lines.append(
                "Silencieux : aucun lot reçu"
                if days is None
                else f"Silencieux : aucun lot depuis {days} jour(s)"
            )
        if row["gaps"]:
            lines.append(f"Trous : manquent les n° {ranges_text(row['gaps'])}")
        for fork in row["forks"]:
            lines.append(f"Fourche au n° {fork['seq']} : les deux versions dans {fork['file']}")
        detail.update("\n".join(lines))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail()

    def action_sort(self) -> None:
        self.sort = COLUMNS[(COLUMNS.index(self.sort) + 1) % len(COLUMNS)]
        self.show()

    def action_filter(self) -> None:
        box = self.query_one("#stations-filter", Input)
        box.display = True
        box.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.text = event.value
        self.show()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#stations", DataTable).focus()

    def action_back(self) -> None:
        box = self.query_one("#stations-filter", Input)
        if box.has_focus:
            self.query_one("#stations", DataTable).focus()
            return
        self.app.pop_screen()
