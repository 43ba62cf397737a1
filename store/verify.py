"""``carnet verify``: a full integrity check of a data folder, without changing anything.

Every record's hash and each file's chain, every event's own hash, the station's sequence (no
gap, no fork, each event pointing at the one before), the journal against the dossiers, the
dossiers the journal or the index name, the station's identity and key, and the small files.
Needs no lock: it reads, and a write under way only adds complete lines after what it read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.errors import CarnetError
from models.events import GENESIS, Event, EventError
from store.errors import CorruptFileError
from store.index import INDEX_NAME, SummaryIndex, file_key, indexed_names, journal_dossiers
from store.journal import JOURNAL_NAME, Entry, journal_entries, last_write_start, read_entries
from store.layout import EVENTS, REGISTRY, REGISTRY_FILE
from store.lock import writer_active
from store.lost import load_lost
from store.migrate import data_files, is_v1, parse_v1
from store.roster import ROSTER_NAME, listed_row, read_roster, roster_row
from store.station import STATION_NAME, Station, check_key, parse_station
from store.storage import parse_log


@dataclass
class Problem:
    file: str
    message: str
    record: str | None = None

    def line(self) -> str:
        where = f" (enregistrement {self.record})" if self.record else ""
        return f"{self.file}{where} : {self.message}"


@dataclass
class VerifyReport:
    files: int = 0
    records: int = 0
    events: int = 0
    head: int = 0
    problems: list[Problem] = field(default_factory=list)
    # What is in order but worth knowing (not a problem: the exit code stays 0).
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "files": self.files,
            "records": self.records,
            "events": self.events,
            "head": self.head,
            "problems": [
                {"file": p.file, "record": p.record, "message": p.message} for p in self.problems
            ],
            "notes": list(self.notes),
        }

    def lines(self) -> list[str]:
        summary = (
            f"{self.files} fichier(s), {self.records} enregistrement(s), {self.events} "
            f"événement(s), dernier numéro du poste : {self.head}"
        )
        if self.ok:
            return [*self.notes, f"Tout se vérifie : {summary}."]
        return [
            *self.notes,
            *(p.line() for p in self.problems),
            f"{len(self.problems)} problème(s) ; {summary}. « carnet recover » répare ce qui "
            "peut l'être et nomme ce qui est perdu.",
        ]


def verify(folder: Path) -> VerifyReport:
    report = VerifyReport()
    station = _station(folder, report)
    lost = _lost(folder, report)
    own: dict[int, Event] = {}
    # Where each of the station's events is stored (file, record), to name it in a problem.
    where: dict[int, tuple[str, str]] = {}
    held: dict[str, set[tuple[int, str]]] = {}
    # A line is written before its event: the events the journal names are looked for in the
    # dossiers read after it (while the app writes, a line read after them may name an event
    # they did not hold yet). The events the dossiers hold are looked for in the journal read
    # after them, below.
    named_before = journal_entries(folder)
    writing = writer_active(folder)
    for path in data_files(folder):
        if not path.exists():
            continue
        report.files += 1
        dossier = REGISTRY if path.name == REGISTRY_FILE else path.stem
        docs = _documents(path, report)
        held[dossier] = set()
        for doc_id, doc in docs:
            try:
                event = Event.from_stored(doc)
            except EventError as exc:
                report.problems.append(Problem(str(path), str(exc), doc_id))
                continue
            report.events += 1
            held[dossier].add((event.seq, event.hash))
            if station is not None and event.station == station.id:
                if event.seq in own:
                    report.problems.append(
                        Problem(str(path), f"numéro {event.seq} du poste utilisé deux fois", doc_id)
                    )
                own[event.seq] = event
                where[event.seq] = (str(path), doc_id)
    report.head = max(own, default=0)
    _check_chain(own, where, lost, report, folder)
    _check_journal(folder, held, own, lost, report, named_before, writing)
    if report.ok:
        try:
            _check_caches(folder, report)
        except CarnetError as exc:
            report.problems.append(Problem(str(folder), f"le dossier ne s'ouvre pas : {exc}"))
    return report


def _check_caches(folder: Path, report: VerifyReport) -> None:
    """The caches say what the events say. ``status``, the home list and the tables read the
    index where a dossier has not changed since; its digests catch damage, not a forgery made
    with a digest of its own: here every cached record, row and name is compared with what
    the events give. (Only once the files verify: the events are then the truth.)"""
    from store.store import Store

    if any(is_v1(path) for path in data_files(folder)):
        return  # files of the previous format: their first opening migrates them, then caches
    cached = SummaryIndex(folder, read_only=True)
    rows, _ = read_roster(folder)
    shown = {str(row["id"]): row for row in rows}
    index = folder / INDEX_NAME
    try:
        with Store.open(folder, read_only=True) as store:
            named = cached.journal_names(folder / JOURNAL_NAME)
            journal = journal_dossiers(folder / JOURNAL_NAME)
            # With the app open, a dossier created between the two reads is named by the
            # second alone.
            if named - journal or (journal - named and not writer_active(folder)):
                report.problems.append(
                    Problem(
                        str(index), "les dossiers que le journal nomme n'y sont pas ceux du journal"
                    )
                )
            for dossier in store.candidate_ids():
                key = file_key(store.path_of(dossier))
                record, row = cached.get(dossier, key), shown.get(dossier)
                if record is None and row is None:
                    continue
                fresh = store.summary(dossier)
                store.forget(dossier)
                if file_key(store.path_of(dossier)) != key:
                    continue  # written meanwhile by the app: the entry was of before
                # Names come from the registry as it stands: a rename since the entry was
                # made shows at the next listing, and is no disagreement with the events.
                if record is not None and store.named(record) != fresh:
                    report.problems.append(
                        Problem(str(index), "ne dit pas ce que disent les événements", dossier)
                    )
                if row is not None and {**row, "tutor_name": fresh.get("tutor_name")} != listed_row(
                    roster_row(fresh)
                ):
                    report.problems.append(
                        Problem(
                            str(folder / ROSTER_NAME),
                            "ne dit pas ce que disent les événements",
                            dossier,
                        )
                    )
    finally:
        cached.close()


def stale_caches(folder: Path) -> list[Path]:
    """The caches (index, roster) that do not say what the events say, once the data files
    verify; ``carnet recover`` removes them."""
    checked = VerifyReport()
    try:
        _check_caches(folder, checked)
    except CarnetError:
        return []  # files that still do not read: the caches cannot be judged against them
    return sorted({Path(p.file) for p in checked.problems})


def _station(folder: Path, report: VerifyReport) -> Station | None:
    path = folder / STATION_NAME
    try:
        station = parse_station(path.read_bytes(), path)
    except FileNotFoundError:
        if (folder / JOURNAL_NAME).exists() or any(p.exists() for p in data_files(folder)):
            report.problems.append(Problem(str(path), "identité du poste absente"))
        return None
    except CorruptFileError as exc:
        report.problems.append(Problem(str(path), exc.reason))
        return None
    try:
        check_key(folder, station, record=False)
    except CorruptFileError as exc:
        report.problems.append(Problem(str(exc.path), exc.reason))
    for name in ("sync.json", "ledger.json", "trusted.json"):
        side = folder / name
        if side.exists():
            try:
                if not isinstance(json.loads(side.read_bytes()), dict):
                    raise ValueError(name)
            except ValueError:
                report.problems.append(Problem(str(side), "fichier illisible (JSON invalide)"))
    return station


def _lost(folder: Path, report: VerifyReport) -> dict[str, list[int]]:
    try:
        return load_lost(folder)
    except CorruptFileError as exc:
        report.problems.append(Problem(str(exc.path), exc.reason))
        return {}


def _documents(path: Path, report: VerifyReport) -> list[tuple[str, Any]]:
    raw = path.read_bytes()
    try:
        if is_v1(path):
            tables = parse_v1(raw, path)
            report.problems.append(
                Problem(str(path), "fichier d'une version précédente, non migré")
            )
        else:
            log = parse_log(raw, path)
            tables = log.tables
            if log.torn:
                report.problems.append(
                    Problem(str(path), f"{log.torn} octet(s) d'une écriture inachevée en fin")
                )
    except CorruptFileError as exc:
        report.problems.append(Problem(str(path), exc.reason))
        return []
    docs = list(tables.get(EVENTS, {}).items())
    report.records += sum(len(t) for t in tables.values())
    return docs


def _check_chain(
    own: dict[int, Event],
    where: dict[int, tuple[str, str]],
    lost: dict[str, list[int]],
    report: VerifyReport,
    folder: Path,
) -> None:
    lost_seqs = {s for seqs in lost.values() for s in seqs}
    previous: str | None = GENESIS
    for seq in range(1, report.head + 1):
        event = own.get(seq)
        if event is None:
            if seq not in lost_seqs:
                report.problems.append(
                    Problem(str(folder), f"événement n° {seq} du poste introuvable")
                )
            previous = None  # the next event cannot be checked against a lost one
            continue
        if previous is not None and event.prev != previous:
            path, record = where[seq]
            report.problems.append(
                Problem(
                    path,
                    f"chaîne rompue : l'événement n° {seq} ne suit pas le n° {seq - 1}",
                    record,
                )
            )
        previous = event.hash


def _check_journal(
    folder: Path,
    held: dict[str, set[tuple[int, str]]],
    own: dict[int, Event],
    lost: dict[str, list[int]],
    report: VerifyReport,
    named_before: list[Entry],
    writing: bool,
) -> None:
    path = folder / JOURNAL_NAME
    if not path.exists():
        if own:
            report.problems.append(Problem(str(path), "journal absent"))
        return
    # Read once: the app may add lines meanwhile.
    entries, damaged = read_entries(path.read_bytes())
    if damaged:
        report.problems.append(Problem(str(path), f"{damaged} ligne(s) du journal altérée(s)"))
    named = {entry.seq for entry in entries}
    # With the app open, the last write of the journal read before the dossiers may still be
    # under way: its events may not be in their dossier yet.
    in_flight = last_write_start(named_before) if writing else None
    for entry in named_before:
        if entry.seq in lost.get(entry.dossier, ()):
            continue
        if in_flight is not None and entry.seq >= in_flight:
            continue
        if entry.dossier not in held:
            report.problems.append(
                Problem(
                    str(folder / "dossiers" / f"{entry.dossier}.json"),
                    f"dossier absent ; le journal y nomme l'événement n° {entry.seq}",
                )
            )
        elif (entry.seq, entry.hash) not in held[entry.dossier]:
            report.problems.append(
                Problem(
                    entry.dossier,
                    f"le journal nomme l'événement n° {entry.seq}, absent de son dossier",
                )
            )
    unnamed = sorted(set(own) - named)
    if entries and _awaiting_lines(unnamed, entries[-1], own, held):
        report.notes.append(
            f"Le journal n'inscrit pas encore les événements n° {unnamed[0]} à {unnamed[-1]} "
            f"du dossier {entries[-1].dossier} (une coupure l'a arrêté avant eux) : ils y "
            "seront inscrits à la prochaine ouverture."
        )
        unnamed = []
    for seq in unnamed:
        report.problems.append(Problem(str(path), f"événement n° {seq} absent du journal"))
    for dossier in indexed_names(folder):
        if dossier not in held and dossier not in lost:
            report.problems.append(
                Problem(str(folder / "dossiers" / f"{dossier}.json"), "dossier absent (index)")
            )


def _awaiting_lines(
    unnamed: list[int],
    last: Entry,
    own: dict[int, Event],
    held: dict[str, set[tuple[int, str]]],
) -> bool:
    """Whether the events the journal lacks are the ones a power cut may take from it: those
    that follow its last line one by one, in the dossier that line names (the journal is
    synced only when the dossier changes)."""
    if not unnamed or unnamed != list(range(last.seq + 1, last.seq + 1 + len(unnamed))):
        return False
    stored = held.get(last.dossier, set())
    return all((seq, own[seq].hash) in stored for seq in unnamed)
