"""The carnet app: wires the store's writer to the screens. Nothing else lives here."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding

from models.errors import CarnetError
from tui.commands import CarnetCommands
from tui.screens.failure import FailureScreen
from tui.screens.home import HomeScreen
from tui.toast_guard import install as _guard_toasts

_guard_toasts()  # never a toast whose timer freezes the app (see tui/toast_guard.py)

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.screen import Screen

if TYPE_CHECKING:
    from store.store import Store
    from store.writer import Writer

T = TypeVar("T")


class CarnetApp(App[int]):
    TITLE = "carnet"
    SUB_TITLE = "CQP du Régime général"
    CSS_PATH = Path(__file__).parent / "app.tcss"
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quitter", id="quit", priority=True),
        Binding("question_mark", "help", "Aide", id="help"),
        Binding("ctrl+l", "identify", "Changer de personne", id="identify"),
    ]
    COMMANDS = App.COMMANDS | {CarnetCommands}

    def __init__(
        self,
        data_dir: Path,
        *,
        latency_probe: list[float] | None = None,
        roster: list[dict[str, Any]] | None = None,
        operator: str | None = None,
        identify: bool = False,
        lock_after: float | None = None,
    ) -> None:
        super().__init__()
        # Seconds without a key or a click before the person at the keyboard is forgotten.
        self.lock_after = lock_after
        self._last_input = time.monotonic()
        self.data_dir = data_dir
        # The person at the keyboard: the author of what is done here (see tui/screens/login).
        self.operator = operator
        self.identify = identify
        # The last known list of candidates, read before the UI starts (see build_app).
        self.roster = roster or []
        # Created on the first call of the open worker: importing the domain (pydantic, the
        # referentials, the store) waits until the candidates are on screen.
        self.writer: Writer
        self.store_ready = asyncio.Event()
        # When given, screens append key-to-repaint times (ms) to it: for bench/, not for users.
        self.latency_probe = latency_probe

    def action_command_palette(self) -> None:
        """Textual's palette, with its prompt in French (tui/palette.py)."""
        from textual.command import CommandPalette

        from tui.palette import FrenchPalette

        # is_open is typed for App[object]; the app is an App[int], as Textual's own call.
        if self.use_command_palette and not CommandPalette.is_open(cast("App[object]", self)):
            self.push_screen(FrenchPalette())

    def action_change_theme(self) -> None:
        """Textual's theme list, its prompt in French."""
        from tui.palette import FrenchPalette

        self.push_screen(FrenchPalette(themes=True))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """The screen as an SVG image in ~/carnet-captures (private: it shows names), said in
        French; Textual's own wrote to a Downloads folder that may not exist, in English."""
        from datetime import datetime

        from store.errors import os_reason

        folder = Path(path) if path else Path.home() / "carnet-captures"
        name = filename or f"carnet-{datetime.now().strftime('%Y-%m-%d-%H%M%S')}.svg"
        target = folder / name
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(self.export_screenshot())
        except OSError as exc:
            self.notify(
                f"Capture d'écran non enregistrée ({target}) : {os_reason(exc)}",
                severity="error",
            )
            return
        self.notify(f"Capture d'écran enregistrée : {target}")

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own palette commands, in French (« Keys » opens carnet's help)."""
        for command in super().get_system_commands(screen):
            french = SYSTEM_COMMANDS.get(command.title)
            if command.title == "Keys":
                yield SystemCommand("Touches", "Les touches de l'écran en cours", self.action_help)
            elif command.title == "Screenshot" and french is not None:
                # Textual's own saves through deliver_screenshot, not the action: carnet's, once
                # the palette has closed (the image is of the screen, not of the palette).
                yield SystemCommand(
                    french[0], french[1], lambda: self.set_timer(0.1, self.action_screenshot)
                )
            elif french is not None:
                yield command._replace(title=french[0], help=french[1])
            else:
                yield command

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is literal: they carry names, reasons and store messages that may
        hold brackets (see tui/text.py); ``markup`` is ignored on purpose."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    async def action_quit(self) -> None:
        """ctrl+q: a screen holding typed, unrecorded work (the marks) asks first."""
        guard = getattr(self.screen, "before_quit", None)
        if guard is None:
            self.exit()
        else:
            await guard(self.exit)

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    async def store_call(self, work: Callable[[Store], T]) -> T:
        """Runs ``work`` on the writer thread; the event loop awaits, never blocks. A screen
        reached before the store has opened (the palette, a key pressed at once) waits for it."""
        if not self.store_ready.is_set():
            await self.store_ready.wait()
        return await asyncio.wrap_future(self.writer.submit(work))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._last_input = time.monotonic()
        await super().on_event(event)

    async def _lock_if_idle(self) -> None:
        """After inactivity the app forgets who was at the keyboard and asks again."""
        if self.lock_after is None or time.monotonic() - self._last_input < self.lock_after:
            return
        if self.operator is not None:
            self.operator = None
            self.sub_title = "verrouillé"
            self._last_input = time.monotonic()
            await self.action_identify()

    def on_mount(self) -> None:
        if self.lock_after is not None:
            self.set_interval(min(30.0, self.lock_after / 2), self._lock_if_idle)
        home = HomeScreen(self.roster)
        self.push_screen(home)
        self.run_worker(self._open_store(home), name="open-store", exit_on_error=False)

    async def _open_store(self, home: HomeScreen) -> None:
        # The last known list first; then the domain's imports, in a thread, off the loop.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(home.roster_done.wait(), timeout=1.0)
        writer_module = await asyncio.to_thread(importlib.import_module, "store.writer")
        self.writer = writer_module.Writer(self.data_dir)
        try:
            await asyncio.wrap_future(self.writer.start())
        except CarnetError as exc:
            self.switch_screen(FailureScreen(str(exc), data_dir=self.data_dir, error=exc))
            return
        self.store_ready.set()
        home.post_message(HomeScreen.StoreReady())
        if self.identify and self.operator is None:
            await self.action_identify()

    def author(self) -> str:
        """Who makes an event from the UI; « poste » (refused where a person is required)
        until someone has said who they are."""
        return self.operator or "poste"

    async def action_identify(self) -> None:
        from tui.screens.login import LoginScreen

        if not self.store_ready.is_set() or any(
            isinstance(s, LoginScreen) for s in self.screen_stack
        ):
            return  # asked already (never a second question under the first)
        people = await self.store_call(lambda store: store.people())

        def chosen(person: str | None) -> None:
            if person is not None:
                self.operator = person
                self.sub_title = people[person].name
                self.notify(f"Au clavier : {people[person].name}")

        self.push_screen(LoginScreen(people), chosen)

    def on_unmount(self) -> None:
        if hasattr(self, "writer"):
            self.writer.close()


SYSTEM_COMMANDS = {
    "Theme": ("Thème", "Changer les couleurs de l'application"),
    "Quit": ("Quitter", "Fermer l'application (ce qui est enregistré le reste)"),
    "Maximize": ("Agrandir", "Agrandir la zone active à tout l'écran"),
    "Minimize": ("Réduire", "Rendre à la zone agrandie sa taille normale"),
    "Screenshot": ("Capture d'écran", "Enregistrer une image SVG de l'écran"),
}


def build_app(
    data_dir: Path,
    *,
    latency_probe: list[float] | None = None,
    operator: str | None = None,
    identify: bool = False,
    lock_after: float | None = None,
) -> CarnetApp:
    """The one factory: the command, the tests and the benchmarks build the app the same way.

    It reads the roster (a small cache, standard library only) before the UI exists, so the
    first screen shows the candidates at once while the store opens behind it.
    """
    from store.roster import read_roster

    rows, _ = read_roster(data_dir)
    return CarnetApp(
        data_dir,
        latency_probe=latency_probe,
        roster=rows,
        operator=operator,
        identify=identify,
        lock_after=lock_after,
    )
