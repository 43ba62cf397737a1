"""A derived cache of each dossier's status record, so listing 1,000 candidates reads one file.

Each entry is keyed by its dossier file's size, modification time and inode: any write to the
dossier changes the key, and a stale or missing entry is simply recomputed from the events.
Losing or corrupting this file loses nothing; it is rebuilt.

The file is JSON lines. The first line gives the format and what the journal named when it was
last read, so that a start reads only what the journal gained since (the journal holds a line
per event: 84 MB at 520,000 events). Every other line is one dossier: a small head (the
dossier, its file's key, the home screen's row), a tab, the status record as
``carnet status --json`` prints it, a tab and a digest of both. A line whose digest does not
match is damage, and its dossier is recomputed: a flipped letter never reaches a listing.

Only the heads stay in memory; a record is read from the file when asked for. The app's home
screen needs the rows alone (the full records of 1,000 candidates took 75 MB once decoded), and
``carnet status --json`` copies the records' bytes without decoding them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from store.atomic import TMP_MARK, atomic_write, fsync_dir
from store.roster import FORMAT as ROSTER_FORMAT
from store.roster import ROSTER_NAME, listed_row, roster_row, valid_row

INDEX_NAME = "index.json"
# 2: records name the tutor and manager; 3: provisional or final; 4: active, edits (issue 11);
# 5: JSON lines with a digest each, records read on demand, the journal's dossiers remembered.
FORMAT = 5
_PREVIOUS = 4
_PREVIOUS_START = b'{"format": 4'  # how the previous release's json.dumps began the file
_PREVIOUS_LIMIT = 512 << 20
# One dossier's line: its record is tens of kilobytes; a longer line is not one of ours.
_LINE_LIMIT = 16 << 20
# The header names every dossier the journal names: 10,000 dossiers fit in 200 KB. A first line
# longer than this is no header of ours (the previous format was one line of every record).
_HEADER_LIMIT = 4 << 20
# A line of format 3 (``seq hash dossier …``) or of an earlier release (JSON).
_JOURNAL_DOSSIER = re.compile(rb'(?:"dossier": "|^[0-9]+ [0-9a-f]{64} )(c-[0-9a-f]+)(?=[" ])', re.M)
_TAIL = 64  # bytes of the journal, before where it was last read, that must not have changed
_CHUNK = 1 << 20


def file_key(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def index_format(path: Path) -> int | None:
    """The format a file of this format says it is in, header checked (for tests and
    diagnostics); None for anything else."""
    try:
        with open(path, "rb") as file:
            head = json.loads(_unsealed(file.readline(_HEADER_LIMIT)))
    except (OSError, ValueError):
        return None
    return head.get("format") if isinstance(head, dict) else None


def indexed_names(folder: Path) -> list[str]:
    """The dossiers the index names (``verify`` and ``recover`` look for the missing ones)."""
    index = SummaryIndex(folder, read_only=True)
    try:
        return index.names()
    finally:
        index.close()


def _digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).hexdigest().encode()


def _sealed(body: bytes) -> bytes:
    """A line of the file: its body, a tab, the body's digest."""
    return body + b"\t" + _digest(body) + b"\n"


def _unsealed(line: bytes) -> bytes:
    """A line's body, once whole and matching its digest; ValueError otherwise."""
    if not line.endswith(b"\n"):
        raise ValueError("cut")
    body, _, digest = line[:-1].rpartition(b"\t")
    if _digest(body) != digest:
        raise ValueError("digest")
    return body


def encode_record(record: dict[str, Any]) -> bytes:
    """A status record as ``carnet status --json`` prints it, one line."""
    return json.dumps(record, ensure_ascii=False).encode()


@dataclass
class _Entry:
    key: list[int]
    row: dict[str, Any]
    text: bytes | None = None  # a record put in this session, not yet in the file
    at: tuple[int, int] = (0, 0)  # else where it lies in the file read: offset, length


class SummaryIndex:
    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.path = folder / INDEX_NAME
        self._read_only = read_only  # a reader without the lock leaves the caches to the writer
        self._loaded: dict[str, _Entry] | None = None
        self._file: IO[bytes] | None = None
        self._journal: dict[str, Any] | None = None
        self._dirty = False

    @property
    def _entries(self) -> dict[str, _Entry]:
        # Read on first use: the documents read one dossier and never look at the index.
        if self._loaded is None:
            self._loaded = {}
            with contextlib.suppress(OSError):
                # Non-blocking: a named pipe in its place would otherwise hang the start.
                fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
                self._read(os.fdopen(fd, "rb"))  # kept open: records are read from it later
        return self._loaded

    def _read(self, file: IO[bytes]) -> None:
        assert self._loaded is not None
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            file.close()  # a device or a pipe where the index should be: not read, rebuilt
            self._dirty = True
            return
        first = file.readline(_HEADER_LIMIT)
        try:
            # Checked like every line: a damaged list of the journal's dossiers would name a
            # dossier that never was, or miss one that went.
            header = json.loads(_unsealed(first))
        except ValueError:
            header = None
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            self._migrate(file)
            file.close()
            return
        self._file = file
        self._journal = header.get("journal") if isinstance(header.get("journal"), dict) else None
        offset = len(first)
        while line := file.readline(_LINE_LIMIT):
            try:
                dossier, entry = _parse(line, offset)
            except (ValueError, TypeError, KeyError):
                self._dirty = True  # damage: the writer writes the index anew, without it
                if not line.endswith(b"\n"):
                    _skip_rest(file)
            else:
                self._loaded[dossier] = entry
            offset = file.tell()

    def _migrate(self, file: IO[bytes]) -> None:
        """The previous release's index (format 4, one JSON object) holds the same records:
        taken over as they are, so the first start after an upgrade lists 1,000 candidates at
        once instead of reading every event again. Older formats cached records that are no
        longer right (« validated » before a grid was signed): recomputed."""
        assert self._loaded is not None
        file.seek(0)
        if file.read(len(_PREVIOUS_START)) != _PREVIOUS_START:
            return
        if os.fstat(file.fileno()).st_size > _PREVIOUS_LIMIT:
            return  # no index of 1,000 candidates comes near: not one to read whole
        file.seek(0)
        with contextlib.suppress(ValueError, TypeError, KeyError, AttributeError):
            raw = json.load(file)
            if raw.get("format") != _PREVIOUS:
                return
            for dossier, entry in raw["entries"].items():
                key, summary = entry["key"], entry["summary"]
                if isinstance(dossier, str) and isinstance(key, list) and isinstance(summary, dict):
                    row = roster_row(summary)
                    if valid_row(dossier, row):
                        self._loaded[dossier] = _Entry(key, row, encode_record(summary))
            self._dirty = bool(self._loaded)

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def names(self) -> list[str]:
        return list(self._entries)

    def row(self, dossier: str, key: list[int] | None) -> dict[str, Any] | None:
        """The home screen's row of a dossier, if its entry is current."""
        entry = self._entries.get(dossier)
        if entry is None or key is None or entry.key != key:
            return None
        return entry.row

    def text(self, dossier: str, key: list[int] | None) -> bytes | None:
        """The record's JSON, as stored (checked when the file was read)."""
        entry = self._entries.get(dossier)
        if entry is None or key is None or entry.key != key:
            return None
        if entry.text is not None:
            return entry.text
        if self._file is None:
            return None
        offset, length = entry.at
        data = os.pread(self._file.fileno(), length, offset)
        return data if len(data) == length else None

    def get(self, dossier: str, key: list[int] | None) -> dict[str, Any] | None:
        text = self.text(dossier, key)
        if text is None:
            return None
        try:
            record = json.loads(text)
        except ValueError:
            return None
        return record if isinstance(record, dict) else None

    def put(self, dossier: str, key: list[int] | None, summary: dict[str, Any]) -> None:
        self.put_text(dossier, key, roster_row(summary), encode_record(summary))

    def put_text(
        self, dossier: str, key: list[int] | None, row: dict[str, Any], text: bytes
    ) -> None:
        """A record already encoded (by ``encode_record``), with its row."""
        if key is None:
            return
        self._entries[dossier] = _Entry(key, row, text)
        self._dirty = True

    def journal_names(self, journal: Path) -> set[str]:
        """Every dossier the journal names, reading only what it gained since the last time
        (the journal only grows, or is cut back at its end, or is rebuilt as a new file)."""
        try:
            fd = os.open(journal, os.O_RDONLY)
        except FileNotFoundError:
            return set()
        try:
            st = os.fstat(fd)
            self._entries  # noqa: B018 (the header holds where the last read stopped)
            known = self._journal
            names: set[str] = set()
            start = 0
            if (
                known is not None
                and known.get("ino") == st.st_ino
                and isinstance(known.get("end"), int)
                and 0 < known["end"] <= st.st_size
                and isinstance(known.get("names"), list)
                and _tail(fd, known["end"]) == known.get("tail")
            ):
                names = {str(n) for n in known["names"]}
                start = known["end"]
            found, end = _scan_journal(fd, start, st.st_size)
            names |= found
            if end > 0 and (
                known is None or end != known.get("end") or st.st_ino != known.get("ino")
            ):
                self._journal = {
                    "ino": st.st_ino,
                    "end": end,
                    "tail": _tail(fd, end),
                    "names": sorted(names),
                }
                self._dirty = True
            return names
        finally:
            os.close(fd)

    def flush(self) -> None:
        if not self._dirty or self._read_only:
            return
        # A cache: if a write fails, the summaries are recomputed next time.
        with contextlib.suppress(OSError):
            self._write()
            self._dirty = False

    def _write(self) -> None:
        entries = self._entries
        header = _sealed(json.dumps({"format": FORMAT, "journal": self._journal}).encode())
        staged = self.path.with_name(f".{self.path.name}{TMP_MARK}{secrets.token_hex(4)}")
        placed: dict[str, tuple[int, int]] = {}
        try:
            # Private like every data file: the records name people.
            with os.fdopen(
                os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb"
            ) as out:
                out.write(header)
                offset = len(header)
                for dossier, head, text in self._lines(entries):
                    line = _sealed(head + b"\t" + text)
                    out.write(line)
                    placed[dossier] = (offset + len(head) + 1, len(text))
                    offset += len(line)
                out.flush()
                os.fsync(out.fileno())
            os.replace(staged, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                staged.unlink()
            raise
        fsync_dir(self.path.parent)
        # From now on the records are read from the new file; those put this session leave memory.
        # Opened before the old one is let go: should it fail, the old file still answers.
        new = open(self.path, "rb")  # noqa: SIM115
        self.close()
        self._file = new
        for dossier, at in placed.items():
            entries[dossier].text = None
            entries[dossier].at = at
        # The home list needs no ids: the rows it reads first are that much smaller to parse.
        roster = {d: {"key": e.key, "row": listed_row(e.row)} for d, e in entries.items()}
        slim = json.dumps({"format": ROSTER_FORMAT, "entries": roster}, ensure_ascii=False)
        atomic_write(self.path.parent / ROSTER_NAME, slim.encode(), keep_backup=False)

    def _lines(self, entries: dict[str, _Entry]) -> Iterator[tuple[str, bytes, bytes]]:
        for dossier, entry in entries.items():
            text = entry.text if entry.text is not None else self.text(dossier, entry.key)
            if text is None:
                continue  # its file went away: recomputed next time
            head = json.dumps({"d": dossier, "k": entry.key, "row": entry.row}, ensure_ascii=False)
            yield dossier, head.encode(), text


def _parse(line: bytes, offset: int) -> tuple[str, _Entry]:
    """One dossier's line; ValueError (or TypeError, KeyError) if it is not whole and intact."""
    head_text, _, text = _unsealed(line).partition(b"\t")
    head = json.loads(head_text)
    dossier, key, row = head["d"], head["k"], head["row"]
    if not (isinstance(dossier, str) and isinstance(key, list) and valid_row(dossier, row)):
        raise TypeError("head")
    return dossier, _Entry(key, row, None, (offset + len(head_text) + 1, len(text)))


def journal_dossiers(journal: Path) -> set[str]:
    """Every dossier the journal names, read whole (``verify`` checks the index's memory of
    it against this)."""
    try:
        fd = os.open(journal, os.O_RDONLY)
    except FileNotFoundError:
        return set()
    try:
        return _scan_journal(fd, 0, os.fstat(fd).st_size)[0]
    finally:
        os.close(fd)


def _scan_journal(fd: int, start: int, size: int) -> tuple[set[str], int]:
    """The dossiers the journal names from ``start``, a megabyte at a time, and where its last
    whole line ends (a line still being written is read next time)."""
    names: set[str] = set()
    end = start
    rest = b""
    while end + len(rest) < size:
        chunk = os.pread(fd, min(_CHUNK, size - end - len(rest)), end + len(rest))
        if not chunk:
            break
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        names.update(m.decode() for m in _JOURNAL_DOSSIER.findall(data, 0, cut))
        end += cut
        rest = data[cut:]
    return names, end


def _skip_rest(file: IO[bytes]) -> None:
    """Reads past the rest of a line too long to be one of ours, a chunk at a time."""
    while chunk := file.readline(_CHUNK):
        if chunk.endswith(b"\n"):
            return


def _tail(fd: int, end: int) -> str:
    start = max(0, end - _TAIL)
    return hashlib.blake2b(os.pread(fd, end - start, start), digest_size=16).hexdigest()
