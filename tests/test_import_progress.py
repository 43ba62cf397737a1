"""The import tells its progress after each file (the exchange screen's bar and log): how
many files are done, out of how many, and that file's result, in the order given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from store.store import Store
from store.sync import import_files
from tests.test_sync import _export, station_and_secretariat


def test_the_import_tells_each_files_place_and_result_as_it_goes(tmp_path: Path) -> None:
    a, s, *_ = station_and_secretariat(tmp_path)
    bundle = _export(a, "a1.carnet")
    junk = tmp_path / "pas-un-lot.carnet"
    junk.write_bytes(b"rien")
    calls: list[tuple[int, int, Path, bool]] = []

    def progress(done: int, total: int, result: Any) -> None:
        calls.append((done, total, result.path, result.error is None))

    with Store.open(s) as store:
        report = import_files(
            store, [bundle, junk, bundle], receipts_dir=tmp_path / "accuses", progress=progress
        )
    assert calls == [(1, 3, bundle, True), (2, 3, junk, False), (3, 3, bundle, True)]
    assert [r.path for r in report.files] == [bundle, junk, bundle]
