"""The stations view counts every bundle received from a folder, not only the latest ones
that ``replication.json`` keeps the details of (the view shows the last)."""

from __future__ import annotations

import json
from pathlib import Path

from store.replication import REPLICATION_NAME, Knowledge
from store.stations import stations_view
from store.store import Store

PEER = "poste-0123456789ab"


def _received(seq: int) -> dict[str, object]:
    # What an import records of each bundle it takes (``store.sync._take_bundle``).
    created = f"2026-12-07T08:{seq // 60:02d}:{seq % 60:02d}Z"
    return {"seq": seq, "created": created, "events": 2, "new": 2, "at": created}


def test_the_view_counts_every_bundle_received_beyond_those_kept(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    # A station exporting every day for a season: far more bundles than the details kept.
    for seq in range(1, 201):
        knowledge = Knowledge(tmp_path)
        knowledge.record_received(PEER, _received(seq))
        knowledge.save()
    with Store.open(tmp_path) as store:
        (row,) = stations_view(store)
    assert (row["id"], row["bundles_received"], row["last_bundle"]) == (PEER, 200, 200)


def test_a_file_of_the_release_before_counts_the_bundles_it_lists(tmp_path: Path) -> None:
    with Store.open(tmp_path):
        pass
    received = [_received(seq) for seq in (1, 2, 3)]
    # As that release wrote it: the details of the latest bundles, no count.
    data = {"peers": {PEER: {"known": {}, "received": received}}, "heads": {}}
    (tmp_path / REPLICATION_NAME).write_text(json.dumps(data))
    with Store.open(tmp_path) as store:
        (row,) = stations_view(store)
    assert (row["bundles_received"], row["last_bundle"]) == (3, 3)
    # And it goes on counting from there.
    knowledge = Knowledge(tmp_path)
    knowledge.record_received(PEER, _received(4))
    knowledge.save()
    with Store.open(tmp_path) as store:
        (row,) = stations_view(store)
    assert (row["bundles_received"], row["last_bundle"]) == (4, 4)


def test_a_bundle_imported_again_is_not_counted_again(tmp_path: Path) -> None:
    """The same file imported twice (in two sessions, as after an import that seemed
    interrupted): recognised as imported, not counted as a second bundle."""
    from tests.test_sync import _export, _id, _import, station_and_secretariat

    a, s, *_ = station_and_secretariat(tmp_path)
    bundle = _export(a, "a1.carnet")
    first = _import(s, bundle)
    assert not first.rejected and first.new_events > 0
    again = _import(s, bundle)
    assert not again.rejected and again.new_events == 0
    assert again.files[0].known_events == first.new_events
    with Store.open(s) as store:
        (row,) = [r for r in stations_view(store) if r["id"] == _id(a)]
    assert (row["bundles_received"], row["last_bundle"]) == (1, 1)
