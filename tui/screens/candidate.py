"""What the dossier, logbook and grid screens share: one candidate, their snapshot, the people."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from textual.screen import Screen

from models.errors import CarnetError
from models.events import PersonCreated
from store.store import Snapshot


class CandidateScreen(Screen[None]):
    def __init__(self, candidate: str) -> None:
        super().__init__()
        self.candidate = candidate
        self.snapshot: Snapshot | None = None
        self.people: dict[str, PersonCreated] = {}
        self.loaded = asyncio.Event()  # set once the screen shows the dossier (tests wait on it)

    async def load_view(self) -> Snapshot:
        """Re-reads the dossier and the people through the writer (never on the loop)."""
        self.snapshot, self.people = await self.app.store_call(  # type: ignore[attr-defined]
            lambda store: store.view(self.candidate)
        )
        return self.snapshot

    async def reload(self) -> None:
        await self.load_view()

    async def save(self, work: Callable[[Any], Any], message: str) -> bool:
        """Runs a change on the writer; once it is on disk, shows it and says so. A refusal is
        said in French and changes nothing on screen."""
        try:
            await self.app.store_call(work)  # type: ignore[attr-defined]
        except CarnetError as exc:
            self.notify(str(exc), severity="error", markup=False)  # refusals name people
            return False
        await self.reload()
        self.notify(message)
        return True

    def after_form(self, message: str) -> Callable[[Any], Awaitable[None]]:
        """The callback of a form: once it has saved, show the change and say so."""

        async def done(saved: Any) -> None:
            if saved:
                await self.reload()
                self.notify(message)

        return done

    def person_name(self, person: str | None) -> str:
        found = self.people.get(person or "")
        return found.name if found else "—"
