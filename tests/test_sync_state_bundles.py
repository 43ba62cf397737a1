"""sync.json keeps the list of this folder's bundles (README, « Data folder »): each export
adds its number, file, count of events, moment and recipient; the list is read back and grows,
never restarting."""

from __future__ import annotations

from pathlib import Path

from store.station import set_role
from store.store import Store
from store.sync import SyncState
from tests.test_sync import _export, _id, _station, _trust


def test_each_export_is_listed_in_sync_json(tmp_path: Path) -> None:
    a, s = tmp_path / "a", tmp_path / "s"
    candidate, _, _ = _station(a)
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(a, s)
    first = _export(a, "a1.carnet")
    with Store.open(a) as store:
        store.create_person("P", "O", ["tuteur"], "t")
    second = _export(a, "a2.carnet")
    bundles = SyncState.load(a).bundles
    assert [(b["seq"], b["path"], b["for"]) for b in bundles] == [
        (1, str(first), _id(s)),
        (2, str(second), _id(s)),
    ]
    # Nothing acknowledged yet: the second carries the first's events again, and the new one.
    assert bundles[1]["events"] == bundles[0]["events"] + 1
    assert all(b["created"] for b in bundles) and candidate
