"""The station's store: one TinyDB file per dossier, a registry, the journal, append-only events.

Not thread-safe by design: a ``Writer`` owns it and runs every call on its one thread, so the
UI's event loop never waits on the disk and writes never interleave.
"""

from __future__ import annotations

import base64
import contextlib
import heapq
import json
import operator
import re
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from tinydb import TinyDB
from tinydb.table import Table

from grids import Referentials, load_referentials
from models.conflicts import claim_key
from models.dossier import DossierState, GridState, Verdict, verdict
from models.errors import CarnetError
from models.events import (
    PAYLOADS,
    CredentialLocked,
    CredentialRegistered,
    CredentialReset,
    Event,
    EventError,
    OrganismeRegistered,
    PersonCreated,
    PersonDeactivated,
    PersonEdited,
    ReferentialPublished,
    canonical,
    format_ts,
    payload_of,
    seal,
)
from models.grid import shortfalls
from models.people import Change, PersonRecord, RegistryState
from models.referential import ThresholdReferential, WeightedReferential
from models.report import status_record
from models.signatures import signature_states, signed_message
from models.threshold import CriterionState
from models.validation_text import french
from store import beside as beside_
from store.atomic import atomic_write, clean_stale_temporaries
from store.authority import RULES, AuthorityError, check_active, require_one_of, require_role
from store.career import CareerActions
from store.credentials import (
    DEFAULT_KDF,
    MAX_FAILURES,
    KdfParams,
    Keystore,
    SecretError,
    make_credential,
    sign_with,
)
from store.draft import Draft
from store.errors import ConflictError, CorruptFileError, DiskWriteError, StoreError, os_reason
from store.index import SummaryIndex, encode_record, file_key
from store.journal import (
    GENESIS_HEAD,
    JOURNAL_NAME,
    Entry,
    Head,
    Journal,
    MissingEvent,
    journal_entries,
    last_write_start,
)
from store.layout import DOSSIERS, EVENTS, REGISTRY, REGISTRY_FILE
from store.lock import DataLock, writer_active
from store.lost import load_lost
from store.migrate import data_files, is_v1, migrate_folder
from store.people import PeopleActions
from store.recovery import RecoveryReport, restore
from store.referentials import published_in
from store.roster import roster_row
from store.station import STATION_NAME, Station, check_key, load_or_create_station, parse_station
from store.storage import (
    AppendOnlyStorage,
    FileLog,
    append_many,
    parse_tables,
    tail_documents,
)

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

_DOSSIER_ID = re.compile(r"^c-[0-9a-f]{6,32}$")
_OPEN_DOSSIERS = 64
_WHERE = re.compile(r"^événement n° \d+ : ")
SESSION_NAME = "session.json"
STATION_AUTHOR = "poste"  # events no person makes (a lock after five wrong secrets)
# The only events the station itself makes; every other one names the person who made it.
STATION_EVENTS = frozenset({"credential.locked"})


@dataclass
class _Open:
    db: TinyDB
    table: Table
    state: DossierState
    events: list[Event]


@dataclass
class Listing:
    records: list[dict[str, Any]] = field(default_factory=list)
    unreadable: list[tuple[str, CarnetError]] = field(default_factory=list)


def _one_record(candidate: str, text: bytes) -> bool:
    """Whether a cached record's bytes can be printed as they are: UTF-8, one JSON object of
    that candidate's (checked by its ends: a full parse of 17 MB would double ``status
    --json``; ``carnet verify`` compares every record whole)."""
    if not (text.startswith(b'{"id": "%s", ' % candidate.encode()) and text.endswith(b"}")):
        return False
    try:
        text.decode()
    except UnicodeDecodeError:
        return False
    return True


# Below this many records to compute, a child costs more than it saves.
_BESIDE_FROM = 40
# How long the child may take: seconds, plus seconds per record (a dossier of 500 events takes
# 0.02 s); past that it is stopped and this process computes its records.
_BESIDE_WAIT = (5.0, 0.25)


class _Beside:
    """The records a child computes; those it could not (an unreadable dossier, or no answer
    at all) are computed here, which says why in French."""

    def __init__(self, wanted: set[str], child: beside_.Child) -> None:
        self.wanted = wanted
        self._child: beside_.Child | None = child
        self._done: dict[str, tuple[dict[str, Any], bytes]] = {}

    def taken(self, candidate: str) -> tuple[dict[str, Any], bytes] | None:
        if self._child is not None:
            answered, value = self._child.result()
            self._child = None
            if answered and isinstance(value, dict):
                self._done = value
        return self._done.pop(candidate, None)

    def close(self) -> None:
        if self._child is not None:
            self._child.close()
            self._child = None


@dataclass(frozen=True)
class Snapshot:
    """A dossier as it stands, safe to hand to another thread (copies, frozen verdict)."""

    id: str
    state: DossierState
    events: tuple[Event, ...]
    verdict: Verdict
    referential: ThresholdReferential | WeightedReferential


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


class Store(CareerActions, PeopleActions):
    def __init__(self, folder: Path, referentials: Referentials | None = None) -> None:
        self.folder = folder
        # The built-in referentials; ``referentials`` adds the versions the registry holds.
        self._builtin_referentials = referentials or load_referentials()
        self.referentials = self._builtin_referentials
        self._lock = DataLock(folder)
        self._owner = threading.get_ident()
        self._open: OrderedDict[str, _Open] = OrderedDict()
        self.station: Station
        self.head: Head = GENESIS_HEAD
        self._journal: Journal | None = None
        # Dossiers already parsed while opening (the journal's checks read the same ones).
        self._opening_reads: dict[str, dict[str, Any]] | None = None
        self._read_only = False
        # Where event times come from; the demo sets a simulated clock to write past histories.
        self.clock: Callable[[], datetime] = lambda: datetime.now(UTC)
        # The registry's public keys with the registry's size they were read at (public_keys).
        self._public_keys: tuple[tuple[int, int], dict[str, tuple[str, str]]] | None = None
        self._reg = RegistryState()  # the registry's people and organismes, as they stand

    # --- life cycle -----------------------------------------------------------------------

    @classmethod
    def open(
        cls, folder: Path, referentials: Referentials | None = None, *, read_only: bool = False
    ) -> Store:
        """Opens the store as the writer (with the data lock), or ``read_only`` without it:
        a reader (``carnet status``, ``dossier``, ``tableau``) works while the app is open,
        each dossier read as the complete records written so far (a write under way only adds
        lines after them). A folder that still needs its migration is opened as the writer."""
        if read_only and folder.is_dir() and not any(is_v1(p) for p in data_files(folder)):
            store = cls(folder, referentials)
            store._read_only = True
            store._start_reading()
            return store
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / DOSSIERS).mkdir(exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"Impossible de créer le dossier de données {folder} : {os_reason(exc)}"
            ) from exc
        store = cls(folder, referentials)
        store._lock.acquire()
        try:
            store._start()
        except BaseException:
            if store._journal is not None:  # opened before what failed (a damaged registry)
                with contextlib.suppress(OSError):
                    store._journal.close()
                store._journal = None
            store._lock.release()
            raise
        return store

    def _start(self) -> None:
        self._opening_reads = {}
        try:
            self._open_writer()
        finally:
            self._opening_reads = None

    def _open_writer(self) -> None:
        clean_stale_temporaries(self.folder)
        clean_stale_temporaries(self.folder / DOSSIERS)
        migrate_folder(self.folder)
        journal_path = self.folder / JOURNAL_NAME
        has_events = (
            journal_path.exists() and journal_path.stat().st_size > 0
        ) or self._any_dossier()
        self.station = check_key(
            self.folder, load_or_create_station(self.folder, has_events=has_events)
        )
        self._lost = load_lost(self.folder)
        self._check_registry_present()
        journal = Journal(self.folder)
        try:
            head = journal.recover(self._holds)
        except MissingEvent as exc:
            journal.close()
            raise self._missing(exc.entry) from None
        except BaseException:
            journal.close()
            raise
        lost = head is GENESIS_HEAD and not journal.verified_empty and self._any_dossier()
        if head is not None and not lost and journal.last_dossier is not None:
            # The lines a power cut took from the journal (it is synced only when the dossier
            # changes): their events are in the dossier its last line names.
            missed = self._unjournaled(journal.last_dossier, head)
            if missed is None:
                head = None
            elif missed:
                try:
                    journal.extend(missed)
                except BaseException:
                    journal.close()
                    raise
                head = Head(missed[-1].seq, missed[-1].hash)
        if head is not None and not lost and self._newest_own_seq() > head.seq:
            # The journal is behind what the dossiers hold (cut short, or an older copy): the
            # highest sequence found anywhere wins, never a number used twice.
            head = None
        if head is None or lost:
            journal.close()
            Journal.rebuild(self.folder, self._scan_entries())
            journal = Journal(self.folder)
            head = journal.recover(self._holds) or GENESIS_HEAD
            if head is GENESIS_HEAD:
                journal.mark_empty()
        self._journal = journal
        self.head = head
        self._registry = self._load(REGISTRY)
        # Kept up to date by ``append``: listing 1,000 dossiers names their tutors from it.
        self._reg = RegistryState.of(self._registry.events)
        self._refresh_referentials()
        self._index = SummaryIndex(self.folder)

    def _start_reading(self) -> None:
        path = self.folder / STATION_NAME
        try:
            self.station = parse_station(path.read_bytes(), path)
        except FileNotFoundError:
            journal_path = self.folder / JOURNAL_NAME
            has_events = (
                journal_path.exists() and journal_path.stat().st_size > 0
            ) or self._any_dossier()
            if has_events:
                load_or_create_station(self.folder, has_events=True)  # raises, in French
            self.station = Station(id="", created="")
        check_key(self.folder, self.station, record=False)
        self._lost = load_lost(self.folder)
        self._check_registry_present()
        self._registry = self._load(REGISTRY)
        self._reg = RegistryState.of(self._registry.events)
        self._refresh_referentials()
        self._index = SummaryIndex(self.folder, read_only=True)

    def _refresh_referentials(self) -> None:
        """The built-in referentials and every version the registry holds (published by the
        secretariat, received with its bundles)."""
        self.referentials = self._builtin_referentials.with_published(
            published_in(self._registry.events)
        )

    def close(self) -> None:
        if self._read_only:
            for item in self._open.values():
                item.db.close()
            self._open.clear()
            self._index.close()
            return
        # Open dossiers are in memory: index them now so the next start lists them for free.
        for candidate in list(self._open):
            with contextlib.suppress(StoreError):
                self._index.put(
                    candidate, file_key(self.path_of(candidate)), self.summary(candidate)
                )
        self._index.flush()
        self._index.close()
        for item in self._open.values():
            item.db.close()
        self._open.clear()
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        self._lock.release()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- paths and files ------------------------------------------------------------------

    def path_of(self, dossier: str) -> Path:
        if dossier == REGISTRY:
            return self.folder / REGISTRY_FILE
        if not _DOSSIER_ID.match(dossier):
            raise StoreError(f"identifiant de dossier invalide : « {dossier} »")
        return self.folder / DOSSIERS / f"{dossier}.json"

    def candidate_ids(self) -> list[str]:
        return sorted(
            p.stem for p in (self.folder / DOSSIERS).glob("c-*.json") if _DOSSIER_ID.match(p.stem)
        )

    def _check_registry_present(self) -> None:
        """The registry gone while the journal names events this station wrote in it (people,
        referentials published): read as no one, every name and every right would be lost in
        silence. Loud until ``carnet recover`` has recorded them as lost. The journal is read
        whole only then: a folder whose registry exists pays nothing."""
        path = self.folder / REGISTRY_FILE
        if (
            not path.exists()
            and REGISTRY not in self._lost
            and any(e.dossier == REGISTRY for e in journal_entries(self.folder))
        ):
            raise CorruptFileError(
                path,
                "registre absent (personnes et référentiels), alors que le journal nomme les "
                "événements que ce poste y a écrits",
                None,
                repairable=True,
                absent=True,
            )

    def _any_dossier(self) -> bool:
        return (self.folder / REGISTRY_FILE).exists() or bool(self.candidate_ids())

    def raw_events(self, dossier: str, *, mentioning: str | None = None) -> dict[str, Any]:
        """A dossier's events as stored, unchecked (an export checks the ones it sends). With
        ``mentioning``, none when that text appears nowhere in the dossier's file: a test on
        the bytes, before any parse, for a caller looking for one station's dossiers."""
        return self._raw_events(dossier, mentioning)

    def receive(self, batches: dict[str, list[dict[str, Any]]]) -> int:
        """Adds events recorded by other stations, as they are (sealed by their station, never
        re-sealed here), to their dossiers in one group write; an event id a dossier already
        holds is skipped. Returns how many were added."""
        if threading.get_ident() != self._owner:
            raise StoreError("écriture hors du fil d'écriture unique")
        additions: list[tuple[Path, list[dict[str, Any]]]] = []
        added = 0
        for dossier, raws in batches.items():
            if dossier == REGISTRY:
                self._registry.db.close()
            else:
                self.forget(dossier)
            held = {doc.get("id") for doc in self._raw_events(dossier).values()}
            new = []
            for raw in raws:
                if raw["id"] in held or raw["station"] == self.station.id:
                    continue
                held.add(raw["id"])
                new.append(raw)
            if new:
                added += len(new)
                additions.append((self.path_of(dossier), new))
        if additions and self.head is GENESIS_HEAD and self._journal is not None:
            self._journal.mark_empty()
        try:
            append_many(EVENTS, additions)
        except OSError as exc:
            raise _disk_error(exc) from exc
        finally:
            if REGISTRY in batches:
                self._registry = self._load(REGISTRY)
                self._reg = RegistryState.of(self._registry.events)
                self._refresh_referentials()
        return added

    def _raw_events(self, dossier: str, mentioning: str | None = None) -> dict[str, Any]:
        reads = self._opening_reads if mentioning is None else None
        if reads is not None and dossier in reads:
            return reads[dossier]
        path = self.path_of(dossier)
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return {}
        if mentioning is not None and mentioning.encode() not in raw:
            return {}
        events: dict[str, Any] = parse_tables(raw, path).get(EVENTS, {})
        if reads is not None:
            reads[dossier] = events
        return events

    def _holds(self, entry: Entry) -> bool:
        if entry.seq in self._lost.get(entry.dossier, ()):
            return True  # lost with a damaged file and recorded so by ``carnet recover``
        try:
            events = self._raw_events(entry.dossier).values()
        except StoreError:
            if entry.dossier != REGISTRY and not _DOSSIER_ID.match(entry.dossier):
                return False
            raise
        if any(e.get("seq") == entry.seq and e.get("hash") == entry.hash for e in events):
            return True
        if not self.path_of(entry.dossier).exists():
            # A dead intent may create a dossier; but a dossier the journal named before this
            # write existed, and its absence is a loss, never a number to reuse.
            first = entry.batch if entry.batch is not None else entry.seq
            journal = Journal(self.folder)
            try:
                if any(e.dossier == entry.dossier and e.seq < first for e in journal.entries()):
                    raise MissingEvent(entry)
            finally:
                journal.close()
        return False

    def known_dossiers(self) -> set[str]:
        """Every dossier this folder should hold: named by the journal or the index."""
        names = set(self._index.names())
        with contextlib.suppress(OSError):
            names |= self._index.journal_names(self.folder / JOURNAL_NAME)
        return {n for n in names if _DOSSIER_ID.match(n)}

    def missing_dossiers(self) -> list[str]:
        """Dossiers named by the journal or the index whose file is absent, unless ``carnet
        recover`` recorded them as lost."""
        present = set(self.candidate_ids())
        return sorted(d for d in self.known_dossiers() - present if d not in self._lost)

    def _missing(self, entry: Entry) -> CorruptFileError:
        path = self.path_of(entry.dossier)
        absent = not path.exists()
        where = "absent" if absent else "qui ne le contient pas"
        return CorruptFileError(
            path,
            f"le journal nomme l'événement n° {entry.seq} de ce dossier, {where}",
            None,
            repairable=True,
            absent=absent,
        )

    def _unjournaled(self, dossier: str, head: Head) -> list[Entry] | None:
        """The station's events in ``dossier`` after the journal's head, as journal entries;
        None if they do not follow the head one by one (then the journal is rebuilt)."""
        try:
            raw = self._raw_events(dossier)
        except StoreError:
            return None
        after = sorted(
            (
                doc
                for doc in raw.values()
                if doc.get("station") == self.station.id
                and isinstance(doc.get("seq"), int)
                and doc["seq"] > head.seq
            ),
            key=lambda doc: doc["seq"],
        )
        entries = []
        previous = head
        for doc in after:
            try:
                event = Event.from_stored(doc)
            except EventError:
                return None
            if event.seq != previous.seq + 1 or event.prev != previous.hash:
                return None
            entries.append(Entry(event.seq, event.hash, dossier))
            previous = Head(event.seq, event.hash)
        return entries

    def _newest_own_seq(self, files: int = 4) -> int:
        """The highest own sequence number at the end of the most recently written files: a
        cheap check, at every start, that the journal is not behind the dossiers."""
        paths = [self.folder / REGISTRY_FILE, *(self.folder / DOSSIERS).glob("c-*.json")]
        stamped = []
        for path in paths:
            with contextlib.suppress(OSError):
                stamped.append((path.stat().st_mtime_ns, path))
        highest = 0
        for _, path in heapq.nlargest(files, stamped):
            for doc in tail_documents(path):
                if doc.get("station") == self.station.id and isinstance(doc.get("seq"), int):
                    highest = max(highest, doc["seq"])
        return highest

    def _torn_check(self, path: Path, log: FileLog) -> None:
        """A last line without its newline is a write never acknowledged (or, for a reader,
        one under way: the journal's last write), unless the journal names an older event of
        this dossier that the file no longer holds: then it is damage."""
        dossier = REGISTRY if path.name == REGISTRY_FILE else path.stem
        held = {(d.get("seq"), d.get("hash")) for d in log.tables.get(EVENTS, {}).values()}
        lost = self._lost.get(dossier, ())
        entries = journal_entries(self.folder)
        in_flight = (
            last_write_start(entries) if self._read_only and writer_active(self.folder) else None
        )
        missing = [
            e.seq
            for e in entries
            if e.dossier == dossier
            and (e.seq, e.hash) not in held
            and e.seq not in lost
            and (in_flight is None or e.seq < in_flight)
        ]
        if missing:
            listed = ", ".join(str(s) for s in missing[:10]) + ("…" if len(missing) > 10 else "")
            raise CorruptFileError(
                path,
                f"fin du fichier coupée : {len(missing)} événement(s) enregistré(s) manquent "
                f"(n° {listed})",
                None,
                repairable=True,
            )

    def _scan_entries(self) -> Iterator[Entry]:
        for dossier in (REGISTRY, *self.candidate_ids()):
            for raw in self._raw_events(dossier).values():
                event = Event.from_stored(raw)
                if event.station == self.station.id:
                    yield Entry(event.seq, event.hash, dossier)

    def _load(self, dossier: str) -> _Open:
        item = self._open.get(dossier)
        if item is not None:
            self._open.move_to_end(dossier)
            return item
        db = TinyDB(
            self.path_of(dossier),
            storage=AppendOnlyStorage,
            writer=not self._read_only,
            torn_check=self._torn_check,
        )
        try:
            table = db.table(EVENTS)
            raw = db.storage.read() or {}
            events = merged_order(Event.from_stored(doc) for doc in raw.get(EVENTS, {}).values())
            state = DossierState()
            for event in events:
                if dossier == REGISTRY:
                    _check_registry_event(event)
                else:
                    state.apply_received(event)
        except BaseException:
            db.close()
            raise
        item = _Open(db, table, state, events)
        if dossier != REGISTRY:
            self._open[dossier] = item
            self.forget_all_but_recent(_OPEN_DOSSIERS)
        return item

    # --- the one write path ---------------------------------------------------------------

    def append(self, dossier: str, drafts: Sequence[Draft], author: str) -> list[Event]:
        """Seals, journals and durably stores events; the state changes only once they are."""
        if threading.get_ident() != self._owner:
            raise StoreError("écriture hors du fil d'écriture unique")
        if self._read_only:
            raise StoreError("lecture seule : rien n'est enregistré par cette commande")
        if not drafts:
            return []
        assert self._journal is not None
        # At first use nobody exists yet to say who they are: the station itself may then
        # register the first people; from then on every event names the person who made it.
        starting = dossier == REGISTRY and not self._reg.people
        if not starting and any(
            (draft.by or author) == STATION_AUTHOR and draft.type not in STATION_EVENTS
            for draft in drafts
        ):
            raise AuthorityError(
                "Personne n'est identifié(e) au clavier : rien n'est enregistré.",
                "chaque action enregistrée porte le nom de la personne qui l'a faite ; "
                "« poste » n'est l'auteur que des événements qu'aucune personne ne fait "
                "(le verrouillage d'un secret après cinq essais faux). Dites qui est au "
                "clavier (ctrl+l).",
            )
        for who in {draft.by or author for draft in drafts}:
            # Whatever the action: a deactivated person records nothing more in their name.
            acting = self._people.get(who)
            if acting is not None:
                check_active(acting, "enregistrer quoi que ce soit")
        item = self._registry if dossier == REGISTRY else self._load(dossier)
        ids = [uuid.uuid4().hex for _ in drafts]
        events = self._seal(dossier, _with_replaces(item.state, drafts, ids), author, ids)
        trial = item.state.copy()
        registry = self._reg.copy() if dossier == REGISTRY else None
        if dossier != REGISTRY and trial.deactivated is not None:
            name = trial.candidate.name if trial.candidate else dossier
            raise RefusedEvent(
                f"Le dossier de {name} est désactivé ({trial.deactivated.reason}) : "
                "rien n'y est plus enregistré."
            )
        for event in events:
            if registry is not None:
                _check_registry_event(event)
                try:
                    registry.apply(event)
                except EventError as exc:
                    raise RefusedEvent(_WHERE.sub("", str(exc))) from exc
            else:
                try:
                    trial.apply(event)
                except EventError as exc:
                    # Refused before anything is written: say why without the event number.
                    raise RefusedEvent(_WHERE.sub("", str(exc))) from exc
        try:
            rollback_to = self._journal.append(events)
        except OSError as exc:
            raise _disk_error(exc) from exc
        try:
            self._write_events(item, events)
        except OSError as exc:
            self._journal.rollback(rollback_to)
            raise _disk_error(exc) from exc
        item.events.extend(events)
        item.state = trial
        self.head = Head(events[-1].seq, events[-1].hash)
        if registry is not None:
            self._reg = registry
        if dossier == REGISTRY and any(e.type == "referential.published" for e in events):
            self._refresh_referentials()
        return events

    def sync_journal(self) -> None:
        """Syncs the journal's lines behind the writes already acknowledged (a write in the
        same dossier as the last synced line is acknowledged once its dossier is synced): the
        writer thread's next task after each call, and at closing. A failure is left for the
        next write, which then syncs its line first."""
        if self._journal is not None:
            with contextlib.suppress(OSError):
                self._journal.sync()

    @staticmethod
    def _write_events(item: _Open, events: list[Event]) -> None:
        """Appends the events to the dossier's events table in one durable write (the
        storage's append: a cost that follows the events added, not the dossier's size)."""
        storage = item.db.storage
        assert isinstance(storage, AppendOnlyStorage)
        # As checked and hashed (sorted keys, the hash last): read back, each is checked on
        # the bytes it is stored as (``Event.from_stored``).
        storage.append(EVENTS, [event.encoded() for event in events])
        item.table.clear_cache()

    def _seal(
        self, dossier: str, drafts: Sequence[Draft], author: str, ids: Sequence[str]
    ) -> list[Event]:
        events = []
        seq, prev = self.head.seq, self.head.hash
        now = format_ts(self.clock())
        for draft, event_id in zip(drafts, ids, strict=True):
            ts = now if draft.at is None else format_ts(draft.at)
            model = PAYLOADS.get(draft.type)
            if model is None:
                raise EventError(f"type d'événement inconnu : {draft.type}")
            try:
                payload = model.model_validate(draft.payload).model_dump(mode="json")
            except ValidationError as exc:
                raise EventError(f"{draft.type} : {french(exc)}") from exc
            seq += 1
            event = seal(
                event_id=event_id,
                station=self.station.id,
                seq=seq,
                author=draft.by or author,
                ts=ts,
                dossier=dossier,
                type=draft.type,
                payload=payload,
                prev=prev,
            )
            prev = event.hash
            events.append(event)
        return events

    # --- reading --------------------------------------------------------------------------

    def snapshot(self, candidate: str) -> Snapshot:
        item = self._load(candidate)
        if item.state.candidate is None:
            raise StoreError(f"le dossier {candidate} ne contient pas de candidat")
        ref = self._ref_of(candidate)
        return Snapshot(
            id=candidate,
            state=item.state.copy(),
            events=tuple(item.events),
            verdict=verdict(item.state, ref),
            referential=ref,
        )

    def remember_open_grid(self, candidate: str | None, grid: str | None) -> None:
        """The grid on screen, so that reopening the app after a crash goes back to it."""
        data = {"candidate": candidate, "grid": grid} if candidate and grid else {}
        with contextlib.suppress(OSError):  # a convenience: never worth a failed mark
            atomic_write(self.folder / SESSION_NAME, json.dumps(data).encode(), keep_backup=False)

    def open_grid_to_resume(self) -> tuple[str, str] | None:
        """The grid that was on screen when the app last stopped, if it is still open."""
        try:
            data = json.loads((self.folder / SESSION_NAME).read_bytes())
            candidate, grid = str(data["candidate"]), str(data["grid"])
            state = self._load(candidate).state.grids[grid]
        except (OSError, ValueError, KeyError, TypeError, CarnetError):
            return None
        return None if state.signed else (candidate, grid)

    def _state(self, candidate: str) -> DossierState:
        return self._load(candidate).state

    def grid_view(self, candidate: str, grid: str) -> GridState:
        """A copy of one grid's state: what the grid screen re-reads after each write."""
        return self._grid_state(candidate, grid).copy()

    def view(self, candidate: str) -> tuple[Snapshot, dict[str, PersonCreated]]:
        """What a screen needs to show a dossier: the snapshot and the people it names."""
        return self.snapshot(candidate), self.people()

    def current_verdict(self, candidate: str) -> Verdict:
        item = self._load(candidate)
        if item.state.candidate is None:
            raise StoreError(f"le dossier {candidate} ne contient pas de candidat")
        return verdict(item.state, self._ref_of(candidate))

    @property
    def _people(self) -> dict[str, PersonRecord]:
        return self._reg.people

    def people(self) -> dict[str, PersonCreated]:
        """The registry's people as they stand after their latest edit (a copy: it is handed
        to the UI's thread). Each is a ``PersonRecord``: ``active`` says who may still sign."""
        return dict(self._people)

    def person_history(self, person: str) -> list[Change]:
        """Each edit and the deactivation of a person, oldest first."""
        return list(self._reg.history.get(person, ()))

    def organismes(self) -> list[str]:
        """Every organisme of the registry, by its canonical name, in French order."""
        return self._reg.organismes.sorted()

    def summaries(self) -> Listing:
        """Every candidate's status record (the ``carnet status --json`` contract), from the
        index where the dossier has not changed since, from its events otherwise. A dossier
        that cannot be read is listed apart, never skipped in silence."""
        listing = Listing()
        for candidate, key, record in self._indexed(listing):
            found = (
                record or self._index.get(candidate, key) or self._recomputed(candidate, listing)
            )
            if found is not None:
                listing.records.append(found)
        return listing

    def _recomputed(self, candidate: str, listing: Listing) -> dict[str, Any] | None:
        """A record the index named but could not give back (its file unreadable since):
        computed from the events, or the dossier listed as unreadable; never left out."""
        try:
            return self._fresh_summary(candidate)
        except CarnetError as exc:
            listing.unreadable.append((candidate, exc))
            return None

    def rows(self) -> Listing:
        """What the home screen lists of each candidate (``roster_row``), without decoding the
        full records: 1,000 of them hold tens of megabytes."""
        listing = Listing()
        for candidate, key, record in self._indexed(listing):
            # A record just computed is held by the index too, row included, unless its file
            # has no key (gone meanwhile): only then is its row made here.
            row = self._index.row(candidate, key)
            if row is None and record is not None:
                row = roster_row(record)
            if row is not None:
                listing.records.append(row)
        return listing

    def summary_texts(self) -> tuple[list[tuple[dict[str, Any], bytes]], Listing]:
        """Each candidate's row and status record as JSON text, copied from the index where it
        holds them (``carnet status --json`` prints them as they are)."""
        listing = Listing()
        texts = []
        for candidate, key, record in self._indexed(listing):
            # A record just computed was encoded once, by the index that holds it now.
            row, text = self._index.row(candidate, key), self._index.text(candidate, key)
            if row is not None and text is not None and _one_record(candidate, text):
                texts.append((row, text))
                continue
            computed = record or self._recomputed(candidate, listing)
            if computed is not None:
                texts.append((roster_row(computed), encode_record(computed)))
        return texts, listing

    def _indexed(
        self, listing: Listing
    ) -> Iterator[tuple[str, list[int] | None, dict[str, Any] | None]]:
        """Brings the index up to date: every dossier's entry current and named from the
        registry as it stands now (a person's edit changes no dossier file, so an entry would
        keep the name they had). Yields each readable dossier with its key, and its record
        where it had to be computed (one at a time: a first listing of 1,000 dossiers never
        holds all their records); the unreadable ones go to ``listing``."""
        for candidate in self.missing_dossiers():
            path = self.path_of(candidate)
            listing.unreadable.append(
                (
                    candidate,
                    CorruptFileError(
                        path,
                        "fichier absent, alors que le journal ou l'index le nomment",
                        None,
                        repairable=True,
                        absent=True,
                    ),
                )
            )
        keys = {c: file_key(self.path_of(c)) for c in self.candidate_ids()}
        stale = [c for c, key in keys.items() if self._index.row(c, key) is None]
        beside = self._summaries_beside(stale, keys)
        try:
            yield from self._indexed_each(keys, beside, listing)
        finally:
            if beside is not None:
                beside.close()  # a listing abandoned half-way leaves no child running
        self._index.flush()

    def _indexed_each(
        self, keys: dict[str, list[int] | None], beside: _Beside | None, listing: Listing
    ) -> Iterator[tuple[str, list[int] | None, dict[str, Any] | None]]:
        for candidate, key in keys.items():
            row = self._index.row(candidate, key)
            record = None
            if row is None and beside is not None and candidate in beside.wanted:
                found = beside.taken(candidate)
                if found is not None:
                    self._index.put_text(candidate, key, *found)
                    row = self._index.row(candidate, key)
            if row is not None and not self._named_as(row):
                stored = self._index.get(candidate, key)
                if stored is not None:
                    record = self.named(stored)
                    self._index.put(candidate, key, record)
                else:
                    row = None  # its record cannot be read back: computed again
            if row is None and record is None:
                try:
                    record = self._fresh_summary(candidate)
                except CarnetError as exc:
                    listing.unreadable.append((candidate, exc))
                    continue
                self._index.put(candidate, key, record)
            yield candidate, key, record

    def _fresh_summary(self, candidate: str) -> dict[str, Any]:
        """A record computed from the events, without keeping the dossier in memory."""
        was_open = candidate in self._open
        try:
            return self.summary(candidate)
        finally:
            if not was_open:
                self.forget(candidate)

    def _summaries_beside(
        self, stale: list[str], keys: dict[str, list[int] | None]
    ) -> _Beside | None:
        """With many records to compute (a first start, a lost index), the second half is
        computed by a child on the other processor while this process does the first."""
        if len(stale) < _BESIDE_FROM or not beside_.can_fork():
            return None
        # One computed here first: whatever it imports on first use is imported before the
        # fork, so the child imports nothing (another thread may hold the import lock).
        with contextlib.suppress(CarnetError):
            self._index.put(stale[0], keys[stale[0]], self._fresh_summary(stale[0]))
        wanted = stale[len(stale) // 2 :]

        def work() -> dict[str, tuple[dict[str, Any], bytes]]:
            done = {}
            for candidate in wanted:
                with contextlib.suppress(CarnetError):
                    record = self._fresh_summary(candidate)
                    done[candidate] = (roster_row(record), encode_record(record))
            return done

        child = beside_.fork(work, wait=_BESIDE_WAIT[0] + _BESIDE_WAIT[1] * len(wanted))
        return None if child is None else _Beside(set(wanted), child)

    def restore_backups(self) -> RecoveryReport:
        """``carnet recover`` from inside the app, which already holds the data lock."""
        report = restore(self.folder)
        for path in report.restored:
            self.forget(path.stem)
        if any(p.name == REGISTRY_FILE for p in report.restored):
            self._registry.db.close()
            self._registry = self._load(REGISTRY)
            self._reg = RegistryState.of(self._registry.events)
            self._refresh_referentials()
        self._lost = load_lost(self.folder)
        return report

    def summary(self, candidate: str) -> dict[str, Any]:
        # A dossier whose creation never reached the disk holds no candidate: a StoreError, which
        # ``close`` passes over, rather than an assertion that would end the process.
        ref = self._ref_of(candidate)
        item = self._load(candidate)
        record = status_record(candidate, item.state, self.current_verdict(candidate), ref)
        return self.named(record)

    def _names_of(self, record: dict[str, Any]) -> dict[str, str | None]:
        """The tutor's and manager's names as the registry gives them now."""
        names: dict[str, str | None] = {}
        for role in ("tutor", "manager"):
            person = self._people.get(record.get(role) or "")
            names[f"{role}_name"] = person.name if person else None
        return names

    def _named_as(self, row: dict[str, Any]) -> bool:
        """Whether a row names the tutor and manager as the registry does now."""
        return all(row.get(field) == name for field, name in self._names_of(row).items())

    def named(self, record: dict[str, Any]) -> dict[str, Any]:
        """A status record with its tutor's and manager's names as the registry gives them
        now (a cached record keeps the names it was made with)."""
        record.update(self._names_of(record))
        return record

    def forget_all_but_recent(self, keep: int = 8) -> None:
        """Bulk writers (demo, import) call this so memory stays flat over many dossiers."""
        while len(self._open) > keep:
            _, evicted = self._open.popitem(last=False)
            evicted.db.close()

    def forget(self, candidate: str) -> None:
        """Drops a dossier from memory (a bulk reader keeps memory flat this way)."""
        item = self._open.pop(candidate, None)
        if item is not None:
            item.db.close()

    # --- what users do --------------------------------------------------------------------

    def create_person(
        self,
        name: str,
        organisme: str,
        roles: Sequence[str],
        author: str,
        *,
        strict_organisme: bool = False,
    ) -> str:
        """A new person. The organisme is stored under the registry's spelling of it; with
        ``strict_organisme`` (the forms, ``carnet inscrire``) one the registry does not hold is
        refused, otherwise (scripts, earlier data) it becomes an entry of its own."""
        organisme = self._organisme_for(organisme, strict_organisme)
        person = new_id("p")
        payload = {"person": person, "name": name, "organisme": organisme, "roles": list(roles)}
        self.append(REGISTRY, [Draft("person.created", payload)], author)
        return person

    def create_candidate(
        self,
        name: str,
        organisme: str,
        cqp: str,
        author: str,
        *,
        route: str | None = None,
        tutor: str | None = None,
        manager: str | None = None,
        started: date | None = None,
        strict_organisme: bool = False,
    ) -> str:
        organisme = self._organisme_for(organisme, strict_organisme)
        ref = self.referentials.get(cqp)
        if isinstance(ref, WeightedReferential) and route is None:
            raise StoreError(
                "la voie d'accès (nouvel embauché, parcours de formation, VAE) est requise"
            )
        if isinstance(ref, ThresholdReferential) and route is not None:
            raise StoreError("la voie d'accès ne concerne que le CQP Gestionnaire carrière")
        if tutor is not None and tutor == manager:
            raise AuthorityError(
                "Le tuteur et le manager doivent être deux personnes différentes.",
                RULES["tutor_manager"],
            )
        for chosen, label in ((tutor, "tuteur"), (manager, "manager")):
            found = self._people.get(chosen or "")
            if found is not None:
                check_active(found, f"devenir {label} d'un candidat")
        candidate = f"c-{secrets.token_hex(5)}"
        payload = {
            "candidate": candidate,
            "name": name.strip(),
            "organisme": organisme.strip(),
            "cqp": ref.id,
            "referential_version": ref.version,
            "route": route,
            "tutor": tutor,
            "manager": manager,
            "started": started.isoformat() if started else None,
        }
        self.append(candidate, [Draft("candidate.created", payload)], author)
        return candidate

    def _organisme_for(self, organisme: str, strict: bool) -> str:
        if strict:
            # Candidates name organismes too (earlier folders: free text, never a registry
            # event), so the forms offer and accept them as entries of their own.
            return self.canonical_organisme(organisme, self.known_organismes())
        return self._reg.organismes.canonical(organisme) or organisme.strip()

    def open_grid(
        self,
        candidate: str,
        block: str,
        author: str,
        *,
        evaluator: str,
        certifier: str,
        situation: str | None = None,
    ) -> str:
        """Opens a block's grid with its two evaluators, refusing a business evaluator who is
        linked to the candidate (the seed: no hierarchical link, no part in the training)."""
        ref = self._threshold_ref(candidate)
        try:
            block_def = ref.block(block)
        except KeyError:
            raise StoreError(f"bloc inconnu : {block}") from None
        situations = getattr(block_def.evaluation.format, "situations", ())
        allowed = {s.id for s in situations}
        if allowed and situation not in allowed:
            labels = ", ".join(s.label.lower() for s in situations)
            raise StoreError(f"choisissez la situation observée : {labels}")
        if not allowed and situation is not None:
            raise StoreError(f"le bloc {block_def.number} n'a pas de situation à choisir")
        self.check_evaluators(candidate, evaluator, certifier)
        grid = new_id("g")
        payload = {
            "grid": grid,
            "block": block,
            "situation": situation,
            "evaluator": evaluator,
            "certifier": certifier,
            "declarations": [evaluator, certifier],
        }
        self.append(candidate, [Draft("grid.opened", payload)], author)
        return grid

    def check_evaluators(self, candidate: str, evaluator: str, certifier: str) -> None:
        people = self.people()
        business = self._person(people, evaluator, "representant_metier", "représentant métier")
        self._person(people, certifier, "certificateur", "certificateur ou délégataire")
        if evaluator == certifier:
            raise ConflictError("les deux évaluateurs doivent être deux personnes différentes")
        relations = self._load(candidate).state.related(evaluator)
        if relations:
            described = " et ".join(RELATION_TEXT[r] for r in relations)
            raise ConflictError(
                f"{business.name} ne peut pas évaluer ce candidat : {described}. "
                "Le représentant métier doit être sans lien hiérarchique avec le candidat "
                "et ne pas être intervenu dans sa formation."
            )

    @staticmethod
    def _person(
        people: dict[str, PersonCreated], person: str, role: str, label: str
    ) -> PersonCreated:
        found = people.get(person)
        if found is None:
            raise StoreError(f"personne inconnue : {person}")
        check_active(found, f"agir comme {label}")
        if role not in found.roles:
            raise ConflictError(f"{found.name} n'est pas déclaré(e) {label}")
        return found

    def declare_link(self, candidate: str, person: str, relation: str, author: str) -> None:
        self._ref_of(candidate)
        if person not in self.people():
            raise StoreError(f"personne inconnue : {person}")
        if relation in self._load(candidate).state.related(person):
            raise StoreError("ce lien est déjà déclaré")
        payload = {"person": person, "relation": relation}
        self.append(candidate, [Draft("link.declared", payload)], author)

    def sign_attestation(
        self,
        candidate: str,
        competency: str,
        role: str,
        person: str,
        situation: str,
        secret: str | None = None,
    ) -> None:
        """A tutor's or a manager's signature in the logbook, each in their own role only."""
        ref = self._threshold_ref(candidate)
        if competency not in {c.id for b in ref.blocks for c in b.competencies}:
            raise StoreError(f"compétence inconnue : {competency}")
        people = self.people()
        label = "tuteur" if role == "tuteur" else "manager"
        signer = self._person(people, person, role, label)
        state = self._load(candidate).state
        if role not in state.related(person, former=False):
            raise ConflictError(f"{signer.name} n'est pas déclaré(e) {label} de ce candidat")
        signed = state.attestations.get(competency, {})
        if role in signed:
            raise StoreError(f"le {label} a déjà signé cette compétence")
        if any(sig.person == person for sig in signed.values()):
            raise ConflictError(f"{signer.name} a déjà signé cette compétence dans l'autre rôle")
        payload = {"competency": competency, "role": role, "person": person, "situation": situation}
        payload = self._prove(person, secret, candidate, "attestation.signed", payload)
        self.append(candidate, [Draft("attestation.signed", payload)], person)

    def withdraw_attestation(
        self,
        candidate: str,
        competency: str,
        role: str,
        person: str,
        reason: str,
        secret: str | None = None,
    ) -> None:
        current = self._load(candidate).state.attestations.get(competency, {}).get(role)
        if current is None:
            raise StoreError("aucune signature à retirer")
        if current.person != person:
            raise ConflictError("chacun ne peut retirer que sa propre signature")
        payload = {"competency": competency, "role": role, "person": person, "reason": reason}
        payload = self._prove(person, secret, candidate, "attestation.withdrawn", payload)
        self.append(candidate, [Draft("attestation.withdrawn", payload)], person)

    def grid_event(
        self, candidate: str, grid: str, type: str, author: str, **fields: Any
    ) -> Verdict:
        """Records one of a grid's own events (timers, counters, letters, coverage…)."""
        if type not in GRID_EVENTS:
            raise StoreError(f"événement de grille inconnu : {type}")
        self._threshold_ref(candidate)
        self.append(candidate, [Draft(type, {"grid": grid, **fields})], author)
        return self.current_verdict(candidate)

    def close_grid(self, candidate: str, grid: str, reason: str | None, author: str) -> list[str]:
        """Closes a grid; minimums not met need a reason, recorded with them."""
        ref = self._threshold_ref(candidate)
        state = self._grid_state(candidate, grid)
        missing = shortfalls(ref.block(state.block), state, self.clock())
        reason = (reason or "").strip() or None
        if missing and reason is None:
            raise StoreError("minimums non atteints : un motif est requis — " + " ; ".join(missing))
        payload = {"grid": grid, "shortfalls": missing, "reason": reason}
        self.append(candidate, [Draft("grid.closed", payload)], author)
        return missing

    def sign_grid(self, candidate: str, grid: str, person: str, secret: str | None = None) -> None:
        """One evaluator's signature, covering each criterion's state and each competency's
        count as they stand, made with the evaluator's own key."""
        payload = self.grid_signature(candidate, grid, person)
        payload = self._prove(person, secret, candidate, "grid.signed", payload)
        self.append(candidate, [Draft("grid.signed", payload)], person)

    def grid_signature(self, candidate: str, grid: str, person: str) -> dict[str, Any]:
        """What an evaluator's signature of a grid covers, as the grid stands (not yet signed)."""
        state = self._grid_state(candidate, grid)
        if person == state.evaluator:
            role = "representant_metier"
        elif person == state.certifier:
            role = "certificateur"
        else:
            raise ConflictError("seuls les deux évaluateurs de la grille la signent")
        ref = self._threshold_ref(candidate)
        verdicts = self.current_verdict(candidate)
        counts = {
            comp.id: [comp.count.validated, comp.count.total]
            for block in getattr(verdicts, "blocks", ())
            if block.id == state.block
            for comp in block.competencies
        }
        ref.block(state.block)  # a grid of a block this referential has
        payload: dict[str, Any] = {
            "grid": grid,
            "person": person,
            "role": role,
            "attests": state.attested_states(),
            "counts": counts,
        }
        return payload

    def amend_criterion(
        self,
        candidate: str,
        grid: str,
        criterion: str,
        state: CriterionState,
        comment: str,
        reason: str,
        author: str,
        secret: str | None = None,
    ) -> Verdict:
        """A correction to a signed grid by one of its two evaluators, signed with their own
        key like the grid itself: it changes what they attested."""
        grid_state = self._grid_state(candidate, grid)
        require_one_of(
            self.people(),
            author,
            (grid_state.evaluator, grid_state.certifier),
            "corriger cette grille par avenant",
            RULES["amend"],
        )
        payload = {
            "grid": grid,
            "criterion": criterion,
            "state": state.value,
            "comment": comment,
            "reason": reason,
        }
        payload = self._prove(author, secret, candidate, "criterion.amended", payload)
        self.append(candidate, [Draft("criterion.amended", payload)], author)
        return self.current_verdict(candidate)

    def _grid_state(self, candidate: str, grid: str) -> GridState:
        found = self._load(candidate).state.grids.get(grid)
        if found is None:
            raise StoreError(f"grille inconnue : {grid}")
        return found

    def mark_criteria(
        self,
        candidate: str,
        grid: str,
        marks: Sequence[tuple[str, CriterionState, str]],
        author: str,
    ) -> Verdict:
        """Records criterion states (one or many, in one durable write); returns the verdict."""
        ref = self._threshold_ref(candidate)
        item = self._load(candidate)
        grid_state = item.state.grids.get(grid)
        if grid_state is None:
            raise StoreError(f"grille inconnue : {grid}")
        known = {k.id for c in ref.block(grid_state.block).competencies for k in c.criteria}
        drafts = []
        for criterion, state, comment in marks:
            if criterion not in known:
                raise StoreError(f"le critère {criterion} n'est pas dans cette grille")
            payload = {
                "grid": grid,
                "criterion": criterion,
                "state": state.value,
                "comment": comment,
            }
            drafts.append(Draft("criterion.marked", payload))
        self.append(candidate, drafts, author)
        return self.current_verdict(candidate)

    def undo_grid_change(self, candidate: str, grid: str, author: str) -> int:
        """Reverts the last change to the criteria of an unsigned grid (see models.undo);
        returns how many criteria were put back (0: nothing left to undo)."""
        from models.undo import last_change, restoring

        state = self._grid_state(candidate, grid)
        if state.closed is not None:
            raise StoreError("la grille est close : seul un avenant motivé la modifie")
        events = self._load(candidate).events
        change = last_change(events, grid)
        if not change:
            return 0
        drafts = [Draft("criterion.marked", p) for p in restoring(events, change)]
        self.append(candidate, drafts, author)
        return len(drafts)

    # --- personal credentials (issue 11) ----------------------------------------------------

    kdf_params: KdfParams = DEFAULT_KDF

    @property
    def keystore(self) -> Keystore:
        keystore: Keystore | None = getattr(self, "_keystore", None)
        if keystore is None:
            keystore = self._keystore = Keystore(self.folder)
        return keystore

    def credential_state(self, person: str) -> str:
        """« none » (to be set with the person present), « ok » or « locked »."""
        found = self.keystore.get(person)
        if found is None:
            return "none"
        return "locked" if found.locked else "ok"

    def set_secret(self, person: str, secret: str) -> None:
        """The person's first use at this station: their secret and a new signing key, whose
        public half goes to the registry (it travels with the exports)."""
        known = self.people().get(person)
        if known is None:
            raise StoreError(f"personne inconnue : {person}")
        if self.keystore.get(person) is not None:
            raise SecretError(
                f"{known.name} a déjà un secret ; seul un agent du secrétariat peut le "
                "réinitialiser."
            )
        credential = make_credential(person, secret, self.kdf_params)
        payload = {"person": person, "key": credential.key, "public_key": credential.public_key}
        self.append(REGISTRY, [Draft("credential.registered", payload)], person)
        self.keystore.put(credential)

    def reset_secret(self, person: str, reason: str, author: str) -> None:
        require_role(
            self.people(),
            author,
            "secretariat",
            "réinitialiser un secret",
            "un secret verrouillé ou oublié est réinitialisé par un agent du secrétariat, "
            "avec un motif.",
        )
        if person not in self.people():
            raise StoreError(f"personne inconnue : {person}")
        payload = {"person": person, "reason": reason.strip()}
        self.append(REGISTRY, [Draft("credential.reset", payload)], author)
        self.keystore.remove(person)

    def public_keys(self) -> dict[str, tuple[str, str]]:
        """Every key the registry names: key id -> (person, public key in base64). Kept
        between calls while the registry has not grown (an import asks once per bundle)."""
        events = self._registry.events
        mark = (id(self._registry), len(events))
        cached = self._public_keys
        if cached is not None and cached[0] == mark:
            return dict(cached[1])
        keys: dict[str, tuple[str, str]] = {}
        for event in events:
            if event.type != "credential.registered":
                continue
            payload = payload_of(event)
            if isinstance(payload, CredentialRegistered):
                keys[payload.key] = (payload.person, payload.public_key)
        self._public_keys = (mark, keys)
        return dict(keys)

    def signature_states(self, candidate: str) -> dict[str, str | None]:
        """Each personal signature of the dossier, checked against the registry's keys: the
        dossier screen and the dossier de certification show them as verified or not."""
        return signature_states(self._load(candidate).events, self.public_keys())

    def _prove(
        self, person: str, secret: str | None, dossier: str, type: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The payload with the person's own signature of it; a wrong secret counts towards
        the lock, and nothing is recorded."""
        known = self.people().get(person)
        name = known.name if known is not None else person
        if known is not None:
            check_active(known, "signer")
        credential = self.keystore.get(person)
        if credential is None:
            raise SecretError(
                f"{name} n'a pas encore de secret : il se choisit en sa présence, à la "
                "première signature."
            )
        if credential.locked:
            raise SecretError(
                f"{name} est verrouillé(e) après {MAX_FAILURES} secrets erronés : un agent du "
                "secrétariat doit réinitialiser son secret."
            )
        if not secret:
            raise SecretError(f"La signature demande le secret de {name}.")
        # Refused before the secret is even checked: nothing signed, no attempt counted.
        message = _message_to_sign(dossier, type, payload)
        signature = sign_with(credential, secret, message)
        if signature is None:
            credential.failures += 1
            if credential.failures >= MAX_FAILURES:
                credential.locked = True
                self.keystore.put(credential)
                locked = {"person": person, "failures": credential.failures}
                self.append(REGISTRY, [Draft("credential.locked", locked)], STATION_AUTHOR)
                raise SecretError(
                    f"Secret incorrect. {name} est désormais verrouillé(e) : un agent du "
                    "secrétariat doit réinitialiser son secret."
                )
            self.keystore.put(credential)
            left = MAX_FAILURES - credential.failures
            raise SecretError(
                f"Secret incorrect : rien n'a été signé ({left} essai(s) restant(s))."
            )
        if credential.failures:
            credential.failures = 0
            self.keystore.put(credential)
        return {
            **payload,
            "proof": {"person": person, "key": credential.key, "signature": signature},
        }

    def prove_with(
        self,
        person: str,
        private: Ed25519PrivateKey,
        dossier: str,
        type: str,
        payload: dict[str, Any],
    ) -> dict[str, Any]:
        """The payload signed with a key already unlocked by its owner's secret: for writing a
        past history in one go (the demo), where deriving the key at each signature would
        cost seconds. The app signs through the secret, at the moment of signing."""
        credential = self.keystore.get(person)
        if credential is None:
            raise SecretError(f"{person} n'a pas de secret à cette station")
        signature = base64.b64encode(private.sign(_message_to_sign(dossier, type, payload)))
        return {
            **payload,
            "proof": {"person": person, "key": credential.key, "signature": signature.decode()},
        }

    def resolve_conflict(
        self,
        candidate: str,
        key: str,
        chosen: str,
        reason: str,
        author: str,
        secret: str | None = None,
    ) -> None:
        """The secretariat's choice of the value that stands, itself an event, signed by the
        agent with their secret: it decides which of two recorded values counts."""
        require_role(self.people(), author, "secretariat", "trancher un conflit", RULES["conflict"])
        payload: dict[str, Any] = {"key": key, "chosen": chosen, "reason": reason.strip()}
        payload = self._prove(author, secret, candidate, "conflict.resolved", payload)
        self.append(candidate, [Draft("conflict.resolved", payload)], author)

    def _ref_of(self, candidate: str) -> ThresholdReferential | WeightedReferential:
        item = self._load(candidate)
        if item.state.candidate is None:
            raise StoreError(f"dossier sans candidat : {candidate}")
        # The version the candidate was registered under, not the newest: a version published
        # since applies to the candidates registered after it.
        cand = item.state.candidate
        return self.referentials.version(cand.cqp, cand.referential_version)

    def _threshold_ref(self, candidate: str) -> ThresholdReferential:
        ref = self._ref_of(candidate)
        if not isinstance(ref, ThresholdReferential):
            raise StoreError("les grilles d'observation concernent le CQP Gestionnaire conseil")
        return ref

    def _weighted_ref(self, candidate: str) -> WeightedReferential:
        ref = self._ref_of(candidate)
        if not isinstance(ref, WeightedReferential):
            raise StoreError("les notes pondérées concernent le CQP Gestionnaire carrière")
        return ref


class RefusedEvent(StoreError, EventError):
    """An event the dossier's history does not allow (a mark after the proclamation…)."""


RELATION_TEXT = {
    "tuteur": "il ou elle est déclaré(e) tuteur du candidat",
    "manager": "il ou elle est déclaré(e) manager du candidat",
    "superieur": "il ou elle est déclaré(e) supérieur(e) hiérarchique du candidat",
    "formateur": "il ou elle est intervenu(e) dans sa formation",
}
GRID_EVENTS = frozenset(
    {
        "timer.started",
        "timer.paused",
        "interviews.counted",
        "letter.recorded",
        "coverage.marked",
        "no_document.noted",
        "question.recorded",
    }
)


_BY_SEQ = operator.attrgetter("seq")


def merged_order(events: Iterable[Event]) -> list[Event]:
    """Each station's events in its own order, the stations interleaved by time: a dossier
    merged from several stations reads as it happened, and one station's alone as it was."""
    chains: dict[str, list[Event]] = {}
    for event in events:
        chains.setdefault(event.station, []).append(event)
    if len(chains) == 1:
        (only,) = chains.values()
        return sorted(only, key=_BY_SEQ)
    ordered = [sorted(chain, key=_BY_SEQ) for chain in chains.values()]
    return list(heapq.merge(*ordered, key=lambda e: (e.ts, e.station, e.seq)))


def _with_replaces(state: DossierState, drafts: Sequence[Draft], ids: Sequence[str]) -> list[Draft]:
    """Names, in each keyed event, the event whose value it replaces on this station."""
    latest: dict[str, str] = {}
    result = []
    for draft, event_id in zip(drafts, ids, strict=True):
        key = claim_key(draft.type, draft.payload)
        if key is not None:
            current = latest.get(key) or (
                state.sources[key].event if key in state.sources else None
            )
            draft = replace(draft, payload={**draft.payload, "replaces": current})
            latest[key] = event_id
        result.append(draft)
    return result


REGISTRY_PAYLOADS = (
    PersonCreated,
    PersonEdited,
    PersonDeactivated,
    OrganismeRegistered,
    CredentialRegistered,
    CredentialLocked,
    CredentialReset,
    ReferentialPublished,
)


def _check_registry_event(event: Event) -> None:
    if not isinstance(payload_of(event), REGISTRY_PAYLOADS):
        raise EventError(f"{event.type} n'a pas sa place dans le registre")


def _disk_error(exc: OSError) -> DiskWriteError:
    import errno

    if exc.errno == errno.ENOSPC:
        why = "le disque est plein"
    elif exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "écriture refusée par le système"
    else:
        why = os_reason(exc)
    return DiskWriteError(
        f"Rien n'a été enregistré : {why}. Les données précédentes sont intactes."
    )


__all__ = ["REGISTRY", "ConflictError", "Draft", "Snapshot", "Store", "canonical", "new_id"]


def _message_to_sign(dossier: str, type: str, payload: dict[str, Any]) -> bytes:
    """What a personal signature covers: the payload as it will be stored."""
    try:
        stored = PAYLOADS[type].model_validate(payload).model_dump(mode="json")
    except ValidationError as exc:
        raise EventError(f"{type} : {french(exc)}") from exc
    return signed_message(dossier, type, stored)
