"""Command-line messages that help (issue 13): a name that is part of several says which, a
block that does not exist says which do, an impossible date is called so."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.store import Store
from tui.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo") / "data"
    assert main(["demo", "--data", str(folder)]) == 0
    return folder


def _err(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().err


def test_a_partial_name_lists_the_candidates_it_could_be(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo, read_only=True) as store:
        names = [r["name"] for r in store.summaries().records]
    surname = names[0].split()[-1]
    bearing = sorted(n for n in names if surname.casefold() in n.casefold())
    out = str(tmp_path / "d.pdf")
    code, err = _err(capsys, "dossier", surname.upper(), "--data", str(demo), "--out", out)
    assert code == 1
    assert f"aucun candidat ne s'appelle « {surname.upper()} »" in err
    assert all(name in err for name in bearing)


def test_a_block_that_does_not_exist_names_those_that_do(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(demo, read_only=True) as store:
        records = store.summaries().records
    conseil = next(r["id"] for r in records if r["cqp"] == "gestionnaire-conseil")
    carriere = next(r["id"] for r in records if r["cqp"] == "gestionnaire-carriere")
    out = str(tmp_path / "g.pdf")
    code, err = _err(capsys, "grille", conseil, "7", "--data", str(demo), "--out", out)
    assert code == 1 and "pas de bloc « 7 » dans ce référentiel : 1, 2, 3" in err
    code, err = _err(capsys, "grille", carriere, "1", "--data", str(demo), "--out", out)
    assert code == 1 and "Gestionnaire carrière : il n'a pas de grilles" in err


def test_an_impossible_date_is_called_so(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "l.pdf")
    code, err = _err(capsys, "jury", "liste", "--session", "31/02/2026", "--data", str(demo),
                     "--out", out)  # fmt: skip
    assert code == 2 and "le 31/02/2026 n'existe pas" in err
    code, err = _err(capsys, "jury", "liste", "--session", "2026-02-03", "--data", str(demo),
                     "--out", out)  # fmt: skip
    assert code == 2 and "n'est pas une date JJ/MM/AAAA" in err
