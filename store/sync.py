"""Sending a station's events to the secretariat and merging them there, exactly once.

Station side: ``sync.json`` says which of the station's own sequence numbers were exported and
which the secretariat acknowledged; ``export`` writes a signed bundle of what is not yet
acknowledged. Receiving side: ``ledger.json`` says, per station, which sequence numbers were
received, with the hashes at the edges of each received range, so a new bundle is checked
against the chain (a fork or a forged event is refused) and what was already received is
skipped. A gap is reported and the events around it are kept. Each import writes a signed
receipt per station; the station imports it to mark its events as confirmed.

The order of writes makes a killed import harmless: dossiers first (each skipping event ids it
already holds), the ledger after, receipts last; importing again finishes the job.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.events import Event, utc_now
from store.atomic import atomic_write
from store.bundle import (
    SUFFIX,
    BundleError,
    Header,
    Opened,
    UnknownStation,
    check_events,
    open_file,
    seal_file,
)
from store.errors import CorruptFileError, StoreError
from store.keys import StationKey, TrustedKey, TrustStore, load_or_create_key
from store.layout import REGISTRY
from store.personal import check_personal_signatures

if TYPE_CHECKING:
    from store.store import Store

SYNC_NAME = "sync.json"
LEDGER_NAME = "ledger.json"
RECEIPTS = "accuses"
_DOSSIER = re.compile(r"^c-[0-9a-f]{6,32}$")
# Buffered events before the dossiers they touch are written: bounds memory on big imports.
FLUSH_EVENTS = 30_000


# --- ranges of sequence numbers -------------------------------------------------------------


def add_range(ranges: list[list[int]], start: int, end: int) -> list[list[int]]:
    """Inclusive ranges, merged and sorted."""
    merged: list[list[int]] = []
    for a, b in sorted([*ranges, [start, end]]):
        if merged and a <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return merged


def covered(ranges: Sequence[Sequence[int]], seq: int) -> bool:
    return any(a <= seq <= b for a, b in ranges)


def gaps(ranges: Sequence[Sequence[int]]) -> list[tuple[int, int]]:
    """What is missing between 1 and the last sequence number received."""
    missing = []
    expected = 1
    for a, b in sorted((int(r[0]), int(r[1])) for r in ranges):
        if a > expected:
            missing.append((expected, a - 1))
        expected = max(expected, b + 1)
    return missing


def ranges_text(ranges: Iterable[tuple[int, int]]) -> str:
    return ", ".join(f"n° {a}" if a == b else f"n° {a} à {b}" for a, b in ranges)


# --- the station's side ---------------------------------------------------------------------


def _read_json(path: Path, default: dict[str, Any]) -> dict[str, Any]:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return default
    try:
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError
        return data
    except ValueError as exc:
        raise CorruptFileError(path, "état de synchronisation illisible", None) from exc


@dataclass
class SyncState:
    """A station's exports and the secretariat's acknowledgements, in its own numbering."""

    next_bundle: int = 1
    exported: list[list[int]] = field(default_factory=list)
    acknowledged: list[list[int]] = field(default_factory=list)
    bundles: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def load(cls, folder: Path) -> SyncState:
        data = _read_json(folder / SYNC_NAME, {})
        return cls(
            int(data.get("next_bundle", 1)),
            [list(r) for r in data.get("exported", [])],
            [list(r) for r in data.get("acknowledged", [])],
            list(data.get("bundles", [])),
        )

    def save(self, folder: Path) -> None:
        data = {
            "next_bundle": self.next_bundle,
            "exported": self.exported,
            "acknowledged": self.acknowledged,
            "bundles": self.bundles,
        }
        atomic_write(folder / SYNC_NAME, json.dumps(data, indent=1).encode())

    def status_of(self, seqs: Iterable[int]) -> str:
        """« non exporté », « exporté, non confirmé » or « confirmé » for a set of events."""
        seqs = list(seqs)
        if not seqs:
            return "rien à envoyer"
        if not all(covered(self.exported, s) for s in seqs):
            return "non exporté"
        if not all(covered(self.acknowledged, s) for s in seqs):
            return "exporté, non confirmé"
        return "confirmé par le secrétariat"


@dataclass(frozen=True)
class ExportReport:
    path: Path
    bundle: int
    events: int


def own_events(store: Store) -> list[dict[str, Any]]:
    """The station's own events, as stored, in sequence order."""
    mine = []
    for dossier in (REGISTRY, *store.candidate_ids()):
        for raw in store.raw_events(dossier).values():
            if raw.get("station") == store.station.id:
                mine.append(dict(raw))
    mine.sort(key=lambda r: int(r["seq"]))
    return mine


def export(store: Store, out: Path, *, everything: bool = False) -> ExportReport:
    """Writes a signed bundle of the events the secretariat has not acknowledged yet."""
    if out.exists():
        raise StoreError(
            f"{out} existe déjà : un lot n'est jamais réécrit, choisissez un autre nom"
        )
    if not out.parent.is_dir():
        raise StoreError(f"le dossier {out.parent} n'existe pas")
    state = SyncState.load(store.folder)
    key = load_or_create_key(store.folder)
    events = [
        raw
        for raw in own_events(store)
        if everything or not covered(state.acknowledged, int(raw["seq"]))
    ]
    for raw in events:
        Event.from_stored(raw)  # never send an event this station cannot vouch for
    refs = {ref.id: ref.version for ref in store.referentials.all()}
    bundle = state.next_bundle
    data = seal_file(
        "bundle", store.station.id, key, bundle, events, count=len(events), referentials=refs
    )
    try:
        atomic_write(out, data, keep_backup=False)
    except OSError as exc:
        raise StoreError(f"lot non écrit ({exc.strerror}) : rien n'a changé") from exc
    for raw in events:
        state.exported = add_range(state.exported, int(raw["seq"]), int(raw["seq"]))
    state.bundles.append(
        {"seq": bundle, "path": str(out), "events": len(events), "created": utc_now()}
    )
    state.next_bundle += 1
    state.save(store.folder)
    return ExportReport(out, bundle, len(events))


# --- the receiving side ---------------------------------------------------------------------


class Ledger:
    """Per station: received ranges as [start, prev of start, end, hash of end]."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_NAME
        data = _read_json(self.path, {"stations": {}, "receipts": 0, "files": []})
        self.stations: dict[str, list[list[Any]]] = data.get("stations", {})
        self.receipts = int(data.get("receipts", 0))
        self.files: set[str] = set(data.get("files", []))
        self.dirty = False

    def save(self) -> None:
        data = {
            "stations": self.stations,
            "receipts": self.receipts,
            "files": sorted(self.files),
        }
        atomic_write(self.path, json.dumps(data).encode())
        self.dirty = False

    def received(self, station: str, seq: int) -> bool:
        return any(r[0] <= seq <= r[2] for r in self.stations.get(station, []))

    def check_and_add(self, station: str, events: list[dict[str, Any]]) -> None:
        """Adds new events (sorted, none received yet) to the ranges, checking the chain at
        every edge they share with what was received before."""
        ranges = self.stations.setdefault(station, [])
        segments: list[list[Any]] = []
        for raw in events:
            seq = int(raw["seq"])
            if segments and segments[-1][2] == seq - 1:
                segments[-1][2], segments[-1][3] = seq, raw["hash"]
            else:
                segments.append([seq, raw["prev"], seq, raw["hash"]])
        for start, prev, end, last in segments:
            before = next((r for r in ranges if r[2] == start - 1), None)
            if before is not None and before[3] != prev:
                raise BundleError(f"chaîne rompue pour le poste {station} au n° {start}")
            after = next((r for r in ranges if r[0] == end + 1), None)
            if after is not None and after[1] != last:
                raise BundleError(f"chaîne rompue pour le poste {station} au n° {end + 1}")
        self.dirty = self.dirty or bool(segments)
        for segment in segments:
            ranges.append(segment)
        ranges.sort(key=lambda r: r[0])
        joined: list[list[Any]] = []
        for r in ranges:
            if joined and r[0] == joined[-1][2] + 1:
                joined[-1][2], joined[-1][3] = r[2], r[3]
            else:
                joined.append(list(r))
        self.stations[station] = joined

    def plain_ranges(self, station: str) -> list[list[int]]:
        return [[r[0], r[2]] for r in self.stations.get(station, [])]


@dataclass
class FileResult:
    path: Path
    kind: str = ""
    station: str = ""
    new_events: int = 0
    known_events: int = 0
    error: str | None = None
    unknown: UnknownStation | None = None  # refused only for want of trust


@dataclass
class ImportReport:
    files: list[FileResult] = field(default_factory=list)
    gaps: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    receipts: list[Path] = field(default_factory=list)
    acknowledged: int = 0
    conflicts: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]

    @property
    def new_events(self) -> int:
        return sum(f.new_events for f in self.files)


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files as given; a folder stands for the carnet files it holds."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.suffix == SUFFIX and p.is_file()))
        else:
            found.append(path)
    return found


@dataclass
class Checked:
    """One file after every check that needs no state: signature, hashes, events."""

    header: Header | None = None
    events: list[dict[str, Any]] | None = None  # a bundle's checked events (None: known)
    content: Any = None  # a receipt's content
    error: str | None = None
    unknown: UnknownStation | None = None


def _open(path: Path, keys: dict[str, TrustedKey]) -> Opened | Checked:
    """The file opened and its signature checked, or why it is refused."""
    try:
        return open_file(_read(path), keys)
    except UnknownStation as exc:
        return Checked(error=str(exc), unknown=exc)
    except BundleError as exc:
        return Checked(error=str(exc))
    except OSError as exc:
        return Checked(error=f"illisible : {exc.strerror or exc}")


def _settled(opened: Opened, known: frozenset[str]) -> Checked | None:
    """What needs no event-by-event check: a receipt, or a content imported before (signed,
    so identical). None for a bundle still to check."""
    if opened.header.kind == "receipt":
        return Checked(opened.header, content=opened.content)
    if opened.header.content_sha256 in known:
        return Checked(opened.header)
    return None


def check_path(
    path: Path, keys: dict[str, TrustedKey], refs: dict[str, str], known: frozenset[str]
) -> Checked:
    opened = _open(path, keys)
    if isinstance(opened, Checked):
        return opened
    try:
        settled = _settled(opened, known)
        if settled is not None:
            return settled
        events = check_events(opened, refs)
        for raw in events:
            dossier = str(raw["dossier"])
            if dossier != REGISTRY and not _DOSSIER.match(dossier):
                raise BundleError(f"nom de dossier refusé : {dossier!r}")
        return Checked(opened.header, events)
    except BundleError as exc:
        return Checked(error=str(exc))


_WORKER: dict[str, Any] = {}


def _init_worker(keys: dict[str, TrustedKey], refs: dict[str, str], known: frozenset[str]) -> None:
    _WORKER.update(keys=keys, refs=refs, known=known)


def _check_in_worker(path: Path) -> Checked:
    return check_path(path, _WORKER["keys"], _WORKER["refs"], _WORKER["known"])


# Checking signatures and hashes is most of an import's work: above this many files it is
# shared with worker processes, while this one applies what they checked, in file order.
POOL_FROM = 32
IN_FLIGHT = 8


def _checked(
    paths: Sequence[Path], keys: dict[str, TrustedKey], refs: dict[str, str], known: frozenset[str]
) -> Iterator[Checked]:
    """Each file checked, in order. Files already imported, receipts and refusals are settled
    here; the bundles to check event by event go to the workers when there are many."""
    settled: list[Checked | None] = []
    todo: list[Path] = []
    for path in paths:
        opened = _open(path, keys)
        item = opened if isinstance(opened, Checked) else _settled(opened, known)
        settled.append(item)
        if item is None:
            todo.append(path)
    workers = min(2, os.cpu_count() or 1)
    if len(todo) < POOL_FROM or workers < 2:
        for item in settled:
            yield item if item is not None else check_path(todo.pop(0), keys, refs, known)
        return
    yield from _checked_by_workers(settled, todo, workers, (keys, refs, known))


def _checked_by_workers(
    settled: list[Checked | None],
    todo: list[Path],
    workers: int,
    setup: tuple[dict[str, TrustedKey], dict[str, str], frozenset[str]],
) -> Iterator[Checked]:
    """Bundles checked by worker processes, a few ahead, in order. Should the workers fail
    (memory, a killed process), the rest is checked here: slower, never wrong."""
    context = multiprocessing.get_context("spawn")
    queue: deque[tuple[Path, Future[Checked] | None]] = deque()
    waiting = iter(todo)
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=_init_worker, initargs=setup
    ) as pool:
        broken = False

        def submit() -> None:
            nonlocal broken
            ahead = next(waiting, None)
            if ahead is None:
                return
            future = None
            if not broken:
                try:
                    future = pool.submit(_check_in_worker, ahead)
                except (BrokenProcessPool, OSError, RuntimeError):
                    broken = True
            queue.append((ahead, future))

        for _ in range(IN_FLIGHT):
            submit()
        for item in settled:
            if item is not None:
                yield item
                continue
            path, future = queue.popleft()
            submit()
            try:
                if future is None:
                    raise BrokenProcessPool("pas de processus de vérification")
                yield future.result()
            except (BrokenProcessPool, OSError, RuntimeError):
                broken = True
                yield check_path(path, *setup)


def import_files(
    store: Store,
    paths: Sequence[Path],
    *,
    receipts_dir: Path | None = None,
    progress: Callable[[int, int, FileResult], None] | None = None,
) -> ImportReport:
    """Imports bundles and receipts; each file is accepted or refused whole."""
    report = ImportReport()
    trust = TrustStore(store.folder)
    own = load_or_create_key(store.folder)
    # Its own files are recognised too, so that re-importing one says what it is.
    keys = {**trust.keys, store.station.id: TrustedKey(store.station.id, own.public, "")}
    ledger = Ledger(store.folder)
    refs = {ref.id: ref.version for ref in store.referentials.all()}
    pending: dict[str, list[dict[str, Any]]] = {}
    buffered = 0
    touched: set[str] = set()
    checked = _checked(paths, keys, refs, frozenset(ledger.files))
    for index, (path, item) in enumerate(zip(paths, checked, strict=True), 1):
        result = FileResult(path)
        report.files.append(result)
        try:
            result.unknown = item.unknown
            if item.error is not None or item.header is None:
                raise BundleError(item.error or "fichier illisible")
            result.kind, result.station = item.header.kind, item.header.station
            if item.header.kind == "receipt":
                report.acknowledged += _take_receipt(store, item.content)
            else:
                new = _take_bundle(store, ledger, item, result, pending)
                for raw in new:
                    pending.setdefault(str(raw["dossier"]), []).append(raw)
                buffered += len(new)
                touched.add(item.header.station)
        except (BundleError, StoreError) as exc:
            result.error = str(exc)
        if buffered >= FLUSH_EVENTS:
            _flush(store, ledger, pending)
            buffered = 0
        if progress is not None:
            progress(index, len(paths), result)
    _flush(store, ledger, pending)
    for station in sorted(touched):
        missing = gaps(ledger.plain_ranges(station))
        if missing:
            report.gaps[station] = missing
    if touched:
        report.receipts = write_receipts(store, ledger, touched, receipts_dir)
    return report


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(512 * 1024 * 1024 + 1)
    return data


def _take_bundle(
    store: Store,
    ledger: Ledger,
    item: Checked,
    result: FileResult,
    pending: dict[str, list[dict[str, Any]]],
) -> list[dict[str, Any]]:
    assert item.header is not None
    header = item.header
    if header.station == store.station.id:
        raise BundleError("ce lot vient de ce poste même : rien à importer")
    if item.events is None or header.content_sha256 in ledger.files:
        result.known_events = header.count
        return []
    new = [raw for raw in item.events if not ledger.received(header.station, int(raw["seq"]))]
    result.known_events = len(item.events) - len(new)
    result.new_events = len(new)
    check_personal_signatures(store.public_keys(), new, pending)  # issue 11
    ledger.check_and_add(header.station, new)
    ledger.files.add(header.content_sha256)
    ledger.dirty = True
    return new


def _flush(store: Store, ledger: Ledger, pending: dict[str, list[dict[str, Any]]]) -> None:
    """Dossiers first, then the ledger that says they were received."""
    store.receive(pending)
    pending.clear()
    if ledger.dirty:
        ledger.save()


def write_receipts(
    store: Store, ledger: Ledger, stations: Iterable[str], folder: Path | None
) -> list[Path]:
    folder = folder or store.folder / RECEIPTS
    folder.mkdir(parents=True, exist_ok=True)
    key = load_or_create_key(store.folder)
    written = []
    for station in sorted(stations):
        ledger.receipts += 1
        ranges = ledger.plain_ranges(station)
        content = {"for_station": station, "ranges": ranges}
        count = sum(b - a + 1 for a, b in ranges)
        data = seal_file("receipt", store.station.id, key, ledger.receipts, content, count=count)
        path = folder / f"accuse-{station}-{ledger.receipts:05d}{SUFFIX}"
        atomic_write(path, data, keep_backup=False)
        written.append(path)
    ledger.save()
    return written


def _take_receipt(store: Store, content: Any) -> int:
    if not isinstance(content, dict) or not isinstance(content.get("ranges"), list):
        raise BundleError("accusé de réception illisible")
    if content.get("for_station") != store.station.id:
        raise BundleError(
            f"cet accusé de réception concerne le poste {content.get('for_station')}, "
            f"pas celui-ci ({store.station.id})"
        )
    state = SyncState.load(store.folder)
    before = sum(b - a + 1 for a, b in state.acknowledged)
    for item in content["ranges"]:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(v, int) and v >= 1 for v in item)
            or item[0] > item[1]
        ):
            raise BundleError("accusé de réception illisible (plages)")
        # Only what this station actually exported can be confirmed.
        for a, b in state.exported:
            low, high = max(a, item[0]), min(b, item[1])
            if low <= high:
                state.acknowledged = add_range(state.acknowledged, low, high)
    state.save(store.folder)
    return sum(b - a + 1 for a, b in state.acknowledged) - before


def trust_station(store: Store, unknown: UnknownStation) -> bool:
    """Trusts the key a bundle came with, once a person has checked its fingerprint."""
    if unknown.station == store.station.id:
        raise StoreError("c'est la clé de ce poste même")
    return TrustStore(store.folder).trust(TrustedKey(unknown.station, unknown.public, utc_now()))


def confirm_trust(store: Store, key_file: Path) -> tuple[str, str, bool]:
    """Trusts a station's public key file; returns (station, fingerprint, newly added)."""
    from store.keys import read_public_key_file

    try:
        raw = key_file.read_bytes()
    except OSError as exc:
        raise StoreError(f"impossible de lire {key_file} : {exc.strerror}") from exc
    key = read_public_key_file(raw)
    if key.station == store.station.id:
        raise StoreError("c'est la clé de ce poste même")
    added = TrustStore(store.folder).trust(key)
    return key.station, key.fingerprint, added


def station_key(store: Store) -> StationKey:
    return load_or_create_key(store.folder)


def sync_state(store: Store) -> SyncState:
    return SyncState.load(store.folder)


__all__ = ["ExportReport", "ImportReport", "SyncState", "export", "import_files"]


def sync_status(store: Store, candidate: str) -> dict[str, str]:
    """For each grid (« grid:ID ») and signature in force (« attestation:C:ROLE ») of a
    dossier: not exported, exported but not confirmed, or confirmed by the secretariat."""
    state = SyncState.load(store.folder)
    snap = store.snapshot(candidate)
    own = {e.id: e.seq for e in snap.events if e.station == store.station.id}
    by_grid: dict[str, list[int]] = {}
    for event in snap.events:
        grid = event.payload.get("grid")
        if event.id in own and isinstance(grid, str):
            by_grid.setdefault(grid, []).append(own[event.id])
    statuses = {f"grid:{grid}": state.status_of(seqs) for grid, seqs in by_grid.items()}
    for key, source in snap.state.sources.items():
        if key.startswith("attestation:") and source.event in own:
            statuses[key] = state.status_of([own[source.event]])
    return statuses
