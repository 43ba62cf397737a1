"""The import's worker code, run in this process.

An import of 32 files or more hands the bundles to worker processes (store/sync.py,
``_checked_by_workers``); what those processes run was reached by the slow subprocess tests
only, so the fast loop (and mutation testing, whose mutants a spawned worker would not see
the same way) never checked it. Here the worker pool is replaced by threads of this process,
started with the same initializer and handed the same work: the pool's order, its routing and
its fallbacks are then checked in-process, against the same import done without workers.
"""

from __future__ import annotations

import concurrent.futures
import os
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

import pytest

import store.sync as sync
from models.threshold import CriterionState
from store.bundle import Reader, seal_file
from store.errors import DiskWriteError, StoreError
from store.keys import TrustStore, load_or_create_encryption_key
from store.personal import keys_in
from store.store import Store
from store.sync import Fork, Ledger, check_path, export, import_files

N = CriterionState.NOT_VALIDATED


class _Threads(ThreadPoolExecutor):
    """Stands in for ``ProcessPoolExecutor``: the same initializer and work, in threads."""

    made: list[_Threads] = []

    def __init__(self, workers: int, *, mp_context: Any, initializer: Any, initargs: Any) -> None:
        # The workers are spawned, never forked: a fork would copy this process's threads
        # and open files (the data lock among them) into the child.
        assert mp_context.get_start_method() == "spawn"
        # One worker per pool: a sender's bundles, all sent to one pool, are checked in
        # order, each knowing the people's keys the ones before registered.
        assert workers == 1
        super().__init__(workers, initializer=initializer, initargs=initargs)
        self.submitted: list[Path] = []
        self.futures: list[Future[Any]] = []
        _Threads.made.append(self)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.submitted.append(args[0])
        future = super().submit(fn, *args, **kwargs)
        self.futures.append(future)
        return future


class _Broken(ThreadPoolExecutor):
    """A pool whose processes could not start: every submission is refused."""

    submitted = 0

    def __init__(self, workers: int, *, mp_context: Any, initializer: Any, initargs: Any) -> None:
        super().__init__(workers)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        type(self).submitted += 1
        raise BrokenProcessPool("un processus de vérification est mort")


class _Dying(ThreadPoolExecutor):
    """A pool whose process dies while checking: each result is an error."""

    submitted = 0

    def __init__(self, workers: int, *, mp_context: Any, initializer: Any, initargs: Any) -> None:
        super().__init__(workers)

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        type(self).submitted += 1
        future: Future[Any] = Future()
        future.set_exception(BrokenProcessPool("un processus de vérification est mort"))
        return future


def _bundles(station: Path, candidate: str, grid: str, criteria: list[str]) -> list[Path]:
    """Three bundles of one station, each with one more mark."""
    paths = []
    with Store.open(station) as a:
        paths.append(export(a, station.parent / "lot1.carnet").path)
        for number, criterion in enumerate(criteria[3:5]):
            a.mark_criteria(candidate, grid, [(criterion, N, "")], "t")
            paths.append(export(a, station.parent / f"lot{number + 2}.carnet").path)
    return paths


def _outcome(folder: Path, paths: list[Path]) -> list[tuple[str, str, int, int, str | None]]:
    with Store.open(folder) as store:
        report = import_files(store, paths, receipts_dir=folder.parent / "accuses")
    return [(r.path.name, r.kind, r.new_events, r.known_events, r.error) for r in report.files]


def _pooled(monkeypatch: pytest.MonkeyPatch, pool: type[ThreadPoolExecutor]) -> None:
    monkeypatch.setattr(sync, "POOL_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", pool)


def _secretariat_copy(secretariat: Path, tmp_path: Path, name: str) -> Path:
    import shutil

    copy = tmp_path / name
    shutil.copytree(secretariat, copy, ignore=shutil.ignore_patterns("carnet.lock"))
    return copy


def test_the_workers_give_what_this_process_gives_file_by_file_in_order(
    pair: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    bundles = _bundles(station, candidate, grid, criteria)
    junk = tmp_path / "abime.carnet"
    junk.write_bytes(b"pas un lot")
    missing = tmp_path / "absent.carnet"
    # A bundle imported before is settled here; a file refused at once too; the rest checked
    # by the workers: the results come back in the files' order all the same.
    paths = [bundles[0], junk, bundles[1], missing, bundles[2], bundles[0]]
    plain = _secretariat_copy(secretariat, tmp_path, "plain")
    expected = _outcome(plain, paths)
    assert [e[4] is None for e in expected] == [True, False, True, False, True, True]
    assert expected[3][4] == "illisible : fichier ou dossier introuvable"

    _Threads.made.clear()
    _pooled(monkeypatch, _Threads)
    assert _outcome(secretariat, paths) == expected
    # Two workers, each sender's bundles to one of them, in order: here one station. The
    # bundle given twice is checked twice (imported before means before this import).
    assert len(_Threads.made) == 2
    submitted = [pool.submitted for pool in _Threads.made]
    assert sorted(submitted, key=len) == [[], [*bundles, bundles[0]]]
    # And the workers did the checking: none of them failed, leaving it to this process.
    assert all(f.exception() is None for pool in _Threads.made for f in pool.futures)
    with Store.open(station) as a, Store.open(secretariat) as s:
        assert s.summary(candidate) == a.summary(candidate)


@pytest.mark.parametrize("pool", [_Broken, _Dying], ids=["refused", "dying"])
def test_workers_that_fail_leave_the_checks_to_this_process(
    pair: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pool: type[ThreadPoolExecutor]
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    bundles = _bundles(station, candidate, grid, criteria)
    plain = _secretariat_copy(secretariat, tmp_path, "plain")
    expected = _outcome(plain, bundles)
    assert [e[4] for e in expected] == [None, None, None]
    _pooled(monkeypatch, pool)
    # One file in flight: what is sent after a failure shows.
    monkeypatch.setattr(sync, "IN_FLIGHT", 1)
    monkeypatch.setattr(pool, "submitted", 0)
    assert _outcome(secretariat, bundles) == expected
    with Store.open(station) as a, Store.open(secretariat) as s:
        assert s.summary(candidate) == a.summary(candidate)
    # Once the pool has failed, nothing more is sent to it: a refused submission stops at
    # once; a failed result stops at the next one (the second was sent before the first
    # result was read).
    assert pool.submitted == (1 if pool is _Broken else 2)


def test_what_a_worker_runs_checks_a_file_as_this_process_does(pair: Any) -> None:
    station, secretariat, candidate, grid, criteria = pair
    bundle = _bundles(station, candidate, grid, criteria)[0]
    with Store.open(secretariat) as s:
        keys = dict(TrustStore(s.folder).keys)
        reader = Reader(s.station.id, load_or_create_encryption_key(s.folder).private_bytes_raw())
        people = s.public_keys()
    # Private: these two are what a worker process runs (its initializer and its task); no
    # public function runs them in this process. The worker's state is this module's dict:
    # emptied first, as a new worker process starts with it empty.
    sync._WORKER.clear()
    sync._init_worker(keys, frozenset(), reader, dict(people))
    in_worker = sync._check_in_worker(bundle)
    here = check_path(bundle, keys, frozenset(), reader, people)
    assert in_worker.error is None and here.error is None
    assert in_worker.header == here.header
    assert in_worker.bundle is not None and here.bundle is not None
    assert in_worker.bundle.events == here.bundle.events
    # The people registered in the bundle are known to the worker for the next bundles.
    registered = keys_in(here.bundle.events)
    assert all(sync._WORKER["people"][k] == v for k, v in registered.items())

    # A content imported before is recognised by its hash, without its events.
    assert here.header is not None
    sync._init_worker(keys, frozenset({here.header.content_sha256}), reader, dict(people))
    known = sync._check_in_worker(bundle)
    assert known.error is None and known.header == here.header and known.bundle is None


def test_check_path_says_why_a_file_is_refused(pair: Any, tmp_path: Path) -> None:
    _, secretariat, *_ = pair
    with Store.open(secretariat) as s:
        keys = dict(TrustStore(s.folder).keys)
    assert check_path(tmp_path / "absent.carnet", keys, frozenset()).error == (
        "illisible : fichier ou dossier introuvable"
    )
    junk = tmp_path / "abime.carnet"
    junk.write_bytes(b"pas un lot")
    refused = check_path(junk, keys, frozenset())
    assert refused.error and refused.header is None and refused.bundle is None


def test_the_ledger_refuses_a_second_history_before_adding(tmp_path: Path) -> None:
    ledger = Ledger(tmp_path)
    first = [{"seq": 1, "prev": "", "hash": "h1"}, {"seq": 2, "prev": "h1", "hash": "h2"}]
    ledger.check_and_add("P", first)
    assert ledger.stations["P"] == [[1, "", 2, "h2"]] and ledger.dirty
    with pytest.raises(Fork, match=r"^fourche du poste P au n° 2$"):
        ledger.check_and_add("P", [{"seq": 3, "prev": "autre", "hash": "h3"}])
    assert ledger.stations["P"] == [[1, "", 2, "h2"]]
    ledger.check_and_add("P", [{"seq": 3, "prev": "h2", "hash": "h3"}])
    assert ledger.plain_ranges("P") == [[1, 3]]


INTERRUPTED = (
    "import interrompu, écriture impossible ({}) : ce qui a été reçu avant reste "
    "enregistré ; importez de nouveau les mêmes fichiers une fois le disque disponible, rien "
    "n'est appliqué deux fois"
)


@pytest.mark.parametrize(
    ("error", "why"),
    [
        (OSError(28, "le disque est plein"), "le disque est plein"),
        (OSError("sans errno"), "sans errno"),
        (
            DiskWriteError(
                "Rien n'a été enregistré : le disque est plein. Les données précédentes sont "
                "intactes."
            ),
            "le disque est plein",
        ),
    ],
    ids=["oserror", "no-strerror", "disk-write-error"],
)
def test_an_import_cut_by_a_failed_write_says_what_stays_and_what_to_do(
    pair: Any, monkeypatch: pytest.MonkeyPatch, error: Exception, why: str
) -> None:
    station, secretariat, candidate, grid, criteria = pair
    bundle = _bundles(station, candidate, grid, criteria)[0]
    with Store.open(secretariat) as s:

        def failing(*args: Any, **kwargs: Any) -> None:
            raise error

        monkeypatch.setattr(s, "receive", failing)
        with pytest.raises(StoreError) as caught:
            import_files(s, [bundle])
    assert str(caught.value) == INTERRUPTED.format(why)


def test_a_bundle_for_another_station_is_named_so_by_check_path(pair: Any) -> None:
    station, secretariat, candidate, grid, criteria = pair
    bundle = _bundles(station, candidate, grid, criteria)[0]
    with Store.open(station) as a:
        keys = {**TrustStore(a.folder).keys}
        private = load_or_create_encryption_key(a.folder).private_bytes_raw()
        own_key = sync.station_key(a)
        keys[a.station.id] = sync.TrustedKey(a.station.id, own_key.public, "")
        mine = a.station.id
    with Store.open(secretariat) as s:
        them = s.station.id
    # Read by a third station: not for it.
    checked = check_path(bundle, keys, frozenset(), Reader("poste-tiers", private))
    assert checked.error == (
        f"lot chiffré pour {them}, pas pour ce poste (poste-tiers) : seul son destinataire "
        "peut le lire. Demandez à l'expéditeur un lot pour ce poste (carnet export --pour)."
    )
    # Read by the station that wrote it (an exchange folder shared both ways): its own.
    own = check_path(bundle, keys, frozenset(), Reader(mine, private))
    assert (own.own, own.error, own.bundle) == (True, None, None)
    assert own.header is not None and own.header.recipient == them


def test_a_worker_keeps_plain_events_and_the_keys_of_the_bundles_before(pair: Any) -> None:
    """A station registers a person's key in one bundle and signs with it in the next: the
    worker that checked the first verifies the second's signature itself."""
    from tests.signing import secret_of

    station, secretariat, candidate, *_ = pair
    with Store.open(station) as a:
        tutor = a.snapshot(candidate).state.candidate.tutor  # type: ignore[union-attr]
        secret = secret_of(a, tutor)
        first = export(a, station.parent / "cles.carnet").path
        a.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret)
        # The next bundle holds the signature alone (as once the first is confirmed).
        late = sync.own_events(a)[-1:]
        refs = {r.id: r.version for r in a.referentials.all()}
        second = station.parent / "signe.carnet"
        second.write_bytes(
            seal_file("bundle", a.station.id, sync.station_key(a), 9, late, count=1,
                      referentials=refs)
        )  # fmt: skip
    with Store.open(secretariat) as s:
        keys = dict(TrustStore(s.folder).keys)
        reader = Reader(s.station.id, load_or_create_encryption_key(s.folder).private_bytes_raw())
    # Private: the worker's initializer and task (see above).
    sync._WORKER.clear()
    sync._init_worker(keys, frozenset(), reader, {})
    checked_first = sync._check_in_worker(first)
    assert checked_first.bundle is not None
    # What a worker sends back pickled: plain dicts, not the JSON kept beside them.
    assert all(type(e) is dict for e in checked_first.bundle.events)
    checked_second = sync._check_in_worker(second)
    assert checked_second.bundle is not None
    (signed,) = [e for e in checked_second.bundle.events if e["type"] == "attestation.signed"]
    assert [h for h, _ in checked_second.proofs] == [signed["hash"]]  # type: ignore[attr-defined]
    # Without the first bundle's keys, the same file's signature is not verified with it.
    alone = check_path(second, keys, frozenset(), reader, {})
    assert alone.error is None and not alone.proofs


def test_on_one_processor_many_bundles_are_checked_here_one_by_one_alike(
    pair: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Enough bundles for the workers, but one processor: no worker; each bundle is read
    again and checked here (none kept open: never all of them in memory), decrypted with this
    folder's key, with the same results as a few files checked as they come."""
    station, secretariat, candidate, grid, criteria = pair
    bundles = _bundles(station, candidate, grid, criteria)
    paths = [bundles[0], bundles[1], bundles[2]]
    expected = _outcome(_secretariat_copy(secretariat, tmp_path, "plain"), paths)
    assert all(e[4] is None for e in expected) and expected[0][2] > 0
    monkeypatch.setattr(sync, "POOL_FROM", 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 1)
    assert _outcome(secretariat, paths) == expected
