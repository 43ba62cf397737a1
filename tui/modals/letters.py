"""Block 1: the letters or e-mails of the panel, each with its reason and whether it was done."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input

from models.events import LetterRecorded
from tui.modals.form import FormModal
from tui.operator import author_of
from tui.text import Checkbox, Label


class LettersForm(FormModal[bool | None]):
    heading = "Courriers / courriels traités"

    def __init__(
        self, candidate: str, grid: str, count: int, letters: dict[int, LetterRecorded]
    ) -> None:
        super().__init__()
        self.candidate = candidate
        self.grid = grid
        self.count = count
        self.letters = letters

    def fields(self) -> ComposeResult:
        for number in range(1, self.count + 1):
            known = self.letters.get(number)
            with Horizontal(classes="letter-row"):
                yield Label(f"{number}.", classes="letter-number")
                yield Input(
                    known.reason if known else "", id=f"reason-{number}", placeholder="Motif"
                )
                yield Checkbox("traité", bool(known and known.processed), id=f"processed-{number}")

    async def submit(self) -> bool | None:
        changes = []
        for number in range(1, self.count + 1):
            reason = self.query_one(f"#reason-{number}", Input).value.strip()
            processed = self.query_one(f"#processed-{number}", Checkbox).value
            known = self.letters.get(number)
            if known is None and not reason and not processed:
                continue
            if known is not None and known.reason == reason and known.processed == processed:
                continue
            changes.append({"index": number, "reason": reason, "processed": processed})

        author = author_of(self.app)

        def record(store: object) -> None:
            for change in changes:
                store.grid_event(self.candidate, self.grid, "letter.recorded", author, **change)  # type: ignore[attr-defined]

        await self.store(record)
        return True
