"""Key press to repainted status after a mark, measured inside the app.

Budget (issue 3): p95 ≤ 16 ms (one frame) on a dossier of 2,000 events in a store of 1,000
dossiers. The app takes the time in the grid's ``on_key`` and again in a ``call_after_refresh``
callback (``latency_probe``); keys are pressed through Pilot on a headless 120×40 terminal.

    python bench/keypress.py [--dossiers 1000] [--keys 300] [--data DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

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


async def press(folder: Path, candidate: str, grid: str, keys: int) -> list[float]:
    samples: list[float] = []
    app = build_app(folder, latency_probe=samples)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.store_ready.wait()
        screen = GridScreen(candidate, grid)
        await app.push_screen(screen)
        await screen.loaded.wait()
        await pilot.pause()
        samples.clear()
        for i in range(keys):
            await pilot.press("vne"[i % 3])
            if i % 60 == 59:
                await pilot.press("home")
            await pilot.pause()
        await app.workers.wait_for_complete()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--keys", type=int, default=300)
    parser.add_argument("--data", type=Path, help="a folder to reuse between runs")
    args = parser.parse_args()
    compiled()
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = args.data or Path(tmp)
        made = ensure_store(folder, args.dossiers, 500)
        candidate, grid, events = big_dossier(folder, args.events)
        samples = asyncio.run(press(folder, candidate, grid, args.keys))
    p50, p95, worst = summary(samples)
    print(f"store of {args.dossiers} dossiers (made in {made:.0f} s), dossier of {events} events")
    print(table(("key → repaint", "keys", "p50 ms", "p95 ms", "max ms", "p95 ≤ 16 ms"),
                [("mark a criterion", len(samples), f"{p50:.1f}", f"{p95:.1f}", f"{worst:.1f}",
                  "ok" if p95 <= 16 else "OVER BUDGET")]))  # fmt: skip


if __name__ == "__main__":
    main()
