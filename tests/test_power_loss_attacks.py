"""Attacks on "one sync a mark": a mark is acknowledged once its dossier is synced; its journal
line is synced before only when the dossier changes, else behind, in another thread; opening
writes back from the last-named dossier the lines a power cut took. Every scenario is cut at
each of its changes (``tests/fsmodel.py``); after each cut the folder must lose no acknowledged
event, never use a station number twice, and verify whole once the writer has reopened it.

Unless a test asks for ``synced_behind``, every cut lands in the window between a mark's dossier
sync and its line's sync behind (the worst case: the journal left behind). The tests that ask
for it show the journal then names every acknowledged mark again, so that a dossier damaged
after the cut is loud and its numbers never given twice. (Inside that fraction of a millisecond,
a dossier damaged before the next opening has nothing else naming its last marks.)
Written by a reviewer as attacks on the first form of the change, which had no sync behind."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from models.errors import CarnetError
from models.threshold import CriterionState
from store.journal import Journal, journal_entries
from store.layout import EVENTS, REGISTRY
from store.migrate import data_files
from store.storage import parse_log
from store.store import Store
from store.verify import verify
from tests.fsmodel import PowerCut, PowerModel
from tests.test_power_loss import _base

V = CriterionState.VALIDATED
N = CriterionState.NOT_VALIDATED


@pytest.fixture
def synced_behind() -> None:
    """Asked for by a test whose cut comes after the journal's sync behind."""


@pytest.fixture(autouse=True)
def cut_in_the_window(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if "synced_behind" not in request.fixturenames:
        monkeypatch.setattr(Journal, "sync", lambda self: None)


# --- what the disk holds ---------------------------------------------------------------------


@dataclass
class Acks:
    """What the scenario was told is recorded: the station's heads, and foreign event ids."""

    heads: list[tuple[int, str]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    def take(self, store: Store) -> None:
        self.heads.append((store.head.seq, store.head.hash))

    def mark(
        self, store: Store, candidate: str, grid: str, criterion: str, state: CriterionState
    ) -> None:
        """One criterion marked by the test's author, then its head taken as acknowledged."""
        store.mark_criteria(candidate, grid, [(criterion, state, "")], "t")
        self.take(store)


@dataclass
class Stored:
    own: dict[int, tuple[str, str]]  # seq -> (hash, dossier)
    ids: set[str]
    twice: list[int]


def _station_id(folder: Path) -> str:
    station: str = json.loads((folder / "station.json").read_bytes())["id"]
    return station


def _stored(folder: Path) -> Stored:
    station = _station_id(folder)
    own: dict[int, tuple[str, str]] = {}
    ids: set[str] = set()
    twice: list[int] = []
    for path in data_files(folder):
        if not path.exists():
            continue
        dossier = REGISTRY if path.parent == folder else path.stem
        log = parse_log(path.read_bytes(), path)
        for doc in log.tables.get(EVENTS, {}).values():
            ids.add(doc["id"])
            if doc["station"] == station:
                if doc["seq"] in own:
                    twice.append(doc["seq"])
                own[doc["seq"]] = (doc["hash"], dossier)
    return Stored(own, ids, twice)


_SEQ = re.compile(r"n° (\d+)")


def _check_after(after: Path, acks: Acks, label: str) -> None:
    """The folder as the disk holds it after the cut, opened as a station would."""
    if not (after / "station.json").exists():
        return  # cut before the station existed: nothing acknowledged
    # fdatasync does not keep the modification time: after the cut, the files last written
    # may look older than others. The fillers look newest, so that the opening's cheap check
    # (the four newest files) is not what finds the marks.
    for path in data_files(after):
        with contextlib.suppress(FileNotFoundError):
            newest = FILLER.encode() in path.read_bytes()
            os.utime(path, (2, 2) if newest else (1, 1))
    # Before the writer: carnet verify says in order, or names the one write never acknowledged.
    acked_top = max((s for s, _ in acks.heads), default=0)
    early = verify(after)
    for problem in early.problems:
        seqs = [int(s) for s in _SEQ.findall(problem.message)]
        assert ("inachevée" in problem.message) or (seqs and min(seqs) > acked_top), (
            f"{label}: verify before opening: {problem.line()}"
        )
    # A reader before the writer: opens, every dossier reads.
    # (A dossier whose only journal line is the last write's dead intent, never acknowledged,
    # is named missing until the writer cuts that line: so before this change too.)
    dead = {
        d
        for d in {e.dossier for e in journal_entries(after)}
        if all(e.seq > acked_top for e in journal_entries(after) if e.dossier == d)
    }
    with Store.open(after, read_only=True) as reader:
        listing = reader.summaries()
        unreadable = [c for c, _ in listing.unreadable if c not in dead]
        assert not unreadable, f"{label}: {listing.unreadable}"
    with Store.open(after) as store:
        held = _stored(after)
        for seq, digest in acks.heads:
            assert held.own.get(seq, ("",))[0] == digest, f"{label}: acknowledged n° {seq} lost"
        missing = [i for i in acks.ids if i not in held.ids]
        assert not missing, f"{label}: received events lost: {missing}"
        top = max(held.own, default=0)
        assert store.head.seq == top, f"{label}: head {store.head.seq}, dossiers hold {top}"
        store.create_person("Après Coupure", "O", ["tuteur"], "t")
        assert store.head.seq == top + 1, f"{label}: the next event is not n° {top + 1}"
    held = _stored(after)
    assert not held.twice, f"{label}: station numbers used twice: {held.twice}"
    report = verify(after)
    assert report.ok, f"{label}: {[p.line() for p in report.problems]}"
    assert report.notes == [], f"{label}: {report.notes}"
    named = {(e.seq, e.hash) for e in journal_entries(after)}
    unnamed = [s for s, (h, _) in held.own.items() if (s, h) not in named]
    assert not unnamed, f"{label}: own events the journal does not name: {unnamed}"


Scenario = Callable[[Path, Acks], None]


def _count(tmp_path: Path, base: Path, scenario: Scenario) -> int:
    counting = tmp_path / "count"
    shutil.copytree(base, counting)
    with PowerModel(counting) as model:
        scenario(counting, Acks())
    shutil.rmtree(counting)
    return model.changes


def _cuts(tmp_path: Path, base: Path, scenario: Scenario) -> Iterator[tuple[int, Path, Acks]]:
    """The folder as the disk holds it after a cut at each change of the scenario, and after
    the scenario has run to its end (a cut once the app was closed)."""
    total = _count(tmp_path, base, scenario)
    assert total > 10
    for cut in [*range(total), None]:
        live = tmp_path / f"live{cut}"
        shutil.copytree(base, live)
        acks = Acks()
        with PowerModel(live, cut_at=cut) as model, contextlib.suppress(PowerCut):
            scenario(live, acks)
        after = tmp_path / f"after{cut}"
        model.rebuild(after)
        yield (total if cut is None else cut), after, acks
        shutil.rmtree(live)
        shutil.rmtree(after)


def _every_cut(tmp_path: Path, base: Path, scenario: Scenario) -> int:
    behind = 0
    for cut, after, acks in _cuts(tmp_path, base, scenario):
        if _journal_behind(after):
            behind += 1
        _check_after(after, acks, f"cut at change {cut}")
    return behind


def _journal_behind(folder: Path) -> bool:
    """Whether the journal lacks own events its dossiers hold (what opening writes back)."""
    if not (folder / "station.json").exists():
        return False
    named = {e.seq for e in journal_entries(folder)}
    return any(s not in named for s in _stored(folder).own)


# --- scenarios -------------------------------------------------------------------------------


FILLER = "Remplissage Ancien"


def _fillers(folder: Path) -> None:
    """More dossiers than the opening's cheap check reads (it reads the four newest)."""
    with Store.open(folder) as store:
        for _ in range(5):
            store.create_candidate(FILLER, "CPAM", "gestionnaire-conseil", "t")


@pytest.fixture
def base(tmp_path: Path) -> tuple[Path, str, str, list[str]]:
    folder = tmp_path / "base"
    candidate, grid, criteria = _base(folder)
    _fillers(folder)
    return folder, candidate, grid, criteria


@pytest.mark.slow
def test_people_in_the_registry_then_a_new_dossier_then_back_to_the_registry(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """The registry is a dossier like the others: people written one after the other sync it
    alone; a new candidate (a file created by rename) and the registry again."""
    folder, candidate, grid, criteria = base

    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            for n in range(3):
                store.create_person(f"Personne {n}", "O", ["tuteur"], "t")
                acks.take(store)
            store.create_candidate("Neuf", "CPAM", "gestionnaire-conseil", "t")
            acks.take(store)
            for criterion in criteria[:2]:
                acks.mark(store, candidate, grid, criterion, V)
            for n in range(2):
                store.create_person(f"Retour {n}", "O", ["tuteur"], "t")
                acks.take(store)

    assert _every_cut(tmp_path, folder, scenario) > 0  # some cuts left the journal behind


@pytest.mark.slow
def test_writes_of_several_events_each_in_the_same_dossier(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """Marks of three criteria in one write, again and again in the same dossier: the lines a
    cut takes are whole writes, found back in the dossier."""
    folder, candidate, grid, criteria = base
    assert len(criteria) >= 9

    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            for start in (0, 3, 6):
                marks = [(k, V, "") for k in criteria[start : start + 3]]
                store.mark_criteria(candidate, grid, marks, "t")
                acks.take(store)
            store.mark_criteria(candidate, grid, [(k, N, "") for k in criteria[:2]], "t")
            acks.take(store)

    assert _every_cut(tmp_path, folder, scenario) > 0


# --- a dossier write that fails: the rollback ----------------------------------------------------


class FailingSync:
    """Makes the next ``fdatasync``/``fsync`` of a file whose name matches fail with EIO (the
    disk said no; nothing is made durable), once. Installed inside the power model, so the
    calls that do go through still reach the model."""

    def __init__(self) -> None:
        self.armed: Callable[[str], bool] | None = None
        self.failed = 0
        self._real: dict[str, Any] = {}

    def __enter__(self) -> FailingSync:
        for name in ("fsync", "fdatasync"):
            real = self._real[name] = getattr(os, name)

            def call(fd: int, real: Any = real) -> Any:
                if self.armed is not None:
                    path = os.readlink(f"/proc/self/fd/{fd}")
                    if self.armed(os.path.basename(path)):
                        self.armed = None
                        self.failed += 1
                        raise OSError(errno.EIO, "Input/output error")
                return real(fd)

            setattr(os, name, call)
        return self

    def __exit__(self, *exc: object) -> None:
        for name, real in self._real.items():
            setattr(os, name, real)


def _second_grid(folder: Path) -> tuple[str, str]:
    """Another candidate with a grid under way, by the people of ``_base``."""
    with Store.open(folder) as store:
        people = store.people()
        evaluator = next(p for p, r in people.items() if "representant_metier" in r.roles)
        certifier = next(p for p, r in people.items() if "certificateur" in r.roles)
        other = store.create_candidate("Autre", "CPAM", "gestionnaire-conseil", "t")
        block = store.referentials.conseil.blocks[0]
        situation = block.evaluation.format.situations[0].id  # type: ignore[union-attr]
        grid = store.open_grid(
            other, block.id, "t", evaluator=evaluator, certifier=certifier, situation=situation
        )
    return other, grid


@pytest.mark.slow
def test_a_dossier_write_that_fails_between_unsynced_marks(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """A mark in another dossier whose sync fails (its line, synced, is taken back: the
    journal's last line names the first dossier again), then that other dossier again; a
    mark whose dossier sync fails (the journal's line, unsynced, is taken back and the sync
    state reset), then the same mark again and more; a new candidate whose file fails to be
    made durable, then marks in the old dossier; a last failure, then the registry."""
    folder, candidate, grid, criteria = base
    other, other_grid = _second_grid(folder)
    failures: list[int] = []

    def scenario(live: Path, acks: Acks) -> None:
        with FailingSync() as faults, Store.open(live) as store:
            try:
                acks.mark(store, candidate, grid, criteria[0], N)
                # Another dossier whose write fails: its synced line is taken back, the
                # journal's last line names the first dossier again; then that other dossier
                # twice, the first of which must sync the journal again.
                faults.armed = lambda name: name == f"{other}.json"
                with pytest.raises(CarnetError):
                    store.mark_criteria(other, other_grid, [(criteria[0], V, "")], "t")
                for criterion in criteria[:2]:
                    acks.mark(store, other, other_grid, criterion, V)
                for criterion in criteria[:2]:
                    acks.mark(store, candidate, grid, criterion, V)
                faults.armed = lambda name: name == f"{candidate}.json"
                with pytest.raises(CarnetError):
                    store.mark_criteria(candidate, grid, [(criteria[2], V, "")], "t")
                for criterion in criteria[2:4]:
                    acks.mark(store, candidate, grid, criterion, V)
                faults.armed = lambda name: name.startswith(".c-") and ".tmp-" in name
                with pytest.raises(CarnetError):
                    store.create_candidate("Raté", "CPAM", "gestionnaire-conseil", "t")
                for criterion in criteria[4:6]:
                    acks.mark(store, candidate, grid, criterion, V)
                faults.armed = lambda name: name == f"{candidate}.json"
                with pytest.raises(CarnetError):
                    store.mark_criteria(candidate, grid, [(criteria[6], V, "")], "t")
                store.create_person("Ensuite", "O", ["tuteur"], "t")
                acks.take(store)
            finally:
                failures.append(faults.failed)

    assert _every_cut(tmp_path, folder, scenario) > 0
    assert max(failures) == 4  # the uncut run met its four failures


# --- a secretariat: other stations' events imported into the same dossier between marks ----------


@pytest.fixture
def secretariat(tmp_path: Path) -> tuple[Path, str, str, list[str], list[dict[str, Any]]]:
    """A secretariat holding a station's candidate, its own marks to make on the same grid,
    and the station's later events, not received yet (as they are stored at the station)."""
    from tests.test_sync import _export, _import, station_and_secretariat

    station, secretariat, candidate, grid, criteria = station_and_secretariat(tmp_path / "pair")
    report = _import(secretariat, _export(station, "lot1.carnet"))
    assert not report.rejected and report.new_events > 0
    with Store.open(station) as a:
        for criterion in criteria[3:7]:
            a.mark_criteria(candidate, grid, [(criterion, V, "")], "t")
        a.create_person("Autre Poste", "O", ["tuteur"], "t")
    ident = _station_id(station)
    later: list[dict[str, Any]] = []
    with Store.open(station, read_only=True) as a:
        for dossier in (candidate, REGISTRY):
            for doc in a.raw_events(dossier).values():
                if doc["station"] == ident:
                    later.append(dict(doc))
    with Store.open(secretariat, read_only=True) as s:
        known = {d["id"] for x in (candidate, REGISTRY) for d in s.raw_events(x).values()}
    later = sorted((d for d in later if d["id"] not in known), key=lambda d: d["seq"])
    assert len(later) == 5
    _fillers(secretariat)
    return secretariat, candidate, grid, criteria, later


@pytest.mark.slow
def test_a_secretariat_receiving_into_the_dossier_it_marks(
    tmp_path: Path, secretariat: tuple[Path, str, str, list[str], list[dict[str, Any]]]
) -> None:
    folder, candidate, grid, criteria, later = secretariat
    marks, people = later[:4], later[4:]

    def receive(store: Store, dossier: str, docs: list[dict[str, Any]], acks: Acks) -> None:
        assert store.receive({dossier: docs}) == len(docs)
        acks.ids.extend(d["id"] for d in docs)

    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            acks.mark(store, candidate, grid, criteria[7], N)
            receive(store, candidate, marks[:2], acks)
            acks.mark(store, candidate, grid, criteria[8], N)
            receive(store, candidate, marks[2:], acks)
            acks.mark(store, candidate, grid, criteria[9], N)
            store.create_person("Secrétaire", "O", ["tuteur"], "t")
            acks.take(store)
            receive(store, REGISTRY, people, acks)
            store.create_person("Secrétaire 2", "O", ["tuteur"], "t")
            acks.take(store)

    assert _every_cut(tmp_path, folder, scenario) > 0


# --- SIGKILL, then a power cut -------------------------------------------------------------------


def _killed(store: Store) -> None:
    """What SIGKILL leaves: nothing of ``close`` runs (no index, the journal not synced); the
    lock goes with the process."""
    fd = store._lock._fd
    assert fd is not None
    os.close(fd)
    store._lock._fd = None


@pytest.mark.slow
def test_killed_then_reopened_then_a_power_cut(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """Marks whose journal lines were never synced, the app killed: the next opening reads
    them from the cache (they are not on disk), then works on; a cut anywhere in that."""
    folder, candidate, grid, criteria = base

    def scenario(live: Path, acks: Acks) -> None:
        first = Store.open(live)
        for criterion in criteria[:3]:
            acks.mark(first, candidate, grid, criterion, V)
        _killed(first)
        with Store.open(live) as store:  # reads the lines only the page cache holds
            assert store.head == first.head
            for criterion in criteria[3:5]:
                acks.mark(store, candidate, grid, criterion, V)
            store.create_person("Après", "O", ["tuteur"], "t")
            acks.take(store)
            acks.mark(store, candidate, grid, criteria[5], V)

    assert _every_cut(tmp_path, folder, scenario) > 0


@pytest.mark.slow
def test_killed_and_reopened_by_a_reader_only_then_a_power_cut(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """A reader (carnet status) after the kill sees the lines from the cache; then the cut
    takes them: the next writer still finds them in the dossier."""
    folder, candidate, grid, criteria = base

    def scenario(live: Path, acks: Acks) -> None:
        first = Store.open(live)
        for criterion in criteria[:3]:
            acks.mark(first, candidate, grid, criterion, V)
        _killed(first)
        with Store.open(live, read_only=True) as reader:
            assert not reader.summaries().unreadable
        with Store.open(live):
            pass  # the writer opens and closes: the index is written, the journal not synced

    assert _every_cut(tmp_path, folder, scenario) > 0


# --- two power cuts in a row, and one during the opening's write-back ----------------------------


def _marks(candidate: str, grid: str, criteria: list[str]) -> Scenario:
    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            for criterion in criteria:
                acks.mark(store, candidate, grid, criterion, V)

    return scenario


@pytest.mark.slow
def test_a_second_cut_at_every_change_of_the_opening_that_writes_back(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """The first cut leaves the journal three marks behind; the next session (opening, which
    writes them back, marks, a new candidate, marks) is cut at each of its changes."""
    folder, candidate, grid, criteria = base
    first = tmp_path / "first"
    shutil.copytree(folder, first)
    acks1 = Acks()
    with PowerModel(first) as model:
        _marks(candidate, grid, criteria[:4])(first, acks1)
    behind = tmp_path / "behind"
    model.rebuild(behind)
    assert _journal_behind(behind)

    def scenario(live: Path, acks: Acks) -> None:
        acks.heads.extend(acks1.heads)
        with Store.open(live) as store:
            for criterion in criteria[4:6]:
                acks.mark(store, candidate, grid, criterion, V)
            store.create_candidate("Neuf", "CPAM", "gestionnaire-conseil", "t")
            acks.take(store)
            acks.mark(store, candidate, grid, criteria[6], V)

    extend_cut = False
    for cut, after, acks in _cuts(tmp_path / "second", behind, scenario):
        if _journal_behind(after) and len(acks.heads) == len(acks1.heads):
            extend_cut = True  # cut before or during the write-back: still behind
        _check_after(after, acks, f"second cut at change {cut}")
    assert extend_cut


@pytest.mark.slow
def test_three_cuts_each_leaving_the_journal_behind(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """Cut after marks, reopen, more marks in the same dossier, cut again (the opening's
    write-back was synced, the new marks' lines not), again: nothing lost, no number twice."""
    folder, candidate, grid, criteria = base
    current = folder
    acks = Acks()
    for round_ in range(3):
        live = tmp_path / f"round{round_}"
        shutil.copytree(current, live)
        with PowerModel(live) as model:
            _marks(candidate, grid, criteria[3 * round_ : 3 * round_ + 3])(live, acks)
        current = tmp_path / f"cut{round_}"
        model.rebuild(current)
        assert _journal_behind(current)
        early = verify(current)
        assert early.ok and len(early.notes) == 1, [p.line() for p in early.problems]
    _check_after(current, acks, "after three cuts")


# --- readers before the writer reopens -----------------------------------------------------------


def test_status_and_verify_before_the_writer_reopens_after_a_cut(
    tmp_path: Path, base: tuple[Path, str, str, list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    """carnet status and carnet verify run on the folder a cut left, before the app: they say
    what the dossiers hold (the marks whose lines the cut took included) and exit 0; the app
    then opens, writes the lines back, and status says the same."""
    from tui.cli import main

    folder, candidate, grid, criteria = base
    live = tmp_path / "live"
    shutil.copytree(folder, live)
    with PowerModel(live) as model, Store.open(live) as store:
        for criterion in criteria[:4]:
            store.mark_criteria(candidate, grid, [(criterion, V, "")], "t")
            store.missing_dossiers()  # the index remembers how far it read the journal
        expected = store.summary(candidate)
    after = tmp_path / "after"
    model.rebuild(after)
    assert _journal_behind(after)
    capsys.readouterr()
    assert main(["status", "--json", "--data", str(after)]) == 0
    listed = {r["id"]: r for r in json.loads(capsys.readouterr().out)["candidates"]}
    assert listed[candidate] == json.loads(json.dumps(expected))
    assert main(["verify", "--data", str(after)]) == 0
    out = capsys.readouterr().out
    assert "Le journal n'inscrit pas encore" in out and "Tout se vérifie" in out
    with Store.open(after) as store:
        assert store.missing_dossiers() == []
        assert store.summary(candidate) == expected
    assert not _journal_behind(after)
    assert main(["status", "--json", "--data", str(after)]) == 0
    again = {r["id"]: r for r in json.loads(capsys.readouterr().out)["candidates"]}
    assert again == listed
    assert main(["verify", "--data", str(after)]) == 0
    assert "Le journal n'inscrit pas encore" not in capsys.readouterr().out


def test_the_index_memory_of_the_journal_after_it_shrank_and_grew_back(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """The index keeps how far it read the journal (offset, last bytes, dossiers named). A cut
    shortens the journal below that offset; the opening writes the lines back (batch numbers
    differ), a new candidate follows: the dossiers the index says the journal names are still
    the journal's."""
    from store.index import SummaryIndex, journal_dossiers

    folder, candidate, grid, criteria = base
    live = tmp_path / "live"
    shutil.copytree(folder, live)
    with PowerModel(live) as model, Store.open(live) as store:
        for criterion in criteria[:3]:
            store.mark_criteria(candidate, grid, [(criterion, V, "")], "t")
        store.missing_dossiers()
    after = tmp_path / "after"
    model.rebuild(after)
    index = SummaryIndex(after, read_only=True)
    index.names()
    cached_end = index._journal["end"] if index._journal else 0
    index.close()
    assert cached_end > (after / "journal.log").stat().st_size  # the index read past the cut
    with Store.open(after) as store:
        other = store.create_candidate("Neuf", "CPAM", "gestionnaire-conseil", "t")
        assert store.missing_dossiers() == []
    named = journal_dossiers(after / "journal.log")
    index = SummaryIndex(after, read_only=True)
    assert index.journal_names(after / "journal.log") == named and other in named
    index.close()
    report = verify(after)
    assert report.ok and report.notes == [], [p.line() for p in report.problems]


# --- carnet recover after a cut, before the writer reopened ----------------------------------------


def _cut_behind(
    tmp_path: Path, base: Path, candidate: str, grid: str, criteria: list[str]
) -> tuple[Path, Acks]:
    live = tmp_path / "live"
    shutil.copytree(base, live)
    acks = Acks()
    with PowerModel(live) as model:
        _marks(candidate, grid, criteria[:4])(live, acks)
    after = tmp_path / "after"
    model.rebuild(after)
    assert not _journal_behind(after)  # every acknowledged mark's line synced behind
    return after, acks


def test_recover_after_a_cut_keeps_the_numbers_of_events_a_damaged_dossier_lost(
    tmp_path: Path, base: tuple[Path, str, str, list[str]], synced_behind: None
) -> None:
    """A cut after four marks (their journal lines synced behind); then the dossier that holds
    them is damaged (the last mark's record altered: the app refuses to open and says to run carnet
    recover). recover drops the damaged record; that event was acknowledged (and may already
    be at the secretariat): its number must stay taken, as it does when the journal names
    it, and the next event must not be given it again."""
    from store.recovery import recover

    folder, candidate, grid, criteria = base
    after, acks = _cut_behind(tmp_path, folder, candidate, grid, criteria)
    dossier = after / "dossiers" / f"{candidate}.json"
    lines = dossier.read_bytes().split(b"\n")
    seq, _ = acks.heads[-1]  # the last mark: its line the cut took
    # Its record names its number (a record need not hold the hash: ``store.compact``).
    at = next(i for i, line in enumerate(lines) if b'"seq":%d,' % seq in line)
    lines[at] = lines[at].replace(b'"criterion.marked"', b'"criterion.markeD"')
    dossier.write_bytes(b"\n".join(lines))
    with pytest.raises(CarnetError):
        Store.open(after).close()  # the damage is seen
    report = recover(after)
    assert report.restored
    with Store.open(after) as store:
        store.create_person("Après", "O", ["tuteur"], "t")
        taken = store.head.seq
    lost = (
        {s for _, seqs in json.loads((after / "lost.json").read_bytes()).items() for s in seqs}
        if (after / "lost.json").exists()
        else set()
    )
    assert taken > acks.heads[-1][0], (
        f"the next event took n° {taken}, a number already given to an acknowledged event"
    )
    assert seq in lost, f"n° {seq}, acknowledged then lost with the damage, is not recorded lost"


def test_a_dossier_cut_short_after_a_cut_is_not_taken_for_a_torn_write(
    tmp_path: Path, base: tuple[Path, str, str, list[str]], synced_behind: None
) -> None:
    """A cut after four marks (their journal lines synced behind); then the dossier that holds
    them loses its end (a file system repair, a damaged sector: it ends halfway through the
    third mark, the fourth gone). The journal names both acknowledged marks: the opening stops
    and names the file, never cutting them as a torn write and giving their numbers again
    (which it did when their lines were not synced behind)."""
    folder, candidate, grid, criteria = base
    after, acks = _cut_behind(tmp_path, folder, candidate, grid, criteria)
    dossier = after / "dossiers" / f"{candidate}.json"
    raw = dossier.read_bytes()
    third = raw.index(b'"seq":%d,' % acks.heads[-2][0])  # in the third mark's record
    dossier.write_bytes(raw[:third])
    try:
        with Store.open(after) as store:
            store.create_person("Après", "O", ["tuteur"], "t")
            taken = store.head.seq
    except CarnetError:
        return  # stopped and named: the loss is not silent
    assert taken > acks.heads[-1][0], (
        f"acknowledged n° {acks.heads[-2][0]} and {acks.heads[-1][0]} cut in silence, and "
        f"n° {taken} given to a new event"
    )


# --- the first own events of a folder that so far only received ----------------------------------


@pytest.mark.slow
def test_the_first_own_events_of_a_folder_that_only_received(tmp_path: Path) -> None:
    """A folder that received a station's events and wrote none of its own (its journal empty,
    said so by its mark): its first own events go to the registry one after the other (the
    first syncs the journal, the next ones not), more are received between them, then marks in
    a received dossier."""
    station = tmp_path / "station"
    candidate, grid, criteria = _base(station)
    with Store.open(station) as a:
        for criterion in criteria[5:7]:
            a.mark_criteria(candidate, grid, [(criterion, V, "")], "t")
    _fillers(station)  # received too: more dossiers than the opening's cheap check reads
    with Store.open(station, read_only=True) as a:
        dossiers = (REGISTRY, *a.candidate_ids())
        raws = {d: [dict(doc) for doc in a.raw_events(d).values()] for d in dossiers}
    first, later = raws[candidate][:-2], raws[candidate][-2:]
    folder = tmp_path / "base"
    with Store.open(folder) as store:
        store.receive({**raws, candidate: first})
    assert (folder / "journal.vide").exists() and (folder / "journal.log").stat().st_size == 0

    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            store.create_person("Premier", "O", ["tuteur"], "t")
            acks.take(store)
            store.create_person("Second", "O", ["tuteur"], "t")
            acks.take(store)
            assert store.receive({candidate: later[:1]}) == 1
            acks.ids.append(later[0]["id"])
            store.create_person("Troisième", "O", ["tuteur"], "t")
            acks.take(store)
            acks.mark(store, candidate, grid, criteria[0], N)
            assert store.receive({candidate: later[1:]}) == 1
            acks.ids.append(later[1]["id"])
            acks.mark(store, candidate, grid, criteria[1], N)

    assert _every_cut(tmp_path, folder, scenario) > 0


# --- carnet recover first, after each cut -------------------------------------------------------


@pytest.mark.slow
def test_carnet_recover_run_first_after_each_cut(
    tmp_path: Path, base: tuple[Path, str, str, list[str]]
) -> None:
    """Run before the app after a cut that left the journal behind (nothing damaged),
    carnet recover finds nothing to repair and records nothing lost; the app then opens and
    writes the lines back."""
    from store.recovery import recover
    from store.verify import stale_caches

    folder, candidate, grid, criteria = base

    def scenario(live: Path, acks: Acks) -> None:
        with Store.open(live) as store:
            for criterion in criteria[:3]:
                acks.mark(store, candidate, grid, criterion, V)
            store.create_person("Entre", "O", ["tuteur"], "t")
            acks.take(store)
            for criterion in criteria[3:5]:
                acks.mark(store, candidate, grid, criterion, V)

    behind = 0
    for cut, after, acks in _cuts(tmp_path, folder, scenario):
        if _journal_behind(after):
            behind += 1
            report = recover(after, stale_caches=stale_caches)
            assert not report.restored and not report.lost and not report.absent, (
                f"cut at change {cut}: {report.lines()}"
            )
            assert not (after / "lost.json").exists()
        _check_after(after, acks, f"cut at change {cut}, recover first")
    assert behind > 0


def test_exported_marks_a_cut_then_a_damaged_dossier_the_secretariat_sees_a_fork(
    tmp_path: Path, synced_behind: None
) -> None:
    """The same as seen from the secretariat. The station marks three criteria (one sync
    each, their journal lines synced behind) and exports them; the power is cut; the
    dossier's last record is then damaged; carnet recover repairs the file as it says to. The
    journal names the damaged event: recorded lost, its number never given again, so the
    secretariat finds no fork (without the sync behind, it did)."""
    from store.recovery import recover
    from tests.test_sync import _export, _import, station_and_secretariat

    station, secretariat, candidate, grid, criteria = station_and_secretariat(tmp_path)
    with Store.open(station) as a:
        a.create_person("Entre", "O", ["tuteur"], "t")  # the registry last: marks sync again
    live = tmp_path / "live"
    shutil.copytree(station, live)
    with PowerModel(live) as model:
        with Store.open(live) as a:
            for criterion in criteria[3:6]:
                a.mark_criteria(candidate, grid, [(criterion, V, "")], "t")
            last = a.head
        first = _export(live, "lot1.carnet")
    after = tmp_path / "a-after"
    model.rebuild(after)
    assert not _journal_behind(after)
    dossier = after / "dossiers" / f"{candidate}.json"
    lines = dossier.read_bytes().split(b"\n")
    at = next(i for i, line in enumerate(lines) if b'"seq":%d,' % last.seq in line)
    lines[at] = lines[at].replace(b'"criterion.marked"', b'"criterion.markeD"')
    dossier.write_bytes(b"\n".join(lines))
    recover(after)
    with Store.open(after) as a:
        a.mark_criteria(candidate, grid, [(criteria[6], N, "")], "t")
        taken = a.head.seq
    report = _import(secretariat, first, _export(after, "lot2.carnet"))
    said = [f.said("a") for f in report.files]
    assert not any(f.fork for f in report.files) and not report.rejected, said
    assert taken > last.seq, f"n° {taken} given again to another event"
