"""The cyclic collector is held during an import (a bundle decodes into a million objects
that each full collection would walk) and put back as it was, whatever happens (no
textual)."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from store.collector import collector_paused
from store.store import Store
from store.sync import import_files
from tests.test_sync import _export


def test_the_collector_is_put_back_as_it_was() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("refus")
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # held before: still held
    finally:
        gc.enable()


def test_an_import_runs_without_cyclic_collections(pair: Any, tmp_path: Path) -> None:
    station, secretariat, *_ = pair
    bundle = _export(station, "lot.carnet")
    during: list[bool] = []
    with Store.open(secretariat) as store:
        report = import_files(
            store, [bundle], receipts_dir=tmp_path / "accuses",
            progress=lambda *_: during.append(gc.isenabled()),
        )  # fmt: skip
    assert not report.rejected and during == [False]
    assert gc.isenabled()
