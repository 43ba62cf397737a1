"""A secretariat bundle for one station holding 100 candidates: written, then imported.

A registering station records 100 candidates of about 200 events each, and another one 100
more; the secretariat imports both and gives the first 100 to an evaluator's laptop
(``carnet attribuer``). Then, each in a fresh ``carnet`` process as a user runs it: the
secretariat writes the laptop's bundle (``carnet export --pour``: only that station's
candidates, encrypted to it, with the registering station's signed heads and key), and the
laptop imports it (each event checked against its origin's key). The anchor, in the same run:
the same events inserted into SQLite in one transaction, in a fresh process.

    python bench/secretariat_bundle.py [--data DIR] [--runs 3]

Budgets (issue 12): written ≤ 1 s, imported ≤ 1 s. Printed: the work alone, the store opened
and the work (the interpreter and imports left out), and the whole ``carnet`` command.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, table, timed_process  # noqa: E402
from bench.import_bundles import sqlite_anchor  # noqa: E402
from store.demo import populate  # noqa: E402
from store.station import set_role  # noqa: E402
from store.store import Store  # noqa: E402
from store.sync import (  # noqa: E402
    assign,
    confirm_trust,
    export,
    import_files,
    public_key_of,
    read_key_file,
)

CANDIDATES = 100


def _trust(folder: Path, key: Path) -> None:
    with Store.open(folder) as store:
        confirm_trust(store, key, read_key_file(key).fingerprint)


def _key(folder: Path) -> Path:
    with Store.open(folder) as store:
        path = folder.parent / f"{folder.name}.cle"
        path.write_bytes(public_key_of(store))
    return path


def make(base: Path) -> tuple[Path, Path, str]:
    """The secretariat (holding 200 candidates) and the laptop, before the bundle; cached."""
    done = base / "ready.json"
    sec, laptop = base / "secretariat", base / "portable"
    if done.exists() and json.loads(done.read_text()).get("format") == 2:
        return sec, laptop, str(json.loads(done.read_text())["laptop"])
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    registering, other = base / "inscription", base / "autre"
    with Store.open(registering) as store:
        populate(store, CANDIDATES, seed=1, events_per_dossier=200)
    with Store.open(other) as store:
        populate(store, CANDIDATES, seed=2, events_per_dossier=200)
    with Store.open(sec):
        pass
    set_role(sec, "secretariat")
    with Store.open(laptop):
        pass
    keys = {f: _key(f) for f in (registering, other, sec, laptop)}
    for station in (registering, other, laptop):
        _trust(station, keys[sec])
        _trust(sec, keys[station])
    for station in (registering, other):
        with Store.open(station) as store:
            bundle = export(store, base / f"{station.name}.carnet")
        with Store.open(sec) as store:
            report = import_files(store, [bundle.path], receipts_dir=base / "accuses")
            assert not report.rejected, report.rejected[0].error
    laptop_id = read_key_file(keys[laptop]).station
    registering_id = read_key_file(keys[registering]).station
    with Store.open(sec) as store:
        for candidate in store.candidate_ids():
            events = store.raw_events(candidate).values()
            if any(r["station"] == registering_id for r in events):
                assign(store, candidate, laptop_id, [], "secretariat")
    done.write_text(json.dumps({"laptop": laptop_id, "format": 2}))
    return sec, laptop, laptop_id


_TIMED = (
    "import sys, time\n"
    "from pathlib import Path\n"
    "from store.store import Store\n"
    "from store.sync import export, import_files\n"
    "start = time.perf_counter()\n"
    "with Store.open(Path(sys.argv[2])) as store:\n"
    "    inner = time.perf_counter()\n"
    "    if sys.argv[1] == 'export':\n"
    "        count = export(store, Path(sys.argv[3]), pour=sys.argv[4]).events\n"
    "    else:\n"
    "        report = import_files(store, [Path(sys.argv[3])], receipts_dir=Path(sys.argv[4]))\n"
    "        assert not report.rejected, report.rejected[0].error\n"
    "        count = report.new_events\n"
    "    inner = time.perf_counter() - inner\n"
    "print(count, inner, time.perf_counter() - start)\n"
)


def timed(*args: str) -> tuple[int, float, float]:
    """In a fresh process: events, the work itself, the whole command with the store's opening
    (the interpreter's own start is left out)."""
    result = subprocess.run([sys.executable, "-c", _TIMED, *args], cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    count, inner, whole = result.stdout.split()
    return int(count), float(inner), float(whole)


CARNET = str(Path(sys.executable).with_name("carnet"))


def whole(*args: str) -> float:
    """The command as the user runs it (the console script, from its start to its end)."""
    wall, _, _ = timed_process([CARNET, *args], cwd=str(ROOT))
    return wall


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    compiled()
    base = args.data or Path(tempfile.mkdtemp(prefix="carnet-bench-distribution-"))
    sec, laptop, laptop_id = make(base / "source")
    rows = []
    for run in range(args.runs):
        work = Path(tempfile.mkdtemp(prefix="carnet-distribution-"))
        s, p = work / "s", work / "p"
        shutil.copytree(sec, s, ignore=shutil.ignore_patterns("carnet.lock"))
        shutil.copytree(laptop, p, ignore=shutil.ignore_patterns("carnet.lock"))
        # The copies on disk before any timing: the commands' own syncs would otherwise wait
        # for them too (the file system writes what a copy left pending before it commits).
        os.sync()
        bundle = work / "pour-le-portable.carnet"
        written = timed("export", str(s), str(bundle), laptop_id)
        read = timed("import", str(p), str(bundle), str(work / "accuses"))
        # The same again, each as a whole ``carnet`` command, on fresh copies.
        s2, p2 = work / "s2", work / "p2"
        shutil.copytree(sec, s2, ignore=shutil.ignore_patterns("carnet.lock"))
        shutil.copytree(laptop, p2, ignore=shutil.ignore_patterns("carnet.lock"))
        os.sync()
        bundle2 = work / "pour-le-portable-2.carnet"
        written_cmd = whole("export", "--data", str(s2), "--out", str(bundle2), "--pour", laptop_id)
        read_cmd = whole("import", "--data", str(p2), str(bundle2))
        with Store.open(p) as store:
            held = len(store.candidate_ids())
        anchor_rows, anchor = sqlite_anchor(work / "p")
        size = bundle.stat().st_size // 1024
        rows.append((f"{run + 1}", "SQLite (ancre)", anchor_rows, f"{anchor:.2f}", "", "", ""))
        rows.append((f"{run + 1}", "lot écrit au secrétariat", written[0], f"{written[1]:.2f}",
                     f"{written[2]:.2f}", f"{written_cmd:.2f}", f"{size} Ko, ≤ 1 s"))  # fmt: skip
        rows.append((f"{run + 1}", "lot importé au poste", read[0], f"{read[1]:.2f}",
                     f"{read[2]:.2f}", f"{read_cmd:.2f}", f"{held} candidats, ≤ 1 s"))  # fmt: skip
        time.sleep(0.1)
        shutil.rmtree(work, ignore_errors=True)
    print(table(["essai", "mesure", "événements", "secondes", "ouvert + travail s",
                 "commande entière s", "note"], rows))  # fmt: skip


if __name__ == "__main__":
    main()
