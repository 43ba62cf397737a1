"""The station's journal: one line per event (sequence, hash, dossier), written before the event.

It gives the station's head (last sequence number and hash) at start without reading every
dossier, and says where each event lives. A line is an intent until the dossier write returns: on
start, trailing intents whose event is not in its dossier (the process died in between) are cut,
so their sequence numbers are reused and the chain has no gap.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from models.events import GENESIS, Event

JOURNAL_NAME = "journal.log"
# Present while the journal is empty because this station has recorded nothing yet, though its
# dossiers hold events from other stations (a secretariat): an empty journal is then no loss.
EMPTY_MARK = "journal.vide"


@dataclass(frozen=True)
class Entry:
    seq: int
    hash: str
    dossier: str

    def line(self) -> bytes:
        return (
            json.dumps({"seq": self.seq, "hash": self.hash, "dossier": self.dossier}) + "\n"
        ).encode()


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


GENESIS_HEAD = Head(0, GENESIS)


class Journal:
    def __init__(self, folder: Path) -> None:
        self.path = folder / JOURNAL_NAME
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)

    def close(self) -> None:
        os.close(self._fd)

    def size(self) -> int:
        return os.fstat(self._fd).st_size

    @property
    def verified_empty(self) -> bool:
        return self.size() == 0 and (self.path.parent / EMPTY_MARK).exists()

    def mark_empty(self) -> None:
        if self.size() == 0 and not (self.path.parent / EMPTY_MARK).exists():
            from store.atomic import atomic_write

            atomic_write(self.path.parent / EMPTY_MARK, b"", keep_backup=False)

    def append(self, events: Iterable[Event]) -> int:
        """Writes the intents durably; returns the size to roll back to if the write fails."""
        before = self.size()
        if before == 0:
            mark = self.path.parent / EMPTY_MARK
            if mark.exists():
                # The first own event: from now on an empty journal would be a loss again.
                mark.unlink()
                from store.atomic import fsync_dir

                fsync_dir(self.path.parent)
        data = b"".join(Entry(e.seq, e.hash, e.dossier).line() for e in events)
        try:
            os.write(self._fd, data)
            os.fdatasync(self._fd)
        except OSError:
            self.rollback(before)
            raise
        return before

    def rollback(self, size: int) -> None:
        os.ftruncate(self._fd, size)
        os.fsync(self._fd)

    def recover(self, holds: Callable[[Entry], bool]) -> Head | None:
        """Cuts trailing intents whose event never landed; returns the head.

        None means the journal holds no readable entry although it is not empty: the caller
        rebuilds it from the dossiers rather than restart the sequence.
        """
        while True:
            found = self._last_entry()
            if found is None:
                if self.size() == 0:
                    return GENESIS_HEAD
                return None
            entry, start, end = found
            if holds(entry):
                if end != self.size():
                    self.rollback(end)  # a torn or garbled tail after the last good line
                return Head(entry.seq, entry.hash)
            self.rollback(start)

    def entries(self) -> list[Entry]:
        with open(self.path, "rb") as f:
            return [e for line in f if (e := _parse(line)) is not None]

    def _last_entry(self) -> tuple[Entry, int, int] | None:
        """The last complete, readable entry with its start and end offsets."""
        size = self.size()
        chunk = 4096
        while True:
            start = max(0, size - chunk)
            data = os.pread(self._fd, size - start, start)
            pos = data.rfind(b"\n") + 1  # what follows the last newline is a torn write
            while pos > 0:
                line_start = data.rfind(b"\n", 0, pos - 1) + 1
                if line_start == 0 and start > 0:
                    break  # this line may begin before the window: widen it
                entry = _parse(data[line_start : pos - 1])
                if entry is not None:
                    return entry, start + line_start, start + pos
                pos = line_start
            if start == 0:
                return None
            chunk *= 4

    @staticmethod
    def rebuild(folder: Path, entries: Iterable[Entry]) -> None:
        """Writes a journal from entries found in the dossiers (after a loss of the journal)."""
        from store.atomic import atomic_write

        ordered = sorted(entries, key=lambda e: e.seq)
        atomic_write(folder / JOURNAL_NAME, b"".join(e.line() for e in ordered))


def _parse(line: bytes) -> Entry | None:
    try:
        raw = json.loads(line)
        return Entry(int(raw["seq"]), str(raw["hash"]), str(raw["dossier"]))
    except (ValueError, KeyError, TypeError):
        return None
