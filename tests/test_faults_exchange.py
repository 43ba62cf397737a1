"""An I/O error (EIO, ENOSPC) at every write, sync, rename and truncation of an export and of
an import (issue 10): a French message, nothing lost, nothing applied twice, no fork, and the
exchange completes once the fault is gone."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path
from typing import Any

import pytest

from models.errors import CarnetError
from models.threshold import CriterionState
from store.store import Store
from store.sync import export, import_files
from tests.test_faults import failing
from tests.test_sync import _export

pytestmark = pytest.mark.slow  # one export or import per system call


def _summaries(folder: Path) -> dict[str, Any]:
    with Store.open(folder, read_only=True) as store:
        return {c: store.summary(c) for c in store.candidate_ids()}


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC])
def test_a_fault_at_every_step_of_an_export(pair: Any, code: int) -> None:
    station, secretariat, _, _, _ = pair
    before = _summaries(station)
    with Store.open(station) as store, failing(None, code) as seen:
        export(store, station.parent / "mesure.carnet")
    steps = len(seen)
    assert steps >= 4
    shutil.rmtree(station.parent / "mesure.carnet", ignore_errors=True)
    (station.parent / "mesure.carnet").unlink(missing_ok=True)
    for at in range(steps):
        copy = station.parent / f"a-{at}"
        shutil.copytree(station, copy)
        out = station.parent / f"lot-{at}.carnet"
        with Store.open(copy) as store:
            with failing(at, code):
                try:
                    export(store, out)
                except CarnetError as exc:
                    said = str(exc)
                    assert "rien n'a changé" in said or "n'a pas pu être noté" in said, said
            # The fault is gone: the next export holds whatever the secretariat still lacks.
            again = export(store, station.parent / f"lot-{at}-bis.carnet")
        assert _summaries(copy) == before
        target = secretariat.parent / f"s-{at}"
        shutil.copytree(secretariat, target)
        bundles = [p for p in (out, again.path) if p.exists()]
        with Store.open(target) as store:
            report = import_files(store, bundles, receipts_dir=target.parent / f"acc-{at}")
        assert not report.gaps, at
        assert [r for r in report.rejected if "déjà" not in (r.error or "")] == [], at
        assert _summaries(target) == before, at


@pytest.mark.parametrize("code", [errno.EIO, errno.ENOSPC])
def test_a_fault_at_every_step_of_an_import(pair: Any, code: int) -> None:
    station, secretariat, candidate, grid, criteria = pair
    first = _export(station, "lot1.carnet")
    with Store.open(station) as store:
        store.mark_criteria(candidate, grid, [(criteria[3], CriterionState.VALIDATED, "")], "t")
    second = _export(station, "lot2.carnet")
    expected = _summaries(station)
    probe = secretariat.parent / "mesure"
    shutil.copytree(secretariat, probe)
    with Store.open(probe) as store, failing(None, code) as seen:
        import_files(store, [first, second], receipts_dir=probe.parent / "acc-mesure")
    steps = len(seen)
    assert steps >= 6
    for at in range(steps):
        target = secretariat.parent / f"s-{at}"
        shutil.copytree(secretariat, target)
        with Store.open(target) as store, failing(at, code):
            try:
                report = import_files(store, [first, second], receipts_dir=target / "acc")
            except CarnetError as exc:
                said = str(exc)
                assert "import interrompu" in said or "accusés de réception" in said, said
            else:
                for result in report.rejected:
                    assert result.error, at
        # The fault is gone (and the app restarted): importing the same files again completes.
        with Store.open(target) as store:
            import_files(store, [first, second], receipts_dir=target / "acc2")
            again = import_files(store, [first, second], receipts_dir=target / "acc3")
            assert again.new_events == 0 and not again.rejected, at  # nothing applied twice
        assert _summaries(target) == expected, at
