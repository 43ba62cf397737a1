"""Key press to screen after a mark, against a minimal Textual app in the same run.

Budgets (issue 13): p95 ≤ 1.25 × the anchor's p95 on a dossier of 2,000 events, ≤ 1.5 × at
10,000 events (issue 3's p95 ≤ 16 ms is printed too). Measured where the screen changes: from
the key handed to the app to the first compositor update after it, with the output string
built (a headless app skips building it: it is built here, as a terminal's app would). The
anchor is a minimal Textual app updating one ``Static`` on each key, measured the same way.
Keys go through Pilot on a headless 120×40 terminal; the store holds 1,000 dossiers.

    python bench/keypress.py [--dossiers 1000] [--events 2000 10000] [--keys 300] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult
from textual.widgets import Static

from bench._common import compiled, summary, table
from bench._data import ensure_store
from models.threshold import CriterionState
from store.store import Store
from tui.app import build_app
from tui.screens.grid import GridScreen


def big_dossier(folder: Path, events: int) -> tuple[str, str, int]:
    """A candidate with an open block-1 grid and ``events`` events of history."""
    with Store.open(folder) as store:
        people = store.people()
        evaluator = next(p for p, x in people.items() if "representant_metier" in x.roles)
        certifier = next(p for p, x in people.items() if "certificateur" in x.roles)
        candidate = store.create_candidate(
            "Banc d'essai", "CPAM du Rhône", "gestionnaire-conseil", "bench"
        )
        grid = store.open_grid(candidate, "gc.b1", "bench", evaluator=evaluator, certifier=certifier,
                               situation="double_ecoute")  # fmt: skip
        criteria = [
            k.id for c in store.referentials.conseil.block("gc.b1").competencies for k in c.criteria
        ]
        states = list(CriterionState)
        count = len(store.snapshot(candidate).events)
        while count < events:
            batch = [
                (criteria[i % len(criteria)], states[i % 3], "")
                for i in range(min(100, events - count))
            ]
            store.mark_criteria(candidate, grid, batch, "bench")
            count += len(batch)
        return candidate, grid, len(store.snapshot(candidate).events)


def on_screen(app: App[Any]) -> list[float]:
    """The moments the app's screen changes: each compositor update, its output string built."""
    from textual._compositor import CompositorUpdate

    shown: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        if renderable is not None:
            if isinstance(renderable, CompositorUpdate):
                renderable.render_segments(app.console)
            shown.append(time.perf_counter())

    app._display = display  # type: ignore[method-assign]
    return shown


async def timed_keys(app: App[Any], pilot: Any, keys: list[str]) -> list[float]:
    """Milliseconds from each key handed to the app to the first screen update after it."""
    shown = on_screen(app)
    samples = []
    for key in keys:
        await pilot.pause()
        before = len(shown)
        start = time.perf_counter()
        await pilot.press(key)
        deadline = start + 2
        while len(shown) == before and time.perf_counter() < deadline:
            await asyncio.sleep(0)
        if len(shown) > before:
            samples.append((shown[before] - start) * 1000)
    return samples


class Anchor(App[None]):
    """The anchor: one Static, updated on each key."""

    count = 0

    def compose(self) -> ComposeResult:
        yield Static("0", id="count")

    def on_key(self) -> None:
        self.count += 1
        self.query_one("#count", Static).update(str(self.count))


async def anchor(keys: int) -> list[float]:
    app = Anchor()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        return await timed_keys(app, pilot, ["v"] * keys)


async def press(folder: Path, candidate: str, grid: str, keys: int) -> list[float]:
    with Store.open(folder) as store:
        evaluator = store.grid_view(candidate, grid).evaluator
    app = build_app(folder, operator=evaluator)  # each mark names its evaluator
    async with app.run_test(size=(120, 40)) as pilot:
        await app.store_ready.wait()
        screen = GridScreen(candidate, grid)
        await app.push_screen(screen)
        await screen.loaded.wait()
        await pilot.pause()
        order = []
        for i in range(keys):
            order.append("vne"[i % 3])
            if i % 60 == 59:
                order.append("home")
        samples = await timed_keys(app, pilot, order)
        await app.workers.wait_for_complete()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--events", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--data", type=Path, help="a folder to reuse between runs")
    args = parser.parse_args()
    compiled()
    rows = []
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = args.data or Path(tmp)
        made = ensure_store(folder, args.dossiers, 500)
        base = asyncio.run(anchor(args.keys))
        _, anchor_p95, _ = summary(base)
        rows.append(_row("anchor: minimal app, one Static", base, anchor_p95, None))
        for events in args.events:
            candidate, grid, held = big_dossier(folder, events)
            samples = asyncio.run(press(folder, candidate, grid, args.keys))
            limit = 1.25 if events <= 2000 else 1.5
            rows.append(_row(f"mark a criterion, {held} events", samples, anchor_p95, limit))
    print(f"store of {args.dossiers} dossiers (made in {made:.0f} s); {args.keys} keys each")
    print(table(("key → screen", "keys", "p50 ms", "p95 ms", "max ms", "p95 × anchor",
                 "budget"), rows))  # fmt: skip


def _row(
    name: str, samples: list[float], anchor_p95: float, limit: float | None
) -> tuple[str, ...]:
    p50, p95, worst = summary(samples)
    ratio = p95 / anchor_p95
    if limit is None:
        verdict = ""
    else:
        ok = ratio <= limit and p95 <= 16
        verdict = f"≤ {limit} ×, ≤ 16 ms : " + ("ok" if ok else "OVER BUDGET")
    return (name, str(len(samples)), f"{p50:.1f}", f"{p95:.1f}", f"{worst:.1f}", f"{ratio:.2f}",
            verdict)  # fmt: skip


if __name__ == "__main__":
    main()
