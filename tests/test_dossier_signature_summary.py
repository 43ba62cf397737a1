"""The dossier's summary of personal signatures counts each kind once: those that verify,
those recorded before personal signatures existed (no proof at all), and only then those that
do not verify."""

from __future__ import annotations

import pytest

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.draft import Draft
from store.store import Store
from tests.signing import secret_of
from tests.test_documents import NOW


@pytest.mark.parametrize("forged", [False, True])
def test_a_signature_from_before_personal_signatures_is_counted_apart(
    store: Store, forged: bool
) -> None:
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", tutor=tutor, manager=manager)  # fmt: skip
    store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Accueil.",
                           secret_of(store, tutor))  # fmt: skip
    # As a station of a release before issue 11 recorded it: no personal signature.
    older = {"competency": "gc.b1.c1", "role": "manager", "person": manager,
             "situation": "Appel."}  # fmt: skip
    store.append(candidate, [Draft("attestation.signed", older)], manager)
    if forged:  # a proof by a key the registry does not hold: it does not verify
        bad = {"competency": "gc.b1.c2", "role": "tuteur", "person": tutor,
               "situation": "Courrier.", "proof": {"person": tutor, "key": "0123456789abcdef",
               "signature": "AAAA"}}  # fmt: skip
        store.append(candidate, [Draft("attestation.signed", bad)], tutor)
    snap, people = dossier_inputs(store, candidate)
    steps = dossier_script(snap, people, station=store.station.id, now=NOW).steps
    at = next(i for i, (step, args, _) in enumerate(steps)
              if step == "heading" and args[0] == "Signatures personnelles")  # fmt: skip
    step, args, options = steps[at + 1]
    assert (step, args[0], options["bold"]) == (
        "paragraph",
        "1 vérifiée(s), 1 antérieure(s) sans signature personnelle"
        + (", 1 NON vérifiée(s)." if forged else "."),
        True,
    )
    lines = [str(args[0]) for step, args, _ in steps[at + 2 : at + 4]]
    assert lines[0].endswith("Paul Tuteur (CPAM du Rhône) : signature personnelle vérifiée")
    assert lines[1].endswith(
        "Marie Manager (CPAM du Rhône) : sans signature personnelle (antérieure à leur mise en "
        "place)"
    )
