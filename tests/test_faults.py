"""An I/O error (EIO, ENOSPC) at every write, sync and rename of a tick: never an acknowledged
event lost, never a fork, a French message, and work resumes when the fault goes."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from models.events import GENESIS
from models.threshold import CriterionState
from store.errors import DiskWriteError
from store.store import Store

OPERATIONS = ("write", "fsync", "fdatasync", "replace", "ftruncate", "open")


@contextmanager
def failing(at: int | None, code: int) -> Iterator[list[str]]:
    """Counts the os calls (listed above) and makes call number ``at`` raise ``code``."""
    seen: list[str] = []
    real = {name: getattr(os, name) for name in OPERATIONS}

    def wrap(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            seen.append(name)
            if at is not None and len(seen) - 1 == at:
                raise OSError(code, os.strerror(code))
            return function(*args, **kwargs)

        return call

    for name, function in real.items():
        setattr(os, name, wrap(name, function))
    try:
        yield seen
    finally:
        for name, function in real.items():
            setattr(os, name, function)


def _setup(folder: Path) -> tuple[str, str, list[str]]:
    with Store.open(folder) as store:
        evaluator = store.create_person("É", "O", ["representant_metier"], "t")
        certifier = store.create_person("C", "O", ["certificateur"], "t")
        candidate = store.create_candidate("Cand", "CPAM", "gestionnaire-conseil", "t")
        block = store.referentials.conseil.blocks[0]
        grid = store.open_grid(
            candidate,
            block.id,
            "t",
            evaluator=evaluator,
            certifier=certifier,
            situation=block.evaluation.format.situations[0].id,  # type: ignore[union-attr]
        )
        criteria = [k.id for c in block.competencies for k in c.criteria]
    return candidate, grid, criteria


def _chain_is_whole(store: Store) -> None:
    events = list(store._registry.events)
    for candidate in store.candidate_ids():
        events.extend(store.snapshot(candidate).events)
    events.sort(key=lambda e: e.seq)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    previous = GENESIS
    for event in events:
        assert event.prev == previous
        previous = event.hash
    assert store.head.seq == len(events)


@pytest.mark.slow
@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC])
def test_a_fault_at_every_step_of_a_tick(tmp_path: Path, code: int) -> None:
    candidate, grid, criteria = _setup(tmp_path)
    acknowledged: set[str] = set()
    with Store.open(tmp_path) as store:
        with failing(None, code) as seen:
            store.mark_criteria(candidate, grid, [(criteria[0], CriterionState.VALIDATED, "")], "t")
        steps = len(seen)
        assert steps >= 4  # journal write + sync, dossier write + sync at least
        acknowledged.add(store.snapshot(candidate).events[-1].id)
        for at in range(steps):
            head = store.head
            with failing(at, code):
                try:
                    store.mark_criteria(
                        candidate, grid, [(criteria[at % 5], CriterionState.VALIDATED, "")], "t"
                    )
                except DiskWriteError as exc:
                    assert "Rien n'a été enregistré" in str(exc)
                    assert store.head == head
                else:
                    acknowledged.add(store.snapshot(candidate).events[-1].id)
            # The fault is gone: work resumes, continuing the chain.
            store.mark_criteria(candidate, grid, [(criteria[1], CriterionState.VALIDATED, "")], "t")
            acknowledged.add(store.snapshot(candidate).events[-1].id)
            _chain_is_whole(store)
    with Store.open(tmp_path) as store:
        _chain_is_whole(store)
        held = {e.id for e in store.snapshot(candidate).events}
        assert acknowledged <= held


def test_a_write_cut_inside_its_batch_is_dropped_whole(tmp_path: Path) -> None:
    """A kill inside the write of several events (Linux stops a large write at a page when
    SIGKILL arrives) or a power cut leaves some of its records whole in the dossier: that write
    was never acknowledged, so none of it stays, and the next write takes its numbers."""
    candidate, grid, criteria = _setup(tmp_path)
    with Store.open(tmp_path) as store:
        before = [e.id for e in store.snapshot(candidate).events]
        head = store.head
        path = store.path_of(candidate)
        size = path.stat().st_size
        marks = [(c, CriterionState.VALIDATED, "x" * 40) for c in criteria[:5]]
        store.mark_criteria(candidate, grid, marks, "t")
    written = path.read_bytes()
    journal = tmp_path / "journal.log"
    intents = journal.read_bytes()
    ends = [size + i + 1 for i, byte in enumerate(written[size:]) if byte == ord("\n")]
    assert len(ends) == 5
    # After 1 to 4 whole records, and inside the 1st, 3rd and 5th.
    cuts = [*ends[:4], size + 10, ends[1] + 10, ends[3] + 10]
    for cut in cuts:
        path.write_bytes(written[:cut])
        journal.write_bytes(intents)  # the journal holds the whole write's intents
        with Store.open(tmp_path) as store:
            assert [e.id for e in store.snapshot(candidate).events] == before, cut
            assert store.head == head
            store.mark_criteria(candidate, grid, [(criteria[6], CriterionState.VALIDATED, "")], "t")
            _chain_is_whole(store)
            assert path.stat().st_size > size
