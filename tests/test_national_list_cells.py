"""The national jury's list (PDF): each candidate's cells in words. A VAE candidate names the
session; the computed result carries the average when there is one; the local jury's cell its
proposal, reasons and members; the national cell the decision, its day and the
recommendations, or « à proclamer »."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from store.documents.jury import NATIONAL_COLUMNS, national_script
from store.documents.table import Sheet
from tests.test_documents import NOW

VAE = "validation des acquis de l'expérience (VAE)"
TRAINING = "salarié en parcours de formation"


def _cells(rows: list[list[object]]) -> list[list[str]]:
    script = national_script(Sheet("Jury", NATIONAL_COLUMNS, rows), date(2026, 11, 20), NOW)
    (table,) = [args for step, args, _ in script.steps if step == "table"]
    return [list(row) for row in table[1]]


def test_each_candidates_cells_read_in_words() -> None:
    members = "Caisse nationale : Claire Fonds (Cnav)"
    rows: list[list[object]] = [
        ["c-1", "Awa Diop", "Carsat Aquitaine", VAE, 2, None, "validation partielle", members,
         "non-certification", "Cinq compétences.", "validation partielle", date(2026, 11, 20),
         "Module « accueil »."],
        ["c-2", "Luc Martin", "Carsat Nord", TRAINING, 1, Decimal("12.5"), "certifié", members,
         "certification", "", "", None, ""],
    ]  # fmt: skip
    vae, training = _cells(rows)
    assert vae == [
        f"Awa Diop\nCarsat Aquitaine\n{VAE}, session 2",
        "validation partielle",
        f"non-certification\nmotifs : Cinq compétences.\n{members}",
        "validation partielle le 20/11/2026\npréconisations : Module « accueil ».",
    ]
    assert training == [
        f"Luc Martin\nCarsat Nord\n{TRAINING}",
        "certifié\nmoyenne 12,50/20",
        f"certification\n{members}",
        "à proclamer",
    ]
