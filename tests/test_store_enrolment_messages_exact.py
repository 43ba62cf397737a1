"""The enrolment list's refusals (store/enrolment.py), word for word: each bad line with its
column and reason, the file's own problems, and a long list of errors cut at fifty.

tests/test_enrolment.py checks that each bad line is named and matches one phrase of its
reason; the whole text is what the agent fixes the file from, so it is checked whole here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from store.enrolment import COLUMNS, EnrolmentError, enrol, read_rows
from store.errors import StoreError
from store.store import Store
from tests.test_enrolment import GOOD, _agent, _file

REFUSED = "fichier refusé, rien n'est enregistré ({} erreur(s)) :\n"

REASONS = {
    "personne;Eve;Carsat;chef;;;;;": [
        "ligne 4, colonne « roles » : rôle inconnu « chef » (attendus : tuteur, manager, "
        "representant_metier, certificateur, jury, secretariat)"
    ],
    "personne;Eve;Carsat;;;;;;": ["ligne 4, colonne « roles » : au moins un rôle est attendu"],
    "candidat;Ana;Carsat;;gestionnaire-conseil;;02/09/2026;Inconnu Tuteur;": [
        "ligne 4, colonne « tuteur » : « Inconnu Tuteur » : personne inconnue"
    ],
    "candidat;Ana;Carsat;;gestionnaire-conseil;;02/09/2026;Paul Tuteur;Paul Tuteur": [
        "ligne 4, colonne « manager » : « Paul Tuteur » n'a pas le rôle manager",
        "ligne 4, colonne « manager » : le tuteur et le manager doivent être deux personnes",
    ],
    "candidat;Ana;Carsat;;gestionnaire-conseil;;31/02/2026;;": [
        "ligne 4, colonne « entree » : « 31/02/2026 » : cette date n'existe pas"
    ],
    "candidat;Ana;Carsat;;gestionnaire-conseil;;2026-09-02;;": [
        "ligne 4, colonne « entree » : « 2026-09-02 » : date JJ/MM/AAAA attendue"
    ],
    "candidat;Ana;Carsat;;gestionnaire-expert;;;;": [
        "ligne 4, colonne « cqp » : CQP inconnu (attendus : gestionnaire-conseil, "
        "gestionnaire-carriere)"
    ],
    "candidat;Ana;Carsat;;gestionnaire-carriere;;;;": [
        "ligne 4, colonne « parcours » : voie d'accès attendue : nouvel_embauche, "
        "parcours_formation, vae"
    ],
    "personne;Paul Tuteur;Carsat Bretagne;tuteur;;;;;": [
        "ligne 4, colonne « nom » : en double avec la ligne 2"
    ],
    "candidat;Ana;Carsat;;gestionnaire-conseil;;;Marie Manager;": [
        "ligne 4, colonne « tuteur » : « Marie Manager » n'a pas le rôle tuteur"
    ],
    "inconnu;Ana;Carsat;;;;;;": [
        "ligne 4, colonne « type » : « personne » ou « candidat » est attendu"
    ],
    "personne;;Carsat;tuteur;;;;;": ["ligne 4, colonne « nom » : obligatoire"],
}


@pytest.mark.parametrize("line", list(REASONS))
def test_each_bad_line_is_said_whole(tmp_path: Path, line: str) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    with Store.open(folder) as store, pytest.raises(EnrolmentError) as refused:
        enrol(store, _file(tmp_path, [*GOOD[:2], line, *GOOD[2:]]), "p-x")
    reasons = REASONS[line]
    assert str(refused.value) == REFUSED.format(len(reasons)) + "\n".join(f"  {r}" for r in reasons)
    assert [str(e) for e in refused.value.errors] == reasons


def test_more_than_fifty_errors_are_counted_not_listed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    _agent(folder)
    lines = ["inconnu;Ana;Carsat;;;;;;"] * 53
    with Store.open(folder) as store, pytest.raises(EnrolmentError) as refused:
        enrol(store, _file(tmp_path, lines), "p-x")
    text = str(refused.value)
    assert len(refused.value.errors) == 53
    assert text.startswith(REFUSED.format(53) + "  ligne 2, colonne « type » : ")
    assert text.endswith(
        "  ligne 51, colonne « type » : « personne » ou « candidat » est attendu\n  … et 3 autre(s)"
    )
    assert text.count("\n  ligne ") == 50


def test_a_file_that_cannot_be_read_as_a_list_is_said_so(tmp_path: Path) -> None:
    latin = tmp_path / "latin.csv"
    latin.write_bytes(";".join(COLUMNS).encode() + "\nété".encode("latin-1"))
    missing = tmp_path / "absent.csv"
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    header = tmp_path / "entete.csv"
    header.write_text("Nom;Organisme\nEve;Carsat\n", encoding="utf-8")
    extra = tmp_path / "colonne.csv"
    extra.write_text(";".join([*COLUMNS, "en trop"]) + "\n", encoding="utf-8")
    sheet = tmp_path / "faux.xlsx"
    sheet.write_bytes(b"pas un classeur")
    expected = {
        latin: "latin.csv : le fichier n'est pas en UTF-8",
        missing: f"{missing} : lecture impossible (fichier ou dossier introuvable)",
        empty: "vide.csv : fichier vide (la ligne d'en-tête est attendue)",
        header: f"entete.csv : en-tête attendu « {';'.join(COLUMNS)} », trouvé « nom;organisme »",
        extra: (
            f"colonne.csv : en-tête attendu « {';'.join(COLUMNS)} », trouvé "
            f"« {';'.join([*COLUMNS, 'en trop'])} »"
        ),
        sheet: "faux.xlsx : classeur XLSX illisible (BadZipFile)",
    }
    for path, message in expected.items():
        with pytest.raises(StoreError) as caught:
            read_rows(path)
        assert str(caught.value) == message
    # Columns left empty at the end of a line are read as empty, and cells are trimmed.
    short = tmp_path / "court.csv"
    short.write_text(";".join(COLUMNS).upper() + "\n personne ; Eve \n", encoding="utf-8")
    (row,) = read_rows(short)
    assert row == {**dict.fromkeys(COLUMNS, ""), COLUMNS[0]: "personne", COLUMNS[1]: "Eve"}
