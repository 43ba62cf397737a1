"""The stations view at the secretariat: `carnet postes` and its screen (name, organisme,
role, last bundle, events, gaps with the missing numbers, forks, silence; sort and filter)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from store.bundle import Recipient, seal_file
from store.keys import TrustStore
from store.station import set_identity
from store.stations import filter_rows, sort_rows, stations_view
from store.store import Store
from store.sync import own_events, station_key
from tests.test_forks import _mark, forked
from tests.test_sync import _export, _id, _import, _trust
from tui.cli import main


@pytest.fixture
def watched(tmp_path: Path) -> tuple[Path, Path, Path]:
    """s received a's bundles with a gap, then a copy of a's folder (a fork); b, trusted, never
    sent anything."""
    a, a2, s, tmp, (candidate, grid, criteria) = forked(tmp_path)
    _import(s, _export(a, "a2.carnet"))
    _mark(a, candidate, grid, criteria[8], "")
    _mark(a, candidate, grid, criteria[9], "")
    with Store.open(a) as store:
        last = own_events(store)[-1:]
        key = TrustStore(a).keys[_id(s)]
        assert key.encryption is not None
        content = {"events": last, "heads": {}, "holds": {}, "keys": []}
        data = seal_file("bundle", store.station.id, station_key(store), 9, content, count=1,
                         referentials={r.id: r.version for r in store.referentials.all()},
                         sender=store.station, recipient=Recipient(_id(s), key.encryption))  # fmt: skip
    late = tmp / "tardif.carnet"
    late.write_bytes(data)
    assert not _import(s, late).rejected
    assert _import(s, _export(a2, "copie.carnet")).files[0].fork
    b = tmp / "b"
    with Store.open(b):
        pass
    set_identity(b, "Tutorat Brest", "CPAM du Finistère")
    _trust(s, b)
    return a, b, s


def test_the_view_names_gaps_forks_and_silence(watched: Any) -> None:
    a, b, s = watched
    with Store.open(s) as store:
        rows = {r["id"]: r for r in stations_view(store)}
        later = {r["id"]: r for r in stations_view(store, today=date.today() + timedelta(40))}
    seen_a, seen_b = rows[_id(a)], rows[_id(b)]
    assert seen_a["last_bundle"] == 9 and seen_a["bundles_received"] == 3
    last_seq = max(e for r in seen_a["gaps"] for e in r) + 1
    assert seen_a["gaps"] == [[last_seq - 1, last_seq - 1]] and seen_a["missing"] == 1
    assert len(seen_a["forks"]) == 1 and not seen_a["silent"]
    assert seen_a["days_since_last_bundle"] == 0
    assert (seen_b["name"], seen_b["organisme"], seen_b["role"]) == (
        "Tutorat Brest", "CPAM du Finistère", "poste",
    )  # fmt: skip
    assert seen_b["silent"] and seen_b["last_bundle"] is None and seen_b["events"] == 0
    assert later[_id(a)]["silent"] and later[_id(a)]["days_since_last_bundle"] == 40
    ordered = sort_rows(list(rows.values()), "fourches")
    assert ordered[0]["id"] == _id(a)
    assert [r["id"] for r in filter_rows(ordered, "silencieux")] == [_id(b)]
    assert [r["id"] for r in filter_rows(ordered, "fourche")] == [_id(a)]
    assert [r["id"] for r in filter_rows(ordered, "finist")] == [_id(b)]


def test_carnet_postes(watched: Any, capsys: pytest.CaptureFixture[str]) -> None:
    a, _, s = watched
    assert main(["postes", "--data", str(s), "--json", "--tri", "trous"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stations"][0]["id"] == _id(a)
    assert main(["postes", "--data", str(s)]) == 0
    out = capsys.readouterr().out
    assert "Tutorat Brest (CPAM du Finistère)" in out and "⚠ silencieux" in out
    assert "⚠ FOURCHE au n°" in out and "⚠ manquent n°" in out and "lot n° 9" in out
    assert main(["postes", "--data", str(s), "--filtre", "personne"]) == 0
    assert "Aucun poste" in capsys.readouterr().out
    assert main(["postes", "--data", str(s), "--tri", "couleur"]) != 0
    capsys.readouterr()


async def _look(folder: Path, size: tuple[int, int]) -> None:
    from tests.conftest import until
    from tests.test_sync_flows import _sync_screen
    from tui.app import build_app
    from tui.screens.stations import StationsScreen

    app = build_app(folder)
    async with app.run_test(size=size) as pilot:
        await _sync_screen(app, pilot)
        await pilot.press("p")
        await until(lambda: isinstance(app.screen, StationsScreen), "les postes", pilot)
        screen = app.screen
        assert isinstance(screen, StationsScreen)
        await until(lambda: bool(screen.rows), "les postes chargés", pilot)
        title = str(screen.query_one("#stations-title").render())
        assert "2 poste(s) sur 2" in title and "1 silencieux" in title
        await pilot.press("t")
        assert "triés par organisme" in str(screen.query_one("#stations-title").render())
        await pilot.press("slash", *"fourche")
        await pilot.pause()
        assert screen.query_one("#stations").row_count == 1  # type: ignore[attr-defined]
        detail = str(screen.query_one("#stations-detail").render())
        assert "Fourche au n°" in detail and "a-part" in detail
        await pilot.press("escape")
        await pilot.press("slash", *"silencieux")
        await pilot.pause()
        # The alerts in full under the table, whatever the width (their column shows
        # « silen » at 80 columns).
        detail = str(screen.query_one("#stations-detail").render())
        assert "Silencieux : aucun lot" in detail
        await pilot.press("escape", "escape")


@pytest.mark.slow
async def test_the_stations_screen_sorts_and_filters(watched: Any) -> None:
    for size in ((80, 24), (120, 40)):
        await _look(watched[2], size)


def _row(id: str, **values: Any) -> dict[str, Any]:
    row = {"id": id, "name": "", "organisme": "", "role": "poste", "last_bundle_created": None,
           "events": 0, "missing": 0, "forks": [], "days_since_last_bundle": None}  # fmt: skip
    return row | values


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("nom", ["p2", "p1", "p3"]),  # « antenne » < « Brest » < nameless « p3 »: case aside
        ("organisme", ["p3", "p1", "p2"]),  # « caf » < « CPAM » < « Urssaf »
        ("role", ["p1", "p3", "p2"]),  # « poste » < « secretariat », then by id
        ("dernier_lot", ["p2", "p3", "p1"]),  # never sent first
        ("evenements", ["p1", "p3", "p2"]),  # most first
        ("trous", ["p2", "p1", "p3"]),
        ("fourches", ["p3", "p1", "p2"]),
        ("jours", ["p2", "p1", "p3"]),  # never heard of first, then the longest silent
    ],
)
def test_stations_sort_by_each_column(column: str, expected: list[str]) -> None:
    rows = [
        _row("p1", name="Brest", organisme="CPAM", role="poste", last_bundle_created="2026-12-01",
             events=30, missing=1, forks=[1], days_since_last_bundle=6),
        _row("p2", name="antenne", organisme="Urssaf", role="secretariat", events=0, missing=5),
        _row("p3", organisme="caf", role="poste", last_bundle_created="",
             events=10, forks=[1, 2], days_since_last_bundle=1),
    ]  # fmt: skip
    assert [r["id"] for r in sort_rows(rows, column)] == expected
    with pytest.raises(ValueError):
        sort_rows(rows, "inconnue")
