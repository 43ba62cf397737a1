"""Snapshots of the main screens at 80×24 and at 120×40 (pytest-textual-snapshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.demo import populate
from store.store import Store
from tui.app import CarnetApp, build_app


@pytest.fixture
def demo_app(tmp_path: Path) -> CarnetApp:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        populate(store, 12)
    return build_app(folder)


async def _loaded(pilot: Any) -> None:
    await pilot.app.screen.loaded.wait()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_home(snap_compare: Any, demo_app: CarnetApp, size: tuple[int, int]) -> None:
    assert snap_compare(demo_app, terminal_size=size, run_before=_loaded)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_home_filtered(snap_compare: Any, demo_app: CarnetApp, size: tuple[int, int]) -> None:
    async def filtered(pilot: Any) -> None:
        await _loaded(pilot)
        await pilot.press("slash", *"validé")
        await pilot.pause()

    assert snap_compare(demo_app, terminal_size=size, run_before=filtered)
