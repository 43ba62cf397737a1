"""The Gestionnaire carrière's refusals (store/career.py), word for word: who enters a mark,
what a proclamation needs, the VAE's dates and jury.

tests/test_career.py checks each refusal by one phrase; the whole message, with the rule it
names, is what the secretariat reads, so each is checked whole here.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from store.errors import StoreError
from store.store import Store
from tests.signing import secret_of
from tests.test_career import (
    SEED_MARKS,
    _agent,
    _candidate,
    _certifier,
    _complete_training,
    _jury,
    _people,
)

ORAL_RULE = (
    " Règle : Épreuve orale notée par le jury local : un membre du jury local composé pour le "
    "candidat."
)
WRITTEN_RULE = " Règle : Organisée en centre d'examen : la note est transmise au secrétariat."
COMPLETE = " Le jury national statue sur un dossier complet."
LATER = date.today() + timedelta(days=3)


def _refusal(call: Any) -> str:
    with pytest.raises(StoreError) as caught:
        call()
    return str(caught.value)


def test_who_enters_a_mark_is_checked_and_said_whole(store: Store) -> None:
    p = _people(store)
    cand, vae = _candidate(store), _candidate(store, "vae")
    assert _refusal(lambda: store.enter_mark(cand, "oral", "12", p["sec"], by=p["cnav"])) == (
        "Claire Fonds ne siège pas au jury local : la note de « Epreuve orale » est attribuée "
        "par le jury local (composez-le d'abord)." + ORAL_RULE
    )
    assert _refusal(lambda: store.enter_mark(vae, "ecrit", "12", p["sec"])) == (
        "les candidats en VAE ne passent pas les épreuves notées"
    )
    assert _refusal(lambda: store.record_pass(vae, True, p["sec"])) == (
        "les candidats en VAE ne passent pas les épreuves notées"
    )
    assert _refusal(lambda: store.enter_mark(cand, "inconnue", "12", p["sec"])) == (
        "épreuve inconnue : inconnue"
    )
    assert _refusal(lambda: store.enter_mark(cand, "ecrit", "12", p["sec"], by="p-x")) == (
        "Une personne non identifiée (« p-x ») ne peut pas saisir la note « Epreuve écrite »."
        + WRITTEN_RULE
    )
    assert _refusal(lambda: store.enter_mark(cand, "ecrit", "12", p["sec"], by=p["trainer"])) == (
        "Théo Formateur ne peut pas saisir la note « Epreuve écrite »." + WRITTEN_RULE
    )
    store.compose_jury(cand, _jury(p), p["sec"])
    assert _refusal(lambda: store.enter_mark(cand, "oral", "12", p["sec"], by=p["trainer"])) == (
        "Théo Formateur ne siège pas au jury local : la note de « Epreuve orale » est "
        "attribuée par le jury local." + ORAL_RULE
    )
    assert store.snapshot(cand).state.career.marks == {}


def test_a_proclamation_needs_the_local_jurys_opinion_a_full_file_and_a_confirmation(
    store: Store,
) -> None:
    p = _people(store)
    secret = secret_of(store, p["sec"])

    def proclaim(candidate: str, on: date = date(2026, 11, 1), final: bool = True) -> str:
        return _refusal(
            lambda: store.proclaim(
                candidate, "certifie", "", on, p["sec"], confirmed_final=final, secret=secret
            )
        )

    bare = _candidate(store)
    assert proclaim(bare) == (
        "Proclamation refusée : le jury national statue sur l'avis du jury local, qui n'a pas "
        "encore été rendu."
    )
    marks_missing = _candidate(store)
    store.compose_jury(marks_missing, _jury(p), p["sec"])
    store.enter_mark(marks_missing, "oral", "12", p["sec"], by=p["cnav"])
    store.propose(marks_missing, "certification", "", p["cnav"], secret_of(store, p["cnav"]))
    assert proclaim(marks_missing) == (
        "Proclamation refusée : note(s) manquante(s) — Contrôle continu – partie interbranche, "
        "Contrôle continu – partie carrière, Epreuve écrite, Applications professionnelles "
        "tutorées." + COMPLETE
    )
    no_pass = _candidate(store)
    store.compose_jury(no_pass, _jury(p), p["sec"])
    for evaluation, typed in SEED_MARKS.items():
        by = p["cnav"] if evaluation == "oral" else p["sec"]
        store.enter_mark(no_pass, evaluation, typed, p["sec"], by=by)
    store.propose(no_pass, "certification", "", p["cnav"], secret_of(store, p["cnav"]))
    assert proclaim(no_pass) == (
        "Proclamation refusée : le suivi du Pass n'est pas renseigné." + COMPLETE
    )
    ready = _candidate(store)
    _complete_training(store, p, ready)
    store.propose(ready, "certification", "", p["cnav"], secret_of(store, p["cnav"]))
    assert proclaim(ready, final=False) == (
        "La proclamation est définitive : plus rien de cette session ne pourra être modifié. "
        "Confirmez-la pour l'enregistrer."
    )
    assert proclaim(ready, on=LATER) == "la date de proclamation ne peut pas être dans le futur"
    assert store.summary(ready).get("final_decision") is None


def test_the_vae_dates_and_jury_are_checked_and_said_whole(store: Store) -> None:
    p = _people(store)
    vae = _candidate(store, "vae")
    certifier = _certifier(store)

    def admit(periods: list[tuple[date, date]]) -> str:
        return _refusal(
            lambda: store.decide_admissibility(
                vae,
                related=True,
                description="d",
                periods=periods,
                comment="",
                on=date(2026, 2, 1),
                author=certifier,
            )
        )

    assert admit([(date(2025, 1, 1), date(2024, 1, 1))]) == (
        "une période d'expérience finit avant de commencer"
    )
    assert admit([(date(2025, 1, 1), date(2026, 3, 1))]) == (
        "une période d'expérience ne peut pas finir après la décision"
    )
    assert (
        _refusal(
            lambda: store.receive_proof(
                vae,
                received=LATER,
                attestation_3a=None,
                oral_requested=False,
                author=_agent(store),
            )
        )
        == "la date de réception ne peut pas être dans le futur"
    )
    assert _refusal(
        lambda: store.decide_competency(
            vae, "gcar.c1", True, "", p["cnav"], secret_of(store, p["cnav"])
        )
    ) == (
        "Décision refusée : le jury local n'est pas encore composé. Règle : le jury local, "
        "composé pour ce candidat, décide de chaque compétence certifiée en VAE ; la décision "
        "est prise par l'un de ses membres."
    )
