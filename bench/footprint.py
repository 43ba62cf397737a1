"""Memory and disk: the app on its home screen with 1,000 dossiers, and the bytes per event.

Budgets (issue 10): the app on its home screen, 1,000 dossiers, ≤ 80 MB resident; disk per
event ≤ SQLite's for the same events. Anchors measured in the same run: a minimal Textual app
(Header, DataTable, Footer) on its first screen, in a fresh process like the app; and the
same events inserted into a SQLite table (id, dossier, JSON body) in one transaction, its file
size after a checkpoint. Resident memory is the process's peak (``VmHWM``) once the first
screen is usable and the store open, headless.

    python bench/footprint.py [--dossiers 1000] [--events 500] [--runs 3] [--data DIR]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, table  # noqa: E402
from bench._data import ensure_store  # noqa: E402

# The peak resident memory of this process since its exec (``ru_maxrss`` would count the
# parent's pages, copied at fork, before the exec).
PEAK = """
def _peak():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
"""

MINIMAL = (
    PEAK
    + """
from textual.app import App
from textual.widgets import DataTable, Footer, Header

class Minimal(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_ready(self):
        self.call_after_refresh(self.report)

    def report(self):
        print(_peak(), flush=True)
        self.exit()

Minimal().run(headless=True, size=(100, 30))
"""
)

CARNET = (
    PEAK
    + """
import sys
from pathlib import Path
from tui.app import CarnetApp, build_app

class Measured(CarnetApp):
    def on_ready(self):
        self.run_worker(self.report())

    async def report(self):
        await self.screen.loaded.wait()
        await self.store_ready.wait()
        self.call_after_refresh(self.done)

    def done(self):
        print(_peak(), flush=True)
        self.exit()

app = build_app(Path(sys.argv[1]))
app.__class__ = Measured
app.run(headless=True, size=(100, 30))
"""
)


def resident_mb(script: str, *args: str) -> float:
    out = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return int(out.split()[0]) / 1024  # Linux gives KiB


def events_of(folder: Path) -> list[tuple[str, bytes]]:
    """Every stored event (its dossier and JSON), whole, as the store reads them: with its
    hash and ``prev``, which a record of carnet's format 3 leaves out (``store.compact``)."""
    from store.layout import EVENTS
    from store.storage import parse_log

    found = []
    for path in [*sorted((folder / "dossiers").glob("c-*.json")), folder / "registry.json"]:
        tables = parse_log(path.read_bytes(), path).tables
        for doc in tables.get(EVENTS, {}).values():
            found.append((path.stem, json.dumps(dict(doc)).encode()))
    return found


def carnet_bytes(folder: Path) -> int:
    """What the events cost carnet on disk: the dossiers, the registry and the journal (the
    index, a cache that can be rebuilt, is counted too)."""
    names = ["registry.json", "journal.log", "index.json"]
    total = sum((folder / n).stat().st_size for n in names if (folder / n).exists())
    return total + sum(p.stat().st_size for p in (folder / "dossiers").glob("c-*.json"))


def sqlite_bytes(events: list[tuple[str, bytes]], where: Path) -> int:
    path = where / "anchor.sqlite"
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, dossier TEXT, body TEXT)")
    db.executemany(
        "INSERT INTO events (dossier, body) VALUES (?, ?)",
        [(d, body.decode()) for d, body in events],
    )
    db.commit()
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data", type=Path, help="a folder to reuse between runs")
    args = parser.parse_args()
    compiled()
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = args.data or Path(tmp) / "data"
        made = ensure_store(folder, args.dossiers, args.events)
        minimal = [resident_mb(MINIMAL) for _ in range(args.runs)]
        app = [resident_mb(CARNET, str(folder)) for _ in range(args.runs)]
        events = events_of(folder)
        ours = carnet_bytes(folder)
        theirs = sqlite_bytes(events, Path(tmp))
    print(
        f"store of {args.dossiers} dossiers, {len(events)} events (made in {made:.0f} s), "
        f"{args.runs} runs"
    )
    rows = [
        ("anchor: minimal Textual app, resident", f"{max(minimal):.0f} Mo", "", ""),
        (
            "carnet, home screen, store open, resident",
            f"{max(app):.0f} Mo",
            f"{max(app) / max(minimal):.2f}",
            "ok" if max(app) <= 80 else "OVER BUDGET (≤ 80 Mo)",
        ),
        ("anchor: SQLite, same events, per event", f"{theirs / len(events):.0f} o", "1.00", ""),
        (
            "carnet on disk, per event",
            f"{ours / len(events):.0f} o",
            f"{ours / theirs:.2f}",
            "ok" if ours <= theirs else "OVER BUDGET (≤ SQLite)",
        ),
    ]
    print(table(("mesure", "pire", "× ancre", "budget"), rows))


if __name__ == "__main__":
    main()
