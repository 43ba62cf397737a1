"""The store: append-only events, chains, durability, corruption, second instance, full disk."""

from __future__ import annotations

import errno
import itertools
import json
import os
import threading
from pathlib import Path

import pytest

from models.events import GENESIS, Event, EventError, content_hash
from models.threshold import CriterionState
from models.verdict import Status
from models.weighted import MarkError
from store.errors import CorruptFileError, DiskWriteError, LockedError, StoreError
from store.journal import JOURNAL_NAME
from store.layout import REGISTRY
from store.recovery import recover
from store.storage import AppendOnlyStorage
from store.store import Draft, Store
from store.writer import Writer

V = CriterionState.VALIDATED


def _evaluators(store: Store) -> tuple[str, str]:
    found = {p.roles[0]: pid for pid, p in store.people().items()}
    if "representant_metier" not in found:
        found["representant_metier"] = store.create_person(
            "Rémi Métier", "CAF du Nord", ["representant_metier"], "t"
        )
        found["certificateur"] = store.create_person(
            "Cécile Certif", "Ucanss", ["certificateur"], "t"
        )
    return found["representant_metier"], found["certificateur"]


def _candidate(store: Store) -> tuple[str, str]:
    evaluator, certifier = _evaluators(store)
    candidate = store.create_candidate(
        "Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil", "t"
    )
    grid = store.open_grid(
        candidate, "gc.b1", "t", situation="double_ecoute", evaluator=evaluator, certifier=certifier
    )
    return candidate, grid


def _criteria(store: Store, block: str = "gc.b1") -> list[str]:
    return [k.id for c in store.referentials.conseil.block(block).competencies for k in c.criteria]


def test_events_chain_across_dossiers(store: Store) -> None:
    store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    candidate, grid = _candidate(store)
    store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "bien")], "t")
    events = sorted(
        [
            *store.snapshot(candidate).events,
            *(Event.from_stored(raw) for raw in store.raw_events(REGISTRY).values()),
        ],
        key=lambda e: e.seq,
    )
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert events[0].prev == GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev == before.hash
    for event in events:
        assert event.station == store.station.id
        assert event.hash == content_hash(event.stored())
    assert store.head.seq == 6 and store.head.hash == events[-1].hash


def test_state_survives_reopen(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        marks = [(k, V, "") for k in _criteria(store)]
        store.mark_criteria(candidate, grid, marks, "t")
        head = store.head
        station = store.station
    with Store.open(tmp_path) as store:
        assert store.head == head and store.station == station
        snap = store.snapshot(candidate)
        assert snap.verdict.blocks[0].status is Status.VALIDATED  # type: ignore[union-attr]
        candidate2 = store.create_candidate("B", "CAF du Nord", "gestionnaire-conseil", "t")
        assert store.snapshot(candidate2).events[0].seq == head.seq + 1
        assert store.snapshot(candidate2).events[0].prev == head.hash


def test_bad_input_is_refused_and_nothing_is_written(store: Store) -> None:
    candidate, grid = _candidate(store)
    before = store.head
    with pytest.raises(StoreError, match="n'est pas dans cette grille"):
        store.mark_criteria(candidate, grid, [("gc.b2.c1.k1", V, "")], "t")
    with pytest.raises(StoreError, match="grille inconnue"):
        store.mark_criteria(candidate, "g-0000000000", [(_criteria(store)[0], V, "")], "t")
    evaluator, certifier = _evaluators(store)
    with pytest.raises(StoreError, match="situation"):
        store.open_grid(
            candidate,
            "gc.b1",
            "t",
            situation="telepathie",
            evaluator=evaluator,
            certifier=certifier,
        )
    with pytest.raises(StoreError, match="notes pondérées"):
        store.enter_mark(candidate, "ecrit", "12", "t")
    with pytest.raises(StoreError, match="voie d'accès"):
        store.create_candidate("X", "Y", "gestionnaire-carriere", "t")
    with pytest.raises(EventError):
        store.append(candidate, [Draft("criterion.marked", {"grid": grid})], "t")
    with pytest.raises(EventError, match="inconnu"):
        store.append(candidate, [Draft("grid.deleted", {})], "t")
    assert store.head == before
    assert len(store.snapshot(candidate).events) == 2


def test_a_batch_is_all_or_nothing(store: Store) -> None:
    candidate, grid = _candidate(store)
    good = [(k, V, "") for k in _criteria(store)[:3]]
    with pytest.raises(StoreError):
        store.mark_criteria(candidate, grid, [*good, ("gc.b9.c1.k1", V, "")], "t")
    assert len(store.snapshot(candidate).events) == 2


def test_carriere_marks(store: Store) -> None:
    candidate = store.create_candidate(
        "C", "Carsat Bretagne", "gestionnaire-carriere", "t", route="parcours_formation"
    )
    sec = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    jury = [
        store.create_person(name, org, ["jury"], "t")
        for name, org in (("A", "Cnav"), ("B", "Carsat Nord"), ("E", "Carsat Sud"))
    ]
    store.compose_jury(
        candidate,
        list(zip(("caisse_nationale", "branche_retraite", "expert_metier"), jury, strict=True)),
        "t",
    )
    for evaluation, typed in zip(
        ("cc_interbranche", "cc_carriere", "ecrit", "oral", "apt"),
        ("5,7", "16.4", "12.1", "9", "7.3"),
        strict=True,
    ):
        store.enter_mark(candidate, evaluation, typed, jury[0] if evaluation == "oral" else sec)
    store.record_pass(candidate, True, "t")
    verdict = store.current_verdict(candidate)
    assert verdict.status is Status.VALIDATED
    with pytest.raises(MarkError, match="dépasse"):
        store.enter_mark(candidate, "oral", "20.5", jury[0])
    with pytest.raises(StoreError, match="épreuve inconnue"):
        store.enter_mark(candidate, "qcm", "12", sec)


def test_writes_only_from_the_owning_thread(store: Store) -> None:
    errors: list[BaseException] = []

    def other() -> None:
        try:
            store.create_person("X", "Y", ["tuteur"], "t")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert errors and "fil d'écriture unique" in str(errors[0])


def test_writer_runs_everything_on_one_thread(tmp_path: Path) -> None:
    with Writer(tmp_path) as writer:
        names = {writer.call(lambda s: threading.current_thread().name) for _ in range(5)}
        candidate = writer.call(
            lambda s: s.create_candidate("W", "CAF du Nord", "gestionnaire-conseil", "t")
        )
        assert writer.call(lambda s: s.snapshot(candidate).state.candidate.name) == "W"  # type: ignore[union-attr]
    assert len(names) == 1 and next(iter(names)).startswith("carnet-writer")


def test_second_instance_is_refused(tmp_path: Path) -> None:
    import socket

    with Store.open(tmp_path), pytest.raises(LockedError) as caught:
        Store.open(tmp_path)
    # Which process holds it, and on which machine: the one to close.
    assert str(caught.value) == (
        f"Une autre instance de carnet utilise déjà ce dossier de données ({tmp_path}, "
        f"processus {os.getpid()} sur {socket.gethostname()}). Fermez-la avant d'en ouvrir "
        "une autre."
    )
    with Store.open(tmp_path):  # released on close
        pass


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "fichier vide"),
        (b"   ", "fichier vide"),
        (b"   \n", "enregistrement n° 1"),
        (b"\x00\xff garbage\n", "enregistrement n° 1"),
        (b'{"events": {"1": {"id": ', "JSON invalide"),
    ],
)
def test_corrupt_dossier_is_never_read_as_empty(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
        path = store.path_of(candidate)
        own = [e.seq for e in store.snapshot(candidate).events]
        last = store.head.seq
    path.write_bytes(content)
    with pytest.raises(CorruptFileError) as caught:
        Store.open(tmp_path)
    message = str(caught.value)
    assert reason in message and "carnet recover" in message and str(path) in message
    report = recover(tmp_path)
    assert report.restored == [path]
    # Nothing of the dossier verifies: every event the journal names in it is reported lost.
    assert report.lost == {candidate: own}
    assert any(p.name.startswith(path.name + ".abime-") for p in path.parent.iterdir())
    with Store.open(tmp_path) as store:
        # The journal's head still names the lost events: their numbers are never reused.
        assert store.head.seq == last
        store.create_person("P", "O", ["tuteur"], "t")
        assert store.head.seq == last + 1


def _flip_letter(path: Path, record: int) -> None:
    lines = path.read_bytes().split(b"\n")
    line = lines[record - 1]
    at = line.index(b'"type":"') + len(b'"type":"')
    lines[record - 1] = line[:at] + bytes([line[at] ^ 0x20]) + line[at + 1 :]
    path.write_bytes(b"\n".join(lines))


def test_a_flipped_letter_loses_that_record_only(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
        events = store.snapshot(candidate).events
        path = store.path_of(candidate)
    _flip_letter(path, 2)
    with pytest.raises(CorruptFileError, match=r"enregistrement n° 2 .*altéré") as caught:
        Store.open(tmp_path)
    assert str(path) in str(caught.value)
    report = recover(tmp_path)
    assert report.lost == {candidate: [events[1].seq]}
    assert report.dropped == {path.name: 1}
    assert "1 événement(s) perdu(s)" in "\n".join(report.lines())
    with Store.open(tmp_path) as store:
        kept = store.snapshot(candidate).events
        assert [e.id for e in kept] == [events[0].id, events[2].id]


def test_a_file_cut_short_is_loud_not_a_torn_write(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
        last = store.head.seq
        path = store.path_of(candidate)
        # A later event elsewhere: the cut record is not the station's last intent (which,
        # cut exactly, cannot be told from a write that a crash stopped before it returned).
        store.create_person("P", "O", ["tuteur"], "t")
    raw = path.read_bytes()
    path.write_bytes(raw[: len(raw) - 40])  # the dossier's last acknowledged record, cut
    with Store.open(tmp_path) as store, pytest.raises(CorruptFileError, match=f"n° {last}"):
        store.snapshot(candidate)
    report = recover(tmp_path)
    assert report.lost == {candidate: [last]}
    with Store.open(tmp_path) as store:
        assert len(store.snapshot(candidate).events) == 2


def test_a_file_cut_short_names_every_event_it_lost(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        first, second = _criteria(store)[:2]
        store.mark_criteria(candidate, grid, [(first, V, "")], "t")
        store.mark_criteria(candidate, grid, [(second, V, "")], "t")
        last = store.head.seq
        path = store.path_of(candidate)
        store.create_person("P", "O", ["tuteur"], "t")
    records = path.read_bytes().split(b"\n")[:-1]
    # The two last records gone, the first of them cut inside.
    path.write_bytes(b"".join(r + b"\n" for r in records[:-2]) + records[-2][:30])
    with Store.open(tmp_path) as store, pytest.raises(CorruptFileError) as caught:
        store.snapshot(candidate)
    assert str(caught.value) == (
        f"Le fichier {path} est illisible (fin du fichier coupée : 2 événement(s) "
        f"enregistré(s) manquent (n° {last - 1}, {last})). « carnet recover » garde tous les "
        "enregistrements intacts, met le fichier abîmé de côté et nomme ce qui est perdu."
    )


def test_a_registry_cut_short_is_repaired_naming_what_it_lost(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        _candidate(store)
        store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
        lost = store.head.seq
        # Written after: the registry's last record is no dead intent.
        store.create_candidate("Luc Petit", "CAF du Nord", "gestionnaire-conseil", "t")
    registry = tmp_path / "registry.json"
    raw = registry.read_bytes()
    registry.write_bytes(raw[: raw.rindex(b"\n", 0, len(raw) - 1) + 30])
    with pytest.raises(CorruptFileError):
        Store.open(tmp_path)
    assert recover(tmp_path).lost == {REGISTRY: [lost]}
    with Store.open(tmp_path) as store:
        assert "Marie Manager" not in [p.name for p in store.people().values()]
        assert "Rémi Métier" in [p.name for p in store.people().values()]


def test_a_torn_write_never_acknowledged_is_cut(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        path = store.path_of(candidate)
        head = store.head
    with open(path, "ab") as f:
        f.write(b'0123456789abcdef0123456789abcdef {"t":"events","id":"3","do')
    with Store.open(tmp_path) as store:
        assert len(store.snapshot(candidate).events) == 2 and store.head == head
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
    with Store.open(tmp_path) as store:
        assert len(store.snapshot(candidate).events) == 3


def test_tampered_event_is_refused(tmp_path: Path) -> None:
    """Someone who rewrites an event and its record's hash still meets the event's own."""
    from store.storage import decode_record, record_lines

    with Store.open(tmp_path) as store:
        candidate, _ = _candidate(store)
        path = store.path_of(candidate)
    tails: dict[str, tuple[int, str]] = {}
    records = [decode_record(line[33:], tails) for line in path.read_bytes().splitlines()]
    records[0][2]["payload"]["name"] = "Quelqu'un d'autre"
    data, _ = record_lines(b"", records)  # each event whole, with the hash it had
    path.write_bytes(data)
    with Store.open(tmp_path) as store, pytest.raises(EventError, match="altéré"):
        store.snapshot(candidate)


def test_an_event_edited_in_its_short_record_is_refused(tmp_path: Path) -> None:
    """An event stored without its hash (format 3) keeps the hash's first digits: edited by
    hand, its line's chain hash made again, it is refused as altered, file and record named."""
    from store.storage import chain

    with Store.open(tmp_path) as store:
        candidate, _ = _candidate(store)
        path = store.path_of(candidate)
    lines = path.read_bytes().splitlines()
    assert b'"hash"' not in lines[0]  # stored without it
    body = lines[0][33:].replace(b"Jeanne", b"Jeanno", 1)
    assert body != lines[0][33:]
    previous = b""
    rebuilt = []
    for line in [lines[0][:33] + body, *lines[1:]]:
        previous = chain(previous, line[33:])
        rebuilt.append(previous + b" " + line[33:])
    path.write_bytes(b"\n".join(rebuilt) + b"\n")
    with pytest.raises(CorruptFileError) as caught, Store.open(tmp_path) as store:
        store.snapshot(candidate)
    assert str(path) in str(caught.value)
    assert "enregistrement n° 1 : événement altéré" in str(caught.value)


def test_registry_corruption_blocks_start_with_recovery(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.create_person("A", "B", ["tuteur"], "t")
        store.create_person("C", "D", ["manager"], "t")
    _flip_letter(tmp_path / "registry.json", 2)
    with pytest.raises(CorruptFileError, match=r"registry\.json"):
        Store.open(tmp_path)
    recover(tmp_path)
    with Store.open(tmp_path) as store:
        assert [p.name for p in store.people().values()] == ["A"]


def test_tinydb_api_cannot_rewrite_or_delete_from_the_first_read(tmp_path: Path) -> None:
    from tinydb import Query, TinyDB

    path = tmp_path / "x.json"
    db = TinyDB(path, storage=AppendOnlyStorage)
    db.table("events").insert_multiple([{"a": 1}, {"a": 2}])
    db.close()
    before = path.read_bytes()
    # A record changed in place is refused as it is read; a table emptied, when written.
    changed = "refus de réécrire un enregistrement : l'historique est en ajout seul"
    emptied = "refus d'effacer un enregistrement de « events » : l'historique est en ajout seul"
    attempts = [
        (changed, lambda t, d: t.update({"a": 3}, doc_ids=[1])),
        (changed, lambda t, d: t.upsert({"a": 3}, Query().a == 1)),
        (emptied, lambda t, d: t.remove(doc_ids=[2])),
        (emptied, lambda t, d: t.truncate()),
        (emptied, lambda t, d: d.drop_tables()),
        (emptied, lambda t, d: d.drop_table("events")),
    ]
    for expected, attempt in attempts:
        fresh = TinyDB(path, storage=AppendOnlyStorage)  # nothing written through it yet
        with pytest.raises(StoreError) as caught:
            attempt(fresh.table("events"), fresh)
        assert str(caught.value) == expected
        fresh.close()
        assert path.read_bytes() == before
    again = TinyDB(path, storage=AppendOnlyStorage)
    table = again.table("events")
    assert table.insert({"a": 4}) == 3  # adding is what it is for
    assert [d["a"] for d in table.search(Query().a > 1)] == [2, 4]
    assert [d["a"] for d in TinyDB(path, storage=AppendOnlyStorage).table("events")] == [1, 2, 4]


def test_full_disk_records_nothing_and_keeps_everything(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    candidate, grid = _candidate(store)
    before_head = store.head
    path = store.path_of(candidate)
    before_bytes = path.read_bytes()
    journal_size = (store.folder / JOURNAL_NAME).stat().st_size
    real_write = os.write

    def full(fd: int, data: bytes) -> int:
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".json") or ".tmp-" in os.readlink(
            f"/proc/self/fd/{fd}"
        ):
            raise OSError(errno.ENOSPC, "le disque est plein")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(DiskWriteError, match="le disque est plein"):
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
    monkeypatch.setattr(os, "write", real_write)
    assert store.head == before_head
    assert path.read_bytes() == before_bytes
    assert (store.folder / JOURNAL_NAME).stat().st_size == journal_size
    assert not [p for p in path.parent.iterdir() if ".tmp-" in p.name]
    # And the store goes on: the next write works and continues the chain.
    store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
    last = store.snapshot(candidate).events[-1]
    assert last.seq == before_head.seq + 1 and last.prev == before_head.hash


def test_full_disk_on_the_journal(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    candidate, grid = _candidate(store)
    before = store.head

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "le disque est plein")

    monkeypatch.setattr(os, "fdatasync", full)
    with pytest.raises(DiskWriteError):
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
    monkeypatch.undo()
    assert store.head == before and len(store.snapshot(candidate).events) == 2


def test_dead_intents_are_cut_and_seq_reused(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, _ = _candidate(store)
        head = store.head
    # A process that died between its journal intent and its dossier write.
    with open(tmp_path / JOURNAL_NAME, "ab") as journal:
        journal.write(
            json.dumps({"seq": head.seq + 1, "hash": "f" * 64, "dossier": candidate}).encode()
            + b"\n"
        )
        journal.write(b'{"seq": 99, "ha')  # and a torn line
    with Store.open(tmp_path) as store:
        assert store.head == head
        store.create_person("P", "O", ["tuteur"], "t")
        assert store.head.seq == head.seq + 1
    lines = (tmp_path / JOURNAL_NAME).read_bytes().splitlines()
    assert [int(line.split()[0]) for line in lines] == list(range(1, head.seq + 2))


def test_lost_journal_is_rebuilt_from_the_dossiers(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.create_person("P", "O", ["tuteur"], "t")
        _candidate(store)
        head = store.head
    (tmp_path / JOURNAL_NAME).unlink()
    with Store.open(tmp_path) as store:
        assert store.head == head
    (tmp_path / JOURNAL_NAME).write_bytes(b"garbage without newline\nmore garbage\n")
    with Store.open(tmp_path) as store:
        assert store.head == head


def test_stale_temporaries_are_cleaned(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, _ = _candidate(store)
        folder = store.path_of(candidate).parent
    stale = folder / f".{candidate}.json.tmp-123-abcd"
    stale.write_bytes(b"half a write")
    with Store.open(tmp_path):
        assert not stale.exists()


def test_a_document_under_a_long_name_is_written_whole(tmp_path: Path) -> None:
    """A name chosen with --out may be long (a candidate's full name, the block, the
    session…): the temporary file beside it must fit the file system's 255 bytes too."""
    from store.atomic import atomic_write

    path = tmp_path / f"{'dossier-de-certification-' * 8}.pdf"
    assert len(path.name) == 204
    atomic_write(path, b"%PDF-1.7", keep_backup=False)
    assert path.read_bytes() == b"%PDF-1.7"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]


def test_summaries_use_the_index_until_a_dossier_changes(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        first = store.summaries().records
        assert first[0]["status"] == "pending"
    with Store.open(tmp_path) as store:
        assert store.summaries().records == first
        store.mark_criteria(candidate, grid, [(k, V, "") for k in _criteria(store)], "t")
        block = store.summaries().records[0]["blocks"][0]
        assert block["status"] == "validated" and block["validated"] == 6
    (tmp_path / "index.json").write_bytes(b"not json")  # a lost cache is only recomputed
    with Store.open(tmp_path) as store:
        assert store.summaries().records[0]["blocks"][0]["validated"] == 6


def test_unknown_event_types_are_kept_not_applied(tmp_path: Path) -> None:
    """An event from a newer version of carnet survives, untouched, in an older one."""
    with Store.open(tmp_path) as store:
        candidate, _ = _candidate(store)
        raw = {
            "id": "a" * 32,
            "station": store.station.id,
            "seq": store.head.seq + 1,
            "author": "t",
            "ts": "2026-11-23T10:00:00.000000Z",
            "dossier": candidate,
            "type": "future.thing",
            "payload": {"x": 1},
            "prev": store.head.hash,
        }
        raw["hash"] = content_hash(raw)
    # Written as a newer carnet would have left it in the data folder.
    path = tmp_path / "dossiers" / f"{candidate}.json"
    from tinydb import TinyDB

    newer = TinyDB(path, storage=AppendOnlyStorage)
    newer.table("events").insert(raw)
    newer.close()
    with Store.open(tmp_path) as store:
        snap = store.snapshot(candidate)
        assert snap.state.unknown_events == 1
        assert Event.from_stored(raw) in snap.events


def test_registry_refuses_candidate_events(store: Store) -> None:
    with pytest.raises(EventError, match="registre"):
        store.append(REGISTRY, [Draft("pass.recorded", {"followed": True})], "t")


def test_a_dossier_deleted_after_its_last_write_stops_the_start_naming_the_event(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        candidate, grid = _candidate(store)
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
        path, head = store.path_of(candidate), store.head
    path.unlink()
    with pytest.raises(CorruptFileError) as caught:
        Store.open(tmp_path)
    assert str(caught.value) == (
        f"Le fichier {path} manque (le journal nomme l'événement n° {head.seq} de ce "
        "dossier, absent). « carnet recover » répare ce qui peut l'être et nomme ce qui est "
        "perdu."
    )


def test_a_damaged_identity_read_without_the_lock_is_named_with_its_backup(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        _candidate(store)
    (tmp_path / "station.json").write_bytes(b'{"id": ')
    with pytest.raises(CorruptFileError) as caught:
        Store.open(tmp_path, read_only=True)
    assert str(caught.value) == (
        f"Le fichier {tmp_path / 'station.json'} est illisible (identité du poste illisible). "
        "Une sauvegarde existe (station.json.bak) : « carnet recover » la restaure et garde le "
        "fichier abîmé de côté."
    )


def test_a_grid_or_a_signature_refused_says_what_to_choose_or_what_is_unknown(
    store: Store,
) -> None:
    candidate, _ = _candidate(store)
    evaluator, certifier = _evaluators(store)
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    with pytest.raises(StoreError) as caught:
        store.open_grid(candidate, "gc.b1", "t", evaluator=evaluator, certifier=certifier)
    # The block's two situations, in the referential's words.
    assert str(caught.value) == "choisissez la situation observée : double écoute, accueil physique"
    with pytest.raises(StoreError) as caught:
        store.sign_attestation(candidate, "gc.b9.c1", "tuteur", tutor, "au guichet")
    assert str(caught.value) == "compétence inconnue : gc.b9.c1"


def test_a_deactivated_dossier_refuses_an_entry_naming_the_candidate_and_why(
    store: Store,
) -> None:
    agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    candidate, grid = _candidate(store)
    store.deactivate_candidate(candidate, "a quitté le parcours", agent)
    with pytest.raises(StoreError) as caught:
        store.mark_criteria(candidate, grid, [(_criteria(store)[0], V, "")], "t")
    assert str(caught.value) == (
        "Le dossier de Jeanne Martin est désactivé (a quitté le parcours) : "
        "rien n'y est plus enregistré."
    )


def test_an_identity_lost_with_its_backup_is_rebuilt_even_beside_a_damaged_file(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path) as store:
        _candidate(store)
        station, head = store.station.id, store.head
    for name in ("station.json", "station.json.bak"):
        (tmp_path / name).unlink()
    _flip_letter(tmp_path / "registry.json", 1)  # read first when looking for the identity
    lines = recover(tmp_path).lines()
    assert f"Réparé : {tmp_path / 'station.json'}" in lines
    assert f"Réparé : {tmp_path / 'registry.json'}" in lines
    with Store.open(tmp_path) as store:
        # The same station, going on from its own last number: never a second identity.
        assert (store.station.id, store.head) == (station, head)


def test_a_data_folder_is_made_with_the_folders_above_it(tmp_path: Path) -> None:
    # « carnet --data ~/carnet/2026/poste » on a machine where none of them exists yet.
    folder = tmp_path / "carnet" / "2026" / "poste"
    with Store.open(folder) as store:
        store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    with Store.open(folder) as store:
        assert [p.name for p in store.people().values()] == ["Paul Tuteur"]


def test_an_identity_lost_before_any_event_is_made_anew(tmp_path: Path) -> None:
    """Nothing was signed yet: a new identity forks nothing (the journal exists, empty)."""
    with Store.open(tmp_path) as store:
        first = store.station.id
    assert (tmp_path / JOURNAL_NAME).read_bytes() == b""
    for name in ("station.json", "station.json.bak"):
        (tmp_path / name).unlink()
    with Store.open(tmp_path) as store:
        assert store.station.id not in ("", first)
        store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
        assert store.head.seq == 1
