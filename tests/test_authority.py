"""Who may do what, by the seeds, checked by the store (issue 11): each refusal names its rule
and records nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from grids import Referentials
from store.authority import AuthorityError
from store.errors import StoreError
from store.store import Store
from tests.signing import secret_of

JURY_ROLES = ("caisse_nationale", "branche_retraite", "expert_metier")


def _people(store: Store) -> dict[str, str]:
    return {
        "tutor": store.create_person("Tom Tuteur", "Carsat Bretagne", ["tuteur"], "t"),
        "other_tutor": store.create_person("Olga Tutrice", "Carsat Bretagne", ["tuteur"], "t"),
        "manager": store.create_person("Mona Manager", "Carsat Bretagne", ["manager"], "t"),
        "sec": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
        "ucanss": store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t"),
        "j1": store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
        "j2": store.create_person("Rémi Branche", "Carsat Nord", ["jury"], "t"),
        "j3": store.create_person("Eva Métier", "Carsat Sud", ["jury"], "t"),
        "outsider": store.create_person("Otto Jury", "Carsat Est", ["jury"], "t"),
    }


def _refused(store: Store, candidate: str, work: Callable[[], Any], rule: str) -> None:
    """Refused with the rule named, and nothing recorded."""
    before = len(store.snapshot(candidate).events)
    with pytest.raises(StoreError, match=rule):
        work()
    assert len(store.snapshot(candidate).events) == before


def _training(store: Store, p: dict[str, str]) -> str:
    return store.create_candidate(
        "Jeanne Martin",
        "Carsat Bretagne",
        "gestionnaire-carriere",
        "t",
        route="parcours_formation",
        tutor=p["tutor"],
        manager=p["manager"],
    )


def _compose(store: Store, candidate: str, p: dict[str, str]) -> None:
    members = list(zip(JURY_ROLES, (p["j1"], p["j2"], p["j3"]), strict=True))
    store.compose_jury(candidate, members, "t")


def test_tutor_and_manager_must_be_two_people(store: Store) -> None:
    p = _people(store)
    with pytest.raises(AuthorityError, match="deux personnes différentes"):
        store.create_candidate(
            "X", "CPAM", "gestionnaire-conseil", "t", tutor=p["tutor"], manager=p["tutor"]
        )
    assert store.candidate_ids() == []


def test_which_role_enters_which_mark_comes_from_the_referential(
    store: Store, refs: Referentials
) -> None:
    assert refs.carriere.evaluation("ecrit").entered_by == ("secretariat",)
    p = _people(store)
    candidate = _training(store, p)
    rule = "Règle : Organisée en centre d'examen"
    _refused(store, candidate, lambda: store.enter_mark(candidate, "ecrit", "12", p["tutor"]), rule)
    _refused(
        store,
        candidate,
        lambda: store.enter_mark(candidate, "cc_carriere", "12", p["tutor"]),
        "Règle : Organisés sur le lieu de la formation",
    )
    # The APT: the candidate's own tutor, not another one.
    _refused(
        store,
        candidate,
        lambda: store.enter_mark(candidate, "apt", "14", p["other_tutor"]),
        "Olga Tutrice ne peut pas saisir la note",
    )
    store.enter_mark(candidate, "apt", "14", p["tutor"])
    store.enter_mark(candidate, "ecrit", "12", p["sec"])
    _refused(
        store,
        candidate,
        lambda: store.enter_mark(candidate, "oral", "12", p["sec"]),
        "ne siège pas au jury local",
    )
    _refused(
        store,
        candidate,
        lambda: store.enter_mark(candidate, "ecrit", "12", "poste"),
        "Une personne non identifiée",
    )


def test_proposal_by_a_member_and_proclamation_only_when_complete_and_confirmed(
    store: Store,
) -> None:
    p = _people(store)
    candidate = _training(store, p)
    _compose(store, candidate, p)
    for evaluation, mark in (("cc_interbranche", "12"), ("cc_carriere", "12"), ("ecrit", "12")):
        store.enter_mark(candidate, evaluation, mark, p["sec"])
    store.enter_mark(candidate, "apt", "12", p["tutor"])
    store.record_pass(candidate, True, "t")
    _refused(
        store,
        candidate,
        lambda: store.propose(
            candidate, "certification", "", p["outsider"], secret_of(store, p["outsider"])
        ),
        "Règle : la proposition de certification",
    )
    store.propose(candidate, "certification", "", p["j2"], secret_of(store, p["j2"]))

    def proclaim(author: str, confirmed: bool = True) -> None:
        store.proclaim(
            candidate,
            "certifie",
            "",
            date(2026, 11, 1),
            author,
            confirmed_final=confirmed,
            secret=secret_of(store, author),
        )

    _refused(store, candidate, lambda: proclaim(p["j1"]), "Règle : la proclamation")
    _refused(
        store, candidate, lambda: proclaim(p["sec"]), "note\\(s\\) manquante\\(s\\) — Epreuve orale"
    )
    store.enter_mark(candidate, "oral", "12", p["j3"])
    _refused(store, candidate, lambda: proclaim(p["sec"], False), "La proclamation est définitive")
    proclaim(p["sec"])
    assert store.summary(candidate)["final"] is True


def test_vae_admissibility_and_decisions(store: Store, refs: Referentials) -> None:
    p = _people(store)
    candidate = store.create_candidate(
        "Vic", "Carsat Bretagne", "gestionnaire-carriere", "t", route="vae"
    )

    def admit(author: str) -> bool:
        return store.decide_admissibility(
            candidate,
            related=True,
            description="Technicien retraite depuis trois ans.",
            periods=[(date(2022, 1, 1), date(2025, 12, 31))],
            comment="",
            on=date(2026, 2, 1),
            author=author,
        )

    _refused(store, candidate, lambda: admit(p["sec"]), "Règle : la recevabilité")
    assert admit(p["ucanss"])
    store.receive_proof(
        candidate, received=date(2026, 3, 1), attestation_3a=None, oral_requested=False, author="t"
    )
    first = refs.carriere.certification[0].competency
    _refused(
        store,
        candidate,
        lambda: store.decide_competency(
            candidate, first, True, "", p["j1"], secret_of(store, p["j1"])
        ),
        "jury local n'est pas encore composé",
    )
    _compose(store, candidate, p)
    _refused(
        store,
        candidate,
        lambda: store.decide_competency(
            candidate, first, True, "", p["outsider"], secret_of(store, p["outsider"])
        ),
        "Otto Jury ne peut pas décider",
    )
    store.decide_competency(candidate, first, True, "", p["j1"], secret_of(store, p["j1"]))


def test_the_vae_minimum_is_a_parameter_of_the_referential(refs: Referentials) -> None:
    from models.vae import Period, admissibility

    ref = refs.carriere
    assert ref.vae.min_experience_years == 1  # the seed's value, by default
    half = [Period(date(2025, 1, 1), date(2025, 12, 31))]
    assert admissibility(ref, True, half).admissible
    stricter = ref.model_copy(
        update={"vae": ref.vae.model_copy(update={"min_experience_years": 2})}
    )
    assert not admissibility(stricter, True, half).admissible


def test_amendments_and_conflicts_need_their_person(store: Store) -> None:
    p = _people(store)
    evaluator = store.create_person("Rémi Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Cécile Certif", "Ucanss", ["certificateur"], "t")
    candidate = store.create_candidate("Léa", "CPAM", "gestionnaire-conseil", "t")
    grid = store.open_grid(candidate, "gc.b3", "t", evaluator=evaluator, certifier=certifier)
    store.close_grid(candidate, grid, "Observation écourtée", "t")
    store.sign_grid(candidate, grid, evaluator, secret_of(store, evaluator))
    store.sign_grid(candidate, grid, certifier, secret_of(store, certifier))
    from models.threshold import CriterionState

    _refused(
        store,
        candidate,
        lambda: store.amend_criterion(
            candidate, grid, "gc.b3.c1.k1", CriterionState.VALIDATED, "", "Relu", p["sec"]
        ),
        "Règle : une grille signée ne se corrige",
    )
    _refused(
        store,
        candidate,
        lambda: store.resolve_conflict(candidate, "criterion:x", "0" * 32, "Choix", p["tutor"]),
        "Règle : un conflit entre deux postes est tranché par un agent du secrétariat",
    )
