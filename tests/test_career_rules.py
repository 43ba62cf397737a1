"""The carrière rules' refusals word for word, with the field they concern, and the time each
step was recorded (no textual). An event received from elsewhere reaches these rules directly,
so they are checked on the dossier's state as well as through the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from grids import Referentials
from models.dossier import DossierState
from models.events import GENESIS, EventError, seal
from models.jury import JuryError, check_local_jury
from models.weighted import MarkError, check_mark, evaluate_weighted
from store.store import Store
from tests.signing import secret_of
from tests.test_career import SEED_MARKS, _admit, _candidate, _jury, _people, _proof


@dataclass(frozen=True)
class Person:
    name: str
    organisme: str


PEOPLE = {
    "cnav": Person("Claire Fonds", "Cnav"),
    "nord": Person("Rémi Branche", "Carsat Nord"),
    "sud": Person("Eva Métier", "Carsat Sud"),
    "local": Person("Luc Local", "CARSAT  bretagne"),
}
GOOD = [("caisse_nationale", "cnav"), ("branche_retraite", "nord"), ("expert_metier", "sud")]


def _jury_error(refs: Referentials, members: list[tuple[str, str]]) -> JuryError:
    with pytest.raises(JuryError) as refused:
        check_local_jury(refs.carriere, members, PEOPLE, "Carsat Bretagne")
    return refused.value


def test_jury_refusals_name_their_role(refs: Referentials) -> None:
    assert check_local_jury(refs.carriere, GOOD, PEOPLE, "Carsat Bretagne") == []
    missing = _jury_error(refs, GOOD[:2])
    assert missing.role == "expert_metier"
    assert str(missing).startswith("Il faut un et un seul membre : ")
    extra = _jury_error(refs, [*GOOD, ("autre", "local")])
    assert (str(extra), extra.role) == ("Le jury local compte exactement trois membres.", None)
    twice = _jury_error(refs, [GOOD[0], GOOD[1], ("expert_metier", "nord")])
    assert str(twice) == "Une même personne ne peut pas tenir deux places dans le jury."
    unknown = _jury_error(refs, [GOOD[0], GOOD[1], ("expert_metier", "personne")])
    assert (str(unknown), unknown.role) == ("Personne inconnue : personne.", "expert_metier")
    local = _jury_error(refs, [GOOD[0], ("branche_retraite", "local"), GOOD[2]])
    assert local.role == "branche_retraite"
    assert str(local) == (
        "Luc Local (CARSAT  bretagne) ne peut pas siéger comme « représentant de la branche "
        "retraite » : ce membre doit venir d'un autre organisme que celui du candidat."
    )


def test_stored_marks_are_checked_again(refs: Referentials) -> None:
    assert check_mark(Decimal("20.00")) == Decimal(20)
    assert check_mark(Decimal("0")) == Decimal(0)
    for bad in ("20.01", "-0.01", "12.345", "NaN", "Infinity"):
        with pytest.raises(MarkError) as refused:
            check_mark(Decimal(bad))
        assert str(refused.value) == f"note invalide : {Decimal(bad)}"
    with pytest.raises(MarkError) as unknown:
        evaluate_weighted(refs.carriere, {"dictee": Decimal(1), "chant": Decimal(2)}, True)
    assert str(unknown.value) == "épreuve inconnue : chant, dictee"


def test_the_average_is_explained_exactly(refs: Referentials) -> None:
    marks = dict.fromkeys(("cc_interbranche", "cc_carriere", "ecrit", "oral", "apt"), Decimal(0))
    zero = evaluate_weighted(refs.carriere, marks, True)
    assert any("moyenne 0,00/20" in fact for fact in zero.explanation.facts), zero.explanation
    marks["apt"] = Decimal("0.01")  # 0.02 / 10 = 0.002: the third decimal is shown
    small = evaluate_weighted(refs.carriere, marks, True)
    assert any("moyenne 0,002/20" in fact for fact in small.explanation.facts), small.explanation
    marks = dict.fromkeys(marks, Decimal(10))
    ten = evaluate_weighted(refs.carriere, marks, True)
    assert any("moyenne 10,00/20" in fact for fact in ten.explanation.facts), ten.explanation


def _late(state: DossierState, candidate: str, type: str, payload: dict[str, Any]) -> str:
    """Applies an event as if received from another station; returns the refusal, if any."""
    event = seal(event_id="f" * 32, station="poste-b", seq=41, author="b", dossier=candidate,
                 ts="2026-11-23T10:00:00.000000Z", type=type, payload=payload, prev=GENESIS)  # fmt: skip
    try:
        state.apply(event)
    except EventError as exc:
        return str(exc)
    return ""


def test_career_refusals_name_the_event(store: Store) -> None:
    p = _people(store)
    vae = _candidate(store, "vae")
    jury = {"members": [{"role": r, "person": x} for r, x in _jury(p)], "warnings": []}
    state = store.snapshot(vae).state.copy()
    assert _late(state, vae, "mark.entered", {"evaluation": "ecrit", "mark": "12", "by": None}) == (
        "événement n° 41 : la voie VAE ne passe pas par les épreuves notées"
    )
    proposal = {"proposal": "certification", "reasons": ""}
    assert _late(state, vae, "jury.proposed", proposal) == (
        "événement n° 41 : proposition sans jury local composé"
    )
    store.compose_jury(vae, _jury(p), p["sec"])
    assert _late(store.snapshot(vae).state.copy(), vae, "jury.proposed", proposal) == (
        "événement n° 41 : le dossier de preuve n'a pas été reçu"
    )
    decision = {"competency": "gk.c01", "validated": True, "comment": ""}
    assert _late(store.snapshot(vae).state.copy(), vae, "vae.competency_decided", decision) == (
        "événement n° 41 : décision avant la réception du dossier de preuve"
    )
    _admit(store, vae)
    admissibility = store.snapshot(vae).events[-1].payload
    assert _late(store.snapshot(vae).state.copy(), vae, "vae.admissibility", admissibility) == (
        "événement n° 41 : la recevabilité est déjà prononcée"
    )
    _proof(store, vae)
    proof = store.snapshot(vae).events[-1].payload
    assert _late(store.snapshot(vae).state.copy(), vae, "vae.proof_received", proof) == (
        "événement n° 41 : dossier de preuve déjà reçu pour cette session"
    )
    store.propose(vae, "non_certification", "À consolider.", p["cnav"], secret_of(store, p["cnav"]))
    for type, payload in (("jury.composed", jury), ("vae.competency_decided", decision)):
        assert _late(store.snapshot(vae).state.copy(), vae, type, payload) == (
            "événement n° 41 : le jury local a déjà rendu sa proposition"
        )
    store.proclaim(
        vae,
        "aucune_validation",
        "Reprendre.",
        date(2026, 6, 1),
        p["sec"],
        confirmed_final=True,
        secret=secret_of(store, p["sec"]),
    )
    proclaimed = "événement n° 41 : le jury national a déjà proclamé sa décision"
    for type, payload in (
        ("mark.entered", {"evaluation": "ecrit", "mark": "12", "by": None}),
        ("pass.recorded", {"followed": True}),
        ("jury.proclaimed", store.snapshot(vae).events[-1].payload),
    ):
        assert _late(store.snapshot(vae).state.copy(), vae, type, payload) == proclaimed


def test_each_step_keeps_its_time(store: Store) -> None:
    p = _people(store)
    vae = _candidate(store, "vae")
    _admit(store, vae)
    assert store.snapshot(vae).state.career.admissibility.ts == store.snapshot(vae).events[-1].ts  # type: ignore[union-attr]
    _proof(store, vae)
    assert store.snapshot(vae).state.career.proof.ts == store.snapshot(vae).events[-1].ts  # type: ignore[union-attr]
    store.compose_jury(vae, _jury(p), p["sec"])
    assert store.snapshot(vae).state.career.jury.ts == store.snapshot(vae).events[-1].ts  # type: ignore[union-attr]
    store.propose(vae, "non_certification", "À consolider.", p["cnav"], secret_of(store, p["cnav"]))
    assert store.snapshot(vae).state.career.proposal.ts == store.snapshot(vae).events[-1].ts  # type: ignore[union-attr]
    store.proclaim(
        vae,
        "aucune_validation",
        "Reprendre.",
        date(2026, 6, 1),
        p["sec"],
        confirmed_final=True,
        secret=secret_of(store, p["sec"]),
    )
    snap = store.snapshot(vae)
    assert snap.state.career.proclamation.ts == snap.events[-1].ts  # type: ignore[union-attr]
    training = _candidate(store)
    store.record_pass(training, True, p["sec"])
    snap = store.snapshot(training)
    assert snap.state.career.pass_ts == snap.events[-1].ts
    store.enter_mark(training, "ecrit", "12", p["sec"], by=p["sec"])
    record = store.snapshot(training).state.career.mark_records["ecrit"]
    assert (record.evaluation, record.mark) == ("ecrit", Decimal(12))


def test_the_juries_record_for_the_secretariat(store: Store) -> None:
    p = _people(store)
    candidate = _candidate(store)
    assert store.summary(candidate)["juries"] == {"local": None, "national": None}
    members = [("caisse_nationale", p["cnav"]), ("branche_retraite", p["retraite"]),
               ("expert_metier", p["nord2"])]  # fmt: skip
    with pytest.raises(Exception, match="même organisme"):
        store.compose_jury(candidate, members, p["sec"])
    store.compose_jury(candidate, members, p["sec"], accept_warnings=True)
    composed = store.snapshot(candidate).events[-1].ts
    record = store.summary(candidate)["juries"]
    assert record["national"] is None
    local = record["local"]
    assert local["members"] == [{"role": r, "person": x} for r, x in members]
    assert len(local["warnings"]) == 1 and "même organisme" in local["warnings"][0]
    assert (local["composed_at"], local["proposal"], local["reasons"], local["proposed_at"]) == (
        composed, None, None, None,
    )  # fmt: skip
    for evaluation, typed in SEED_MARKS.items():  # the national jury rules on a whole record
        by = p["cnav"] if evaluation == "oral" else p["sec"]
        store.enter_mark(candidate, evaluation, typed, p["sec"], by=by)
    store.record_pass(candidate, True, p["sec"])
    store.propose(
        candidate,
        "non_certification",
        " Écrit trop faible. ",
        p["cnav"],
        secret_of(store, p["cnav"]),
    )
    proposed = store.snapshot(candidate).events[-1].ts
    store.proclaim(
        candidate,
        "non_certifie",
        "Refaire l'écrit.",
        date(2026, 6, 1),
        p["sec"],
        confirmed_final=True,
        secret=secret_of(store, p["sec"]),
    )
    record = store.summary(candidate)["juries"]
    assert {k: record["local"][k] for k in ("proposal", "reasons", "proposed_at")} == {
        "proposal": "non_certification",
        "reasons": "Écrit trop faible.",
        "proposed_at": proposed,
    }
    assert record["national"] == {
        "decision": "non_certifie",
        "recommendations": "Refaire l'écrit.",
        "on": "2026-06-01",
        "recorded_at": store.snapshot(candidate).events[-1].ts,
    }


def test_a_received_mark_above_twenty_is_refused_naming_its_evaluation(store: Store) -> None:
    candidate = _candidate(store, "parcours_formation")
    state = store.snapshot(candidate).state.copy()
    # « 25 » matches the event's pattern (two digits): the rule, not the format, refuses it.
    mark = {"evaluation": "ecrit", "mark": "25", "by": None}
    assert _late(state, candidate, "mark.entered", mark) == "ecrit : note invalide : 25"
    assert "ecrit" not in state.career.marks


def test_vae_steps_received_for_a_training_candidate_name_the_event(store: Store) -> None:
    _people(store)
    vae = _candidate(store, "vae")
    _admit(store, vae)
    admissibility = store.snapshot(vae).events[-1].payload
    _proof(store, vae)
    proof = store.snapshot(vae).events[-1].payload
    training = _candidate(store, "parcours_formation")
    state = store.snapshot(training).state.copy()
    decision = {"competency": "gk.c01", "validated": True, "comment": ""}
    for type, payload in (
        ("vae.admissibility", admissibility),
        ("vae.proof_received", proof),
        ("vae.competency_decided", decision),
        ("attempt.started", {"reason": "Nouvelle demande."}),
    ):
        assert _late(state, training, type, payload) == "événement n° 41 : réservé à la voie VAE"


def test_a_proclamation_or_a_new_session_out_of_turn_names_the_event(store: Store) -> None:
    _people(store)
    vae = _candidate(store, "vae")
    state = store.snapshot(vae).state.copy()
    proclamation = {"decision": "aucune_validation", "recommendations": "Reprendre.",
                    "on": "2026-06-01"}  # fmt: skip
    assert _late(state, vae, "jury.proclaimed", proclamation) == (
        "événement n° 41 : le jury national statue sur l'avis du jury local"
    )
    assert _late(state, vae, "attempt.started", {"reason": "Nouvelle demande."}) == (
        "événement n° 41 : une nouvelle session suit une validation partielle ou refusée"
    )


def test_a_registry_event_in_a_dossier_is_out_of_place(store: Store) -> None:
    candidate = _candidate(store, "parcours_formation")
    state = store.snapshot(candidate).state.copy()
    person = {"person": "p9", "name": "Tom", "organisme": "Caf", "roles": ["tuteur"]}
    assert _late(state, candidate, "person.created", person) == (
        "événement n° 41 : person.created hors de sa place"
    )
