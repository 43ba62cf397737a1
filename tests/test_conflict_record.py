"""The record of an open conflict (``carnet status --json``, the conflicts screen): each
station's value as it recorded it, as text, with the station, author and time."""

from __future__ import annotations

from pathlib import Path

from store.store import Store
from tests.test_sync import _id, conflicting


def test_a_conflicts_record_gives_each_stations_value_as_text(tmp_path: Path) -> None:
    s, candidate, grid, criteria = conflicting(tmp_path)
    with Store.open(s) as store:
        (conflict,) = store.summary(candidate)["conflicts"]
    assert conflict["key"] == f"criterion:{grid}:{criteria[4]}"
    values = sorted(conflict["values"], key=lambda v: v["value"])
    # The criterion's state and the comment, at a (« vu en situation ») and at b.
    assert [v["value"] for v in values] == [
        ["not_validated", "non observé"],
        ["validated", "vu en situation"],
    ]
    assert [v["station"] for v in values] == [_id(tmp_path / "b"), _id(tmp_path / "a")]
    assert all(v["author"] == "t" and v["at"] for v in values)
