"""Shown when the data cannot be opened: the French reason, and recovery where there is one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen

from models.errors import CarnetError
from store.errors import CorruptFileError
from tui.text import Static
from tui.widgets.footer import KeyFooter


class FailureScreen(Screen[None]):
    BINDINGS = [
        Binding("q", "app.quit", "Quitter", id="quit"),
        Binding("r", "recover", "Réparer", id="recover"),
    ]

    def __init__(self, message: str, *, data_dir: Path, error: CarnetError) -> None:
        super().__init__()
        self.message = message
        self.data_dir = data_dir
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="failure"):
            yield Static("[b]Impossible d'ouvrir les données[/b]", markup=True)
            yield Static(self.message, id="failure-message", markup=False)
            if self._recoverable():
                yield Static(
                    "\nAppuyez sur [b]r[/b] pour réparer (tout ce qui se vérifie est gardé, le "
                    "fichier abîmé est mis de côté, ce qui est perdu est nommé), puis relancez "
                    "carnet.",
                    id="failure-hint",
                    markup=True,
                )
        yield KeyFooter()

    def _recoverable(self) -> bool:
        return isinstance(self.error, CorruptFileError) and self.error.repairable

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "recover":
            return self._recoverable()
        return True

    async def action_recover(self) -> None:
        from store.recovery import recover

        # The store never opened, so no writer holds the data: recovery runs in a thread of its own.
        report = await asyncio.to_thread(recover, self.data_dir)
        self.query_one("#failure-message", Static).update("\n".join(report.lines()))
