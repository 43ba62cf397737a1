"""Durable write of one criterion mark plus the candidate's new status, at several store sizes.

Budget (issue 2): p95 ≤ 5 ms, flat as the number of dossiers grows. Each store is made with
``carnet demo`` (dossiers of about 500 events); the timed call is the writer's: journal intent,
atomic dossier write with fsync, folder fsync, then the verdict recomputed.

    python bench/write_mark.py [--sizes 10 100 1000] [--marks 300]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import summary, table
from models.threshold import CriterionState
from store.demo import populate
from store.store import Store

STATES = (CriterionState.VALIDATED, CriterionState.NOT_VALIDATED, CriterionState.NOT_EVALUATED)


def make_store(folder: Path, dossiers: int) -> None:
    with Store.open(folder) as store:
        populate(store, dossiers, seed=7, events_per_dossier=500)


def measure(folder: Path, marks: int) -> tuple[list[float], int]:
    with Store.open(folder) as store:
        # A grid still open: a mark on a closed one is refused (amendments only).
        candidate, grid = next(
            (c, g)
            for c in store.candidate_ids()
            for g in store.snapshot(c).state.grids.values()
            if g.closed is None
        )
        block = store.referentials.conseil.block(grid.block)
        criteria = [k.id for c in block.competencies for k in c.criteria]
        timings = []
        for i in range(marks):
            start = time.perf_counter()
            verdict = store.mark_criteria(
                candidate, grid.id, [(criteria[i % len(criteria)], STATES[i % 3], "")], "bench"
            )
            timings.append((time.perf_counter() - start) * 1000)
            assert verdict.status is not None
        return timings, len(store.snapshot(candidate).events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--marks", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
            folder = Path(tmp)
            make_store(folder, size)
            os.sync()  # let the writeback of the fresh store finish before measuring
            time.sleep(3)
            timings, events = measure(folder, args.marks)
        p50, p95, worst = summary(timings)
        verdict = "ok" if p95 <= 5 else "OVER BUDGET"
        rows.append((size, events, args.marks, f"{p50:.2f}", f"{p95:.2f}", f"{worst:.2f}", verdict))
    print(
        table(
            (
                "dossiers",
                "events in dossier at end",
                "marks",
                "p50 ms",
                "p95 ms",
                "max ms",
                "p95 ≤ 5 ms",
            ),
            rows,
        )
    )


if __name__ == "__main__":
    main()
