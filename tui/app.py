"""The carnet app: wires the store's writer to the screens. Nothing else lives here."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from textual.app import App
from textual.binding import Binding

from models.errors import CarnetError
from store.store import Store
from store.writer import Writer
from tui.commands import CarnetCommands
from tui.screens.failure import FailureScreen
from tui.screens.home import HomeScreen

T = TypeVar("T")


class CarnetApp(App[int]):
    TITLE = "carnet"
    SUB_TITLE = "CQP du Régime général"
    CSS_PATH = "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quitter", id="quit", priority=True),
        Binding("question_mark", "help", "Aide", id="help"),
    ]
    COMMANDS = App.COMMANDS | {CarnetCommands}

    def __init__(self, data_dir: Path, *, latency_probe: list[float] | None = None) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.writer = Writer(data_dir)
        self.store_ready = asyncio.Event()
        # When given, screens append key-to-repaint times (ms) to it: for bench/, not for users.
        self.latency_probe = latency_probe

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def store_call(self, work: Callable[[Store], T]) -> T:
        """Runs ``work`` on the writer thread; the event loop awaits, never blocks."""
        return await asyncio.wrap_future(self.writer.submit(work))

    def on_mount(self) -> None:
        self.push_screen(HomeScreen())
        self.run_worker(self._open_store(), name="open-store", exit_on_error=False)

    async def _open_store(self) -> None:
        try:
            await asyncio.wrap_future(self.writer.start())
        except CarnetError as exc:
            self.switch_screen(FailureScreen(str(exc), data_dir=self.data_dir, error=exc))
            return
        self.store_ready.set()
        self.screen.post_message(HomeScreen.StoreReady())

    def on_unmount(self) -> None:
        self.writer.close()


def build_app(data_dir: Path, *, latency_probe: list[float] | None = None) -> CarnetApp:
    """The one factory: the command, the tests and the benchmarks build the app the same way."""
    return CarnetApp(data_dir, latency_probe=latency_probe)
