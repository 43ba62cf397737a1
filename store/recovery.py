"""Repairs the data files that do not verify, keeping the damaged file aside.

Runs under the data lock, before the store opens: the store refuses to open while a file it
needs does not verify, rather than read it as empty. A file of format 2 or 3 is repaired from
its own records: every record that still verifies (its hash against the record before it) and
whose event checks is kept, re-chained into a new file; what could not be kept is named, and the
station's own events among it (known from the journal) are recorded in ``lost.json`` so that
their sequence numbers are never reused. A format-1 file (not migrated yet) is restored from
its ``.bak``.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.events import Event, EventError, utc_now
from store.atomic import atomic_write, backup_path, fsync_dir
from store.chains import Chains
from store.compact import NotAnEvent, Tails
from store.errors import CorruptFileError
from store.index import indexed_names
from store.journal import JOURNAL_NAME, Entry, Journal
from store.layout import EVENTS, REGISTRY, REGISTRY_FILE
from store.lock import DataLock
from store.lost import load_lost, record_lost
from store.migrate import data_files, is_v1, parse_v1
from store.station import (
    ENCRYPTION_KEY_FILE,
    KEY_FILE,
    KEY_FILES,
    STATION_NAME,
    Station,
    expected_digest,
    key_digest,
    parse_station,
    write_station,
)
from store.storage import (
    HASH_LEN,
    chain,
    decode_record,
    parse_log,
    record_lines,
    write_new_file,
)

# An event's hash, by station and sequence number, where the folder knows it (None: unknown).
Known = Callable[[str, int], "str | None"]


@dataclass
class RecoveryReport:
    restored: list[Path] = field(default_factory=list)
    unrecoverable: list[Path] = field(default_factory=list)
    # The station's own events, named by the journal, that no readable copy holds any more.
    lost: dict[str, list[int]] = field(default_factory=dict)
    # Records that did not verify and were left out (events of other stations among them).
    dropped: dict[str, int] = field(default_factory=dict)
    # Dossiers named by the journal or the index whose file is gone.
    absent: list[str] = field(default_factory=list)
    # Caches that disagreed with the events, removed: computed again at the next listing.
    caches: list[Path] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"Réparé : {p}" for p in self.restored]
        out += [
            f"Cache écarté, il ne disait pas ce que disent les événements (recalculé) : {p}"
            for p in self.caches
        ]
        out += [
            f"Irrécupérable (ni le fichier ni sa sauvegarde ne se lisent) : {p}"
            for p in self.unrecoverable
        ]
        out += [
            f"Registre absent : {REGISTRY_FILE} n'existe plus (ses personnes et référentiels "
            "publiés sont perdus ici ; un autre poste ou le secrétariat peut les renvoyer)"
            if d == REGISTRY
            else f"Dossier absent : {d} (son fichier n'existe plus)"
            for d in self.absent
        ]
        for name, count in self.dropped.items():
            out.append(f"{name} : {count} enregistrement(s) illisible(s) écarté(s)")
        for dossier, seqs in self.lost.items():
            listed = ", ".join(str(s) for s in seqs[:20]) + ("…" if len(seqs) > 20 else "")
            where = "registre" if dossier == REGISTRY else dossier
            out.append(f"{where} : {len(seqs)} événement(s) perdu(s) (n° {listed})")
        return out or ["Tous les fichiers se vérifient : rien à réparer."]


def recover(
    folder: Path, *, stale_caches: Callable[[Path], list[Path]] | None = None
) -> RecoveryReport:
    """Repairs what can be, from outside the app: takes the data lock first. Then, the files
    verifying, the caches ``stale_caches`` finds disagreeing with the events
    (``store.verify.stale_caches``, as ``carnet recover`` passes it) are removed: the next
    listing computes them again from the events."""
    with DataLock(folder):
        report = restore(folder)
        for cache in stale_caches(folder) if stale_caches is not None else ():
            with contextlib.suppress(FileNotFoundError):
                cache.unlink()
            report.caches.append(cache)
        return report


def restore(folder: Path) -> RecoveryReport:
    """Repairs every data file that does not verify; the caller holds the data lock."""
    report = RecoveryReport()
    entries = _journal_entries(folder)
    known_lost = load_lost(folder)
    _restore_side_files(folder, entries, report)
    known = _known_hashes(folder, entries)
    for path in data_files(folder):
        if not path.exists():
            continue
        dossier = REGISTRY if path.name == REGISTRY_FILE else path.stem
        named = [e for e in entries if e.dossier == dossier]
        if is_v1(path):
            try:
                parse_v1(path.read_bytes(), path)
            except CorruptFileError:
                _restore_v1(path, dossier, named, report, known)
            continue
        raw = path.read_bytes()
        try:
            log = parse_log(raw, path)
        except CorruptFileError:
            _salvage(path, raw, dossier, named, report, known)
            continue
        held = {(d.get("seq"), d.get("hash")) for d in log.tables.get(EVENTS, {}).values()}
        missing = [
            e.seq
            for e in named
            if (e.seq, e.hash) not in held and e.seq not in known_lost.get(dossier, ())
        ]
        if missing:
            # Cut short (or a torn tail that held acknowledged events): the rest stands.
            _salvage(path, raw, dossier, named, report, known)
    absent = _absent_dossiers(folder, entries, known_lost)
    for dossier in absent:
        report.absent.append(dossier)
        report.lost[dossier] = [e.seq for e in entries if e.dossier == dossier]
    for dossier, seqs in report.lost.items():
        report.lost[dossier] = [s for s in seqs if s not in known_lost.get(dossier, ())]
    lost = {d: s for d, s in report.lost.items() if s or d in absent}
    report.lost = lost
    if lost:
        record_lost(folder, lost)
    return report


def _absent_dossiers(
    folder: Path, entries: list[Entry], known_lost: dict[str, list[int]]
) -> list[str]:
    named = {e.dossier for e in entries} | set(indexed_names(folder))
    files = data_files(folder)
    present = {p.stem for p in files[1:]}
    absent = [d for d in named if d.startswith("c-") and d not in present and d not in known_lost]
    if not files[0].exists() and REGISTRY in named and REGISTRY not in known_lost:
        # The registry gone while the journal names events written in it: they are named
        # lost, so that the store opens again, saying so.
        absent.append(REGISTRY)
    return sorted(absent)


KEY_NAMES = (KEY_FILE, ENCRYPTION_KEY_FILE)
SIDE_FILES = ("sync.json", "ledger.json", "trusted.json", "replication.json")


def _restore_side_files(folder: Path, entries: list[Entry], report: RecoveryReport) -> None:
    """The small files kept with a backup of their own: the station's identity and key, what
    was exported and received, the trusted keys. Restored when missing or unreadable."""
    station_path = folder / STATION_NAME
    station: Station | None = None
    try:
        station = parse_station(station_path.read_bytes(), station_path)
    except (OSError, CorruptFileError):
        station = _restore_station(folder, entries, report)
    if station is not None:
        for spec in KEY_FILES:
            _restore_key(folder / spec.name, expected_digest(station, spec.name), report)
    for name in SIDE_FILES:
        path = folder / name
        if not path.exists() and not backup_path(path).exists():
            continue
        if _json_object(path) is None:
            good = _json_object(backup_path(path))
            if good is None:
                report.unrecoverable.append(path)
            else:
                _replace_from(path, good, report)


def _restore_key(path: Path, expected: str | None, report: RecoveryReport) -> None:
    """A key is restored only from a backup whose fingerprint is the one station.json keeps:
    any other key would sign or decrypt as somebody else."""
    if expected is None or (path.exists() and key_digest(path.read_bytes()) == expected):
        return
    backup = backup_path(path)
    if backup.exists() and key_digest(backup.read_bytes()) == expected:
        _replace_from(path, backup.read_bytes(), report)
    else:
        report.unrecoverable.append(path)


def _json_object(path: Path) -> bytes | None:
    try:
        raw = path.read_bytes()
        return raw if isinstance(json.loads(raw), dict) else None
    except (OSError, ValueError):
        return None


def _replace_from(path: Path, good: bytes, report: RecoveryReport) -> None:
    if path.exists():
        _set_aside(path)
    atomic_write(path, good, keep_backup=False)
    os.chmod(path, 0o600)
    report.restored.append(path)


def _restore_station(folder: Path, entries: list[Entry], report: RecoveryReport) -> Station | None:
    path = folder / STATION_NAME
    backup = backup_path(path)
    try:
        station = parse_station(backup.read_bytes(), backup)
    except (OSError, CorruptFileError):
        rebuilt = _station_from_events(folder, entries)
        if rebuilt is None:
            if path.exists() or entries:
                report.unrecoverable.append(path)
            return None
        if path.exists():
            _set_aside(path)
        write_station(folder, rebuilt)
        report.restored.append(path)
        return rebuilt
    _replace_from(path, backup.read_bytes(), report)
    return station


def _station_from_events(folder: Path, entries: list[Entry]) -> Station | None:
    """The station's id is that of the events its journal names (seq and hash agree)."""
    if not entries:
        return None
    wanted = {(e.seq, e.hash): e.dossier for e in entries[-50:]}
    for path in data_files(folder):
        try:
            log = parse_log(path.read_bytes(), path)
        except (OSError, CorruptFileError):
            continue
        for doc in log.tables.get(EVENTS, {}).values():
            if (doc.get("seq"), doc.get("hash")) in wanted:
                first = min(
                    (d.get("ts") for d in log.tables[EVENTS].values() if d.get("ts")),
                    default=utc_now(),
                )
                key, encryption = (_digest_of(folder / name) for name in KEY_NAMES)
                return Station(str(doc["station"]), str(first), "poste", key, encryption)
    return None


def _digest_of(path: Path) -> str | None:
    return key_digest(path.read_bytes()) if path.exists() else None


def _known_hashes(folder: Path, entries: list[Entry]) -> Known:
    """Where an event's hash is known beside the dossiers: this station's journal for its own
    (its id from ``station.json``, once restored; should it not read, the journal is tried for
    any station, the event rebuilt being checked against the hash found), the chain of what
    was received from each other station (``chaines/``, rebuilt from the dossiers when
    missing: it may then lack the very events a damaged file held)."""
    own: str | None = None
    with contextlib.suppress(OSError, CorruptFileError):
        own = parse_station((folder / STATION_NAME).read_bytes(), folder / STATION_NAME).id
    mine = {e.seq: e.hash for e in entries}
    chains = Chains(folder)

    def known(station: str, seq: int) -> str | None:
        if station == own:
            return mine.get(seq)
        with contextlib.suppress(OSError, ValueError):
            received = chains.hash_at(station, seq)
            if received is not None:
                return received
        return mine.get(seq) if own is None else None

    return known


def _journal_entries(folder: Path) -> list[Entry]:
    if not (folder / JOURNAL_NAME).exists():
        return []
    journal = Journal(folder)
    try:
        return journal.entries()
    finally:
        journal.close()


def _set_aside(path: Path) -> None:
    """Keeps the damaged file beside, never deleted: someone may still want to read it. A link
    rather than a rename: the file stays where it is until its replacement takes its place
    whole, so a recovery killed in between finds it again and starts over, instead of the
    next one finding the dossier gone and naming it lost."""
    aside = path.with_name(f"{path.name}.abime-{utc_now().replace(':', '')}")
    try:
        os.link(path, aside)
    except FileExistsError:
        pass
    except OSError:  # a file system without hard links
        write_new_file(aside, path.read_bytes())
    fsync_dir(path.parent)


def _salvage(
    path: Path, raw: bytes, dossier: str, named: list[Entry], report: RecoveryReport, known: Known
) -> None:
    records: list[tuple[str, str, Any]] = []
    dropped = 0
    previous = b""
    tails: Tails = {}

    for line in raw.split(b"\n"):
        if not line:
            continue
        digest, body = line[:HASH_LEN], line[HASH_LEN + 1 :]
        good = chain(previous, body) == digest
        previous = digest
        record = _record(body, tails, known) if good else None
        if record is None:
            dropped += 1
            continue
        records.append(record)
    held = {(d.get("seq"), d.get("hash")) for t, _, d in records if t == EVENTS}
    missing = [e.seq for e in named if (e.seq, e.hash) not in held]
    _set_aside(path)
    if records:
        data, _ = record_lines(b"", records)
        write_new_file(path, data)
    else:  # nothing of it verifies: set aside, and named lost below
        path.unlink()
        fsync_dir(path.parent)
    report.restored.append(path)
    if dropped:
        report.dropped[path.name] = dropped
    if missing:
        report.lost[dossier] = missing


def _record(body: bytes, tails: Tails, known: Known) -> tuple[str, str, Any] | None:
    """A record that parses and, in the events table, whose event checks. An event stored
    without its ``prev`` whose station's previous event was the damaged record gets it back
    from what the folder knows of both (``known``: the journal for this station's own, the
    chain of what was received for another's): the event rebuilt must have the hash known
    for it."""
    try:
        try:
            table, doc_id, doc = decode_record(body, tails)
        except NotAnEvent:
            # Only a record of format 3 (a list) leaves out its ``prev``.
            found = json.loads(body)[2]
            seq, station = found.get("seq"), found.get("station")
            if type(seq) is not int or type(station) is not str:
                return None
            before, expected = known(station, seq - 1), known(station, seq)
            if before is None or expected is None:
                return None
            guess = {**tails, station: (seq - 1, before)}
            table, doc_id, doc = decode_record(body, guess)
            if doc.get("hash") != expected:
                return None
            tails.update(guess)
        if table == EVENTS:
            Event.from_stored(doc)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError, EventError):
        return None
    return table, doc_id, doc


def _restore_v1(
    path: Path, dossier: str, named: list[Entry], report: RecoveryReport, known: Known
) -> None:
    backup = backup_path(path)
    try:
        good = backup.read_bytes()
        tables = parse_v1(good, backup)
    except (OSError, CorruptFileError):
        # No backup: perhaps a later format's file whose first byte was changed. Keep what
        # verifies.
        _salvage(path, path.read_bytes(), dossier, named, report, known)
        return
    _set_aside(path)
    atomic_write(path, good, keep_backup=False)
    report.restored.append(path)
    held = {(e.get("seq"), e.get("hash")) for e in tables.get(EVENTS, {}).values()}
    missing = [e.seq for e in named if (e.seq, e.hash) not in held]
    if missing:
        report.lost[dossier] = missing
