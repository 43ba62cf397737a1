"""Start to the first usable screen, against a minimal Textual app measured in the same run.

Budget (issue 3): carnet with 1,000 dossiers ≤ 1.5 × a minimal app (Header, DataTable,
Footer). Each run is a fresh process started here; it reports the moment its first screen is
usable (carnet: the candidates are listed; minimal: ready) after that screen was refreshed.
Both run headless, alternately.

    python bench/startup.py [--dossiers 1000] [--runs 7] [--data DIR]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, table  # noqa: E402
from bench._data import ensure_store  # noqa: E402

MINIMAL = """
import sys, time
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
        print(time.time(), flush=True)
        self.exit()

Minimal().run(headless=True, size=(100, 30))
"""

CARNET = """
import sys, time
from pathlib import Path
from tui.app import CarnetApp, build_app

class Timed(CarnetApp):
    def on_ready(self):
        self.run_worker(self.report())

    async def report(self):
        await self.screen.listed.wait()
        self.call_after_refresh(lambda: print(time.time(), flush=True))
        await self.screen.loaded.wait()
        self.call_after_refresh(self.done)

    def done(self):
        print(time.time(), flush=True)
        self.exit()

app = build_app(Path(sys.argv[1]))  # the factory reads the roster, as the command does
app.__class__ = Timed
app.run(headless=True, size=(100, 30))
"""


def one(script: str, *args: str) -> list[float]:
    """Seconds from the process start to each moment it reports."""
    start = time.time()
    result = subprocess.run(
        [sys.executable, "-c", script, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return [float(line) - start for line in result.stdout.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--data", type=Path, help="a folder to reuse between runs")
    args = parser.parse_args()
    compiled()
    with tempfile.TemporaryDirectory(prefix="carnet-bench-", dir=Path.home()) as tmp:
        folder = args.data or Path(tmp)
        ensure_store(folder, args.dossiers, 500)
        one(MINIMAL)  # warm the file cache for both
        one(CARNET, str(folder))
        minimal, listed, ready = [], [], []
        for _ in range(args.runs):
            minimal.append(one(MINIMAL)[0])
            shown, opened = one(CARNET, str(folder))
            listed.append(shown)
            ready.append(opened)
    m = statistics.median(minimal)
    rows = []
    for label, values in (
        ("minimal Textual app (Header, DataTable, Footer)", minimal),
        (f"carnet, {args.dossiers} dossiers: candidates listed", listed),
        (f"carnet, {args.dossiers} dossiers: store open, every key live", ready),
    ):
        median = statistics.median(values)
        rows.append(
            (
                label,
                f"{median:.3f}",
                f"{min(values):.3f}",
                f"{max(values):.3f}",
                f"{median / m:.2f}",
            )
        )
    print(table(("start → first usable screen", "median s", "min s", "max s", "× minimal"), rows))
    ratio = statistics.median(listed) / m
    verdict = "ok" if ratio <= 1.5 else "OVER BUDGET"
    print(f"candidates listed: {ratio:.2f} × minimal (budget ≤ 1.5: {verdict})")


if __name__ == "__main__":
    main()
