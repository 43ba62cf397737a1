"""The secretariat's documents, read back with independent readers (pypdf, openpyxl), and the
sync commands end to end through ``carnet``."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import openpyxl
import pypdf
import pytest

from models.threshold import CriterionState
from store.documents import consolidated_csv, consolidated_xlsx, dossier_pdf
from store.store import Store
from tests.signing import secret_of
from tui.cli import main

FRENCH = "Œdipe L’Hôte-Çàè « Élise »"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def data(tmp_path: Path) -> tuple[Path, str, str]:
    folder = tmp_path / "data"
    with Store.open(folder) as store:
        tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
        manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
        evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
        certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
        conseil = store.create_candidate(
            FRENCH, "Caisse d’allocations familiales", "gestionnaire-conseil", "t",
            tutor=tutor, manager=manager,
        )  # fmt: skip
        store.sign_attestation(
            conseil, "gc.b2.c1", "tuteur", tutor, "Contrôle d’un dossier « urgent ».",
            secret_of(store, tutor),
        )  # fmt: skip
        grid = store.open_grid(conseil, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
        store.mark_criteria(
            conseil,
            grid,
            [("gc.b2.c1.k1", CriterionState.VALIDATED, "Très bien, cœur du métier")],
            "t",
        )
        store.close_grid(conseil, grid, "Présentation écourtée par l’alarme incendie.", "t")
        store.sign_grid(conseil, grid, evaluator, secret_of(store, evaluator))
        store.sign_grid(conseil, grid, certifier, secret_of(store, certifier))
        store.amend_criterion(conseil, grid, "gc.b2.c1.k2", CriterionState.NOT_VALIDATED, "",
                              "Oubli de saisie constaté à la relecture.", evaluator)  # fmt: skip
        agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
        jury = [store.create_person(n, o, ["jury"], "t") for n, o in
                [("Claire Fonds", "Cnav"), ("Rémi Branche", "Carsat Nord-Est"),
                 ("Eva Métier", "Carsat Sud-Est")]]  # fmt: skip
        carriere = store.create_candidate(
            "Jeanne Martin",
            "Carsat Bretagne",
            "gestionnaire-carriere",
            "t",
            route="parcours_formation",
        )
        store.compose_jury(
            carriere,
            list(zip(["caisse_nationale", "branche_retraite", "expert_metier"], jury, strict=True)),
            "t",
        )
        for evaluation, mark in [("cc_interbranche", "5,7"), ("cc_carriere", "16,4"),
                                 ("ecrit", "12,1"), ("oral", "9"), ("apt", "7,3")]:  # fmt: skip
            store.enter_mark(
                carriere, evaluation, mark, "t", by=jury[0] if evaluation == "oral" else agent
            )
        store.record_pass(carriere, True, "t")
        store.propose(carriere, "certification", "", jury[0], secret_of(store, jury[0]))
        store.proclaim(carriere, "certifie", "", date(2026, 11, 20), agent, confirmed_final=True)
    return folder, conseil, carriere


def test_dossier_pdf_reads_back_in_french(data: tuple[Path, str, str]) -> None:
    folder, conseil, carriere = data
    with Store.open(folder) as store:
        text = _text(dossier_pdf(store, conseil))
        other = _text(dossier_pdf(store, carriere))
    for expected in [
        FRENCH,
        "Caisse d’allocations familiales",
        "Contrôle d’un dossier « urgent »",
        "Très bien, cœur du métier",
        "Présentation écourtée par l’alarme incendie.",
        "Oubli de saisie constaté à la relecture.",
        "Bruno Métier",
        "Représentant métier",
        "Certificateur ou délégataire",
        "non évalué",
    ]:
        assert expected in " ".join(text.split()), expected
    for expected in ["Épreuves notées", "Epreuve orale", "9,00/20", "moyenne : 10,00/20",
                     "Proclamation du jury paritaire national le 20/11/2026 : certifié",
                     "Claire Fonds (Cnav)"]:  # fmt: skip
        assert expected in " ".join(other.split()), expected


def test_consolidated_xlsx_and_csv_read_back(data: tuple[Path, str, str]) -> None:
    folder, conseil, carriere = data
    with Store.open(folder) as store:
        book = openpyxl.load_workbook(io.BytesIO(consolidated_xlsx(store)))
        raw = consolidated_csv(store)
    assert book.sheetnames == ["Compétences", "Candidats"]
    rows = list(book["Compétences"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Identifiant", "Candidat", "Organisme")
    mine = [r for r in rows if r[0] == conseil]
    assert len(mine) == 16 and mine[0][1] == FRENCH
    theirs = [r for r in rows if r[0] == carriere]
    assert len(theirs) == 15 and {r[7] for r in theirs} == {"validé"}
    people = {r[0]: r for r in book["Candidats"].iter_rows(values_only=True)}
    assert people[carriere][6] == "certifié" and people[carriere][7] == "10,00"
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = next(csv.reader(io.StringIO(text), delimiter=";"))
    assert first[:2] == ["Identifiant", "Candidat"] and FRENCH in text


def test_sync_commands_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    station, secretariat = tmp_path / "poste", tmp_path / "sec"
    assert main(["demo", "--data", str(station), "--candidates", "3"]) == 0
    assert main(["init", "--secretariat", "--data", str(secretariat)]) == 0
    assert main(["station", "--data", str(station), "--out", str(tmp_path / "poste.cle")]) == 0
    assert main(["station", "--data", str(secretariat), "--out", str(tmp_path / "sec.cle")]) == 0
    out = capsys.readouterr().out
    assert "Empreinte de la clé" in out and "(secrétariat)" in out
    lot = tmp_path / "lot.carnet"
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 0
    # Not trusted yet: refused whole, with the way out named.
    assert main(["import", "--data", str(secretariat), str(lot)]) == 1
    assert "carnet trust" in capsys.readouterr().out
    assert main(["trust", str(tmp_path / "poste.cle"), "--data", str(secretariat)]) == 0
    receipts = tmp_path / "accuses"
    assert main(["import", "--data", str(secretariat), "--receipts", str(receipts), str(lot)]) == 0
    assert "nouvel(s) événement(s)" in capsys.readouterr().out
    assert main(["trust", str(tmp_path / "sec.cle"), "--data", str(station)]) == 0
    assert main(["import", "--data", str(station), str(receipts)]) == 0
    assert "confirmé(s) par le secrétariat" in capsys.readouterr().out
    assert main(["export", "--data", str(station), "--out", str(lot)]) == 1  # never rewritten
    assert "jamais réécrit" in capsys.readouterr().err
    assert main(["status", "--data", str(secretariat)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    pdf = tmp_path / "dossier.pdf"
    table = tmp_path / "tableau.xlsx"
    assert main(["tableau", "--data", str(secretariat), "--out", str(table)]) == 0
    first = openpyxl.load_workbook(table)["Candidats"]["A2"].value
    assert main(["dossier", str(first), "--data", str(secretariat), "--out", str(pdf)]) == 0
    assert "Dossier de certification" in _text(pdf.read_bytes())
