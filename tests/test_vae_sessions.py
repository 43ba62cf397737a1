"""A new VAE session keeps exactly what the national jury validated, names the session it
follows and why; VAE steps are refused on a training route (no textual)."""

from __future__ import annotations

from datetime import date

import pytest

from grids import Referentials
from models.events import GENESIS, EventError, seal
from store.errors import StoreError
from store.store import Store
from tests.signing import secret_of
from tests.test_career import _admit, _agent, _candidate, _jury, _people, _proof


def _person(store: Store, name: str) -> str:
    return next(pid for pid, x in store.people().items() if x.name == name)


def _decided(store: Store, refs: Referentials, candidate: str, validated: int) -> list[str]:
    p = _people(store)
    _admit(store, candidate)
    _proof(store, candidate)
    store.compose_jury(candidate, _jury(p), p["sec"])
    certified = [line.competency for line in refs.carriere.certification]
    for number, competency in enumerate(certified):
        store.decide_competency(
            candidate, competency, number < validated, "", p["cnav"], secret_of(store, p["cnav"])
        )
    return certified


def _proclaim(
    store: Store, candidate: str, decision: str, proposal: str = "non_certification"
) -> None:
    member, agent = _person(store, "Claire Fonds"), _person(store, "Sam Secrétariat")
    reasons = "Compétences à consolider." if proposal == "non_certification" else ""
    store.propose(candidate, proposal, reasons, member, secret_of(store, member))
    recommendations = "" if decision == "validation_totale" else "Reprendre la formation."
    store.proclaim(
        candidate,
        decision,
        recommendations,
        date(2026, 6, 1),
        agent,
        confirmed_final=True,
        secret=secret_of(store, agent),
    )


def second_session(store: Store, refs: Referentials) -> tuple[str, list[str]]:
    """A VAE candidate whose first session validated six competencies (a partial
    validation), a second session begun; the competencies of the certification."""
    candidate = _candidate(store, "vae")
    certified = _decided(store, refs, candidate, validated=6)
    _proclaim(store, candidate, "validation_partielle")
    store.start_attempt(candidate, "Deuxième session.", _agent(store))
    return candidate, certified


def second_jury(store: Store, candidate: str) -> dict[str, str]:
    """The second session's proof received and its jury composed, of the first session's
    people (by role: cnav, retraite, expert, sec)."""
    names = {"cnav": "Claire Fonds", "retraite": "Rémi Branche", "expert": "Eva Métier",
             "sec": "Sam Secrétariat"}  # fmt: skip
    p = {key: _person(store, name) for key, name in names.items()}
    _proof(store, candidate, received=date(2026, 7, 1))
    store.compose_jury(candidate, _jury(p), p["sec"])
    return p


def test_after_no_validation_nothing_is_acquired(store: Store, refs: Referentials) -> None:
    candidate = _candidate(store, "vae")
    _decided(store, refs, candidate, validated=4)
    _proclaim(store, candidate, "aucune_validation")
    store.start_attempt(candidate, "Nouvelle demande après deux ans.", _agent(store))
    career = store.snapshot(candidate).state.career
    assert career.attempt == 2
    assert career.acquired == []
    (past,) = career.past
    assert (past.number, past.validated) == (1, ())
    assert past.reason_for_next == "Nouvelle demande après deux ans."
    assert past.proclamation.value.decision == "aucune_validation"
    record = store.summary(candidate)["vae"]["past_attempts"]
    assert record == [
        {
            "attempt": 1,
            "decision": "aucune_validation",
            "validated": [],
            "recommendations": "Reprendre la formation.",
        }
    ]


def test_after_a_partial_validation_its_competencies_are_acquired(
    store: Store, refs: Referentials
) -> None:
    candidate, certified = second_session(store, refs)
    career = store.snapshot(candidate).state.career
    (past,) = career.past
    assert (past.number, past.validated) == (1, tuple(certified[:6]))
    assert career.acquired == certified[:6]
    # What the first session decided stays for the dossier of the later ones.
    assert past.proof is not None and past.proof.value.received == date(2026, 3, 1)
    assert past.jury is not None and past.proposal is not None
    assert len(past.decisions) == len(certified)
    assert career.proof is None and career.jury is None and career.decisions == {}


def test_no_new_session_after_a_total_validation(store: Store, refs: Referentials) -> None:
    candidate = _candidate(store, "vae")
    _decided(store, refs, candidate, validated=len(refs.carriere.certification))
    _proclaim(store, candidate, "validation_totale", proposal="certification")
    with pytest.raises((StoreError, EventError)) as refused:
        store.start_attempt(candidate, "Encore une fois.", _agent(store))
    assert "une nouvelle session suit une validation partielle ou refusée" in str(refused.value)
    assert store.snapshot(candidate).state.career.attempt == 1


def test_vae_steps_are_refused_on_a_training_route(store: Store) -> None:
    candidate = _candidate(store, "parcours_formation")
    with pytest.raises(StoreError, match="réservé aux candidats en VAE"):
        store.start_attempt(candidate, "Nouvelle session.", _agent(store))
    # The same step recorded by another station (or an older carnet) reaches the dossier's
    # own rules, which refuse it too: it is set aside with the reason.
    state = store.snapshot(candidate).state.copy()
    late = seal(event_id="e" * 32, station="poste-b", seq=1, author="b", dossier=candidate,
                ts="2026-11-23T10:00:00.000000Z", type="attempt.started",
                payload={"reason": "Nouvelle session."}, prev=GENESIS)  # fmt: skip
    state.apply_received(late)
    conflict = state.conflicts[f"event:{late.id}"]
    assert "réservé à la voie VAE" in conflict.incompatible
    assert state.career.attempt == 1


def test_the_vae_record_for_the_secretariat(store: Store, refs: Referentials) -> None:
    candidate = _candidate(store, "vae")
    assert store.summary(candidate)["vae"]["admissibility"] is None
    assert store.summary(candidate)["vae"]["proof"] is None
    _admit(store, candidate, years=2)
    store.receive_proof(candidate, received=date(2026, 3, 1), attestation_3a=date(2014, 6, 30),
                        oral_requested=False, author=_agent(store))  # fmt: skip
    certified = [line.competency for line in refs.carriere.certification]
    p = _people(store)
    store.compose_jury(candidate, _jury(p), p["sec"])
    store.decide_competency(
        candidate, certified[0], True, "", p["cnav"], secret_of(store, p["cnav"])
    )
    store.decide_competency(
        candidate, certified[1], False, "Pas de preuve.", p["cnav"], secret_of(store, p["cnav"])
    )
    record = store.summary(candidate)["vae"]
    assert record == {
        "attempt": 1,
        "outcome": "en_cours",
        "admissibility": {
            "admissible": True,
            "related": True,
            "description": "Technicienne retraite, calcul et liquidation des droits.",
            "days": 731,
            "periods": [{"start": "2024-01-01", "end": "2025-12-31"}],
            "reason": None,
            "on": "2026-02-01",
        },
        "proof": {"received": "2026-03-01", "attestation_3a": "2014-06-30", "oral": False},
        "acquired": [],
        "validated": [certified[0]],
        "not_validated": [certified[1]],
        "undecided": certified[2:],
        "past_attempts": [],
    }
    other = _candidate(store, "vae")
    _admit(store, other)
    _proof(store, other)
    assert store.summary(other)["vae"]["proof"] == {
        "received": "2026-03-01",
        "attestation_3a": None,
        "oral": True,
    }


def test_what_a_vae_dossier_still_lacks_step_by_step(store: Store, refs: Referentials) -> None:
    from models.completeness import Outstanding, outstanding

    certified = tuple(line.competency for line in refs.carriere.certification)
    candidate = _candidate(store, "vae")

    def lacking() -> list[Outstanding]:
        return outstanding(store.snapshot(candidate).state, refs.carriere)

    new = f"{len(certified)} compétence(s) certifiée(s) sans décision du jury local."
    assert lacking() == [
        Outstanding("vae_admissibility", (), "Recevabilité VAE à décider."),
        Outstanding("vae_proof", (), "Dossier de preuve à recevoir."),
        Outstanding("vae_decision", certified, new),
        Outstanding("jury_local", (), "Jury local à composer."),
        Outstanding("jury_proposal", (), "Proposition du jury local attendue."),
        Outstanding("proclamation", (), "Proclamation du jury national attendue."),
    ]
    # A VAE dossier has no marks and no Pass to wait for.
    _decided(store, refs, candidate, validated=6)
    assert [item.kind for item in lacking()] == ["jury_proposal", "proclamation"]
    _proclaim(store, candidate, "validation_partielle")
    store.start_attempt(candidate, "Deuxième session.", _agent(store))
    # The second session: what the first validated is decided for good, the rest is not.
    (decision,) = [item for item in lacking() if item.kind == "vae_decision"]
    assert decision.ids == certified[6:]
    assert (
        decision.text
        == f"{len(certified) - 6} compétence(s) certifiée(s) sans décision du jury local."
    )
