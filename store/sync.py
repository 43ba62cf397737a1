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

import contextlib
import json
import os
import re
import zlib
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from models.events import Event, EventError, utc_now
from store import beside
from store.atomic import atomic_write, backup_path
from store.bundle import (
    SUFFIX,
    BundleError,
    Content,
    Header,
    Opened,
    Reader,
    Recipient,
    UnknownStation,
    check_events,
    decrypted,
    open_file,
    seal_file,
)
from store.chains import Chains, rebuild
from store.collector import collector_paused
from store.draft import Draft
from store.errors import CorruptFileError, DiskWriteError, StoreError, os_reason
from store.journal import JOURNAL_NAME, read_entries
from store.keys import (
    ROLE_TEXT,
    STATION,
    UNKNOWN_ROLE,
    StationKey,
    TrustedKey,
    TrustStore,
    load_or_create_encryption_key,
    load_or_create_key,
    normalised_fingerprint,
    public_key_file,
    raw_public,
    read_public_key_file,
    sender_label,
)
from store.layout import REGISTRY
from store.personal import ProofsBeside, check_personal_signatures, keys_in, release
from store.referentials import check_bundle as check_referentials
from store.replication import (
    Knowledge,
    add_ranges,
    authenticated,
    covered,
    encode_spine,
    head_is_valid,
    ranges_of,
    sign_head,
    spine_digest,
    spine_hashes,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

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
        # sync.json and ledger.json are written with a backup, which ``carnet recover``
        # restores: the message says so.
        backup = backup_path(path)
        raise CorruptFileError(
            path, "état de synchronisation illisible", backup if backup.exists() else None
        ) from exc


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
    recipient: str = ""


def own_events(store: Store) -> list[dict[str, Any]]:
    """The station's own events, as stored, in sequence order."""
    mine = []
    for dossier in (REGISTRY, *store.candidate_ids()):
        for raw in store.raw_events(dossier).values():
            if raw.get("station") == store.station.id:
                mine.append(dict(raw))
    mine.sort(key=lambda r: int(r["seq"]))
    return mine


def recipient_of(store: Store, pour: str | None) -> TrustedKey:
    """Who a bundle is for: ``--pour``, or else the one secretariat this folder trusts. Its
    content is encrypted to it: a bundle is never written in clear."""
    trust = TrustStore(store.folder)
    if pour is not None:
        key = trust.keys.get(pour)
        if key is None:
            raise StoreError(
                f"destinataire inconnu ici : {pour}. Faites d'abord confiance à sa clé publique "
                "(carnet trust FICHIER --empreinte …)"
            )
    else:
        if store.station.secretariat:
            raise StoreError("au secrétariat, indiquez le poste destinataire (--pour IDENTIFIANT)")
        secretariats = [k for k in trust.keys.values() if k.secretariat]
        if not secretariats:
            raise StoreError(
                "aucun secrétariat de confiance : faites d'abord confiance à la clé publique du "
                "secrétariat (carnet trust FICHIER --empreinte …, ou « i » sur sa clé dans les "
                "Échanges) ; un lot n'est jamais écrit en clair"
            )
        if len(secretariats) > 1:
            names = ", ".join(k.station for k in secretariats)
            raise StoreError(f"plusieurs secrétariats de confiance ({names}) : indiquez --pour")
        (key,) = secretariats
    if key.encryption is None:
        raise StoreError(
            f"la clé de {key.label} a été reconnue sans sa clé de chiffrement (depuis un lot, ou "
            "par une version précédente) : faites confiance à son fichier de clé publique "
            "(carnet station --out sur ce poste, puis carnet trust FICHIER --empreinte …)"
        )
    return key


def export(
    store: Store, out: Path, *, everything: bool = False, pour: str | None = None
) -> ExportReport:
    """Writes a signed bundle, encrypted to its recipient, of the events it is not known to
    hold, of every origin: a station's own and those it received (forwarded), and at the
    secretariat the dossiers of the stations' candidates (``--all``: everything in scope)."""
    if out.exists():
        raise StoreError(
            f"{out} existe déjà : un lot n'est jamais réécrit, choisissez un autre nom"
        )
    if not out.parent.is_dir():
        raise StoreError(f"le dossier {out.parent} n'existe pas")
    recipient = recipient_of(store, pour)
    assert recipient.encryption is not None
    state = SyncState.load(store.folder)
    knowledge = Knowledge(store.folder)
    ledger = Ledger(store.folder)
    trust = TrustStore(store.folder)
    key = load_or_create_key(store.folder)
    me = store.station.id
    known = {} if everything else dict(knowledge.known(recipient.station))
    if recipient.secretariat and not everything:  # acknowledged by the release before
        known[me] = add_ranges(known.get(me, []), state.acknowledged)
    # Another origin's events travel only with a head signed by it that covers them, and the
    # list of that origin's hashes it signed (its spine), rebuilt from what is held here.
    chains = Chains(store.folder)
    spines: dict[str, tuple[dict[str, Any], bytes]] = {}
    for origin, signed in knowledge.heads.items():
        for head in sorted(signed, key=lambda h: -int(h["seq"])):
            # Every hash 1…seq known here, whose digest is the one the origin signed.
            span = chains.span(origin, int(head["seq"]))
            if span is not None and spine_digest(span) == head.get("spine"):
                spines[origin] = (head, span)
                break
    reach = {o: int(head["seq"]) for o, (head, _) in spines.items()}
    # Never send an event this folder cannot vouch for: each is checked, and its JSON kept.
    found = _checked_to_send(store, recipient, known, reach)
    found.sort(key=lambda f: (f[0], f[1]))
    for _, _, data in found:
        if isinstance(data, str):
            raise EventError(data)
    texts = [data for _, _, data in found if isinstance(data, bytes)]
    origins = {origin for origin, _, _ in found} - {me}
    heads = {o: [spines[o][0]] for o in origins}
    spine_texts = {o: encode_spine(spines[o][1]) for o in origins}
    mine = own_hashes(store)
    if mine:
        heads[me] = [sign_head(key, me, mine)]
        if store.station.secretariat:
            # Its events reach each station in part (that station's candidates): their list
            # lets the station pass them on to another (the evaluator's laptop).
            spine_texts[me] = encode_spine(mine)
    content = {
        "heads": heads,
        "spines": spine_texts,
        "holds": holds_of(store, ledger),
        "keys": _vouched_for(store, trust, recipient.station),
    }
    refs = {ref.id: ref.version for ref in store.referentials.all()}
    bundle = state.next_bundle
    data = seal_file(
        "bundle", me, key, bundle, content, count=len(texts), referentials=refs,
        sender=store.station, recipient=Recipient(recipient.station, recipient.encryption),
        events=texts,
    )  # fmt: skip
    try:
        atomic_write(out, data, keep_backup=False)
    except OSError as exc:
        raise StoreError(f"lot non écrit ({os_reason(exc)}) : rien n'a changé") from exc
    by_origin: dict[str, list[int]] = {}
    for origin, seq, _ in found:
        by_origin.setdefault(origin, []).append(seq)
    state.exported = add_ranges(state.exported, ranges_of(by_origin.get(me, [])))
    entry = {"seq": bundle, "path": str(out), "events": len(texts), "created": utc_now(),
             "for": recipient.station}  # fmt: skip
    state.bundles.append(entry)
    state.next_bundle += 1
    try:
        state.save(store.folder)
        knowledge.save()
    except OSError as exc:
        # The bundle is whole and can be sent; only the record of having sent it is missing,
        # so the next bundle carries its events again (the recipient takes them once).
        raise StoreError(
            f"lot écrit dans {out}, mais son envoi n'a pas pu être noté ({os_reason(exc)}) :"
            " il peut être transmis ; le prochain lot contiendra de nouveau ses événements"
        ) from exc
    return ExportReport(out, bundle, len(texts), recipient.label)


def own_hashes(store: Store) -> list[str]:
    """This folder's event hashes, 1…head, from its journal (one line per event); from its
    dossiers should the journal not give exactly the head."""
    head = store.head
    if not head.seq:
        return []
    try:
        entries = read_entries((store.folder / JOURNAL_NAME).read_bytes())[0]
    except OSError:
        entries = []
    found = {e.seq: e.hash for e in entries}
    hashes = [found.get(k, "") for k in range(1, head.seq + 1)]
    if all(hashes) and hashes[-1] == head.hash:
        return hashes
    by_seq = {int(raw["seq"]): str(raw["hash"]) for raw in own_events(store)}
    return [by_seq[k] for k in range(1, head.seq + 1) if k in by_seq]


def own_hash_map(store: Store) -> dict[int, str]:
    """This folder's event hashes by sequence number (``own_hashes``; from its dossiers
    should the journal miss one)."""
    hashes = own_hashes(store)
    if len(hashes) == store.head.seq:
        return dict(enumerate(hashes, 1))
    return {int(raw["seq"]): str(raw["hash"]) for raw in own_events(store)}


def holds_of(store: Store, ledger: Ledger) -> dict[str, list[list[Any]]]:
    """What this folder holds, per origin: ranges with the hash of their last event, so that
    the other side counts only what is the same history as its own."""
    holds = {o: [[r[0], r[2], r[3]] for r in ranges] for o, ranges in ledger.stations.items()}
    if store.head.seq:
        holds[store.station.id] = [[1, store.head.seq, store.head.hash]]
    return holds


# From this many dossiers on, an export reads and checks the second half of them in a child
# process (store.beside) while it does the first.
SEND_BESIDE_FROM = 16


def _checked_to_send(
    store: Store,
    recipient: TrustedKey,
    known: Mapping[str, list[list[int]]],
    reach: Mapping[str, int],
) -> list[tuple[str, int, bytes | str]]:
    """What a bundle sends, in the dossiers' order: (origin, number, the event's JSON once
    checked, or why it fails its check). Reading and checking 20,000 events is most of an
    export: with many dossiers, the second half is done by a child on the other processor; if
    it gives no answer, here."""
    dossiers = [REGISTRY, *store.candidate_ids()]
    half = len(dossiers) // 2
    child = None
    if len(dossiers) >= SEND_BESIDE_FROM and beside.can_fork():
        later = dossiers[half:]
        child = beside.fork(
            lambda: _to_send(store, recipient, later, known, reach), wait=10.0 + 0.05 * half
        )
    try:
        found = _to_send(store, recipient, dossiers[: half if child else None], known, reach)
        if child is not None:
            answered, rest = child.result()
            if not answered or not isinstance(rest, list):
                rest = _to_send(store, recipient, dossiers[half:], known, reach)
            found.extend(rest)
    finally:
        if child is not None:
            child.close()
    return found


def _to_send(
    store: Store,
    recipient: TrustedKey,
    dossiers: Sequence[str],
    known: Mapping[str, list[list[int]]],
    reach: Mapping[str, int],
) -> list[tuple[str, int, bytes | str]]:
    me = store.station.id
    found: list[tuple[str, int, bytes | str]] = []
    for raws in _scope(store, recipient, dossiers):
        for raw in raws:
            origin, seq = str(raw.get("station")), int(raw.get("seq", 0))
            if origin == recipient.station or covered(known.get(origin, []), seq):
                continue
            if origin != me and seq > reach.get(origin, 0):
                continue
            try:
                found.append((origin, seq, Event.checked_json(raw)[1]))
            except EventError as exc:
                found.append((origin, seq, str(exc)))
    return found


def _scope(
    store: Store, recipient: TrustedKey, dossiers: Sequence[str]
) -> Iterator[Iterable[dict[str, Any]]]:
    """The events of each dossier a bundle may draw from: every dossier, except at the
    secretariat writing for a station: the registry and that station's candidates (assigned
    to it, or holding events it recorded). Each dossier is read once."""
    every = not store.station.secretariat or recipient.secretariat
    for dossier in dossiers:
        if dossier == REGISTRY:
            yield store.raw_events(REGISTRY).values()
            continue
        # A station's id is plain ASCII, written as it is in the JSON of its events and of
        # the assignments naming it: a dossier whose bytes do not hold it is not in scope.
        raws = store.raw_events(dossier, mentioning=None if every else recipient.station).values()
        if every or any(
            raw.get("station") == recipient.station
            or (
                raw.get("type") == "candidate.assigned"
                and raw.get("payload", {}).get("station") == recipient.station
            )
            for raw in raws
        ):
            yield raws


def _vouched_for(store: Store, trust: TrustStore, recipient: str) -> list[dict[str, Any]]:
    """At the secretariat: the stations' public keys, so that a station can check the events
    of the others it receives through the secretariat. A station vouches for no one."""
    if not store.station.secretariat:
        return []
    return [
        {"station": k.station, **k.entry()}
        for k in trust.keys.values()
        if k.role == STATION and k.station != recipient and k.encryption is not None
    ]


def assign(
    store: Store, candidate: str, station: str, evaluators: Sequence[str], author: str
) -> None:
    """The secretariat gives a candidate to a station (and names the evaluators there): the
    station's next bundle from the secretariat carries the dossier."""
    if not store.station.secretariat:
        raise StoreError("seul le secrétariat attribue un candidat à un poste")
    if station not in TrustStore(store.folder).keys:
        raise StoreError(f"poste inconnu ici : {station} (faites d'abord confiance à sa clé)")
    store.snapshot(candidate)  # refuses a dossier without a candidate
    people = store.people()
    for person in evaluators:
        if person not in people:
            raise StoreError(f"personne inconnue : {person}")
    payload = {"station": station, "evaluators": list(evaluators)}
    store.append(candidate, [Draft("candidate.assigned", payload)], author)


# --- the receiving side ---------------------------------------------------------------------


class Ledger:
    """Per station: received ranges as [start, prev of start, end, hash of end]."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LEDGER_NAME
        data = _read_json(self.path, {"stations": {}, "receipts": 0, "files": []})
        self.stations: dict[str, list[list[Any]]] = data.get("stations", {})
        self.receipts = int(data.get("receipts", 0))
        self.files: set[str] = set(data.get("files", []))
        # Per origin, every fork seen: {seq, known, received, file, at}.
        self.forks: dict[str, list[dict[str, Any]]] = data.get("forks", {})
        self.dirty = False

    def save(self) -> None:
        data = {
            "stations": self.stations,
            "receipts": self.receipts,
            "files": sorted(self.files),
            "forks": self.forks,
        }
        atomic_write(self.path, json.dumps(data).encode())
        self.dirty = False

    def received(self, station: str, seq: int) -> bool:
        return any(r[0] <= seq <= r[2] for r in self.stations.get(station, []))

    @staticmethod
    def _segments(events: list[dict[str, Any]]) -> list[list[Any]]:
        segments: list[list[Any]] = []
        for raw in events:
            seq = int(raw["seq"])
            if segments and segments[-1][2] == seq - 1:
                segments[-1][2], segments[-1][3] = seq, raw["hash"]
            else:
                segments.append([seq, raw["prev"], seq, raw["hash"]])
        return segments

    def check_edges(self, station: str, events: list[dict[str, Any]]) -> None:
        """New events (sorted, none received yet) must follow, at every edge they share
        with what was received before, the same chain."""
        ranges = self.stations.get(station, [])
        for start, prev, end, last in self._segments(events):
            # Signed by the origin yet not following what it sent before: two histories.
            before = next((r for r in ranges if r[2] == start - 1), None)
            if before is not None and before[3] != prev:
                raise Fork(station, start - 1, str(before[3]), prev)
            after = next((r for r in ranges if r[0] == end + 1), None)
            if after is not None and after[1] != last:
                raise Fork(station, end, str(after[1]), last)

    def add(self, station: str, events: list[dict[str, Any]]) -> None:
        segments = self._segments(events)
        if not segments:
            return
        ranges = self.stations.setdefault(station, [])
        self.dirty = True
        ranges.extend(segments)
        ranges.sort(key=lambda r: r[0])
        joined: list[list[Any]] = []
        for r in ranges:
            if joined and r[0] == joined[-1][2] + 1:
                joined[-1][2], joined[-1][3] = r[2], r[3]
            else:
                joined.append(list(r))
        self.stations[station] = joined

    def check_and_add(self, station: str, events: list[dict[str, Any]]) -> None:
        self.check_edges(station, events)
        self.add(station, events)

    def plain_ranges(self, station: str) -> list[list[int]]:
        return [[r[0], r[2]] for r in self.stations.get(station, [])]


ASIDE = "a-part"


class Fork(BundleError):
    """The same origin and sequence number with another hash: the origin's folder was copied
    or restored, then written in two places. Nothing of the bundle is applied."""

    def __init__(self, origin: str, seq: int, known: str, received: str) -> None:
        super().__init__(f"fourche du poste {origin} au n° {seq}")
        self.origin, self.seq, self.known, self.received = origin, seq, known, received


def fork_message(label: str, seq: int, aside: Path) -> str:
    return (
        f"FOURCHE : {label} a envoyé deux versions différentes de son événement n° {seq}. "
        "Son dossier de données a été copié sur un autre ordinateur ou restauré d'une "
        "sauvegarde, puis utilisé des deux côtés. Rien de ce lot n'est appliqué ni confirmé ; "
        f"les deux versions sont gardées dans {aside}. Que faire : n'utiliser plus qu'une des "
        "deux copies, y ressaisir ce qui n'a été fait que sur l'autre, et créer un nouveau "
        "poste (dossier de données vide) pour tout second ordinateur."
    )


def _set_aside(store: Store, ledger: Ledger, fork: Fork, path: Path) -> Path:
    """Keeps both versions: the file received as it came, the event already held as stored;
    flags the origin in the ledger (the stations view shows it)."""
    aside = store.folder.resolve() / ASIDE  # named whole in messages, wherever they are read
    aside.mkdir(exist_ok=True)
    safe = re.sub(r"[^A-Za-z0-9_-]", "_", fork.origin)[:64]  # a name, never a path
    stem = f"fourche-{safe}-n{fork.seq}"
    received = aside / f"{stem}-{fork.received[:12]}.carnet"
    if not received.exists():
        atomic_write(received, _read(path), keep_backup=False)
    known = aside / f"{stem}-{fork.known[:12]}-connu.json"
    if not known.exists():
        held = [
            raw
            for dossier in (REGISTRY, *store.candidate_ids())
            for raw in store.raw_events(dossier).values()
            if raw.get("station") == fork.origin and raw.get("seq") == fork.seq
        ]
        atomic_write(
            known, json.dumps(held, ensure_ascii=False, indent=1).encode(), keep_backup=False
        )
    seen = ledger.forks.setdefault(fork.origin, [])
    if not any(f["seq"] == fork.seq and f["received"] == fork.received for f in seen):
        seen.append(
            {"seq": fork.seq, "known": fork.known, "received": fork.received,
             "file": str(Path(ASIDE) / received.name), "at": utc_now()}
        )  # fmt: skip
        ledger.save()
    return aside


@dataclass
class FileResult:
    path: Path
    kind: str = ""
    station: str = ""
    new_events: int = 0
    known_events: int = 0
    error: str | None = None
    unknown: UnknownStation | None = None  # refused only for want of trust
    fork: bool = False
    acknowledged: int = 0  # this folder's events the secretariat confirmed
    imported_before: int | None = None  # the bundle's number, when this very file was taken
    # Written by this folder itself (its bundle or receipt for ``recipient``), signature
    # checked: found in an exchange folder shared both ways, it has nothing to bring here.
    own: bool = False
    recipient: str = ""
    number: int = 0

    @property
    def mark(self) -> str:
        """Refused, this folder's own, or taken: the sign before its line."""
        return "✘" if self.error is not None else "○" if self.own else "✔"

    def said_by(self, label: Callable[[str], str]) -> str:
        """``said`` with its sender and recipient named by ``label`` (a station's name)."""
        return self.said(label(self.station), label(self.recipient) if self.recipient else "")

    def said(self, who: str, to: str = "") -> str:
        """What became of the file, in French, after its name (``who``: its sender; ``to``:
        the recipient of this folder's own file)."""
        if self.error is not None:
            return f"refusé : {self.error}"
        if self.own:
            what = "accusé de réception" if self.kind == "receipt" else "lot"
            return (
                f": {what} n° {self.number} écrit par ce poste pour {to or self.recipient} : "
                "rien à importer ici"
            )
        if self.kind == "receipt":
            return f": accusé de réception du secrétariat {who}"
        if self.imported_before is not None:
            return (
                f": de {who}, lot n° {self.imported_before} déjà importé ici : rien de nouveau, "
                f"rien n'est appliqué deux fois ({self.known_events} événement(s) déjà reçu(s))"
            )
        return (
            f": de {who}, {self.new_events} nouvel(s) événement(s), "
            f"{self.known_events} déjà reçu(s)"
        )


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
    bundle: Content | None = None  # a bundle's checked content (None: imported before)
    content: Any = None  # a receipt's content
    error: str | None = None
    unknown: UnknownStation | None = None
    own: bool = False  # written by this folder itself, its signature checked
    # (event hash, public key) pairs whose personal signature was verified with the content
    # (or still being verified beside: personal.release once done with the file).
    proofs: Container[tuple[str, str]] = frozenset()
    version: int = 2  # of the file's format (store.bundle): receipts of format 1 name no heads


def _open(path: Path, keys: dict[str, TrustedKey], reader: Reader | None) -> Opened | Checked:
    """The file opened and its signature checked, or why it is refused."""
    try:
        opened = open_file(_read(path), keys, reader)
    except UnknownStation as exc:
        return Checked(error=str(exc), unknown=exc)
    except BundleError as exc:
        return Checked(error=str(exc))
    except OSError as exc:
        return Checked(error=f"illisible : {os_reason(exc)}")
    if reader is not None and opened.header.station == reader.station:
        return Checked(opened.header, content=_own_content(opened), own=True)
    return opened


def _own_content(opened: Opened) -> Any:
    """What this folder's own receipt confirms (its recipient is named there); a bundle's
    content is encrypted for its recipient, and not needed."""
    if opened.header.kind != "receipt":
        return None
    with contextlib.suppress(BundleError):
        return opened.content
    return None


def _settled(opened: Opened, known: frozenset[str]) -> Checked | None:
    """What needs no event-by-event check: a receipt, or a content imported before (signed,
    so identical). None for a bundle still to check."""
    if opened.header.kind == "receipt":
        return Checked(opened.header, content=opened.content, version=opened.version)
    if opened.header.content_sha256 in known:
        return Checked(opened.header)
    return None


def check_path(
    path: Path,
    keys: dict[str, TrustedKey],
    known: frozenset[str],
    reader: Reader | None = None,
    people: Mapping[str, tuple[str, str]] | None = None,
    *,
    beside: bool = False,
) -> Checked:
    """One file checked; ``beside``: its personal signatures on another processor meanwhile,
    and each event's JSON kept for its dossier (in the importing process, not in its workers,
    which run side by side already and send their results back pickled)."""
    opened = _open(path, keys, reader)
    if isinstance(opened, Checked):
        return opened
    return _check_opened(opened, known, reader, people, beside=beside)


def _check_opened(
    opened: Opened,
    known: frozenset[str],
    reader: Reader | None,
    people: Mapping[str, tuple[str, str]] | None,
    *,
    beside: bool = False,
) -> Checked:
    try:
        settled = _settled(opened, known)
        if settled is not None:
            return settled
        clear = decrypted(opened, reader)
        # The personal signatures are verified beside (another processor, from the JSON
        # itself) while the events are decoded and checked here, and the bundle's chains and
        # heads after them; they count only once the events have passed, and are asked for
        # when the signatures are checked.
        proofs = ProofsBeside(people or {}, clear.body, beside=beside)
        try:
            content = check_events(clear, keep_json=beside)
            for raw in content.events:
                dossier = str(raw["dossier"])
                if dossier != REGISTRY and not _DOSSIER.match(dossier):
                    raise BundleError(f"nom de dossier refusé : {dossier!r}")
            pending = proofs.later(content.events)
        except BaseException:
            proofs.close()
            raise
        return Checked(opened.header, content, proofs=pending)
    except BundleError as exc:
        return Checked(error=str(exc))


_WORKER: dict[str, Any] = {}


def _init_worker(
    keys: dict[str, TrustedKey],
    known: frozenset[str],
    reader: Reader,
    people: dict[str, tuple[str, str]],
) -> None:
    _WORKER.update(keys=keys, known=known, reader=reader, people=people)


def _check_in_worker(path: Path) -> Checked:
    checked = check_path(
        path, _WORKER["keys"], _WORKER["known"], _WORKER["reader"], _WORKER["people"],
    )  # fmt: skip
    if checked.bundle is not None:
        # A station registers its people's keys in one bundle and signs with them in the next
        # ones, which come to this same worker (one worker per sender): it verifies them too.
        # Only a verification is kept, never a trust: the importing process decides whose key
        # each one is.
        _WORKER["people"].update(keys_in(checked.bundle.events))
    return checked


# Checking signatures and hashes is most of an import's work: above this many files it is
# shared with worker processes, while this one applies what they checked, in file order.
POOL_FROM = 32
IN_FLIGHT = 48


def _checked(
    paths: Sequence[Path],
    keys: dict[str, TrustedKey],
    known: frozenset[str],
    reader: Reader,
    people: dict[str, tuple[str, str]],
) -> Iterator[Checked]:
    """Each file checked, in order. Files already imported, receipts and refusals are settled
    here; the bundles to check event by event go to the workers when there are many."""
    settled: list[Checked | None] = []
    todo: list[tuple[Path, str]] = []  # each bundle still to check, with its sender
    # Checked here when they are few: kept open rather than read and verified twice (a
    # secretariat's bundle for a station is 10 MB or more).
    kept: list[Opened] = []
    for path in paths:
        opened = _open(path, keys, reader)
        item = opened if isinstance(opened, Checked) else _settled(opened, known)
        settled.append(item)
        if item is None:
            assert not isinstance(opened, Checked)
            todo.append((path, opened.header.station))
            if len(todo) < POOL_FROM:
                kept.append(opened)
            else:
                kept.clear()  # the workers read them again; never all of them in memory
    workers = min(2, os.cpu_count() or 1)
    if len(todo) < POOL_FROM or workers < 2:
        waiting = iter(todo)
        still_open = iter(kept if len(kept) == len(todo) else [])
        for item in settled:
            if item is None:
                path, _ = next(waiting)
                ahead = next(still_open, None)
                checked = (
                    _check_opened(ahead, known, reader, people, beside=True)
                    if ahead is not None
                    else check_path(path, keys, known, reader, people, beside=True)
                )
                if checked.bundle is not None:
                    people = {**people, **keys_in(checked.bundle.events)}
                yield checked
            else:
                yield item
        return
    yield from _checked_by_workers(settled, todo, workers, (keys, known, reader, people))


def _checked_by_workers(
    settled: list[Checked | None],
    todo: list[tuple[Path, str]],
    workers: int,
    setup: tuple[dict[str, TrustedKey], frozenset[str], Reader, dict[str, tuple[str, str]]],
) -> Iterator[Checked]:
    """Bundles checked by worker processes, a few ahead, in order; each sender's bundles go to
    the same worker, in order. Should the workers fail (memory, a killed process), the rest is
    checked here: slower, never wrong."""
    # Imported here: multiprocessing is for imports of 32 files and more, not every command.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    context = multiprocessing.get_context("spawn")
    queue: deque[tuple[Path, Future[Checked] | None]] = deque()
    waiting = iter(todo)
    with contextlib.ExitStack() as stack:
        pools = [
            stack.enter_context(
                ProcessPoolExecutor(1, mp_context=context, initializer=_init_worker, initargs=setup)
            )
            for _ in range(workers)
        ]
        broken = False

        def submit() -> None:
            nonlocal broken
            ahead = next(waiting, None)
            if ahead is None:
                return
            path, sender = ahead
            future = None
            if not broken:
                try:
                    pool = pools[zlib.crc32(sender.encode()) % workers]
                    future = pool.submit(_check_in_worker, path)
                except (BrokenProcessPool, OSError, RuntimeError):
                    broken = True
            queue.append((path, future))

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
    with collector_paused():
        return _import_files(store, paths, receipts_dir, progress)


def _import_files(
    store: Store,
    paths: Sequence[Path],
    receipts_dir: Path | None,
    progress: Callable[[int, int, FileResult], None] | None,
) -> ImportReport:
    report = ImportReport()
    trust = TrustStore(store.folder)
    own = load_or_create_key(store.folder)
    # Its own files are recognised too, so that re-importing one says what it is.
    keys = {**trust.keys, store.station.id: TrustedKey(store.station.id, own.public, "")}
    ledger = Ledger(store.folder)
    chains = Chains(store.folder)
    unhashed = {o for o in ledger.stations if not chains.exists(o)}
    if unhashed:  # a folder of the release before: the hashes of what it received
        rebuild(chains, unhashed, _every_raw_event(store))
    # Every referential version held here, with those the bundles publish as they are taken.
    versions = store.referentials.held()
    pending: dict[str, list[dict[str, Any]]] = {}
    buffered = 0
    origins: set[str] = set()
    senders: set[str] = set()
    sync = Exchange(trust, Knowledge(store.folder))
    reader = Reader(
        store.station.id, load_or_create_encryption_key(store.folder).private_bytes_raw()
    )
    # This folder's own hashes, read from its journal once, when a file first names them
    # (a receipt's heads, what a sender holds): an import writes none of its own.
    ours = cache(partial(own_hash_map, store))

    def flush() -> None:
        try:
            _flush(store, ledger, chains, pending)
            sync.save()
        except (OSError, DiskWriteError) as exc:
            raise _interrupted(exc) from exc

    checked = _checked(paths, keys, frozenset(ledger.files), reader, store.public_keys())
    for index, (path, item) in enumerate(zip(paths, checked, strict=True), 1):
        result = FileResult(path)
        report.files.append(result)
        try:
            result.unknown = item.unknown
            if item.error is not None or item.header is None:
                raise BundleError(item.error or "fichier illisible")
            result.kind, result.station = item.header.kind, item.header.station
            if item.own:
                result.own, result.number = True, item.header.seq
                content = item.content if isinstance(item.content, dict) else {}
                result.recipient = str(item.header.recipient or content.get("for_station", ""))
            elif item.header.kind == "receipt":
                _receipt_signer(trust, item.header.station)
                result.acknowledged = _take_receipt(store, item.content, item.version, ours)
                _learn_holds(sync, chains, item.header.station, _holds_in(item.content),
                             store.station.id, ours)  # fmt: skip
            else:
                new = _take_bundle(
                    store, ledger, chains, sync, item, result, pending, versions, ours
                )
                for raw in new:
                    pending.setdefault(str(raw["dossier"]), []).append(raw)
                    origins.add(str(raw["station"]))
                buffered += len(new)
                senders.add(item.header.station)
            report.acknowledged += result.acknowledged
        except Fork as fork:
            # What was taken before goes to the dossiers before the ledger names the fork.
            flush()
            buffered = 0
            aside = _set_aside(store, ledger, fork, path)
            key = trust.keys.get(fork.origin)
            label = key.label if key is not None else fork.origin
            result.error, result.fork = fork_message(label, fork.seq, aside), True
        except (BundleError, StoreError) as exc:
            result.error = str(exc)
        finally:
            release(item.proofs)
        if buffered >= FLUSH_EVENTS:
            flush()
            buffered = 0
        if progress is not None:
            progress(index, len(paths), result)
    flush()
    for station in sorted(origins):
        missing = gaps(ledger.plain_ranges(station))
        if missing:
            report.gaps[station] = missing
    # Only the secretariat confirms: a station's receipts would be refused anyway.
    if senders and store.station.secretariat:
        try:
            report.receipts = write_receipts(store, ledger, senders, receipts_dir)
        except OSError as exc:
            raise StoreError(
                f"import enregistré, mais accusés de réception non écrits ({os_reason(exc)}) :"
                " importez de nouveau les mêmes fichiers pour les écrire (rien n'est appliqué "
                "deux fois)"
            ) from exc
    return report


def _holds_in(content: Any) -> dict[str, Any]:
    holds = content.get("holds") if isinstance(content, dict) else None
    return holds if isinstance(holds, dict) else {}


def _read(path: Path) -> bytes:
    with path.open("rb") as handle:
        data = handle.read(512 * 1024 * 1024 + 1)
    return data


def _take_bundle(
    store: Store,
    ledger: Ledger,
    chains: Chains,
    sync: Exchange,
    item: Checked,
    result: FileResult,
    pending: dict[str, list[dict[str, Any]]],
    versions: dict[tuple[str, str], str],
    own: Callable[[], Mapping[int, str]],
) -> list[dict[str, Any]]:
    """A bundle's new events, every origin checked (vouched for, no fork, chains that join
    what was received) before anything of it is taken."""
    assert item.header is not None
    header = item.header
    sender, me = header.station, store.station.id
    if sender == me:
        raise BundleError("ce lot vient de ce poste même : rien à importer")
    content = item.bundle
    if content is None or header.content_sha256 in ledger.files:
        result.known_events = header.count
        result.imported_before = header.seq
        return []
    publishes = check_referentials(versions, header.referentials, content.events)
    sender_key = sync.trust.keys.get(sender)
    from_secretariat = sender_key is not None and sender_key.secretariat
    vouched = _vouched_keys(sync.trust, content.keys, sender) if from_secretariat else {}
    keys = {**vouched, **sync.trust.keys}
    by_origin: dict[str, list[dict[str, Any]]] = {}
    for raw in content.events:
        by_origin.setdefault(str(raw["station"]), []).append(raw)
    plans = []
    for origin, events in by_origin.items():
        if origin == me:
            continue  # this folder's own events, back from the secretariat: held already
        new, held, other = [], [], []
        for raw in events:
            seq = int(raw["seq"])
            if not ledger.received(origin, seq):
                new.append(raw)
                continue
            known = chains.hash_at(origin, seq)
            if known is None or known == raw["hash"]:
                held.append((seq, str(raw["hash"])))
            else:
                other.append((raw, known))
        spine: list[str] = []
        if origin != sender and (new or other):
            # Forwarded: each must be vouched for by its origin before it can even count as
            # a second version of an event (a fork), never on the forwarder's word.
            unsure = [*new, *(raw for raw, _ in other)]
            spine = _vouched_by_origin(origin, unsure, keys.get(origin), content, ledger, held)
        for raw, known in other:
            # Received before under another hash, signed by its origin: a fork.
            raise Fork(origin, int(raw["seq"]), known, str(raw["hash"]))
        ledger.check_edges(origin, new)
        plans.append((origin, new, events, spine))
    # What the secretariat holds of this folder's own events acknowledges them: checked
    # before anything is taken, since a history that is not this folder's (a copy) refuses
    # the bundle.
    mine = content.holds.get(me) if from_secretariat else None
    acknowledging = (
        _vouched_ranges(own(), mine, "lot du secrétariat") if isinstance(mine, list) else []
    )
    # Personal signatures (issue 11) are checked before anything of the bundle is taken.
    check_personal_signatures(
        store.public_keys(), [raw for _, new, _, _ in plans for raw in new], pending, item.proofs
    )
    taken: list[dict[str, Any]] = []
    for origin, new, events, spine in plans:
        ledger.add(origin, new)
        chains.put_all(new)
        chains.fill(origin, spine)  # to forward these events further on, with their spine
        sync.knowledge.learn(sender, origin, ranges_of(int(r["seq"]) for r in events))
        taken.extend(new)
    _keep_heads(sync.knowledge, keys, content)
    if sender_key is not None and sender in content.spines:
        for head in content.heads.get(sender, []):
            if head_is_valid(sender_key, sender, head):
                listed = spine_hashes(head, content.spines[sender])
                if listed is not None:
                    chains.fill(sender, listed)
    _learn_holds(sync, chains, sender, content.holds, me, own)
    if acknowledging:
        result.acknowledged = _acknowledge(store, acknowledging)
    if vouched:
        sync.trust_vouched(vouched)
    sync.knowledge.record_received(
        sender,
        {"seq": header.seq, "created": header.created, "events": len(content.events),
         "new": len(taken), "at": utc_now()},
    )  # fmt: skip
    result.known_events = len(content.events) - len(taken)
    result.new_events = len(taken)
    ledger.files.add(header.content_sha256)
    ledger.dirty = True
    versions.update(publishes)
    return taken


@dataclass
class Exchange:
    """What an import reads and updates beside the ledger: trust and replication state."""

    trust: TrustStore
    knowledge: Knowledge
    added_keys: dict[str, TrustedKey] = field(default_factory=dict)

    def trust_vouched(self, keys: dict[str, TrustedKey]) -> None:
        for station, key in keys.items():
            if station not in self.trust.keys:
                self.trust.keys[station] = key
                self.added_keys[station] = key

    def save(self) -> None:
        if self.added_keys:
            self.trust.save()
            self.added_keys.clear()
        self.knowledge.save()


def _vouched_keys(trust: TrustStore, entries: list[Any], sender: str) -> dict[str, TrustedKey]:
    """The stations' keys a trusted secretariat sends: new ones are taken (marked as vouched
    by it), a different key for a known id never replaces it."""
    keys: dict[str, TrustedKey] = {}
    for entry in entries:
        try:
            station = str(entry["station"])
            key = TrustedKey.from_entry(station, entry)
        except (KeyError, TypeError, ValueError):
            raise BundleError("clés publiques du lot illisibles") from None
        if key.role != STATION:
            continue  # a secretariat is trusted by a person, never by proxy
        known = trust.keys.get(station)
        if known is None:
            keys[station] = TrustedKey(
                station, key.public, utc_now(), STATION, key.name, key.organisme, key.encryption
            )
    return keys


def _vouched_by_origin(
    origin: str,
    new: list[dict[str, Any]],
    key: TrustedKey | None,
    content: Content,
    ledger: Ledger,
    held: list[tuple[int, str]],
) -> list[str]:
    """Forwarded events must be among the hashes a head signed by their origin's key lists,
    or chain up to such a head. Returns the origin's spine (empty if none came)."""
    if key is None:
        raise BundleError(
            f"événements du poste {origin}, inconnu ici : faites d'abord confiance à sa clé "
            "(ou importez un lot du secrétariat, qui la transmet) ; rien n'est appliqué"
        )
    valid = [h for h in content.heads.get(origin, []) if head_is_valid(key, origin, h)]
    spine: list[str] = []
    for head in valid:
        hashes = spine_hashes(head, content.spines.get(origin))
        if hashes is not None and len(hashes) > len(spine):
            spine = hashes
    good = {
        int(raw["seq"])
        for raw in new
        if int(raw["seq"]) <= len(spine) and spine[int(raw["seq"]) - 1] == raw["hash"]
    }
    if len(good) < len(new):
        # Some are not in the spine (or none came): the walk down from the signed heads and
        # from what is held, which the spine makes needless when it lists them all (a
        # secretariat's bundle: 20,000 events of one origin).
        heads = [(int(h["seq"]), str(h["hash"])) for h in valid]
        edges = [(int(r[0]) - 1, str(r[1])) for r in ledger.stations.get(origin, [])]
        good |= authenticated(new, heads, [*edges, *held])
    for raw in new:
        if int(raw["seq"]) not in good:
            raise BundleError(
                f"événement n° {raw['seq']} du poste {sender_label({origin: key}, origin)} "
                "sans signature de son poste (aucune tête signée ne le couvre) : lot refusé, "
                "rien n'est appliqué"
            )
    return spine


def _keep_heads(knowledge: Knowledge, keys: dict[str, TrustedKey], content: Content) -> None:
    for origin, heads in content.heads.items():
        key = keys.get(origin)
        if key is None or not isinstance(heads, list):
            continue
        for head in heads:
            if head_is_valid(key, origin, head):
                knowledge.add_head(origin, head)


def _learn_holds(
    sync: Exchange,
    chains: Chains,
    sender: str,
    holds: dict[str, Any],
    me: str,
    own: Callable[[], Mapping[int, str]],
) -> None:
    """What the sender says it holds: counted where its history is ours (same hash at the
    end of each range), so that nothing it lacks is left out of what we send it. ``own``
    gives this folder's own hashes by number, asked for only when the sender names them."""
    mine: Mapping[int, str] | None = None
    for origin, ranges in holds.items():
        if not isinstance(ranges, list):
            continue
        good = []
        for item in ranges:
            if (
                isinstance(item, list)
                and len(item) == 3
                and all(isinstance(v, int) and v >= 1 for v in item[:2])
                and item[0] <= item[1]
            ):
                if origin == me:
                    # This folder's own: counted only where the sender holds this very
                    # history; another copy's events are not these, and must still be sent.
                    mine = own() if mine is None else mine
                    if mine.get(item[1]) == item[2]:
                        good.append(item[:2])
                    continue
                ours = chains.hash_at(str(origin), item[1])
                if ours is None or ours == item[2]:
                    good.append(item[:2])
        sync.knowledge.learn(sender, str(origin), good)


def _acknowledge(store: Store, vouched: list[tuple[int, int]]) -> int:
    """This folder's own events that the secretariat holds (their hashes checked)."""
    state = SyncState.load(store.folder)
    before = sum(b - a + 1 for a, b in state.acknowledged)
    for first, last in vouched:
        for a, b in state.exported:
            low, high = max(a, first), min(b, last)
            if low <= high:
                state.acknowledged = add_range(state.acknowledged, low, high)
    state.save(store.folder)
    return sum(b - a + 1 for a, b in state.acknowledged) - before


def _every_raw_event(store: Store) -> Iterator[dict[str, Any]]:
    for dossier in (REGISTRY, *store.candidate_ids()):
        yield from store.raw_events(dossier).values()


def _interrupted(exc: OSError | DiskWriteError) -> StoreError:
    why = str(exc) if isinstance(exc, DiskWriteError) else os_reason(exc)
    if isinstance(exc, DiskWriteError):
        why = why.removeprefix("Rien n'a été enregistré : ").split(". Les données")[0]
    return StoreError(
        f"import interrompu, écriture impossible ({why}) : ce qui a été reçu avant reste "
        "enregistré ; importez de nouveau les mêmes fichiers une fois le disque disponible, rien "
        "n'est appliqué deux fois"
    )


def _flush(
    store: Store, ledger: Ledger, chains: Chains, pending: dict[str, list[dict[str, Any]]]
) -> None:
    """Dossiers first, then the hashes and the ledger that say they were received."""
    store.receive(pending)
    pending.clear()
    chains.save()
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
        # The hash of the last event of each range: a copy of the station's folder that went
        # its own way finds its own event there under another hash, and confirms nothing.
        heads = [[r[0], r[2], r[3]] for r in ledger.stations.get(station, [])]
        content = {
            "for_station": station,
            "ranges": ranges,
            "heads": heads,
            "holds": holds_of(store, ledger),
        }
        count = sum(b - a + 1 for a, b in ranges)
        data = seal_file("receipt", store.station.id, key, ledger.receipts, content, count=count)
        # A station's id is what its folder says: a name here, never a path (as « a-part »).
        safe = re.sub(r"[^A-Za-z0-9_-]", "_", station)[:64]
        path = folder / f"accuse-{safe}-{ledger.receipts:05d}{SUFFIX}"
        atomic_write(path, data, keep_backup=False)
        written.append(path)
    ledger.save()
    return written


def _receipt_signer(trust: TrustStore, signer: str) -> None:
    """Only a secretariat this folder trusts as such confirms what it received: a peer's
    receipt would stop events from ever reaching the real one. (This folder's own receipts
    never come here: ``_open`` sets them aside as its own, confirming nothing.)"""
    key = trust.keys.get(signer)
    if key is None or key.secretariat:
        return
    if key.role == UNKNOWN_ROLE:
        raise BundleError(
            f"accusé de réception de {key.label} refusé : son rôle n'est pas connu ici (clé "
            "enregistrée par une version précédente). Faites de nouveau confiance à la clé "
            "publique du secrétariat (carnet station --out, puis carnet trust FICHIER "
            "--empreinte …) ; rien n'est confirmé"
        )
    raise BundleError(
        f"accusé de réception de {key.label} refusé : ce n'est pas un secrétariat "
        f"({ROLE_TEXT[key.role]}), seul le secrétariat confirme ; rien n'est confirmé"
    )


def _take_receipt(
    store: Store, content: Any, version: int, own: Callable[[], Mapping[int, str]]
) -> int:
    if not isinstance(content, dict) or not isinstance(content.get("ranges"), list):
        raise BundleError("accusé de réception illisible")
    if content.get("for_station") != store.station.id:
        raise BundleError(
            f"cet accusé de réception concerne le poste {content.get('for_station')}, "
            f"pas celui-ci ({store.station.id})"
        )
    state = SyncState.load(store.folder)
    before = sum(b - a + 1 for a, b in state.acknowledged)
    heads = content.get("heads")
    if heads is None and version >= 2:
        # Every receipt of format 2 names the hash of what it confirms; one that does not
        # could confirm another copy's events.
        raise BundleError(
            "accusé de réception sans les empreintes de ce qu'il confirme : refusé, rien n'est "
            "confirmé"
        )
    # Receipts of the first release (format 1) carry ranges only: taken as named.
    vouched = None if heads is None else _vouched_ranges(own(), heads)
    for item in content["ranges"]:
        if (
            not isinstance(item, list)
            or len(item) != 2
            or not all(isinstance(v, int) and v >= 1 for v in item)
            or item[0] > item[1]
        ):
            raise BundleError("accusé de réception illisible (plages)")
        # Only what this station actually exported, and what a head vouches for, is confirmed.
        for a, b in state.exported:
            for low_v, high_v in [(a, b)] if vouched is None else vouched:
                low = max(a, item[0], low_v)
                high = min(b, item[1], high_v)
                if low <= high:
                    state.acknowledged = add_range(state.acknowledged, low, high)
    state.save(store.folder)
    return sum(b - a + 1 for a, b in state.acknowledged) - before


_COPIED = (
    "il a été copié sur un autre ordinateur ou restauré d'une sauvegarde, puis utilisé des "
    "deux côtés. Rien n'est confirmé. Que faire : n'utiliser plus qu'une des deux copies, y "
    "ressaisir ce qui n'a été fait que sur l'autre, et prévenir le secrétariat."
)


def _vouched_ranges(
    mine: Mapping[int, str], heads: Any, what: str = "accusé de réception"
) -> list[tuple[int, int]]:
    """The ranges of this station's events that the receipt's heads vouch for: a head names
    the last event of a range the secretariat holds, with its hash; the hashes chain, so a
    head equal to this folder's event vouches for the range up to it. A head this folder does
    not hold, or holds under another hash, was written by another copy of this folder (or
    before a restore): the receipt confirms nothing then, and says why."""
    if not isinstance(heads, list):
        raise BundleError(f"{what} illisible (têtes)")
    vouched = []
    for item in heads:
        if (
            not isinstance(item, list)
            or len(item) != 3
            or not all(isinstance(v, int) and v >= 1 for v in item[:2])
            or not isinstance(item[2], str)
            or item[0] > item[1]
        ):
            raise BundleError(f"{what} illisible (têtes)")
        held = mine.get(item[1])
        last = max(mine, default=0)
        if held is None and item[1] > last:
            raise BundleError(
                f"FOURCHE : le secrétariat a reçu de ce poste jusqu'au n° {item[1]}, plus loin "
                f"que ce dossier de données (son dernier est le n° {last}) : ce dossier est une "
                "copie restée en arrière (restaurée d'une sauvegarde, ou copiée sur un autre "
                "ordinateur). Rien n'est confirmé. Que faire : reprendre la copie la plus à jour "
                "de ce poste, y ressaisir ce qui n'a été fait que dans celle-ci, et n'utiliser "
                "plus qu'elle ; si elle est perdue, prévenir le secrétariat."
            )
        if held is None:
            raise BundleError(
                f"FOURCHE : le secrétariat a reçu de ce poste un n° {item[1]} que ce dossier "
                "de données ne contient pas : " + _COPIED
            )
        if held != item[2]:
            raise BundleError(
                f"FOURCHE : le secrétariat a reçu un n° {item[1]} de ce poste qui n'est pas "
                "celui de ce dossier de données : " + _COPIED
            )
        vouched.append((item[0], item[1]))
    return vouched


def trust_station(store: Store, unknown: UnknownStation, typed: str) -> str:
    """Trusts the key a bundle came with, once its fingerprint, read out by that station (by
    phone, on paper), has been typed here: as ``confirm_trust`` for a key file."""
    if unknown.station == store.station.id:
        raise StoreError("c'est la clé de ce poste même")
    if normalised_fingerprint(typed) != normalised_fingerprint(unknown.fingerprint):
        raise StoreError(
            f"l'empreinte saisie ne correspond pas à celle de la clé de {unknown.station} "
            f"({unknown.fingerprint}) : rien n'a été enregistré. Vérifiez-la avec ce poste."
        )
    role = unknown.role if unknown.role in ROLE_TEXT else UNKNOWN_ROLE
    return TrustStore(store.folder).trust(
        TrustedKey(
            unknown.station,
            unknown.public,
            utc_now(),
            role,
            unknown.name or "",
            unknown.organisme or "",
        )
    )


def other_secretariats(folder: Path, station: str) -> list[TrustedKey]:
    """The secretariats this folder trusts already, other than ``station``: a second one is
    trusted only with a warning (a folder that calls itself the secretariat, trusted by
    mistake, would confirm this station's bundles in its place)."""
    keys = TrustStore(folder).keys if folder.is_dir() else {}
    return [k for k in keys.values() if k.secretariat and k.station != station]


def second_secretariat_warning(others: list[TrustedKey]) -> str:
    names = " ; ".join(f"{k.label} (empreinte {k.fingerprint})" for k in others)
    return (
        f"Attention : ce poste fait déjà confiance au secrétariat {names}. Un second "
        "secrétariat confirmerait lui aussi vos lots, et vos exports demanderaient alors "
        "--pour. N'acceptez que si le secrétariat vous l'a annoncé (nouvel ordinateur, "
        "secrétariat régional)."
    )


def read_key_file(key_file: Path) -> TrustedKey:
    try:
        raw = key_file.read_bytes()
    except OSError as exc:
        raise StoreError(f"impossible de lire {key_file} : {os_reason(exc)}") from exc
    return read_public_key_file(raw)


def confirm_trust(store: Store, key_file: Path, typed: str) -> tuple[TrustedKey, str]:
    """Trusts a folder's public key file once its fingerprint has been typed (or confirmed
    on screen) as read from that folder; returns the key and « nouveau », « mis à jour » or
    « inchangé »."""
    key = read_key_file(key_file)
    if key.station == store.station.id:
        raise StoreError("c'est la clé de ce poste même")
    if normalised_fingerprint(typed) != normalised_fingerprint(key.fingerprint):
        raise StoreError(
            f"l'empreinte saisie ne correspond pas à celle de la clé de {key.station} "
            f"({key.fingerprint}) : rien n'a été enregistré. Vérifiez le fichier avec ce poste."
        )
    return key, TrustStore(store.folder).trust(key)


def public_key_of(store: Store) -> bytes:
    """This folder's public key file: role, name, organisme and both keys, self-signed."""
    return public_key_file(
        store.station,
        load_or_create_key(store.folder),
        raw_public(load_or_create_encryption_key(store.folder)),
    )


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
