"""What ``carnet recover`` and ``carnet verify`` print, and how a document's command finds a
candidate and a grid (store/recovery.py, store/verify.py, store/documents/lookup.py), word for
word.

The CLI tests check these by one phrase each (« Réparé », « illisible »); each line is what
the person repairing a folder reads, so the reports' lines are checked whole here, built from
reports of every kind, and the lookup's refusals with the names they suggest.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from store.documents.lookup import dossier_inputs, find_candidate, find_grid
from store.errors import StoreError
from store.recovery import RecoveryReport
from store.store import Store
from store.verify import Problem, VerifyReport


def test_a_recovery_report_names_each_thing_done_in_order() -> None:
    assert RecoveryReport().lines() == ["Tous les fichiers se vérifient : rien à réparer."]
    report = RecoveryReport(
        restored=[Path("/d/dossiers/c-1.json")],
        unrecoverable=[Path("/d/dossiers/c-2.json")],
        lost={"c-1": list(range(1, 23)), "c-3": [4]},
        dropped={"c-1.json": 2},
        absent=["c-9"],
        caches=[Path("/d/index.json")],
    )
    assert report.lines() == [
        "Réparé : /d/dossiers/c-1.json",
        "Cache écarté, il ne disait pas ce que disent les événements (recalculé) : /d/index.json",
        "Irrécupérable (ni le fichier ni sa sauvegarde ne se lisent) : /d/dossiers/c-2.json",
        "Dossier absent : c-9 (son fichier n'existe plus)",
        "c-1.json : 2 enregistrement(s) illisible(s) écarté(s)",
        "c-1 : 22 événement(s) perdu(s) (n° " + ", ".join(map(str, range(1, 21))) + "…)",
        "c-3 : 1 événement(s) perdu(s) (n° 4)",
    ]
    twenty = RecoveryReport(lost={"c-1": list(range(1, 21))})
    assert twenty.lines() == [
        "c-1 : 20 événement(s) perdu(s) (n° " + ", ".join(map(str, range(1, 21))) + ")"
    ]


def test_a_verify_report_says_what_holds_or_each_problem_then_what_to_do() -> None:
    clean = VerifyReport(files=3, records=40, events=38, head=12)
    assert clean.ok
    assert clean.lines() == [
        "Tout se vérifie : 3 fichier(s), 40 enregistrement(s), 38 événement(s), dernier "
        "numéro du poste : 12."
    ]
    assert clean.as_json() == {
        "ok": True, "files": 3, "records": 40, "events": 38, "head": 12, "problems": [],
        "notes": [],
    }  # fmt: skip
    noted = VerifyReport(files=3, records=40, events=38, head=12, notes=["Le journal suit."])
    assert noted.ok and noted.lines()[0] == "Le journal suit."
    assert noted.as_json()["notes"] == ["Le journal suit."]
    broken = VerifyReport(
        files=3, records=40, events=38, head=12,
        problems=[Problem("c-1.json", "empreinte fausse", "e-7"), Problem("journal.log", "coupé")],
    )  # fmt: skip
    assert not broken.ok
    assert broken.lines() == [
        "c-1.json (enregistrement e-7) : empreinte fausse",
        "journal.log : coupé",
        "2 problème(s) ; 3 fichier(s), 40 enregistrement(s), 38 événement(s), dernier numéro "
        "du poste : 12. « carnet recover » répare ce qui peut l'être et nomme ce qui est perdu.",
    ]
    assert broken.as_json()["ok"] is False
    assert broken.as_json()["problems"] == [
        {"file": "c-1.json", "record": "e-7", "message": "empreinte fausse"},
        {"file": "journal.log", "record": None, "message": "coupé"},
    ]


@pytest.fixture
def named(store: Store) -> dict[str, str]:
    tutor = store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM", ["manager"], "t")
    ids = {}
    for name in ("Noé Dubois", "Léa Dubois", "Jean Dubois", "Ana Dubois", "Eli Dubois",
                 "Zoé Dubois", "Jean Martin", "jean martin"):  # fmt: skip
        ids[name] = store.create_candidate(
            name, "CPAM", "gestionnaire-conseil", "t",
            tutor=tutor, manager=manager, started=date(2026, 9, 2),
        )  # fmt: skip
    return ids


def test_a_candidate_is_found_by_id_or_whole_name_else_named_candidates_are_suggested(
    store: Store, named: dict[str, str]
) -> None:
    assert find_candidate(store, named["Noé Dubois"]) == named["Noé Dubois"]
    assert find_candidate(store, "NOÉ dubois") == named["Noé Dubois"]
    with pytest.raises(StoreError) as twice:
        find_candidate(store, "Jean Martin")
    assert str(twice.value) == (
        "plusieurs candidats s'appellent « Jean Martin » : donnez l'identifiant"
    )
    with pytest.raises(StoreError) as near:
        find_candidate(store, "dubois")
    assert str(near.value) == (
        "aucun candidat ne s'appelle « dubois » ; s'agit-il de : Ana Dubois, Eli Dubois, "
        "Jean Dubois, Léa Dubois, Noé Dubois … ? Donnez le nom entier, ou l'identifiant (c-…)"
    )
    with pytest.raises(StoreError) as accents:
        find_candidate(store, "noe")
    assert str(accents.value) == (
        "aucun candidat ne s'appelle « noe » ; s'agit-il de : Noé Dubois ? Donnez le nom "
        "entier, ou l'identifiant (c-…)"
    )
    with pytest.raises(StoreError) as nobody:
        find_candidate(store, "Personne")
    assert str(nobody.value) == "aucun candidat « Personne »"


def test_a_grid_is_found_by_block_id_or_number_else_what_exists_is_said(
    store: Store, named: dict[str, str]
) -> None:
    candidate = named["Noé Dubois"]
    evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
    first = store.open_grid(candidate, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
    second = store.open_grid(candidate, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
    snap, people = dossier_inputs(store, "Noé Dubois")
    assert snap.id == candidate and people.name(evaluator) == "Bruno Métier (CAF)"
    # The most recently opened decides the block.
    assert find_grid(snap, "gc.b2") == find_grid(snap, "2") == second
    assert find_grid(snap, "2", first) == first
    with pytest.raises(StoreError) as unknown:
        find_grid(snap, "2", "g-inconnue")
    assert str(unknown.value) == "aucune grille g-inconnue dans ce dossier"
    with pytest.raises(StoreError) as none_yet:
        find_grid(snap, "3")
    assert str(none_yet.value) == "aucune grille ouverte pour le bloc 3"
    with pytest.raises(StoreError) as no_block:
        find_grid(snap, "9")
    numbers = ", ".join(str(b.number) for b in snap.referential.blocks)  # type: ignore[union-attr]
    assert numbers.startswith("1, 2, 3")
    assert str(no_block.value) == f"pas de bloc « 9 » dans ce référentiel : {numbers}"
