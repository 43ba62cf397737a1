"""The local jury's procès-verbal printed as soon as the jury is composed, before any mark or
proposal: each mark « non saisie », the Pass « non renseigné », and the proposal still to come,
said so rather than left blank."""

from __future__ import annotations

from store.documents.jury import local_jury_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_career import _candidate, _jury, _people
from tests.test_documents import NOW


def test_a_record_before_any_mark_or_proposal_says_what_is_missing(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    store.compose_jury(candidate, _jury(p), p["sec"])
    snap, people = dossier_inputs(store, candidate)
    steps = local_jury_script(snap, people, NOW).steps
    marks = next(args for step, args, _ in steps if step == "table" and args[0][0] == "Épreuve")
    assert {row[2] for row in marks[1]} == {"non saisie"}
    assert len(marks[1]) == len(snap.referential.evaluations)
    said = [str(args[0]) for step, args, _ in steps if step == "paragraph"]
    (total,) = [t for t in said if t.startswith("Total : ")]
    assert total.endswith(" ; parcours Pass : non renseigné")
    at = said.index("Le jury local n'a pas encore rendu sa proposition.")
    headings = [str(args[0]) for step, args, _ in steps if step == "heading"]
    assert "Proposition au jury paritaire national" in headings
    assert not any(t.startswith("Motifs : ") for t in said[at:])
