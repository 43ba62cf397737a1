"""Both versions of a forked event are kept in « a-part » under names that say whose fork, at
which number and which version, whatever the station's id holds (never a path) (no
textual)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from models.events import utc_now
from models.threshold import CriterionState
from store.station import Station, write_station
from store.store import Store
from store.sync import Ledger
from tests.test_sync import _export, _import, _station, secretariat_for

N = CriterionState.NOT_VALIDATED


def _mark(folder: Path, candidate: str, grid: str, criterion: str, comment: str) -> None:
    with Store.open(folder) as store:
        store.mark_criteria(candidate, grid, [(criterion, N, comment)], "t")


def test_the_two_versions_are_named_by_origin_number_and_hash(tmp_path: Path) -> None:
    odd = "Poste/Lyon É.2"  # an id written by hand in station.json: never a path here
    a = tmp_path / "a"
    a.mkdir()
    write_station(a, Station(id=odd, created=utc_now()))
    candidate, grid, criteria = _station(a)
    s = secretariat_for(a, tmp_path / "s")
    first = _import(s, _export(a, "a1.carnet"))
    assert not first.rejected
    # Its receipt too is named after it, in the receipts' folder and nowhere else.
    assert first.receipts == [tmp_path / "accuses" / "accuse-Poste_Lyon___2-00001.carnet"]
    a2 = tmp_path / "a2"
    shutil.copytree(a, a2, ignore=shutil.ignore_patterns("carnet.lock"))
    _mark(a, candidate, grid, criteria[5], "sur le premier PC")
    _mark(a2, candidate, grid, criteria[6], "sur la copie")
    assert not _import(s, _export(a, "a2.carnet")).rejected
    copy = _export(a2, "copie.carnet")
    (result,) = _import(s, copy).files
    assert result.fork
    (fork,) = Ledger(s).forks[odd]
    stem = f"fourche-Poste_Lyon___2-n{fork['seq']}"
    received = f"{stem}-{fork['received'][:12]}.carnet"
    known = f"{stem}-{fork['known'][:12]}-connu.json"
    aside = s.resolve() / "a-part"
    assert sorted(p.name for p in aside.iterdir()) == sorted([received, known])
    assert (aside / received).read_bytes() == copy.read_bytes()
    (held,) = json.loads((aside / known).read_bytes())
    assert (held["station"], held["seq"], held["hash"]) == (odd, fork["seq"], fork["known"])
    assert fork["file"] == str(Path("a-part") / received)
    # The message names the folder where both are, whole.
    assert result.error is not None and f"gardées dans {aside}." in result.error
