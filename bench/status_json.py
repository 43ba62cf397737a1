"""``carnet status --json`` over a store of 1,000 dossiers of about 500 events each.

Cold: no summary index (first run, or after the index was lost): every dossier is read and
every event's hash checked. Warm: the index is valid for every dossier, as after any normal
session. Each figure is the wall-clock time of the real command in a fresh process.

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

from bench._common import summary, table  # noqa: E402
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
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        with Store.open(folder) as store:
            populate(store, args.dossiers, seed=7, events_per_dossier=500)
            events = store.head.seq
        made = time.perf_counter() - start
        os.sync()
        cold, warm = [], []
        for _ in range(args.runs):
            (folder / INDEX_NAME).unlink(missing_ok=True)
            seconds, count = run_status(folder)
            cold.append(seconds)
            assert count == args.dossiers
            seconds, count = run_status(folder)
            warm.append(seconds)
        rows = [
            ("cold (no index)", *(f"{v:.2f}" for v in summary(cold))),
            ("warm (index valid)", *(f"{v:.2f}" for v in summary(warm))),
        ]
    print(f"{args.dossiers} dossiers, {events} events, made in {made:.1f} s; {args.runs} runs each")
    print(table(("carnet status --json", "median s", "p95 s", "max s"), rows))


if __name__ == "__main__":
    main()
