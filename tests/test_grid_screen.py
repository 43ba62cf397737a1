"""The grid screen, key by key: one mark repaints the panel by itself, and a signed grid
refuses a mark with its own message (issue 9: both went unnoticed by the longer flows)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from models.threshold import CriterionState
from store.store import Store
from tests.conftest import ready, record_notifications
from tests.signing import secret_of
from tests.test_sync import _station
from tui.app import CarnetApp, build_app
from tui.screens.grid import GridScreen
from tui.widgets.line_list import LineList
from tui.widgets.live_lines import LiveLines
from tui.widgets.live_text import LiveText

pytestmark = pytest.mark.slow

SIGNED = "Grille signée : lecture seule. « r » pour un avenant motivé."


async def _settle(app: CarnetApp, pilot: Any) -> None:
    """Until every write has returned and the screen has re-read the store."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


def _evaluator(data: Path, candidate: str, grid: str) -> str:
    """The grid's business evaluator, at the keyboard: each mark names its evaluator."""
    with Store.open(data) as store:
        return store.grid_view(candidate, grid).evaluator


async def _grid(app: CarnetApp, pilot: Any, candidate: str, grid: str) -> GridScreen:
    await ready(app.screen.loaded)  # type: ignore[attr-defined]
    screen = GridScreen(candidate, grid)
    await app.push_screen(screen)
    await ready(screen.loaded)
    await _settle(app, pilot)
    return screen


def _saved(screen: GridScreen) -> str:
    return screen.query_one("#saved", LiveText).plain


def _panel(screen: GridScreen) -> str:
    return screen.query_one("#panel", LiveLines).plain


async def _to(pilot: Any, screen: GridScreen, criterion: str) -> None:
    """Moves the highlight down to ``criterion`` with the arrow key, as a user would."""
    for _ in range(40):
        if screen.query_one(LineList).current_key == criterion:
            return
        await pilot.press("down")
    pytest.fail(f"critère {criterion} introuvable dans la grille")


async def test_one_mark_updates_the_panel_at_once_and_after_its_write_has_settled(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    # Block 2, competency 1 has 6 criteria (5 needed); the first 3 are validated.
    candidate, grid, criteria = _station(data)
    app = build_app(data, operator=_evaluator(data, candidate, grid))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _grid(app, pilot, candidate, grid)
        assert "2.1  3/6 (≥5) encore 2" in _panel(screen)
        await _to(pilot, screen, criteria[3])
        # The writer is held busy: what the panel shows now comes from the key alone, not
        # from the screen re-reading the store once the write has returned.
        gate = threading.Event()
        app.writer.submit(lambda _: gate.wait(30))
        await pilot.press("v")
        await pilot.pause()
        assert "enregistrement…" in _saved(screen)
        assert "2.1  4/6 (≥5) encore 1" in _panel(screen), _panel(screen)
        gate.set()
        await _settle(app, pilot)
        assert "enregistré ✓" in _saved(screen)
        panel = _panel(screen)
        assert "2.1  4/6 (≥5) encore 1" in panel, panel
        assert "3/6" not in panel
    with Store.open(data) as store:
        assert store.grid_view(candidate, grid).states[criteria[3]] is CriterionState.VALIDATED


async def test_a_key_on_a_signed_grid_is_refused_as_read_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    candidate, grid, criteria = _station(data)
    with Store.open(data) as store:
        view = store.grid_view(candidate, grid)
        store.close_grid(candidate, grid, "Appel interrompu par l'assuré.", "t")
        store.sign_grid(candidate, grid, view.evaluator, secret_of(store, view.evaluator))
        store.sign_grid(candidate, grid, view.certifier, secret_of(store, view.certifier))
        before = store.grid_view(candidate, grid).states
        events = len(store.snapshot(candidate).events)
    app = build_app(data, operator=_evaluator(data, candidate, grid))
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await _grid(app, pilot, candidate, grid)
        shown = record_notifications(app)
        await _to(pilot, screen, criteria[3])
        for key in ("v", "n", "e", "a"):
            await pilot.press(key)
            await _settle(app, pilot)
            assert shown == [SIGNED], f"« {key} » : {shown}"
            shown.clear()
            assert screen.grid is not None and screen.grid.states == before
        # Unchanged, and nothing « encore » to come on a closed grid.
        assert "… 2.1  3/6 (≥5)\n" in _panel(screen)
    with Store.open(data) as store:
        assert store.grid_view(candidate, grid).states == before
        assert len(store.snapshot(candidate).events) == events
