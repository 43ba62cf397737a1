"""One row of the stations view at the secretariat, field by field, for a station that sent
one bundle (no textual)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from store.stations import stations_view
from store.store import Store
from store.sync import own_events
from tests.test_sync import _export, _id, _import, _station, secretariat_for


def test_a_station_that_sent_one_bundle(tmp_path: Path) -> None:
    a = tmp_path / "a"
    _station(a)
    s = secretariat_for(a, tmp_path / "s")
    assert not _import(s, _export(a, "a1.carnet")).rejected
    with Store.open(a) as store:
        count = len(own_events(store))
    with Store.open(s) as store:
        (first,) = stations_view(store)
        sent = datetime.fromisoformat(first["last_bundle_created"].replace("Z", "+00:00"))
        rows = stations_view(store, today=sent.astimezone(UTC).date() + timedelta(days=3))
    (row,) = rows  # the secretariat's own folder is not a row
    assert row["id"] == _id(a)
    assert (row["name"], row["organisme"], row["role"], row["role_text"]) == (
        "",
        "",
        "poste",
        "poste",
    )
    assert row["trusted"] is True
    assert (row["last_bundle"], row["bundles_received"]) == (1, 1)
    assert row["events"] == count and row["gaps"] == [] and row["missing"] == 0
    assert row["forks"] == []
    assert row["days_since_last_bundle"] == 3 and row["silent"] is False
