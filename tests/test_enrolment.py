"""`carnet inscrire`: a list of people and candidates registered in one go, all or nothing,
every bad line named with its column, nothing added the second time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.enrolment import COLUMNS, EnrolmentError, enrol, plan, read_rows
from store.store import Store
from tui.cli import main

HEADER = ";".join(COLUMNS)
GOOD = [
    "personne;Paul Tuteur;Carsat Bretagne;tuteur;;;;;",
    "personne;Marie Manager;Carsat Bretagne;manager;;;;;",
    "candidat;Jeanne Martin;Carsat Bretagne;;gestionnaire-conseil;;02/09/2026;Paul Tuteur;Marie Manager",
    "candidat;Luc Petit;CPAM du Rhône;;gestionnaire-carriere;vae;15/01/2026;;",
]


def _file(tmp_path: Path, lines: list[str], name: str = "liste.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def _agent(folder: Path) -> str:
    """The agent, and the organismes the lists name, in the registry (issue 11)."""
    with Store.open(folder) as store:
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        for organisme in ("Carsat Bretagne", "CPAM du Rhône", "Carsat"):
            store.register_organisme(organisme, agent)
        return agent


def _registered(folder: Path) -> tuple[set[str], dict[str, tuple[str, str | None, date | None]]]:
    with Store.open(folder) as store:
        people = {p.name for p in store.people().values()}
        names = {pid: p.name for pid, p in store.people().items()}
        candidates = {}
        for c in store.candidate_ids():
            cand = store.snapshot(c).state.candidate
            assert cand is not None
            candidates[cand.name] = (cand.cqp, names.get(cand.tutor or ""), cand.started)
    return people, candidates


def test_a_list_is_registered_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "data"
    agent = _agent(folder)
    path = _file(tmp_path, GOOD)
    args = ["inscrire", str(path), "--par", "Sam Secrétariat", "--data", str(folder)]
    assert main(args) == 0
    assert "2 personne(s) et 2 candidat(s) inscrit(s) ; 0 ligne(s)" in capsys.readouterr().out
    people, candidates = _registered(folder)
    assert {"Paul Tuteur", "Marie Manager"} <= people
    assert candidates == {
        "Jeanne Martin": ("gestionnaire-conseil", "Paul Tuteur", date(2026, 9, 2)),
        "Luc Petit": ("gestionnaire-carriere", None, date(2026, 1, 15)),
    }
    with Store.open(folder) as store:  # every event names the agent
        head = store.head.seq
        authors = {e.author for c in store.candidate_ids() for e in store.snapshot(c).events}
        assert authors == {agent}
    assert main(args) == 0
    assert "0 personne(s) et 0 candidat(s) inscrit(s) ; 4 ligne(s) déjà" in capsys.readouterr().out
    with Store.open(folder) as store:
        assert store.head.seq == head


def test_the_same_list_as_xlsx(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(COLUMNS))
    for line in GOOD:
        cells: list[object] = line.split(";")
        if cells[6]:
            day, month, year = map(int, str(cells[6]).split("/"))
            cells[6] = date(year, month, day)  # a real date cell, as a spreadsheet keeps it
        sheet.append(cells)
    path = tmp_path / "liste.xlsx"
    book.save(path)
    assert main(["inscrire", str(path), "--par", "Sam Secrétariat", "--data", str(folder)]) == 0
    _, candidates = _registered(folder)
    assert candidates["Jeanne Martin"] == ("gestionnaire-conseil", "Paul Tuteur", date(2026, 9, 2))


BAD = {
    "personne;Eve;Carsat;chef;;;;;": ("roles", "rôle inconnu « chef »"),
    "personne;Eve;Carsat;;;;;;": ("roles", "au moins un rôle"),
    "candidat;Ana;Carsat;;gestionnaire-conseil;;02/09/2026;Inconnu Tuteur;": (
        "tuteur",
        "« Inconnu Tuteur » : personne inconnue",
    ),
    "candidat;Ana;Carsat;;gestionnaire-conseil;;02/09/2026;Paul Tuteur;Paul Tuteur": (
        "manager",
        "deux personnes",
    ),
    "candidat;Ana;Carsat;;gestionnaire-conseil;;31/02/2026;;": ("entree", "n'existe pas"),
    "candidat;Ana;Carsat;;gestionnaire-conseil;;2026-09-02;;": ("entree", "JJ/MM/AAAA"),
    "candidat;Ana;Carsat;;gestionnaire-expert;;;;": ("cqp", "CQP inconnu"),
    "candidat;Ana;Carsat;;gestionnaire-carriere;;;;": ("parcours", "voie d'accès attendue"),
    "personne;Paul Tuteur;Carsat Bretagne;tuteur;;;;;": ("nom", "en double avec la ligne 2"),
    "candidat;Ana;Carsat;;gestionnaire-conseil;;;Marie Manager;": ("tuteur", "n'a pas le rôle"),
    "inconnu;Ana;Carsat;;;;;;": ("type", "« personne » ou « candidat »"),
    "personne;;Carsat;tuteur;;;;;": ("nom", "obligatoire"),
}


@pytest.mark.parametrize("line", list(BAD))
def test_each_kind_of_bad_line_is_named_and_nothing_is_written(tmp_path: Path, line: str) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    before = _registered(folder)
    lines = [*GOOD[:2], line, *GOOD[2:]]
    with Store.open(folder) as store, pytest.raises(EnrolmentError) as refused:
        enrol(store, _file(tmp_path, lines), "p-x")
    column, reason = BAD[line]
    assert {(e.line, e.column) for e in refused.value.errors} == {(4, column)}
    assert any(reason in str(e) for e in refused.value.errors)
    assert f"ligne 4, colonne « {column} »" in str(refused.value)
    assert _registered(folder) == before


def test_a_wrong_header_or_a_missing_agent_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    path = tmp_path / "mauvais.csv"
    path.write_text("nom;organisme\nEve;Carsat\n", encoding="utf-8")
    assert main(["inscrire", str(path), "--par", "Sam Secrétariat", "--data", str(folder)]) != 0
    assert "en-tête attendu" in capsys.readouterr().err
    good = _file(tmp_path, GOOD)
    assert main(["inscrire", str(good), "--par", "Paul Tuteur", "--data", str(folder)]) != 0
    assert "n'est pas un agent du secrétariat" in capsys.readouterr().err


cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters=';\n\r"'), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cell, min_size=0, max_size=11), min_size=1, max_size=6))
def test_any_file_is_either_planned_whole_or_refused_with_its_lines(
    rows: list[list[str]],
) -> None:
    """Whatever the cells, planning never raises anything but EnrolmentError, and an error
    names a line of the file and one of its columns."""
    table = [{c: (r[i].strip() if i < len(r) else "") for i, c in enumerate(COLUMNS)} for r in rows]
    try:
        result = plan(table, {}, [])
    except EnrolmentError as exc:
        assert exc.errors
        for error in exc.errors:
            assert 2 <= error.line <= len(rows) + 1
            assert error.column in COLUMNS
    else:
        planned = len(result.people) + len(result.candidates)
        assert planned == sum(1 for r in table if any(r.values()))


def test_the_help_names_the_columns_read() -> None:
    from tui.cli_enrol import COLUMNS_TEXT

    assert ";".join(COLUMNS) == COLUMNS_TEXT


def test_read_rows_keeps_the_columns(tmp_path: Path) -> None:
    rows = read_rows(_file(tmp_path, GOOD))
    assert rows[2]["tuteur"] == "Paul Tuteur" and rows[2]["entree"] == "02/09/2026"
    assert len(rows) == 4


@pytest.mark.slow
async def test_the_same_list_from_the_people_screen(tmp_path: Path) -> None:
    """« i » on the people list, the file's path, Enter: the list is registered by the agent
    at the keyboard; a tutor at the keyboard is refused, nothing written."""
    from tests.conftest import ready, record_notifications, until
    from tests.screen_text import screen_text
    from tui.app import build_app
    from tui.screens.people import PeopleScreen

    folder = tmp_path / "data"
    agent = _agent(folder)
    with Store.open(folder) as store:
        tutor = store.create_person("Tina Tutrice", "Carsat", ["tuteur"], "t")
    path = _file(tmp_path, GOOD)
    app = build_app(folder)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ready(app.screen.loaded)  # type: ignore[attr-defined]
        shown = record_notifications(app)
        app.operator = tutor
        app.push_screen(PeopleScreen())
        await until(lambda: "Tina Tutrice" in screen_text(app), "la liste", pilot)
        await pilot.press("i")
        await pilot.press(*str(path), "enter")
        await until(lambda: bool(shown), "le refus", pilot)
        assert "réservé à un agent du secrétariat" in shown[-1]
        assert "Paul Tuteur" not in screen_text(app)
        app.operator = agent
        await pilot.press("i")
        await pilot.press(*str(path), "enter")
        await until(lambda: "Paul Tuteur" in screen_text(app), "les inscrits", pilot)
        assert "2 personne(s) et 2 candidat(s) inscrit(s)" in shown[-1]
    _, candidates = _registered(folder)
    assert set(candidates) == {"Jeanne Martin", "Luc Petit"}


def test_organismes_are_the_registry_s_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another spelling of a registered organisme is that organisme; an unknown one is a bad
    line, unless the agent adds the file's new organismes explicitly (issue 11)."""
    folder = tmp_path / "data"
    _agent(folder)
    lines = [
        "personne;Rita Tutrice;CARSAT bretagne;tuteur;;;;;",
        "personne;Ugo Jury;Carsat Rhône-Alpes;jury;;;;;",
        "personne;Vera Jury;Carsat Rhone Alpes;jury;;;;;",
    ]
    path = _file(tmp_path, lines)
    args = ["inscrire", str(path), "--par", "Sam Secrétariat", "--data", str(folder)]
    assert main(args) != 0
    err = capsys.readouterr().err
    assert "ligne 3, colonne « organisme » : « Carsat Rhône-Alpes » : organisme inconnu" in err
    assert "ligne 2" not in err
    assert main([*args, "--nouveaux-organismes"]) == 0
    assert "1 organisme(s) ajouté(s) au registre" in capsys.readouterr().out
    with Store.open(folder) as store:
        by_name = {p.name: p.organisme for p in store.people().values()}
        assert by_name["Rita Tutrice"] == "Carsat Bretagne"
        # Two spellings in one file: one organisme, under the first spelling.
        assert by_name["Ugo Jury"] == by_name["Vera Jury"] == "Carsat Rhône-Alpes"
        assert store.organismes().count("Carsat Rhône-Alpes") == 1
        assert "Carsat Rhone Alpes" not in store.organismes()
    assert main([*args, "--nouveaux-organismes"]) == 0
    assert "0 personne(s) et 0 candidat(s) inscrit(s) ; 3 ligne(s)" in capsys.readouterr().out


def test_a_candidate_listed_twice_is_named_at_its_second_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    before = _registered(folder)
    # Jeanne Martin (line 4) again, with the same CQP and organisme: line 6.
    lines = [*GOOD, GOOD[2]]
    with Store.open(folder) as store, pytest.raises(EnrolmentError) as refused:
        enrol(store, _file(tmp_path, lines), "p-x")
    assert [str(e) for e in refused.value.errors] == [
        "ligne 6, colonne « nom » : en double avec la ligne 4"
    ]
    assert _registered(folder) == before
