"""Pilot tests of the app as it stands: the candidates list, filtering, and refusing bad data."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from store.demo import populate
from store.store import Store
from tests.conftest import ready
from tui.app import CarnetApp, build_app
from tui.screens.failure import FailureScreen
from tui.screens.home import HomeScreen


@pytest.fixture
def demo_data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        populate(store, 12)
    return folder


async def _ready(app: CarnetApp, pilot: object) -> None:
    screen = app.screen
    assert isinstance(screen, HomeScreen)
    await ready(screen.loaded)
    await pilot.pause()  # type: ignore[attr-defined]


async def test_home_lists_every_candidate_with_status(demo_data: Path) -> None:
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#candidates", DataTable)
        assert table.row_count == 12
        cells = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert {c.split()[0] for c in cells} == {"✔", "✘", "…"}
        assert str(app.screen.query_one("#saved", Static).content) == "12 candidats"


async def test_typing_filters_the_list(demo_data: Path) -> None:
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        table = app.screen.query_one("#candidates", DataTable)
        await pilot.press("slash", *"carrière")
        await pilot.pause()
        cqps = [str(table.get_row_at(i)[2]) for i in range(table.row_count)]
        assert 0 < len(cqps) < 12 and set(cqps) == {"Carrière"}, cqps
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 12


async def test_a_second_instance_is_refused_in_french(demo_data: Path) -> None:
    with Store.open(demo_data):
        app = build_app(demo_data)
        async with app.run_test(size=(100, 30)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, FailureScreen)
            message = str(app.screen.query_one("#failure-message", Static).content)
            assert "Une autre instance de carnet" in message
            assert not app.screen.check_action("recover", ())


async def test_corrupt_dossier_is_shown_apart_and_restored(demo_data: Path) -> None:
    victim = sorted((demo_data / "dossiers").glob("c-*.json"))[0]
    victim.write_bytes(b"")
    app = build_app(demo_data)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await _ready(app, pilot)
        await pilot.pause()
        table = app.screen.query_one("#candidates", DataTable)
        assert table.row_count == 11
        status = str(app.screen.query_one("#saved", Static).content)
        assert "1 dossier(s) illisible(s)" in status
        assert any("fichier vide" in n.message for n in app._notifications)
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        screen.loaded.clear()
        await pilot.press("ctrl+r")
        await ready(screen.loaded)
        await pilot.pause()
        assert table.row_count == 12
        assert "illisible" not in str(app.screen.query_one("#saved", Static).content)
        assert not app.screen.check_action("restore", ())


async def test_corrupt_registry_stops_at_a_french_message_with_recovery(demo_data: Path) -> None:
    (demo_data / "registry.json").write_bytes(b"{tronqu")
    app = build_app(demo_data)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, FailureScreen)
        assert "JSON invalide" in str(app.screen.query_one("#failure-message", Static).content)
        await pilot.press("r")
        await pilot.pause()
        assert "Restauré depuis la sauvegarde" in str(
            app.screen.query_one("#failure-message", Static).content
        )
    with Store.open(demo_data) as store:
        assert len(store.summaries().records) == 12
