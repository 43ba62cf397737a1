"""Importing 1,000 signed, encrypted bundles holding about 225,000 events at the secretariat.

50 stations, each with 20 dossiers of about 200 events, each cut into 20 bundles of about 225
events, as ``carnet export`` writes them: encrypted to the secretariat, signed by the station,
with the station's signed head. The secretariat trusts the 50 keys, then imports every bundle
in one ``carnet import`` run (a fresh process: its peak memory is measured), then imports them
all again (nothing may change), then writes one candidate's dossier de certification as PDF.
The anchor, in the same run: the same events inserted into SQLite (one transaction, one
commit), in a fresh process too.

    python bench/import_bundles.py [--data DIR] [--stations 50]

Budgets (issue 12): import ≤ 10 s, ≤ 300 MB; re-import ≤ 1 s; one PDF ≤ 1 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import compiled, table  # noqa: E402
from store.bundle import Recipient, seal_file  # noqa: E402
from store.demo import populate  # noqa: E402
from store.keys import load_or_create_encryption_key, raw_public  # noqa: E402
from store.replication import sign_head  # noqa: E402
from store.station import set_role  # noqa: E402
from store.store import Store  # noqa: E402
from store.sync import own_events, public_key_of, station_key  # noqa: E402

FORMAT = 3  # bundles as issue 12 writes them; an older cache is made again

BUNDLES_PER_STATION = 20


def make_bundles(folder: Path, stations: int) -> tuple[Path, Path, int]:
    """Writes (or reuses) the secretariat's model folder, the stations' bundles (encrypted to
    it) and their public keys; returns the bundles' and keys' folders."""
    bundles, keys = folder / "lots", folder / "cles"
    done = folder / "ready.json"
    if done.exists() and json.loads(done.read_text()).get("format") == FORMAT:
        return bundles, keys, int(json.loads(done.read_text())["events"])
    shutil.rmtree(folder, ignore_errors=True)
    bundles.mkdir(parents=True)
    keys.mkdir()
    model = folder / "secretariat-modele"
    with Store.open(model) as store:
        secretariat = store.station.id
        recipient = Recipient(secretariat, raw_public(load_or_create_encryption_key(model)))
    set_role(model, "secretariat")
    total = 0
    for number in range(stations):
        with Store.open(folder / "postes" / f"p{number:03d}") as store:
            populate(store, 20, seed=number, events_per_dossier=200)
            key = station_key(store)
            me = store.station.id
            (keys / f"{me}.cle").write_bytes(public_key_of(store))
            events = own_events(store)
            refs = {r.id: r.version for r in store.referentials.all()}
            size = -(-len(events) // BUNDLES_PER_STATION)
            for index in range(BUNDLES_PER_STATION):
                chunk = events[index * size : (index + 1) * size]
                head = sign_head(key, me, [str(e["hash"]) for e in events[: (index + 1) * size]])
                content = {"events": chunk, "heads": {me: [head]}, "holds": {}, "keys": []}
                data = seal_file("bundle", me, key, index + 1, content, count=len(chunk),
                                 referentials=refs, sender=store.station,
                                 recipient=recipient)  # fmt: skip
                (bundles / f"{me}-{index + 1:03d}.carnet").write_bytes(data)
                total += len(chunk)
        print(f"  poste {number + 1}/{stations} prêt", file=sys.stderr)
    done.write_text(json.dumps({"events": total, "format": FORMAT}))
    return bundles, keys, total


_SQLITE = (
    "import json, sqlite3, sys, time, resource\n"
    "from pathlib import Path\n"
    "rows = []\n"
    "from store.storage import parse_log\n"
    "for p in sorted(Path(sys.argv[1]).rglob('c-*.json')):\n"
    "    if p.parent.name == 'dossiers':\n"  # each event whole, as the store reads it
    "        events = parse_log(p.read_bytes(), p).tables.get('events', {})\n"
    "        rows.extend(dict(doc) for doc in events.values())\n"
    "start = time.perf_counter()\n"
    "db = sqlite3.connect(sys.argv[2])\n"
    "db.execute('create table events (id text primary key, station text, seq int, hash text, body text)')\n"
    "with db:\n"
    "    db.executemany('insert into events values (?, ?, ?, ?, ?)',\n"
    "        ((r['id'], r['station'], r['seq'], r['hash'], json.dumps(r)) for r in rows))\n"
    "print(len(rows), time.perf_counter() - start)\n"
)


def sqlite_anchor(stations: Path) -> tuple[int, float]:
    """The same events inserted into a fresh SQLite file, in one transaction."""
    target = Path(tempfile.mkdtemp(prefix="carnet-sqlite-")) / "events.db"
    result = subprocess.run([sys.executable, "-c", _SQLITE, str(stations), str(target)],
                            cwd=ROOT, capture_output=True, text=True, check=True)  # fmt: skip
    shutil.rmtree(target.parent, ignore_errors=True)
    count, seconds = result.stdout.split()
    return int(count), float(seconds)


# The command as installed, reporting its own peak resident memory on its last stderr line.
_RUN = (
    "import resource, sys\n"
    "from tui.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(own + 2 * workers, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def carnet(*args: str) -> tuple[float, int, str]:
    """Runs ``carnet`` in a fresh process: wall time, peak resident memory (MB: the process,
    plus twice its largest worker process, an upper bound of the two workers), output."""
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _RUN, *args], cwd=ROOT, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"carnet {' '.join(args)} a échoué : {result.stderr}")
    peak_kb = int(result.stderr.strip().splitlines()[-1])
    return elapsed, peak_kb // 1024, result.stdout


def fingerprint(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted((folder / "dossiers").glob("*.json")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--stations", type=int, default=50)
    args = parser.parse_args()
    compiled()
    base = args.data or Path(tempfile.mkdtemp(prefix="carnet-bench-import-"))
    bundles, keys, events = make_bundles(base / f"source-{args.stations}", args.stations)
    files = sorted(bundles.glob("*.carnet"))
    secretariat = Path(tempfile.mkdtemp(prefix="carnet-secretariat-")) / "s"
    shutil.copytree(base / f"source-{args.stations}" / "secretariat-modele", secretariat,
                    ignore=shutil.ignore_patterns("carnet.lock"))  # fmt: skip
    with Store.open(secretariat) as store:
        from store.sync import confirm_trust, read_key_file

        for key in sorted(keys.glob("*.cle")):
            confirm_trust(store, key, read_key_file(key).fingerprint)
    receipts = secretariat.parent / (secretariat.name + "-accuses")
    first, first_mb, out = carnet("import", "--data", str(secretariat), "--receipts",
                                  str(receipts), str(bundles))  # fmt: skip
    refused = out.count("✘")
    before = fingerprint(secretariat)
    again, again_mb, out2 = carnet("import", "--data", str(secretariat), "--receipts",
                                   str(receipts), str(bundles))  # fmt: skip
    # Each file said again: « lot n° N déjà importé ici » (nothing new), or its new events.
    taken = [line for line in out2.splitlines() if line.startswith("✔")]
    unchanged = fingerprint(secretariat) == before and len(taken) == len(files)
    new_again = sum(
        int(found.group(1))
        for line in taken
        if (found := re.search(r"(\d+) nouvel\(s\) événement", line)) is not None
    )
    with Store.open(secretariat) as store:
        candidate = store.candidate_ids()[0]
    pdf = secretariat.parent / f"{secretariat.name}.pdf"
    pdf_time, _, _ = carnet("dossier", candidate, "--data", str(secretariat), "--out", str(pdf))
    with Store.open(secretariat) as store:
        from datetime import UTC, datetime

        from store.documents.dossier import dossier_pdf
        from store.documents.lookup import dossier_inputs

        snap, people = dossier_inputs(store, candidate)
        start = time.perf_counter()
        dossier_pdf(snap, people, station=store.station.id, now=datetime.now(UTC))
        pdf_inner = time.perf_counter() - start
    anchor_rows, anchor = sqlite_anchor(base / f"source-{args.stations}" / "postes")
    rows = [
        ("SQLite (ancre)", "", anchor_rows, f"{anchor:.2f}", "", "", "même événements, 1 commit"),
        ("import", len(files), events, f"{first:.2f}", first_mb, "≤ 10 s, ≤ 300 MB",
         f"{refused} refusé(s), × {first / anchor:.1f} l'ancre"),
        ("ré-import", len(files), new_again, f"{again:.2f}", again_mb, "≤ 1 s",
         "rien de changé" if unchanged and new_again == 0 else "CHANGÉ"),
        ("dossier PDF", 1, "", f"{pdf_inner:.3f}", "", "≤ 1 s",
         f"commande entière {pdf_time:.2f} s"),
    ]  # fmt: skip
    print(table(["mesure", "fichiers", "événements", "secondes", "Mo max", "budget", "note"], rows))
    shutil.rmtree(secretariat.parent, ignore_errors=True)
    shutil.rmtree(receipts, ignore_errors=True)


if __name__ == "__main__":
    main()
