"""Snapshots of every main screen at 80×24 and at 120×40 (pytest-textual-snapshot)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from store.demo import populate
from store.store import Store
from tests.conftest import ready
from tui.app import CarnetApp, build_app
from tui.screens.dossier import DossierScreen
from tui.screens.grid import GridScreen
from tui.screens.jury import JuryScreen
from tui.screens.logbook import LogbookScreen
from tui.screens.marks import MarksScreen
from tui.screens.vae import VaeScreen

# Pilot flows, snapshots or crash subprocesses: outside the fast loop (pytest -m "not slow").
pytestmark = pytest.mark.slow

SIZES = [(80, 24), (120, 40)]


@pytest.fixture
def demo(tmp_path: Path) -> tuple[CarnetApp, dict[str, str]]:
    return demo_app(tmp_path)


def demo_app(tmp_path: Path) -> tuple[CarnetApp, dict[str, str]]:
    """The demo data set, and the candidates each screen is shown with."""
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        populate(store, 12)
        picks: dict[str, str] = {}
        for record in sorted(store.summaries().records, key=lambda r: r["name"]):
            snap = store.snapshot(record["id"])
            open_grids = [g for g in snap.state.grids.values() if g.closed is None]
            if open_grids and "under_way" not in picks:
                picks["under_way"] = record["id"]
                picks["grid"] = open_grids[0].id
            career = snap.state.career
            if record.get("route") == "vae" and career.proclamation and "vae" not in picks:
                picks["vae"] = record["id"]
            if record.get("final_decision") == "certifie" and "certified" not in picks:
                picks["certified"] = record["id"]
            if record.get("final_decision") == "non_certifie" and "not_certified" not in picks:
                picks["not_certified"] = record["id"]
            signed = [g for g in snap.state.grids.values() if g.signed]
            if record["status"] == "failed" and signed and "failed" not in picks:
                picks["failed"] = record["id"]
                picks["signed_grid"] = signed[0].id
    return build_app(folder), picks


async def _home(pilot: Any) -> None:
    await ready(pilot.app.screen.loaded)
    await pilot.pause()


def _then(push: Callable[[Any], Awaitable[None]]) -> Callable[[Any], Awaitable[None]]:
    async def run(pilot: Any) -> None:
        await _home(pilot)
        await push(pilot)
        await pilot.app.workers.wait_for_complete()
        screen = pilot.app.screen
        if hasattr(screen, "loaded"):
            await ready(screen.loaded)
        # A second layout pass may add a scrollbar: let it land before the picture.
        for _ in range(4):
            await pilot.pause()
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()

    return run


@pytest.mark.parametrize("size", SIZES)
def test_home(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    assert snap_compare(demo[0], terminal_size=size, run_before=_home)


@pytest.mark.parametrize("size", SIZES)
def test_people(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    async def push(pilot: Any) -> None:
        await pilot.press("p")

    assert snap_compare(demo[0], terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_dossier(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(DossierScreen(picks["failed"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_logbook(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(LogbookScreen(picks["under_way"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_grid_under_way(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(GridScreen(picks["under_way"], picks["grid"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_grid_signed(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(GridScreen(picks["failed"], picks["signed_grid"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_help(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    async def push(pilot: Any) -> None:
        await pilot.press("question_mark")

    assert snap_compare(demo[0], terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_marks(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(MarksScreen(picks["certified"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_juries(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(JuryScreen(picks["not_certified"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))


@pytest.mark.parametrize("size", SIZES)
def test_vae(
    snap_compare: Any, demo: tuple[CarnetApp, dict[str, str]], size: tuple[int, int]
) -> None:
    app, picks = demo

    async def push(pilot: Any) -> None:
        await app.push_screen(VaeScreen(picks["vae"]))

    assert snap_compare(app, terminal_size=size, run_before=_then(push))
