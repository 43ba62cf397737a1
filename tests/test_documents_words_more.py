"""More of what the documents say in words: marks not entered and eliminatory ones, the values
two stations recorded for one logbook signature with when, and a signature shown without the
dossier's events to check it against."""

from __future__ import annotations

import re
from pathlib import Path

from store.documents.dossier import dossier_script
from store.documents.jury import local_jury_script
from store.documents.lookup import dossier_inputs
from store.documents.wording import verification
from store.store import Store
from tests.test_career import _agent, _candidate, _jury, _people
from tests.test_documents import NOW

_MOMENT = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def _marks_table(steps: list, header: str) -> dict[str, str]:  # type: ignore[type-arg]
    table = next(args for step, args, _ in steps if step == "table" and args[0][0] == header)
    return {row[0]: row[2] for row in table[1]}


def test_marks_not_entered_and_eliminatory_ones_read_in_words(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    store.compose_jury(candidate, _jury(p), p["sec"])
    store.enter_mark(candidate, "ecrit", "5", _agent(store))  # at most 6: eliminatory
    snap, people = dossier_inputs(store, candidate)
    dossier = dossier_script(snap, people, station=store.station.id, now=NOW).steps
    record = local_jury_script(snap, people, NOW).steps
    for marks in (_marks_table(dossier, "Épreuve"), _marks_table(record, "Épreuve")):
        assert marks["Epreuve écrite"] == "5,00/20 — éliminatoire"
        assert marks["Epreuve orale"] == "non saisie"
        assert list(marks.values()).count("non saisie") == len(marks) - 1


def test_two_values_of_a_logbook_signature_read_with_who_and_when(tmp_path: Path) -> None:
    from tests.test_conflict_resolution import _three_stations

    secretariat, ids = _three_stations(tmp_path)
    with Store.open(secretariat) as store:
        snap, people = dossier_inputs(store, ids["conseil"])
        steps = dossier_script(snap, people, station=store.station.id, now=NOW).steps
    said = [str(args[0]) for step, args, _ in steps if step == "paragraph"]
    at = next(i for i, t in enumerate(said) if "la signature du carnet par le tuteur" in t)
    assert [_MOMENT.sub("<moment>", t) for t in said[at + 1 : at + 3]] == [
        "– signée par Paul Tuteur (CPAM) le <moment> : Accueil.",
        "– signée par Théo Tuteur (CPAM) le <moment> : Appel.",
    ]


def test_a_signature_without_the_events_to_check_it_is_said_recorded() -> None:
    class Signed:  # what a document shows of a signature: its signer and time
        person, ts = "p-1", "2026-12-07T08:00:00Z"

    assert verification(Signed(), None) == "enregistrée par le poste"
    assert verification(Signed(), {("p-2", Signed.ts): None}) == "enregistrée par le poste"
