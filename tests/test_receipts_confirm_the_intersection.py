"""A receipt confirms only what the station exported, the receipt names, and its heads vouch
for: each of the three bounds the confirmation on either side (no textual)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.keys import load_or_create_key
from store.station import set_role
from store.store import Store
from store.sync import SyncState, own_events
from tests.test_receipts import _acknowledged, _receipt
from tests.test_sync import _export, _import, _station, _trust


@pytest.fixture
def exported(tmp_path: Path) -> tuple[Path, Path, str, dict[int, str]]:
    """A station that exported all its events to its secretariat: the folders, its id, and its
    events' hashes by number."""
    station, secretariat = tmp_path / "a", tmp_path / "s"
    _station(station)
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    load_or_create_key(secretariat)
    _trust(secretariat, station)
    _trust(station, secretariat)
    _export(station, "lot1.carnet")
    with Store.open(station) as store:
        hashes = {int(e["seq"]): str(e["hash"]) for e in own_events(store)}
        return station, secretariat, store.station.id, hashes


def _confirm(exported: Any, ranges: list[list[int]], heads: list[tuple[int, int]]) -> Any:
    station, secretariat, me, hashes = exported
    content = {"for_station": me, "ranges": ranges,
               "heads": [[a, b, hashes[b]] for a, b in heads]}  # fmt: skip
    return _import(station, _receipt(station, secretariat, content))


def test_only_what_the_heads_vouch_for(exported: Any) -> None:
    last = max(exported[3])
    report = _confirm(exported, [[1, last]], [(1, 3)])
    assert report.acknowledged == 3 and _acknowledged(exported[0]) == [[1, 3]]


def test_only_from_where_the_heads_start(exported: Any) -> None:
    last = max(exported[3])
    report = _confirm(exported, [[1, last]], [(3, last)])
    assert report.acknowledged == last - 2 and _acknowledged(exported[0]) == [[3, last]]


def test_only_what_the_receipt_names(exported: Any) -> None:
    last = max(exported[3])
    report = _confirm(exported, [[2, 4]], [(1, last)])
    assert report.acknowledged == 3 and _acknowledged(exported[0]) == [[2, 4]]


def test_only_what_this_folder_knows_it_exported(exported: Any) -> None:
    station = exported[0]
    last = max(exported[3])
    # A folder whose first bundle was recorded in a sync.json since lost, then restored from
    # an older backup: all it knows it exported is 3…last.
    state = SyncState.load(station)
    state.exported = [[3, last]]
    state.save(station)
    report = _confirm(exported, [[1, last]], [(1, last)])
    assert report.acknowledged == last - 2 and _acknowledged(station) == [[3, last]]


def test_a_receipt_naming_events_of_a_folder_that_has_none_is_a_fork(tmp_path: Path) -> None:
    """A folder emptied (recreated after a loss) gets a receipt for its events before."""
    station, secretariat = tmp_path / "a", tmp_path / "s"
    with Store.open(station) as store:
        me = store.station.id
        assert store.head.seq == 0
    with Store.open(secretariat):
        pass
    set_role(secretariat, "secretariat")
    _trust(station, secretariat)
    content = {"for_station": me, "ranges": [[1, 3]], "heads": [[1, 3, "ab" * 32]]}
    (result,) = _import(station, _receipt(station, secretariat, content)).files
    assert result.error is not None
    assert result.error.startswith(
        "FOURCHE : le secrétariat a reçu de ce poste jusqu'au n° 3, plus loin que ce dossier "
        "de données (son dernier est le n° 0)"
    )
    assert _acknowledged(station) == []
