"""Slips are cheap in a grid: « a » asks first, a grid reopens where the cursor was (or on the
first criterion not yet evaluated), « p » goes to the next one to do, a digit to a competency,
« / » finds a criterion by its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.threshold import CriterionState
from store.store import Store
from tests.conftest import grid_with_people, ready, until
from tui.app import build_app
from tui.modals.confirm import Confirm
from tui.modals.text_prompt import TextPrompt
from tui.screens.grid import GridScreen


def _grid(folder: Path) -> tuple[str, str, list[str]]:
    with Store.open(folder) as store:
        cand, grid, evaluator = grid_with_people(store, "gc.b2")
        block = store.referentials.get("gestionnaire-conseil").blocks[1]
        criteria = [k.id for c in block.competencies for k in c.criteria]
        marks = [(k, CriterionState.VALIDATED, "") for k in criteria[:3]]
        store.mark_criteria(cand, grid, marks, evaluator)
        return cand, grid, criteria


def _evaluator(folder: Path, cand: str, grid: str) -> str:
    """The grid's business evaluator, at the keyboard: each mark names its evaluator."""
    with Store.open(folder) as store:
        return store.grid_view(cand, grid).evaluator


@pytest.mark.slow
async def test_grid_keys_make_slips_cheap(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    cand, grid, criteria = _grid(folder)
    GridScreen.cursors.clear()
    app = build_app(folder, operator=_evaluator(folder, cand, grid))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        screen = GridScreen(cand, grid)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await pilot.pause()
        # Three criteria are marked: the cursor starts on the fourth, not on the first.
        assert screen._current_criterion() == criteria[3]

        await pilot.press("3")  # competency 2.3
        assert screen._current_criterion() == "gc.b2.c3.k1"
        await pilot.press("f")  # the next not evaluated, from there
        assert screen._current_criterion() == "gc.b2.c3.k2"

        await pilot.press("slash", *"fraudes", "enter")
        await until(lambda: not isinstance(app.screen, Confirm), "la recherche", pilot)
        await pilot.pause()
        assert "fraudes" in screen._criterion_text(screen._current_criterion() or "")

        # « a » asks, with the count; « n » changes nothing.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert f"{len(criteria) - 3} critère(s)" in app.screen.question
        await pilot.press("n")
        await pilot.pause()
        assert screen.grid is not None
        assert sum(1 for s in screen.grid.states.values() if s is CriterionState.VALIDATED) == 3
        await pilot.press("a", "o")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert all(screen.grid.states.get(k) is CriterionState.VALIDATED for k in criteria)

        # « u » puts back what « a » replaced, as new events; again, the marks before it.
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert sum(1 for s in screen.grid.states.values() if s is CriterionState.VALIDATED) == 3
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not any(s is CriterionState.VALIDATED for s in screen.grid.states.values())
        await pilot.press("a", "o")
        await app.workers.wait_for_complete()
        await pilot.pause()

        # Leaving and coming back: the cursor is where it was.
        where = screen._current_criterion()
        await pilot.press("escape")
        await pilot.pause()
        again = GridScreen(cand, grid)
        await app.push_screen(again)
        await ready(again.loaded)
        assert again._current_criterion() == where


@pytest.mark.slow
async def test_the_clock_stops_while_the_close_form_is_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    cand, grid, _ = _grid(folder)
    GridScreen.cursors.clear()
    app = build_app(folder, operator=_evaluator(folder, cand, grid))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        screen = GridScreen(cand, grid)
        await app.push_screen(screen)
        await ready(screen.loaded)
        await pilot.press("t")  # the phase's clock runs
        await app.workers.wait_for_complete()
        await pilot.press("s")
        await until(lambda: isinstance(app.screen, TextPrompt), "le formulaire de clôture", pilot)
        assert screen.grid is not None
        assert not any(t.running for t in screen.grid.timers.values())
        shown = screen.query_one("#timer").render().plain  # type: ignore[attr-defined]
        await pilot.pause(1.2)
        assert screen.query_one("#timer").render().plain == shown  # type: ignore[attr-defined]
        await pilot.press("escape")  # not closed after all: it runs again
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert any(t.running for t in screen.grid.timers.values())
