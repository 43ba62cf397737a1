"""The station's journal: one line per event (sequence, hash, dossier), written before the event.

It gives the station's head (last sequence number and hash) at start without reading every
dossier, and says where each event lives. A line is an intent until the dossier write returns: on
start, the last write's intents whose events are not in their dossier (the process died in
between) are cut, so their sequence numbers are reused and the chain has no gap.

A line (format 3) is five fields separated by spaces:

    <seq> <hash, 64 hexadecimal digits> <dossier> <seq − first of its write> <checksum>

The first sequence number of its write (``batch``) says that only the last write can be a dead
intent, and the checksum (8 hexadecimal digits of BLAKE2b over what precedes it) that a complete
line that does not check is damage, never mistaken for a torn write (the caller then rebuilds
the journal from the dossiers, where the highest sequence found wins). Lines of earlier releases
are JSON objects (``{"seq": …, "hash": …, "dossier": …, "batch": …, "sum": …}``, the first
release without ``batch`` and ``sum``): they still read, and a journal simply goes on in the
new form, at about a third of the bytes.

One sync per tick. A write to the dossier the last *synced* line names is not synced before
its event is acknowledged: its dossier's own sync makes the event durable, and a power cut can
only take the journal back to that synced line. So at any time every own event beyond what the
journal durably holds lies in the dossier its last line names, where the writer looks on
opening (``last_dossier``) and writes the missing lines back. A write to any other dossier is
an intent synced first, as before: the dossier to look in is then the new one.

The journal is still the second record of every event: once the write is acknowledged, its
line is synced too, behind it (``sync``: the writer thread's next task, and at closing). Only a
power cut in that fraction of a millisecond leaves the dossier alone to name the event until
the next opening writes its line back.
"""

from __future__ import annotations

import contextlib
import hashlib
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


class JournalDamaged(Exception):
    """A complete line that does not check: the journal is rebuilt from the dossiers."""


@dataclass(frozen=True)
class Entry:
    seq: int
    hash: str
    dossier: str
    batch: int | None = None  # the first sequence number of the write this entry was part of

    def line(self) -> bytes:
        batch = self.seq if self.batch is None else self.batch
        text = b"%d %s %s %d" % (
            self.seq,
            self.hash.encode(),
            self.dossier.encode(),
            self.seq - batch,
        )
        return b"%s %s\n" % (text, _short_sum(text))


@dataclass(frozen=True)
class Head:
    seq: int
    hash: str


GENESIS_HEAD = Head(0, GENESIS)


class Journal:
    def __init__(self, folder: Path) -> None:
        self.path = folder / JOURNAL_NAME
        self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        # The dossier named by the last line known to be on disk; None until a sync says so.
        self._synced_dossier: str | None = None
        # The dossier named by the last line, once ``recover`` has read it.
        self.last_dossier: str | None = None
        self._unsynced = False  # lines written since the last sync

    def close(self) -> None:
        with contextlib.suppress(OSError):  # each acknowledged event is in its dossier
            self.sync()
        os.close(self._fd)

    def sync(self) -> None:
        """Syncs the lines written without their sync, behind their acknowledged writes. Should
        it fail, the next write syncs its line first, and says so if the disk still fails."""
        if not self._unsynced:
            return
        try:
            os.fdatasync(self._fd)
        except OSError:
            self._synced_dossier = None
            raise
        self._unsynced = False

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
        events = list(events)
        first = events[0].seq if events else 0
        data = b"".join(Entry(e.seq, e.hash, e.dossier, first).line() for e in events)
        same = bool(events) and all(e.dossier == self._synced_dossier for e in events)
        try:
            os.write(self._fd, data)
            if same:
                self._unsynced = True
            else:
                # An intent for another dossier: on disk before its dossier is written, so that
                # after a power cut the dossier to look in is this one.
                os.fdatasync(self._fd)
                self._synced_dossier = events[-1].dossier if events else None
                self._unsynced = False
        except OSError:
            self.rollback(before)
            raise
        if events:
            self.last_dossier = events[-1].dossier
        return before

    def extend(self, entries: list[Entry]) -> None:
        """Writes back, synced, the lines of events found in their dossier but not here."""
        if not entries:
            return
        data = b"".join(Entry(e.seq, e.hash, e.dossier, entries[0].seq).line() for e in entries)
        before = self.size()
        try:
            os.write(self._fd, data)
            os.fdatasync(self._fd)
        except OSError:
            self.rollback(before)
            raise
        self._synced_dossier = self.last_dossier = entries[-1].dossier

    def rollback(self, size: int) -> None:
        os.ftruncate(self._fd, size)
        os.fsync(self._fd)
        self._unsynced = False
        # The last line is now an older one, which may name another dossier: sync again.
        self._synced_dossier = None
        self.last_dossier = None

    def recover(self, holds: Callable[[Entry], bool]) -> Head | None:
        """Cuts the last write's intents whose events never landed; returns the head.

        None means the journal cannot be trusted (a complete line that does not check, or no
        readable entry although it is not empty): the caller rebuilds it from the dossiers
        rather than restart or fork the sequence. An intent older than the last write that is
        not in its dossier is not a dead intent but a loss: ``holds`` raises for it.
        """
        try:
            found = self._last_entry(self.size())
        except JournalDamaged:
            return None
        if found is None:
            return GENESIS_HEAD if self.size() == 0 else None
        entry, start, end = found
        if holds(entry):
            if end != self.size():
                self.rollback(end)  # a torn tail after the last good line
            self.last_dossier = entry.dossier
            return Head(entry.seq, entry.hash)
        # A dead intent is a whole write that never reached its dossier: none of its entries
        # is held. If one is, the write landed and what follows it was lost afterwards.
        batch = entry.batch if entry.batch is not None else entry.seq
        cut_from = start
        while True:
            try:
                before = self._last_entry(cut_from)
            except JournalDamaged:
                return None
            if before is None:
                break
            earlier, earlier_start, _ = before
            if holds(earlier):
                if earlier.seq >= batch:
                    raise MissingEvent(entry)
                break
            if earlier.seq < batch:
                raise MissingEvent(earlier)
            cut_from = earlier_start
        self.rollback(cut_from)
        return self.recover(holds)

    def entries(self) -> list[Entry]:
        found = []
        with open(self.path, "rb") as f:
            for line in f:
                try:
                    entry = _parse(line)
                except JournalDamaged:
                    continue
                if entry is not None:
                    found.append(entry)
        return found

    def _last_entry(self, size: int) -> tuple[Entry, int, int] | None:
        """The last complete entry before offset ``size``, with its start and end offsets."""
        chunk = 4096
        while True:
            start = max(0, size - chunk)
            data = os.pread(self._fd, size - start, start)
            pos = data.rfind(b"\n") + 1  # what follows the last newline is a torn write
            if pos > 0:
                line_start = data.rfind(b"\n", 0, pos - 1) + 1
                if not (line_start == 0 and start > 0):
                    entry = _parse(data[line_start : pos - 1])
                    if entry is None:
                        raise JournalDamaged()
                    return entry, start + line_start, start + pos
            if start == 0:
                return None
            chunk *= 4

    @staticmethod
    def rebuild(folder: Path, entries: Iterable[Entry]) -> None:
        """Writes a journal from entries found in the dossiers (after a loss of the journal)."""
        from store.atomic import atomic_write

        ordered = sorted(entries, key=lambda e: e.seq)
        atomic_write(folder / JOURNAL_NAME, b"".join(e.line() for e in ordered))


def journal_entries(folder: Path) -> list[Entry]:
    """The journal's readable entries, read without opening it for writing."""
    try:
        raw = (folder / JOURNAL_NAME).read_bytes()
    except FileNotFoundError:
        return []
    return read_entries(raw)[0]


def read_entries(raw: bytes) -> tuple[list[Entry], int]:
    """The entries of a journal's bytes, read once, and how many complete lines do not check
    (what follows the last newline is a line being written, or torn: not counted)."""
    found, damaged = [], 0
    for line in raw.split(b"\n")[:-1]:
        try:
            entry = _parse(line)
        except JournalDamaged:
            damaged += 1
            continue
        if entry is not None:
            found.append(entry)
    return found, damaged


def last_write_start(entries: list[Entry]) -> int | None:
    """The first sequence number of the journal's last write (a reader allows for it being
    under way while the app holds the folder); None for an empty journal."""
    if not entries:
        return None
    last = entries[-1]
    return last.batch or last.seq


class MissingEvent(Exception):
    """The journal names an event, older than the last write, that its dossier lacks."""

    def __init__(self, entry: Entry) -> None:
        super().__init__(entry)
        self.entry = entry


def _checksum(fields: dict[str, object]) -> str:
    return hashlib.blake2b(json.dumps(fields).encode(), digest_size=8).hexdigest()


def _short_sum(text: bytes) -> bytes:
    return hashlib.blake2b(text, digest_size=4).hexdigest().encode()


_HEX = frozenset(b"0123456789abcdef")


def _parse(line: bytes) -> Entry | None:
    """An entry; a complete line that does not read or check raises ``JournalDamaged``."""
    if not line.strip():
        return None
    if not line.startswith(b"{"):
        return _parse_line(line)
    try:
        raw = json.loads(line)
        given = raw.pop("sum", None)
        if given is not None and given != _checksum(raw):
            raise JournalDamaged()
        batch = raw.get("batch")
        return Entry(
            int(raw["seq"]),
            str(raw["hash"]),
            str(raw["dossier"]),
            int(batch) if batch is not None else None,
        )
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise JournalDamaged() from exc


def _parse_line(line: bytes) -> Entry:
    """A line of format 3: ``seq hash dossier delta checksum`` (its newline, if given, after)."""
    text, _, given = line.removesuffix(b"\n").rpartition(b" ")
    fields = text.split(b" ")
    if len(fields) != 4 or _short_sum(text) != given:
        raise JournalDamaged()
    seq, digest, dossier, delta = fields
    if not (seq.isdigit() and delta.isdigit() and seq.isascii() and delta.isascii()):
        raise JournalDamaged()
    if len(digest) != 64 or not _HEX.issuperset(digest):
        raise JournalDamaged()
    number = int(seq)
    try:
        name = dossier.decode("ascii")
    except UnicodeDecodeError as exc:
        raise JournalDamaged() from exc
    return Entry(number, digest.decode(), name, number - int(delta))
