"""Durable write of one criterion mark plus the candidate's new status, at several store sizes.

Budget (issue 10): p95 ≤ 2 ms and ≤ 3× a bare append + fdatasync of the same record on the
same disk (the anchor, measured in the same run), flat as the store grows; SQLite in WAL mode
with ``synchronous=FULL`` inserting the same record is printed beside. Each store is made with
``carnet demo`` (dossiers of ``--events`` events); the timed call is the writer's: the journal's
line, the dossier's append (fdatasync), then the verdict recomputed. The journal's line is
synced before the dossier only when the dossier changes (the first mark of the run pays two
syncs), else behind it once the mark is acknowledged (the writer thread's next task, done here
after the timed call, before the anchor's append).
Each mark is followed by the anchor's append and SQLite's insert of its record (paired).

    python bench/write_mark.py [--sizes 10 100 1000] [--events 500] [--marks 300]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
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


def make_store(folder: Path, dossiers: int, events: int) -> None:
    with Store.open(folder) as store:
        populate(store, dossiers, seed=7, events_per_dossier=events)


class BareAppend:
    """The anchor: one append of the same record and one fdatasync, nothing else."""

    def __init__(self, folder: Path) -> None:
        self.fd = os.open(folder / "anchor.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def __call__(self, record: bytes) -> float:
        start = time.perf_counter()
        os.write(self.fd, record + b"\n")
        os.fdatasync(self.fd)
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        os.close(self.fd)


class SqliteInsert:
    """For reference: SQLite in WAL mode, ``synchronous=FULL``, inserting the same record."""

    def __init__(self, folder: Path) -> None:
        self.db = sqlite3.connect(folder / "anchor.sqlite", isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, body TEXT)")

    def __call__(self, record: bytes) -> float:
        start = time.perf_counter()
        self.db.execute("INSERT INTO events (body) VALUES (?)", (record.decode(),))
        return (time.perf_counter() - start) * 1000

    def close(self) -> None:
        self.db.close()


def measure(folder: Path, marks: int) -> tuple[list[float], list[float], list[float], int]:
    """Each mark is followed by the anchor's append and SQLite's insert of the mark's record:
    the three meet the same disk at the same moment (a disk slower for a while slows all
    three, instead of only whichever ran then)."""
    anchor, lite = BareAppend(folder), SqliteInsert(folder)
    try:
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
            timings, anchored, inserted = [], [], []
            for i in range(marks):
                start = time.perf_counter()
                verdict = store.mark_criteria(
                    candidate,
                    grid.id,
                    [(criteria[i % len(criteria)], STATES[i % 3], "")],
                    "bench",
                )
                timings.append((time.perf_counter() - start) * 1000)
                assert verdict.status is not None
                # Then, as the app's writer thread does once the mark is acknowledged: the
                # journal's line, synced behind it (not timed: the evaluator has the answer).
                store.sync_journal()
                record = json.dumps(store.snapshot(candidate).events[-1].stored()).encode()
                anchored.append(anchor(record))
                inserted.append(lite(record))
            return timings, anchored, inserted, len(store.snapshot(candidate).events)
    finally:
        anchor.close()
        lite.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--events", type=int, nargs="+", default=[500])
    parser.add_argument("--marks", type=int, default=300)
    args = parser.parse_args()
    rows = []
    for size in args.sizes:
        for per_dossier in args.events:
            with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
                folder = Path(tmp)
                make_store(folder, size, per_dossier)
                os.sync()  # let the writeback of the fresh store finish before measuring
                time.sleep(3)
                timings, anchor, lite, events = measure(folder, args.marks)
            p50, p95, worst = summary(timings)
            a95 = summary(anchor)[1]
            s95 = summary(lite)[1]
            ratio = p95 / a95
            verdict = "ok" if p95 <= 2 and ratio <= 3 else "OVER BUDGET"
            rows.append(
                (
                    size,
                    events,
                    args.marks,
                    f"{p50:.2f}",
                    f"{p95:.2f}",
                    f"{worst:.2f}",
                    f"{a95:.2f}",
                    f"{ratio:.2f}",
                    f"{s95:.2f}",
                    verdict,
                )
            )
    print(
        table(
            (
                "dossiers",
                "events in dossier",
                "marks",
                "p50 ms",
                "p95 ms",
                "max ms",
                "anchor p95 ms",
                "× anchor",
                "SQLite WAL FULL p95 ms",
                "p95 ≤ 2 ms, ≤ 3×",
            ),
            rows,
        )
    )


if __name__ == "__main__":
    main()
