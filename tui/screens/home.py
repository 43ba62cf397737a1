"""The candidates: name, CQP, organisme and overall status, filtered as you type."""

from __future__ import annotations

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
        Binding("slash", "focus_filter", "Filtrer", id="filter"),
        Binding("escape", "clear_filter", "Effacer le filtre", id="clear-filter", show=False),
    ]

    class StoreReady(Message):
        """The writer has opened the store: the list can be loaded."""

    def __init__(self) -> None:
        super().__init__()
        self._records: list[dict[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="Filtrer par nom, organisme, CQP ou statut…", id="filter")
        table: DataTable[str] = DataTable(id="candidates", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("Ouverture des données…", id="saved")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#candidates", DataTable)
        table.add_column("Statut", key="status", width=13)
        table.add_column("Candidat", key="name")
        table.add_column("CQP", key="cqp")
        table.add_column("Organisme", key="organisme")
        table.add_column("Avancement", key="detail")
        table.focus()

    async def on_home_screen_store_ready(self, _: StoreReady) -> None:
        await self.reload()

    async def reload(self) -> None:
        records = await self.app.store_call(lambda store: store.summaries())  # type: ignore[attr-defined]
        self._records = sorted(records, key=lambda r: (sort_key(r["name"]), r["id"]))
        self._fill(self.query_one("#filter", Input).value)
        count = len(self._records)
        self.query_one("#saved", Static).update(f"{count} candidat{'s' if count > 1 else ''}")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    def _fill(self, text: str) -> None:
        table = self.query_one("#candidates", DataTable)
        table.clear()
        needle = text.casefold().strip()
        for r in self._records:
            status = Status(r["status"])
            haystack = f"{r['name']} {r['organisme']} {cqp_label(r['cqp'])} {status.label}".casefold()
            if needle and needle not in haystack:
                continue
            table.add_row(
                status_cell(status),
                r["name"],
                cqp_label(r["cqp"]),
                r["organisme"],
                _detail(r),
                key=r["id"],
            )

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
