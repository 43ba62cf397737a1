"""Which cached rows of the home list are shown as they are (store/roster.py): each field of
the wrong shape leaves the row out, to be computed again; and what a row keeps of a record.

tests/test_summary_index.py checks rows the store wrote and a damaged file; each rule of
``valid_row`` is checked here on one row broken one field at a time (a row shown with a wrong
field would stop the home screen at every start).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from store.roster import listed_row, read_roster, roster_row, valid_row

GOOD: dict[str, Any] = {
    "id": "c-1", "name": "Jeanne Martin", "cqp": "gestionnaire-conseil", "organisme": "CPAM",
    "tutor": None, "tutor_name": "Paul Tuteur", "manager": "p-2", "manager_name": None,
    "status": "pending", "blocks": [{"validated": 0, "total": 5}], "average": None,
    "active": True, "conflicts": [], "vae": None,
}  # fmt: skip
VAE = {"acquired": [], "validated": ["c1"], "not_validated": [], "undecided": ["c2"]}


def test_a_row_of_the_right_shape_is_shown() -> None:
    assert valid_row("c-1", GOOD)
    assert valid_row("c-1", {**GOOD, "vae": VAE, "average": "12.5", "blocks": []})
    assert valid_row("c-1", {k: v for k, v in GOOD.items() if k != "conflicts"})


@pytest.mark.parametrize(
    "change",
    [
        {"id": "c-2"},
        {"name": None},
        {"cqp": 3},
        {"organisme": None},
        {"status": "perdu"},
        {"tutor": 1},
        {"tutor_name": 1},
        {"manager": 1},
        {"manager_name": []},
        {"average": 12.5},
        {"blocks": None},
        {"blocks": [None]},
        {"blocks": [{"validated": -1, "total": 5}]},
        {"blocks": [{"validated": 0, "total": True}]},
        {"blocks": [{"validated": 0}]},
        {"blocks": [{"validated": 0, "total": 5}, {"validated": "1", "total": 5}]},
        {"conflicts": None},
        {"active": None},
        {"active": 1},
        {"vae": []},
        {"vae": {**VAE, "undecided": None}},
        {"vae": {k: v for k, v in VAE.items() if k != "acquired"}},
    ],
)
def test_one_field_of_the_wrong_shape_leaves_the_row_out(change: dict[str, Any]) -> None:
    assert not valid_row("c-1", {**GOOD, **change})


def test_a_row_that_is_not_a_mapping_is_left_out() -> None:
    assert not valid_row("c-1", None)
    assert not valid_row("c-1", [GOOD])
    assert not valid_row("c-1", {k: v for k, v in GOOD.items() if k != "active"})


def test_a_row_keeps_what_the_list_shows_of_a_record() -> None:
    record = {
        "id": "c-1", "name": "Jeanne Martin", "cqp": "gestionnaire-carriere",
        "organisme": "CPAM", "tutor": "p-1", "tutor_name": "Paul Tuteur", "manager": "p-2",
        "manager_name": "Marie Manager", "status": "validated",
        "blocks": [{"validated": 3, "total": 5, "id": "gc.b1", "title": "Bloc 1"}],
        "average": "12.50", "conflicts": ["grid:g-1"],
        "vae": {"acquired": ["c1"], "validated": None, "undecided": [], "admissibility": {}},
        "juries": {"local": None},
    }  # fmt: skip
    row = roster_row(record)
    assert row == {
        "id": "c-1", "name": "Jeanne Martin", "cqp": "gestionnaire-carriere",
        "organisme": "CPAM", "tutor": "p-1", "tutor_name": "Paul Tuteur", "manager": "p-2",
        "manager_name": "Marie Manager", "status": "validated",
        "blocks": [{"validated": 3, "total": 5}], "average": "12.50", "active": True,
        "conflicts": ["grid:g-1"],
        "vae": {"acquired": ["c1"], "validated": [], "not_validated": [], "undecided": []},
    }  # fmt: skip
    assert valid_row("c-1", row)
    bare = roster_row({**record, "vae": "pas un dict", "conflicts": None, "active": False})
    assert (bare["vae"], bare["conflicts"], bare["active"]) == (None, [], False)
    assert listed_row(row) == {
        k: v for k, v in row.items() if k not in ("tutor", "manager", "manager_name")
    }
    assert "tutor_name" in listed_row(row)


def test_no_roster_or_no_dossiers_folder_lists_nothing_and_says_so(tmp_path: Path) -> None:
    assert read_roster(tmp_path) == ([], False)
    (tmp_path / "roster.json").write_text('{"format": 5, "entries": {}}', encoding="utf-8")
    assert read_roster(tmp_path) == ([], False)  # no dossiers folder
    (tmp_path / "dossiers").mkdir()
    assert read_roster(tmp_path) == ([], True)  # an empty folder: every dossier listed
    (tmp_path / "dossiers" / "notes.txt").write_text("pas un dossier", encoding="utf-8")
    (tmp_path / "dossiers" / "c-1.json").write_bytes(b"")
    assert read_roster(tmp_path) == ([], False)  # c-1 has no row
    (tmp_path / "roster.json").write_text('{"format": 3, "entries": {}}', encoding="utf-8")
    assert read_roster(tmp_path) == ([], False)


def test_a_row_is_listed_only_while_its_dossier_is_unchanged(tmp_path: Path) -> None:
    import json
    import os

    (tmp_path / "dossiers").mkdir()
    dossier = tmp_path / "dossiers" / "c-1.json"
    dossier.write_bytes(b"contenu")
    st = os.stat(dossier)
    key = [st.st_size, st.st_mtime_ns, st.st_ino]
    for version in (5, 4):
        roster = {"format": version, "entries": {"c-1": {"key": key, "row": GOOD}}}
        (tmp_path / "roster.json").write_text(json.dumps(roster), encoding="utf-8")
        assert read_roster(tmp_path) == ([GOOD], True)
    stale = {"format": 5, "entries": {"c-1": {"key": [st.st_size + 1, *key[1:]], "row": GOOD}}}
    (tmp_path / "roster.json").write_text(json.dumps(stale), encoding="utf-8")
    assert read_roster(tmp_path) == ([], False)
    forged = {"format": 5, "entries": {"c-1": {"key": key, "row": {**GOOD, "id": "c-2"}}}}
    (tmp_path / "roster.json").write_text(json.dumps(forged), encoding="utf-8")
    assert read_roster(tmp_path) == ([], False)
    (tmp_path / "roster.json").unlink()
    (tmp_path / "roster.json").mkdir()  # not a file: no roster
    assert read_roster(tmp_path) == ([], False)
