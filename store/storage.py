"""A TinyDB storage that appends, verifies itself and refuses to rewrite history (format 3).

TinyDB's JSONStorage rewrites its whole file on every change: a write costs the file's size,
and a crash mid-write tears it. Here a file is a log of records, one per line:

    <hash> [table, document id, document]

where ``hash`` is the BLAKE2b of the previous record's hash and this record's JSON: each record
carries what is needed to check it and its place in the chain (a record lost, altered, reordered
or inserted breaks it). An event's record leaves out what the file already says, its own hash
and, most often, its ``prev`` (``store.compact``); reading puts them back. A write appends the
new records and fdatasyncs; a new file is written whole beside and renamed into place, so that
an existing file is never empty. The only damage a crash can leave is a last line without its
newline (a write that was never acknowledged): the writer cuts it on opening; anything else that
does not verify stops with the file and the record named.

Format 2, the previous release's, wrote each record as ``{"t": table, "id": id, "doc": document}``
with every event whole; its lines still read, and a file of format 2 simply goes on in format 3
(the chain runs over both).

The storage gives TinyDB what it asks for (``read``/``write`` of all tables), and ``write``
accepts only additions: a document that disappears or changes, or a table dropped, is refused
from the first read on, whichever TinyDB call asked for it. Stored documents are read-only
mappings, so TinyDB's ``update`` (which changes a document in place) is refused too.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from models.jsontext import Encoded, compact_json
from store.atomic import TMP_MARK, backup_path, fsync_dir
from store.compact import Altered, NotAnEvent, Tails, compacted, expanded, follow
from store.errors import CorruptFileError, StoreError
from store.layout import EVENTS

Tables = dict[str, dict[str, Any]]
FORMAT_V1_START = b"{"  # a file of the previous release: one JSON object, rewritten whole
HASH_LEN = 32


_encode = compact_json(sort_keys=False)


def encode(value: Any) -> str:
    """The one encoder of stored JSON (records, and the migration of older files)."""
    return _encode(value)


def chain(previous: bytes, body: bytes) -> bytes:
    return hashlib.blake2b(previous + body, digest_size=HASH_LEN // 2).hexdigest().encode()


def record_lines(
    previous: bytes, records: Iterable[tuple[str, str, Any]], tails: Tails | None = None
) -> tuple[bytes, bytes]:
    """Encodes (table, id, document) records after the record whose hash is ``previous``;
    returns the bytes to append and the new last hash. ``tails`` (updated) is the file's
    ``FileLog.tails`` before them: which event each station made last in it."""
    records = list(records)
    tails = {} if tails is None else tails
    lines = []
    heads: dict[str, bytes] = {}
    for number, (table, doc_id, doc) in enumerate(records):
        # One write is one batch: a write cut short (a kill or a power cut inside it) leaves
        # some of its records whole; reading counts them and drops the batch entirely.
        size = b",%d]" % len(records) if number == 0 and len(records) > 1 else b"]"
        # An Encoded document carries its JSON, as checked: the same values as encode(doc).
        short = compacted(doc, tails) if table == EVENTS and isinstance(doc, Encoded) else None
        if short is not None:
            text = b'%s,"%s"' % short
        else:
            text = doc.json if isinstance(doc, Encoded) else encode(doc).encode()
            if table == EVENTS:
                follow(doc, tails)
        body = b"".join((_record_head(table, doc_id, heads), text, size))
        previous = chain(previous, body)
        lines.append(previous + b" " + body + b"\n")
    return b"".join(lines), previous


def _record_head(table: str, doc_id: str, known: dict[str, bytes]) -> bytes:
    """``[TABLE,ID,`` as encode writes it: an id of digits as a number, any other as a string."""
    start = known.get(table)
    if start is None:
        start = known[table] = b"[%s," % encode(table).encode()
    if doc_id.isascii() and doc_id.isdigit() and doc_id == str(int(doc_id)):
        return b"%s%s," % (start, doc_id.encode())
    return b"%s%s," % (start, encode(doc_id).encode())


class FileLog:
    """What a stored file holds, as verified: its tables, last hash, size and damage."""

    def __init__(self) -> None:
        self.tables: Tables = {}
        self.tails: Tails = {}  # each station's last event in the file (``store.compact``)
        self.last_hash = b""
        self.size = 0  # bytes of complete, verified records
        self.torn = 0  # bytes after the last newline: a write never acknowledged
        self.last_ids: dict[str, int] = {}


def parse_log(raw: bytes, path: Path, events: bool = True) -> FileLog:
    """Reads and verifies every record; anything that does not verify raises, naming the file
    and the record. A last line without its newline is reported as torn, not as damage.

    ``events=False`` is for a writer that only appends (an import): the events stored without
    their hash are left so, unchecked beyond the file's chain, which spares computing every
    hash; its ``tails`` stay empty, so what it appends is stored with its ``prev``."""
    if raw.startswith(FORMAT_V1_START):
        raise CorruptFileError(
            path,
            "fichier d'une version précédente, non migré",
            _known_backup(path),
            repairable=True,
        )
    log = FileLog()
    end = raw.rfind(b"\n") + 1
    log.torn = len(raw) - end
    if end == 0:
        raise CorruptFileError(path, "fichier vide", _known_backup(path), repairable=True)
    previous = b""
    position = 0
    batch: _Batch | None = None  # the last write's records, while it may be incomplete
    lines = raw[:end].split(b"\n")
    lines.pop()  # after the last newline: nothing
    try:
        # Decoded once for the whole file rather than line by line (UTF-8 never holds a
        # newline byte inside a character, so its lines are the bytes' lines).
        texts: list[str] | None = raw[:end].decode().split("\n")
    except UnicodeDecodeError:
        texts = None
    last_ids = log.last_ids
    heads: dict[str, bytes] = {}
    for number, line in enumerate(lines, 1):
        digest, body = line[:HASH_LEN], line[HASH_LEN + 1 :]
        if line[HASH_LEN : HASH_LEN + 1] != b" " or chain(previous, body) != digest:
            raise CorruptFileError(
                path,
                f"enregistrement n° {number} (octet {position}) altéré : "
                "son empreinte ne correspond pas",
                _known_backup(path),
                repairable=True,
            )
        short = _short_event(body, texts[number - 1]) if texts is not None and events else None
        check: str | None
        doc_text: bytes | None
        if short is not None:  # the common record, read without building the whole list
            table = EVENTS
            doc_id, doc, doc_text, check, size = short
        else:
            record: Any = _UNREAD
            if texts is not None:
                # The line's text after its hash and space (ASCII, checked above) is exactly
                # one JSON value: what json.loads would read. Anything else is read by
                # json.loads.
                text = texts[number - 1]
                try:
                    record, stop = _scan(text, HASH_LEN + 1)
                except ValueError:
                    record = _UNREAD
                else:
                    if stop != len(text):
                        record = _UNREAD
            try:
                if record is _UNREAD:
                    record = json.loads(body)
                table, doc_id, doc, size, check = _fields(record)
            except (ValueError, KeyError, TypeError) as exc:
                raise CorruptFileError(
                    path,
                    f"enregistrement n° {number} illisible",
                    _known_backup(path),
                    repairable=True,
                ) from exc
            doc_text = (
                _doc_json(body, size, _record_head(table, doc_id, heads), check)
                if table == EVENTS and events
                else None
            )
        stored = log.tables.setdefault(table, {})
        if doc_id in stored or not isinstance(doc, dict):
            raise CorruptFileError(
                path,
                f"enregistrement n° {number} en double ou invalide",
                _known_backup(path),
                repairable=True,
            )
        if isinstance(size, int) and size > 1:
            if batch is not None:
                raise CorruptFileError(
                    path,
                    f"enregistrement n° {number} : une écriture commence avant la fin de la "
                    "précédente",
                    _known_backup(path),
                    repairable=True,
                )
            batch = _Batch(position, previous, dict(last_ids), size, dict(log.tails))
        if not events:
            stored[doc_id] = doc  # as read: the caller only appends after it
        elif table == EVENTS and check is not None and "hash" not in doc:
            try:
                doc_text = expanded(doc, doc_text, check, log.tails)
            except (NotAnEvent, Altered) as exc:
                raise CorruptFileError(
                    path,
                    f"enregistrement n° {number} : {exc}",
                    _known_backup(path),
                    repairable=True,
                ) from exc
            frozen = stored[doc_id] = FrozenDict(doc)
            frozen.json = doc_text
            frozen.hash_of_json = True
        else:
            frozen = stored[doc_id] = FrozenDict(doc)
            if table == EVENTS:
                follow(doc, log.tails)
            if "hash" in doc and doc_text is not None:
                frozen.json = doc_text
        try:
            number_id = int(doc_id)
        except ValueError:
            pass
        else:
            if number_id > last_ids.get(table, 0):
                last_ids[table] = number_id
            else:
                last_ids.setdefault(table, 0)
        if batch is not None:
            batch.added.append((table, doc_id))
            if len(batch.added) == batch.size:
                batch = None
        previous = digest
        position += len(line) + 1
    log.last_hash = previous
    log.size = end
    if batch is not None:
        # The last write stopped inside its batch: none of it was acknowledged.
        for table, doc_id in batch.added:
            del log.tables[table][doc_id]
        log.last_hash, log.last_ids, log.size = batch.previous, batch.last_ids, batch.start
        log.tails = batch.tails
        log.torn = len(raw) - batch.start
    return log


def _as_written(doc: Mapping[str, Any]) -> dict[str, Any]:
    """A document to append: with the JSON its check made (``Encoded``: written as is), or a
    copy of it (the caller's mapping may change after the write)."""
    return doc if isinstance(doc, Encoded) else dict(doc)


# ``["events",ID,`` then the document, and after it ``,"CHECK"`` (``,N`` for the first of a
# write of several) ``]``: an event's record as ``record_lines`` writes it without its hash.
_SHORT_HEAD = re.compile(rb'\["events",([1-9][0-9]*),(?=\{)')
_SHORT_TAIL = re.compile(r',"([0-9a-f]{8})"(?:,([0-9]+))?\]')


def _short_event(body: bytes, text: str) -> tuple[str, Any, bytes, str, int | None] | None:
    """(id, document, its JSON, check, size) of a line as ``record_lines`` writes an event
    without its hash, the document scanned alone and its bytes taken from the line; None for
    any other line (read the general way). ``text`` is the whole line decoded."""
    head = _SHORT_HEAD.match(body)
    if head is None:
        return None
    start = head.end()  # the line before it is ASCII: the same offset in the text
    try:
        doc, end = _scan(text, HASH_LEN + 1 + start)
    except ValueError:
        return None
    tail = _SHORT_TAIL.fullmatch(text, end)
    if tail is None:
        return None
    size = tail.group(2)
    return (
        head.group(1).decode(),
        doc,
        body[start : len(body) - (len(text) - end)],
        tail.group(1),
        None if size is None else int(size),
    )


def _fields(record: Any) -> tuple[str, str, Any, Any, str | None]:
    """(table, id, document, size of the write it starts or None, check or None) of a record
    as read: a list ``[table, id, document]``, then the check of an event stored without its
    hash (``store.compact``), then the size for the first of a write of several (format 3);
    or an object ``{"t", "id", "doc"}`` (``"n"``: format 2). Raises ValueError otherwise."""
    if type(record) is list:
        if len(record) < 3 or len(record) > 5:
            raise ValueError("enregistrement")
        table, doc_id, doc, *rest = record
        check = rest.pop(0) if rest and type(rest[0]) is str else None
        size = rest.pop(0) if rest and type(rest[0]) is int else None
        if rest or type(table) is not str or type(doc_id) not in (int, str):
            raise ValueError("enregistrement")
        return table, str(doc_id), doc, size, check
    return str(record["t"]), str(record["id"]), record["doc"], record.get("n"), None


def _doc_json(body: bytes, size: Any, head: bytes, check: str | None) -> bytes | None:
    """The JSON of a record's document as the line holds it, when the line is as
    ``record_lines`` writes it: ``head`` (``[TABLE,ID,``) then DOCUMENT, then ``,"CHECK"``
    for an event stored without its hash, then ``,N`` for the first record of a write of
    several, then ``]``; or, format 2, ``{"t":…,"id":…,"doc":`` DOCUMENT ``,"n":N}`` (a JSON
    string never holds ``,"``: its quotes are escaped, so the first ``,"doc":`` is the key's).
    None for any other line."""
    listed = body.startswith(b"[")
    if listed:
        if not body.startswith(head):
            return None
        start = len(head)
        tail = b"" if check is None else b',"%s"' % check.encode()
        if size is None:
            tail += b"]"
        elif isinstance(size, int) and not isinstance(size, bool):
            tail += b",%d]" % size
        else:
            return None
    else:
        start = body.find(b',"doc":') + len(b',"doc":')
        if start < len(b',"doc":'):
            return None
        if size is None:
            tail = b"}"
        elif isinstance(size, int) and not isinstance(size, bool):
            tail = b',"n":%d}' % size
        else:
            return None
    if not body.endswith(tail):
        return None
    return body[start : len(body) - len(tail)]


_UNREAD = object()
_scan = json.JSONDecoder().raw_decode  # json.loads's own decoder, at a given position


class _Batch:
    """The records of one write, counted as they are read."""

    def __init__(
        self, start: int, previous: bytes, last_ids: dict[str, int], size: int, tails: Tails
    ) -> None:
        self.start, self.previous, self.last_ids, self.size = start, previous, last_ids, size
        self.tails = tails
        self.added: list[tuple[str, str]] = []


def tail_documents(path: Path, window: int = 65536) -> list[dict[str, Any]]:
    """The documents of the complete records in the last ``window`` bytes, unverified (a hint:
    whoever acts on it reads the whole file). An event's is as its record holds it: perhaps
    without its hash and ``prev`` (``store.compact``), which only the whole file gives."""
    try:
        with open(path, "rb") as f:
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - window))
            data = f.read()
    except OSError:
        return []
    found = []
    for line in data.split(b"\n")[1 if size > window else 0 : -1]:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            doc = _fields(json.loads(line[HASH_LEN + 1 :]))[2]
            if isinstance(doc, dict):
                found.append(doc)
    return found


def decode_record(body: bytes, tails: Tails) -> tuple[str, str, dict[str, Any]]:
    """A record's table, id and document, its event put back whole (``store.compact``), for a
    reader going line by line after damage (``carnet recover``); ``tails`` is updated. Raises
    ValueError, KeyError or TypeError for a record that does not read, ``NotAnEvent`` for an
    event whose ``prev`` is left out while the event above is not its station's previous."""
    table, doc_id, doc, size, check = _fields(json.loads(body))
    if not isinstance(doc, dict):
        raise TypeError("document")
    if table == EVENTS:
        if check is not None and "hash" not in doc:
            text = _doc_json(body, size, _record_head(table, doc_id, {}), check)
            expanded(doc, text, check, tails)
        else:
            follow(doc, tails)
    return table, doc_id, doc


def parse_tables(raw: bytes, path: Path) -> Tables:
    """The tables of a stored file (format 2 or 3), verified."""
    return parse_log(raw, path).tables


class AppendOnlyStorage(Storage):
    """TinyDB's storage for carnet's files. ``writer`` is the holder of the data lock: only it
    cuts a torn tail; a reader without the lock reads the complete records and ignores it."""

    def __init__(
        self,
        path: str | Path,
        writer: bool = True,
        torn_check: Callable[[Path, FileLog], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self._writer = writer
        # Says whether a torn tail may be cut (nothing acknowledged in it), or raises.
        self._torn_check = torn_check
        self._log: FileLog | None = None

    # --- TinyDB's interface -----------------------------------------------------------------

    def read(self) -> Tables | None:
        log = self._read_log()
        if log is None:
            return None
        # A fresh outer mapping: TinyDB assigns into it before it writes.
        return dict(log.tables)

    def write(self, data: Tables) -> None:
        log = self._read_log() or FileLog()
        records: list[tuple[str, str, Any]] = []
        for name, stored in log.tables.items():
            table = data.get(name)
            if table is None or len(table) < len(stored):
                raise StoreError(_refusal(name, "d'effacer"))
            for doc_id, doc in stored.items():
                given = table.get(doc_id)
                if given is None:
                    raise StoreError(_refusal(name, "d'effacer"))
                if given is not doc and given != doc:
                    raise StoreError(_refusal(name, "de réécrire"))
        for name, table in data.items():
            stored = log.tables.get(name, {})
            records.extend((name, i, d) for i, d in table.items() if i not in stored)
        if records:
            self._append_records(log, records)

    def close(self) -> None:
        self._log = None

    # --- carnet's extension: the cheap append -------------------------------------------------

    def append(self, table: str, docs: Iterable[Mapping[str, Any]]) -> list[str]:
        """Appends documents to a table with the next ids; a cost that follows what is added."""
        log = self._read_log() or FileLog()
        last = log.last_ids.get(table, len(log.tables.get(table, {})))
        records = []
        for doc in docs:
            last += 1
            records.append((table, str(last), _as_written(doc)))
        self._append_records(log, records)
        return [doc_id for _, doc_id, _ in records]

    # --- inside ------------------------------------------------------------------------------

    def _read_log(self) -> FileLog | None:
        if self._log is None:
            try:
                raw = self.path.read_bytes()
            except FileNotFoundError:
                return None
            log = parse_log(raw, self.path)
            if log.torn:
                if self._torn_check is not None:
                    self._torn_check(self.path, log)
                if self._writer:
                    _cut(self.path, log.size)
            self._log = log
        return self._log

    def _append_records(self, log: FileLog, records: list[tuple[str, str, Any]]) -> None:
        tails = dict(log.tails)
        data, last_hash = record_lines(log.last_hash, records, tails)
        if log.size == 0:
            write_new_file(self.path, data)
        else:
            _append(self.path, data, log.size)
        # Only once durable: what is in memory is what is on disk.
        for table, doc_id, doc in records:
            frozen = log.tables.setdefault(table, {})[doc_id] = FrozenDict(doc)
            if isinstance(doc, Encoded):
                frozen.json = doc.json
            with contextlib.suppress(ValueError):
                log.last_ids[table] = max(log.last_ids.get(table, 0), int(doc_id))
        log.last_hash = last_hash
        log.tails = tails
        log.size += len(data)


def append_many(table: str, additions: list[tuple[Path, list[dict[str, Any]]]]) -> None:
    """Appends documents to many files at once (an import): every addition is written, then
    made durable together (each file's sync issued at once, from a few threads: the file
    system commits them in one go), and only then are new files renamed into place. Only
    these files are synced, never the whole machine's pending writes (``os.sync`` waited for
    whatever else was being written: a copy under way made an import wait for it). A crash
    leaves each file as it was plus complete records, or a torn last line that was never
    acknowledged; a failure takes every addition back."""
    extended: list[tuple[Path, int]] = []
    staged: list[tuple[Path, Path]] = []
    written: list[int] = []  # descriptors, open until synced
    try:
        for path, docs in additions:
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                log = FileLog()
            else:
                log = parse_log(raw, path, events=False)
            last = log.last_ids.get(table, len(log.tables.get(table, {})))
            records = [(table, str(last + n), _as_written(doc)) for n, doc in enumerate(docs, 1)]
            data, _ = record_lines(log.last_hash, records, {})
            if log.size == 0:
                tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
                staged.append((tmp, path))
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            else:
                extended.append((path, log.size))
                fd = os.open(path, os.O_WRONLY)
            written.append(fd)
            if log.size:
                os.ftruncate(fd, log.size)  # a torn tail is cut before anything follows it
                os.lseek(fd, log.size, os.SEEK_SET)
            _write_all(fd, data)
        _sync_all(written)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for path, size in extended:
            with contextlib.suppress(OSError):
                _cut(path, size)
        for tmp, _ in staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
        raise
    finally:
        for fd in written:
            with contextlib.suppress(OSError):
                os.close(fd)
    for folder in {path.parent for _, path in staged}:
        fsync_dir(folder)


# Syncs issued together: enough for the file system to commit a hundred files' writes at once
# (about twice as fast as one after the other), few enough to start quickly.
SYNC_THREADS = 8


def _sync_all(fds: list[int]) -> None:
    """``fdatasync`` of every descriptor; the first failure is raised once all have ended."""
    if len(fds) < 2:
        for fd in fds:
            os.fdatasync(fd)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(SYNC_THREADS, len(fds))) as pool:
        for outcome in list(pool.map(_try_sync, fds)):
            if outcome is not None:
                raise outcome


def _try_sync(fd: int) -> OSError | None:
    try:
        os.fdatasync(fd)
    except OSError as exc:
        return exc
    return None


def write_new_file(path: Path, data: bytes) -> None:
    """Creates a file whole (temp, fsync, rename, folder fsync): never seen empty or torn."""
    tmp = path.with_name(f".{path.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def _append(path: Path, data: bytes, size: int) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        try:
            os.lseek(fd, size, os.SEEK_SET)
            _write_all(fd, data)
            os.fdatasync(fd)
        except BaseException:
            # A failed append leaves nothing behind: the file ends where it ended.
            with contextlib.suppress(OSError):
                os.ftruncate(fd, size)
                os.fdatasync(fd)
            raise
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _cut(path: Path, size: int) -> None:
    fd = os.open(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, size)
        os.fsync(fd)
    finally:
        os.close(fd)


def _known_backup(path: Path) -> Path | None:
    backup = backup_path(path)
    return backup if backup.exists() else None


class FrozenDict(dict[str, Any]):
    """A stored document: reading works, any change is refused. An event's carries the JSON
    it was read from (``json``, else unset), for ``Event.from_stored`` to check its hash on."""

    __slots__ = ("hash_of_json", "json")
    json: bytes  # set only for an event whose stored text is known
    # Set when its hash was computed here from ``json`` (a record of format 3 leaves it out):
    # the file's chain checked the bytes, so the hash needs no second computation.
    hash_of_json: bool

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to another process (a child working beside) as the document alone: its JSON is
        # for the process that read it.
        return (FrozenDict, (dict(self),))

    def _refuse(self, *args: Any, **kwargs: Any) -> None:
        raise StoreError("refus de réécrire un enregistrement : l'historique est en ajout seul")

    __setitem__ = __delitem__ = update = pop = popitem = clear = setdefault = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]


def _refusal(name: str, verb: str) -> str:
    return f"refus {verb} un enregistrement de « {name} » : l'historique est en ajout seul"
