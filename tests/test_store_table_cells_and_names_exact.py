"""Cells of the consolidated table, names in the documents, a damaged keystore, an index of
the previous release: small rules checked exactly (store/documents/table.py, wording.py,
store/credentials.py, store/index.py).

Written from the survivors of the fourth mutation sample (tests/MUTANTS.md): each was reached
by tests that looked at other cells, other names or a sound file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from grids import Referentials
from store.credentials import CREDENTIALS_NAME, Keystore
from store.documents.table import candidate_sheet, competency_sheet, csv_cell, csv_table
from store.documents.wording import People
from store.errors import CorruptFileError
from store.store import Store


def _record(**values: Any) -> dict[str, Any]:
    return {
        "id": "c-1", "name": "Jeanne Martin", "organisme": "CPAM",
        "cqp": "gestionnaire-carriere", "route": "parcours_formation", "status": "pending",
        "blocks": [], **values,
    }  # fmt: skip


def _one_candidate(folder: Path) -> str:
    """A folder holding one candidate, with its tutor and manager."""
    with Store.open(folder) as store:
        tutor = store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
        manager = store.create_person("Marie Manager", "CPAM", ["manager"], "t")
        return store.create_candidate(
            "Jeanne Martin", "CPAM", "gestionnaire-conseil", "t", tutor=tutor, manager=manager
        )


def test_an_eliminatory_mark_is_named_by_its_title_or_else_its_id(refs: Referentials) -> None:
    sheet = candidate_sheet([_record(eliminatory=["ecrit", "epreuve-retiree"])], refs, People({}))
    column = [c.title for c in sheet.columns].index("Notes éliminatoires")
    assert sheet.rows[0][column] == "Epreuve écrite, epreuve-retiree"


def test_a_training_candidates_competencies_follow_the_weighted_average(
    refs: Referentials,
) -> None:
    sheet = competency_sheet([_record()], refs)
    assert sheet.rows
    assert {row[-1] for row in sheet.rows} == {"selon la moyenne pondérée des épreuves"}
    assert {row[-4] for row in sheet.rows} == {"en cours"} or len(
        {row[-4] for row in sheet.rows}
    ) == 1


def test_an_empty_cell_is_empty_in_the_csv(refs: Referentials) -> None:
    assert csv_cell(None, "text") == ""
    assert csv_cell(None, "mark") == ""
    data = csv_table(candidate_sheet([_record()], refs, People({})))
    _, row = data.decode("utf-8-sig").split("\r\n")[:2]
    assert row.startswith("c-1;Jeanne Martin;CPAM;")
    assert ";;" in row  # the marks not entered yet


def test_nobody_is_named_with_a_dash() -> None:
    people = People({})
    assert people.name(None) == "—"
    assert people.name("") == "—"
    assert people.name("poste-secretariat") == "poste-secretariat"


def test_a_damaged_keystore_is_named_without_a_backup(tmp_path: Path) -> None:
    for content in (b"{pas du json", b'{"autre": 1}', b'{"credentials": [1]}'):
        (tmp_path / CREDENTIALS_NAME).write_bytes(content)
        with pytest.raises(CorruptFileError) as caught:
            Keystore(tmp_path)
        assert (caught.value.path, caught.value.reason, caught.value.backup) == (
            tmp_path / CREDENTIALS_NAME,
            "contenu invalide",
            None,
        )


@pytest.mark.parametrize(
    "entries",
    [{"c-1": ["pas un dict"]}, {"c-1": {"key": [1, 2, 3]}}, {"c-1": None}, []],
    ids=["list-entry", "no-summary", "none-entry", "entries-a-list"],
)
def test_a_damaged_index_of_the_previous_release_is_passed_over(
    tmp_path: Path, entries: Any
) -> None:
    folder = tmp_path / "data"
    candidate = _one_candidate(folder)
    for name in ("index.json", "roster.json"):
        (folder / name).unlink(missing_ok=True)
    (folder / "index.json").write_text(json.dumps({"format": 4, "entries": entries}))
    with Store.open(folder) as store:
        assert [r["id"] for r in store.rows().records] == [candidate]


def test_a_mark_entered_for_someone_is_said_to_be_entered_by_them() -> None:
    from models.conflicts import Source
    from models.events import MarkEntered
    from store.documents.wording import source_value

    for by, named in (("p-jury", "p-jury"), (None, "p-agent")):
        source = Source(
            event="e-1", station="poste-1", author="p-agent", ts="",
            value=("14.00",), payload=MarkEntered(evaluation="ecrit", mark="14", by=by),
        )  # fmt: skip
        assert source_value(source, People({})) == f"14,00/20 saisie par {named} le —"


def test_a_reader_leaves_a_torn_tail_for_the_writer_to_cut(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    candidate = _one_candidate(folder)
    dossier = folder / "dossiers" / f"{candidate}.json"
    sound = dossier.read_bytes()
    dossier.write_bytes(sound + b'{"inacheve')
    with Store.open(folder, read_only=True) as reader:
        assert reader.snapshot(candidate).state.candidate is not None
    assert dossier.read_bytes() == sound + b'{"inacheve'  # a reader writes nothing
    with Store.open(folder) as writer:
        assert writer.snapshot(candidate).state.candidate is not None
    assert dossier.read_bytes() == sound  # the writer cuts it


def test_writing_the_same_records_again_adds_nothing(tmp_path: Path) -> None:
    from store.storage import AppendOnlyStorage

    storage = AppendOnlyStorage(tmp_path / "f.json")
    data = {"events": {"1": {"a": 1}, "2": {"b": 2}}}
    storage.write(data)
    written = (tmp_path / "f.json").read_bytes()
    storage.write({"events": {"1": {"a": 1}, "2": {"b": 2}}})
    assert (tmp_path / "f.json").read_bytes() == written
    storage.write({"events": {"1": {"a": 1}, "2": {"b": 2}, "3": {"c": 3}}})
    assert (tmp_path / "f.json").read_bytes().startswith(written)
    assert dict(storage.read()["events"]["3"]) == {"c": 3}  # type: ignore[index]


def test_a_paragraph_keeps_its_line_breaks_as_breaks() -> None:
    import io
    from datetime import datetime

    import pypdf

    from store.documents.script import Script, render_pdf

    script = Script("essai", datetime(2026, 12, 7, 9, 30))
    script.paragraph("première ligne\nseconde ligne")
    rendered = render_pdf(script)
    assert rendered.warnings == ()  # a line break is no character to replace
    text = pypdf.PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text()
    assert "première ligne\nseconde ligne" in text
    assert "[U+000A]" not in text
