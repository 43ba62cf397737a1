"""The printed grid of a block evaluated on a presentation (block 2): its counts without the
observation's minimums, each letter processed or not, each question, the competencies covered
and a presentation without documents; the signatures still to come, then each made."""

from __future__ import annotations

from store.documents.grid_document import grid_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.signing import secret_of
from tests.test_documents import NOW
from tests.test_store import _evaluators


def _said(store: Store, candidate: str, grid: str) -> list[tuple[str, dict[str, object]]]:
    snap, people = dossier_inputs(store, candidate)
    return [(str(args[0]), options) for step, args, options in
            grid_script(snap, grid, people, NOW).steps if step == "paragraph"]  # fmt: skip


def _presentation(store: Store) -> tuple[str, str]:
    evaluator, certifier = _evaluators(store)
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t")  # fmt: skip
    grid = store.open_grid(candidate, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
    return candidate, grid


def test_a_presentations_counts_read_without_minimums(store: Store) -> None:
    candidate, grid = _presentation(store)
    store.grid_event(candidate, grid, "interviews.counted", "t", count=3)
    store.grid_event(candidate, grid, "letter.recorded", "t", index=1, reason="Relance",
                     processed=True)  # fmt: skip
    store.grid_event(candidate, grid, "letter.recorded", "t", index=2, reason="Réclamation",
                     processed=False)  # fmt: skip
    for competency in ("gc.b2.c1", "gc.b2.c2"):
        store.grid_event(candidate, grid, "coverage.marked", "t", competency=competency,
                         covered=True)  # fmt: skip
    store.grid_event(candidate, grid, "coverage.marked", "t", competency="gc.b2.c3",
                     covered=False)  # fmt: skip
    store.grid_event(candidate, grid, "no_document.noted", "t", confirmed=True)
    store.grid_event(candidate, grid, "question.recorded", "t", index=1,
                     question="Quel délai ?", answer="Un mois.")  # fmt: skip
    said = _said(store, candidate, grid)
    texts = [text for text, _ in said]
    assert (
        "Comptes : entretiens 3, courriers traités 1/2, compétences abordées 2, aucun document "
        "remis, questions 1"
    ) in texts
    at = texts.index("Courrier 1 (traité) : Relance")
    assert said[at : at + 3] == [
        ("Courrier 1 (traité) : Relance", {"bold": False, "indent": 8}),
        ("Courrier 2 (non traité) : Réclamation", {"bold": False, "indent": 8}),
        ("Question 1 : Quel délai ?", {"bold": False, "indent": 8}),
    ]
    assert said[at + 3] == ("Réponse : Un mois.", {"bold": False, "indent": 12})


def test_a_presentation_with_nothing_counted_reads_its_interviews_only(store: Store) -> None:
    candidate, grid = _presentation(store)
    texts = [text for text, _ in _said(store, candidate, grid)]
    assert "Comptes : entretiens 0" in texts


def test_the_signatures_to_come_then_each_one_made(store: Store) -> None:
    candidate, grid = _presentation(store)
    evaluator, certifier = _evaluators(store)
    texts = [text for text, _ in _said(store, candidate, grid)]
    assert "Signature(s) à venir : Représentant métier, Certificateur ou délégataire" in texts
    store.close_grid(candidate, grid, "Présentation écourtée.", "t")
    store.sign_grid(candidate, grid, evaluator, secret_of(store, evaluator))
    said = _said(store, candidate, grid)
    texts = [text for text, _ in said]
    assert "Signature(s) à venir : Certificateur ou délégataire" in texts
    signed = [(text, options) for text, options in said if text.startswith("Signée par ")]
    assert len(signed) == 1
    assert signed[0][0].startswith("Signée par Rémi Métier (CAF du Nord) (Représentant métier) le ")
    assert signed[0][0].endswith(" — signature personnelle vérifiée")
    assert signed[0][1] == {"bold": False, "indent": 4}
    store.sign_grid(candidate, grid, certifier, secret_of(store, certifier))
    texts = [text for text, _ in _said(store, candidate, grid)]
    assert not [text for text in texts if text.startswith("Signature(s) à venir")]
    assert [text.split(" le ")[0] for text in texts if text.startswith("Signée par ")] == [
        "Signée par Cécile Certif (Ucanss) (Certificateur ou délégataire)",
        "Signée par Rémi Métier (CAF du Nord) (Représentant métier)",
    ]
