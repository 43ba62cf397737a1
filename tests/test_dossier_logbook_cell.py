"""The dossier's logbook column for a Gestionnaire conseil candidate: a competency is
« attestée » once both the tutor and the manager signed it, each signature on a line of its
own with who, when, its check and the situation."""

from __future__ import annotations

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.signing import secret_of
from tests.test_documents import NOW


def test_a_competency_signed_by_tutor_and_manager_reads_attested_one_line_each(
    store: Store,
) -> None:
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", tutor=tutor, manager=manager)  # fmt: skip
    store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Accueil.",
                           secret_of(store, tutor))  # fmt: skip
    store.sign_attestation(candidate, "gc.b1.c1", "manager", manager, "Appel.",
                           secret_of(store, manager))  # fmt: skip
    store.sign_attestation(candidate, "gc.b1.c2", "tuteur", tutor, "Courrier.",
                           secret_of(store, tutor))  # fmt: skip
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    table = next(args for step, args, _ in script.steps
                 if step == "table" and args[0][0] == "Compétence")  # fmt: skip
    cells = [row[2].split("\n") for row in table[1]]
    both, one = cells[0], cells[1]
    assert both[0] == "attestée"
    assert len(both) == 3
    assert both[1].startswith("manager : Marie Manager (CPAM du Rhône) le ")
    assert both[1].endswith(") — Appel.")
    assert both[2].startswith("tuteur : Paul Tuteur (CPAM du Rhône) le ")
    assert both[2].endswith(") — Accueil.")
    assert one[0] == "non attestée"
    assert len(one) == 2 and one[1].endswith(") — Courrier.")
    assert all(cell == ["non attestée"] for cell in cells[2:])


def test_a_withdrawn_signature_of_a_competency_the_referential_does_not_name_reads_its_id(
    store: Store,
) -> None:
    """A logbook signature received for a competency this referential does not name (carnet's
    own form refuses it; the event's schema does not), then withdrawn: the dossier names the
    competency by its identifier rather than by nothing."""
    from store.draft import Draft

    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", tutor=tutor)  # fmt: skip
    signed = {"competency": "gc.b9.c1", "role": "tuteur", "person": tutor, "situation": "Vu."}
    withdrawn = {"competency": "gc.b9.c1", "role": "tuteur", "person": tutor,
                 "reason": "Compétence d'une autre version."}  # fmt: skip
    store.append(candidate, [Draft("attestation.signed", signed)], tutor)
    store.append(candidate, [Draft("attestation.withdrawn", withdrawn)], tutor)
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [str(args[0]) for step, args, _ in script.steps if step == "paragraph"]
    line = next(text for text in said if text.startswith("« gc.b9.c1 » : signature du tuteur "))
    assert line.endswith(" — motif : Compétence d'une autre version.")


def test_two_grids_of_a_block_read_in_the_order_they_were_opened(store: Store) -> None:
    from tests.test_store import _candidate, _evaluators

    candidate, first = _candidate(store)
    evaluator, certifier = _evaluators(store)
    second = store.open_grid(candidate, "gc.b1", "t", situation="accueil_physique",
                             evaluator=evaluator, certifier=certifier)  # fmt: skip
    third = store.open_grid(candidate, "gc.b3", "t", evaluator=evaluator, certifier=certifier)
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    said = [str(args[0]) for step, args, _ in script.steps if step == "paragraph"]
    situations = [text for text in said if text.startswith("Situation observée : ")]
    assert situations == ["Situation observée : Double écoute",
                          "Situation observée : Accueil physique"]  # fmt: skip
    opened = [text for text in said if text.startswith("Grille du bloc ")]
    assert [text.split(" ouverte")[0] for text in opened] == [
        "Grille du bloc 1", "Grille du bloc 1", "Grille du bloc 3"
    ]  # fmt: skip
    assert {first, second, third} == set(snap.state.grids)
