"""Fields of the status record (``carnet status --json``) that a reader of it relies on: what
a dossier still lacks, in words; a conflict between values that cannot both stand, said so."""

from __future__ import annotations

from store.store import Store
from tests.test_career import _agent, _candidate


def test_what_a_new_candidate_still_lacks_reads_in_words(store: Store) -> None:
    candidate = _candidate(store)
    store.enter_mark(candidate, "ecrit", "12", _agent(store))
    record = store.summary(candidate)
    assert record["outstanding"] == [
        {
            "kind": "mark",
            "ids": ["cc_interbranche", "cc_carriere", "oral", "apt"],
            "text": "Notes manquantes : Contrôle continu – partie interbranche, Contrôle continu"
            " – partie carrière, Epreuve orale, Applications professionnelles tutorées.",
        },
        {"kind": "pass", "ids": [], "text": "Suivi du Pass à renseigner."},
        {"kind": "jury_local", "ids": [], "text": "Jury local à composer."},
        {"kind": "jury_proposal", "ids": [], "text": "Proposition du jury local attendue."},
        {"kind": "proclamation", "ids": [], "text": "Proclamation du jury national attendue."},
    ]
