"""``carnet verify`` on a folder whose identity file (station.json) is gone: a problem named when
the folder holds data (a journal or data files), nothing for a folder that was never used."""

from __future__ import annotations

from pathlib import Path

from store.station import STATION_NAME
from store.store import Store
from store.verify import verify


def test_a_folder_with_data_but_no_identity_is_reported(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        store.create_person("P", "O", ["tuteur"], "t")
    (tmp_path / STATION_NAME).unlink()
    report = verify(tmp_path)
    assert [(p.file, p.message) for p in report.problems][:1] == [
        (str(tmp_path / STATION_NAME), "identité du poste absente")
    ]


def test_an_empty_folder_has_no_identity_problem(tmp_path: Path) -> None:
    report = verify(tmp_path)
    assert "identité du poste absente" not in [p.message for p in report.problems]
