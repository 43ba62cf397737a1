"""An export reads and checks the second half of its dossiers in a child process: the bundle
holds the same content as one written alone, whatever happens to the child, and an event that
fails its check is refused with the same message."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

import store.beside as beside_
import store.sync as sync
from models.events import Event, EventError
from store.bundle import Reader, decrypted, open_file
from store.demo import populate
from store.keys import TrustStore, load_or_create_encryption_key
from store.station import set_role
from store.store import Store
from tests.forked import count_children, failing_in_child, reaped
from tests.test_sync import _id, _trust

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() only")


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """A station with six dossiers (and its registry), and the secretariat it sends to."""
    a, s = tmp_path / "a", tmp_path / "s"
    with Store.open(a) as store:
        populate(store, 6, seed=3, events_per_dossier=12)
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(s, a)
    return a, s


@pytest.fixture
def children(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return count_children(monkeypatch)


def _content(folder: Path, secretariat: Path, name: str) -> dict[str, Any]:
    """The content of a bundle from ``folder``, written now, as the secretariat reads it."""
    with Store.open(folder) as store:
        path = sync.export(store, folder.parent / name).path
    reader = Reader(
        _id(secretariat), load_or_create_encryption_key(secretariat).private_bytes_raw()
    )
    opened = open_file(path.read_bytes(), TrustStore(secretariat).keys, reader)
    content: dict[str, Any] = decrypted(opened, reader).content
    return content


def _twin(folder: Path) -> Path:
    twin = folder.with_name(folder.name + "-bis")
    shutil.copytree(folder, twin, ignore=shutil.ignore_patterns("carnet.lock"))
    return twin


def test_half_read_beside_gives_the_same_bundle(
    folders: tuple[Path, Path], children: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, s = folders
    twin = _twin(a)
    alone = _content(twin, s, "seul.carnet")  # 7 dossiers: below SEND_BESIDE_FROM
    assert children == []
    monkeypatch.setattr(sync, "SEND_BESIDE_FROM", 1)
    shared = _content(a, s, "partage.carnet")
    assert len(children) == 1 and reaped(children[0])
    assert shared == alone and len(shared["events"]) > 80


@pytest.mark.parametrize("how", ["crash", "raise", "hang"])
def test_a_child_that_fails_changes_nothing(
    folders: tuple[Path, Path],
    children: list[int],
    monkeypatch: pytest.MonkeyPatch,
    how: str,
) -> None:
    a, s = folders
    alone = _content(_twin(a), s, "seul.carnet")
    # Private: no public way makes the forked child crash, raise or hang at a chosen point.
    failing = failing_in_child(sync._to_send, how)
    monkeypatch.setattr(sync, "_to_send", failing)
    monkeypatch.setattr(sync, "SEND_BESIDE_FROM", 1)
    if how == "hang":
        fork = beside_.fork
        monkeypatch.setattr(beside_, "fork", lambda work, wait: fork(work, wait=0.5))
    assert _content(a, s, "partage.carnet") == alone
    assert all(reaped(pid) for pid in children)


@pytest.mark.parametrize("beside", [False, True])
def test_an_event_that_fails_its_check_is_refused_the_same_way(
    folders: tuple[Path, Path],
    children: list[int],
    monkeypatch: pytest.MonkeyPatch,
    beside: bool,
) -> None:
    """Two events fail (one in each half): the first in the bundle's order is named, and
    nothing is written."""
    a, _ = folders
    with Store.open(a) as store:
        last = store.candidate_ids()[-1]
        bad = {
            next(iter(store.raw_events(d).values()))["id"] for d in (store.candidate_ids()[0], last)
        }
    checked = Event.checked_json

    def check(raw: Any) -> Any:
        if raw["id"] in bad:
            raise EventError(f"événement n° {raw['seq']} altéré : son empreinte ne correspond pas")
        return checked(raw)

    monkeypatch.setattr(Event, "checked_json", staticmethod(check))
    if beside:
        monkeypatch.setattr(sync, "SEND_BESIDE_FROM", 1)
    with Store.open(a) as store:
        seqs = sorted(
            int(r["seq"])
            for d in store.candidate_ids()
            for r in store.raw_events(d).values()
            if r["id"] in bad
        )
        with pytest.raises(EventError, match=f"n° {seqs[0]} altéré"):
            sync.export(store, a.parent / "x.carnet")
    assert not (a.parent / "x.carnet").exists()
    assert len(children) == (1 if beside else 0)
