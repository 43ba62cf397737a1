"""``carnet status --json`` over a store of 1,000 dossiers of about 500 events each.

Cold: no summary index (first run, or after the index was lost): every dossier is read and
every event's hash checked. Warm: the index is valid for every dossier, as after any normal
session. Each figure is the wall-clock time of the real command in a fresh process.

Budgets (issue 10): cold ≤ 3× the anchor « parse the files alone » (a fresh process reading
every data file and decoding each record's JSON, nothing checked), warm ≤ 0.5 s. SQLite
printing the same number of status records from a current-state table, in a fresh process,
is shown beside.

    python bench/status_json.py [--dossiers 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, summary, table  # noqa: E402
from store.demo import populate  # noqa: E402
from store.index import INDEX_NAME  # noqa: E402
from store.store import Store  # noqa: E402


def run_status(folder: Path) -> tuple[float, int]:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "status", "--data", str(folder), "--json"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    )
    elapsed = time.perf_counter() - start
    return elapsed, len(json.loads(result.stdout)["candidates"])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compiled()
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        with Store.open(folder) as store:
            populate(store, args.dossiers, seed=7, events_per_dossier=500)
            events = store.head.seq
            store.summaries()  # the index, as the app leaves it after any session
        index = (folder / INDEX_NAME).read_bytes()
        made = time.perf_counter() - start
        os.sync()
        cold: list[float] = []
        warm: list[float] = []
        parse: list[float] = []
        sqlite: list[float] = []
        for _ in range(args.runs):
            (folder / INDEX_NAME).unlink(missing_ok=True)
            seconds, count = run_status(folder)
            cold.append(seconds)
            assert count == args.dossiers
            # The status command only reads (it takes no lock): the index is the app's.
            (folder / INDEX_NAME).write_bytes(index)
            seconds, count = run_status(folder)
            warm.append(seconds)
            parse.append(run_anchor(PARSE_ONLY, folder))
            sqlite.append(run_anchor(SQLITE_STATUS, _sqlite_table(folder, tmp)))
        cold_ratio = max(cold) / min(parse)
        rows = [
            ("anchor: parse the files alone", *_fmt(parse), "1.00", ""),
            ("anchor: SQLite, current-state table", *_fmt(sqlite), "", ""),
            ("cold (no index)", *_fmt(cold), f"{cold_ratio:.2f}",
             "ok" if cold_ratio <= 3 else "OVER BUDGET"),
            ("warm (index valid)", *_fmt(warm), "",
             "ok" if max(warm) <= 0.5 else "OVER BUDGET"),
        ]  # fmt: skip
    print(f"{args.dossiers} dossiers, {events} events, made in {made:.1f} s; {args.runs} runs each")
    print(
        table(
            ("carnet status --json", "median s", "p95 s", "max s", "max × parse",
             "cold ≤ 3× parse, warm ≤ 0.5 s"),
            rows,
        )
    )  # fmt: skip


def _fmt(values: list[float]) -> tuple[str, ...]:
    return tuple(f"{v:.2f}" for v in summary(values))


PARSE_ONLY = """
import json, sys
from pathlib import Path
count = 0
root = Path(sys.argv[1])
for path in [*sorted((root / "dossiers").glob("c-*.json")), root / "registry.json"]:
    for line in path.read_bytes().splitlines():
        if line[:1] != b"{":
            json.loads(line[33:])
            count += 1
print(count)
"""

SQLITE_STATUS = """
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("SELECT record FROM status").fetchall()
sys.stdout.write(json.dumps({"candidates": [json.loads(r[0]) for r in rows]}))
"""


def run_anchor(script: str, target: Path) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", script, str(target)], capture_output=True, check=True)
    return time.perf_counter() - start


def _sqlite_table(folder: Path, tmp: str) -> Path:
    """The same status records as a current-state table (made once, outside the timing)."""
    import sqlite3

    path = Path(tmp) / "status.sqlite"
    if not path.exists():
        out = subprocess.run(
            [sys.executable, "-m", "tui.cli", "status", "--data", str(folder), "--json"],
            cwd=ROOT, capture_output=True, check=True,
        ).stdout  # fmt: skip
        db = sqlite3.connect(path)
        db.execute("CREATE TABLE status (id TEXT PRIMARY KEY, record TEXT)")
        db.executemany(
            "INSERT INTO status VALUES (?, ?)",
            [(r["id"], json.dumps(r)) for r in json.loads(out)["candidates"]],
        )
        db.commit()
        db.close()
    return path


if __name__ == "__main__":
    main()
