"""Personal signatures on the decisions (issue 11): an amendment of a signed grid, a VAE
competency decision, the national proclamation and a conflict's resolution are each signed by
the person who makes them, with their secret at that moment, exactly as the logbook's and the
grids' signatures are. Wrong secret, locked person, person not entitled: refused, nothing
recorded; the secretariat refuses a bundle carrying a forged one."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from models.signatures import SIGNED_LABELS, check_proof
from models.threshold import CriterionState
from store.credentials import SecretError, unlock
from store.documents.dossier import dossier_pdf
from store.documents.lookup import dossier_inputs
from store.errors import StoreError
from store.store import Draft, Store
from tests.signing import SECRET, secret_of
from tests.test_documents import NOW, text_of
from tests.test_sync import _export, _import, conflicting, secretariat_for


@dataclass
class Decision:
    """One kind of signed decision, set up in a dossier up to the moment it is made."""

    type: str
    candidate: str
    signer: str  # entitled to make it
    outsider: str  # a known person who is not
    act: Callable[[str, str | None], object]  # (person, secret): makes it through the store
    payload: dict[str, Any]  # what the store records for the signer (less the proof)
    tamper: dict[str, Any]  # a change to that content a forger might make


def _amendment(store: Store) -> Decision:
    evaluator = store.create_person("Rémi Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Cécile Certif", "Ucanss", ["certificateur"], "t")
    tutor = store.create_person("Tom Tuteur", "CPAM", ["tuteur"], "t")
    candidate = store.create_candidate("Léa", "CPAM", "gestionnaire-conseil", "t")
    grid = store.open_grid(candidate, "gc.b3", "t", evaluator=evaluator, certifier=certifier)
    store.close_grid(candidate, grid, "Observation écourtée", "t")
    store.sign_grid(candidate, grid, evaluator, secret_of(store, evaluator))
    store.sign_grid(candidate, grid, certifier, secret_of(store, certifier))
    payload = {
        "grid": grid,
        "criterion": "gc.b3.c1.k1",
        "state": "validated",
        "comment": "",
        "reason": "Relu avec le candidat",
    }

    def act(person: str, secret: str | None) -> object:
        return store.amend_criterion(
            candidate,
            grid,
            "gc.b3.c1.k1",
            CriterionState.VALIDATED,
            "",
            "Relu avec le candidat",
            person,
            secret,
        )

    return Decision(
        "criterion.amended",
        candidate,
        certifier,
        tutor,
        act,
        payload,
        {"state": "not_validated"},
    )


def _vae_decision(store: Store) -> Decision:
    members = [
        store.create_person("Claire Fonds", "Cnav", ["jury"], "t"),
        store.create_person("Rémi Branche", "Carsat Nord", ["jury"], "t"),
        store.create_person("Eva Métier", "Carsat Sud", ["jury"], "t"),
    ]
    outsider = store.create_person("Otto Jury", "Carsat Est", ["jury"], "t")
    candidate = store.create_candidate(
        "Vic", "Carsat Bretagne", "gestionnaire-carriere", "t", route="vae"
    )
    certifier = store.create_person("Ursule Ucanss", "Ucanss", ["certificateur"], "t")
    store.decide_admissibility(
        candidate,
        related=True,
        description="Technicien retraite depuis trois ans.",
        periods=[(date(2022, 1, 1), date(2025, 12, 31))],
        comment="",
        on=date(2026, 2, 1),
        author=certifier,
    )
    store.receive_proof(
        candidate, received=date(2026, 3, 1), attestation_3a=None, oral_requested=False, author="t"
    )
    roles = ("caisse_nationale", "branche_retraite", "expert_metier")
    store.compose_jury(candidate, list(zip(roles, members, strict=True)), "t")
    first = store.referentials.carriere.certification[0].competency

    def act(person: str, secret: str | None) -> object:
        store.decide_competency(candidate, first, True, "Preuves solides", person, secret)
        return None

    payload = {"competency": first, "validated": True, "comment": "Preuves solides"}
    return Decision(
        "vae.competency_decided",
        candidate,
        members[1],
        outsider,
        act,
        payload,
        {"validated": False},
    )


def _proclamation(store: Store) -> Decision:
    vae = _vae_decision(store)
    member = vae.signer
    vae.act(member, secret_of(store, member))
    store.propose(vae.candidate, "non_certification", "À consolider.", member, SECRET)
    agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")

    def act(person: str, secret: str | None) -> object:
        store.proclaim(
            vae.candidate,
            "aucune_validation",
            "Reprendre.",
            date(2026, 6, 1),
            person,
            confirmed_final=True,
            secret=secret,
        )
        return None

    payload = {"decision": "aucune_validation", "recommendations": "Reprendre.", "on": "2026-06-01"}
    return Decision(
        "jury.proclaimed",
        vae.candidate,
        agent,
        member,  # a member of the local jury does not record the national jury's decision
        act,
        payload,
        {"recommendations": "Aucune reprise nécessaire."},
    )


def _conflict(store: Store) -> Decision:
    """At the secretariat of tests.test_sync.conflicting: two stations marked one criterion
    differently (see PREPARE)."""
    (candidate,) = store.candidate_ids()
    (conflict,) = store.snapshot(candidate).state.open_conflicts
    agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "s")
    tutor = store.create_person("Tom Tuteur", "CPAM", ["tuteur"], "s")
    first, second = (source.event for source in conflict.sources)

    def act(person: str, secret: str | None) -> object:
        store.resolve_conflict(candidate, conflict.key, first, "Vu avec Bruno.", person, secret)
        return None

    payload = {"key": conflict.key, "chosen": first, "reason": "Vu avec Bruno."}
    return Decision("conflict.resolved", candidate, agent, tutor, act, payload, {"chosen": second})


KINDS: dict[str, Callable[[Store], Decision]] = {
    "criterion.amended": _amendment,
    "vae.competency_decided": _vae_decision,
    "jury.proclaimed": _proclamation,
    "conflict.resolved": _conflict,
}


def _fresh(tmp_path: Path) -> tuple[Path, Path]:
    """A station where the decision is made, and a secretariat, trusting each other."""
    a = tmp_path / "a"
    with Store.open(a):
        pass
    return a, secretariat_for(a, tmp_path / "s")


def _secretariat_to_station(tmp_path: Path) -> tuple[Path, Path]:
    """The secretariat, where conflicts are settled, and a station it sends its choice to."""
    s, *_ = conflicting(tmp_path)
    return s, tmp_path / "a"


# Where each kind of decision is made, and where it is sent to be checked on import.
PREPARE: dict[str, Callable[[Path], tuple[Path, Path]]] = {
    "conflict.resolved": _secretariat_to_station,
}


@contextmanager
def _made(kind: str, tmp_path: Path) -> Iterator[tuple[Store, Decision, Path]]:
    """The store where the decision is made, set up to the moment it is made, and the folder
    that receives its bundle."""
    maker, receiver = PREPARE.get(kind, _fresh)(tmp_path)
    with Store.open(maker) as store:
        yield store, KINDS[kind](store), receiver


def _send(maker: Path, receiver: Path, candidate: str) -> tuple[Any, int, int]:
    """Exports from ``maker`` to ``receiver`` and imports there: the import's only file, and
    the candidate's events at the receiver before and after."""

    def count() -> int:
        with Store.open(receiver) as store:
            known = candidate in store.candidate_ids()
            return len(store.snapshot(candidate).events) if known else 0

    before = count()
    with Store.open(receiver) as store:
        secretariat = store.station.secretariat
    bundle = _export(maker, "lot.carnet", pour=None if secretariat else receiver)
    (result,) = _import(receiver, bundle).files
    return result, before, count()


def _events(store: Store, candidate: str) -> int:
    return len(store.snapshot(candidate).events)


@pytest.mark.parametrize("kind", KINDS)
def test_signed_with_the_right_secret_it_verifies(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, _):
        _signed_and_verified(store, decision)


def _signed_and_verified(store: Store, decision: Decision) -> None:
    decision.act(decision.signer, secret_of(store, decision.signer))
    event = store.snapshot(decision.candidate).events[-1]
    assert event.type == decision.type and event.author == decision.signer
    assert event.payload["proof"]["person"] == decision.signer
    keys = store.public_keys()
    assert check_proof(decision.candidate, event.type, event.payload, event.author, keys) is None
    assert store.signature_states(decision.candidate)[event.id] is None
    # The signature covers the content: the same proof on other content does not hold.
    other = {**event.payload, **decision.tamper}
    assert "modifié" in (
        check_proof(decision.candidate, event.type, other, event.author, keys) or ""
    )


@pytest.mark.parametrize("kind", KINDS)
def test_a_wrong_secret_or_a_locked_person_records_nothing(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, _):
        _refused_and_locked(store, decision)


def _refused_and_locked(store: Store, decision: Decision) -> None:
    secret_of(store, decision.signer)
    before = _events(store, decision.candidate)
    with pytest.raises(SecretError, match="demande le secret"):
        decision.act(decision.signer, None)
    for left in (4, 3, 2, 1):
        with pytest.raises(SecretError, match=f"{left} essai"):
            decision.act(decision.signer, "000999")
    with pytest.raises(SecretError, match="désormais verrouillé"):
        decision.act(decision.signer, "000999")
    with pytest.raises(SecretError, match="verrouillé"):
        decision.act(decision.signer, SECRET)
    assert _events(store, decision.candidate) == before
    assert store.credential_state(decision.signer) == "locked"


@pytest.mark.parametrize("kind", KINDS)
def test_a_person_not_entitled_is_refused_even_with_their_secret(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, _):
        secret = secret_of(store, decision.outsider)
        before = _events(store, decision.candidate)
        with pytest.raises(StoreError, match="Règle :"):
            decision.act(decision.outsider, secret)
        assert _events(store, decision.candidate) == before


@pytest.mark.parametrize("kind", KINDS)
def test_a_bundle_with_a_forged_one_is_refused_on_import(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, receiver):
        secret_of(store, decision.signer)
        credential = store.keystore.get(decision.signer)
        assert credential is not None
        private = unlock(credential, SECRET)
        assert private is not None
        genuine = store.prove_with(
            decision.signer, private, decision.candidate, decision.type, decision.payload
        )
        # A station writes, under the signer's genuine signature, content they never signed.
        forged = {**genuine, **decision.tamper}
        store.append(decision.candidate, [Draft(decision.type, forged)], decision.signer)
        maker = store.folder
    result, before, after = _send(maker, receiver, decision.candidate)
    assert result.error is not None
    assert "signature personnelle fausse" in result.error and decision.type in result.error
    assert after == before  # nothing of the bundle applied


@pytest.mark.parametrize("kind", KINDS)
def test_the_genuine_one_is_accepted_and_verified_on_import(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, receiver):
        decision.act(decision.signer, secret_of(store, decision.signer))
        maker = store.folder
    result, before, after = _send(maker, receiver, decision.candidate)
    assert result.error is None and after > before
    with Store.open(receiver) as store:
        events = store.snapshot(decision.candidate).events
        last = [e for e in events if e.type == decision.type][-1]
        assert store.signature_states(decision.candidate)[last.id] is None  # verified there too


@pytest.mark.parametrize("kind", KINDS)
def test_the_dossier_de_certification_shows_it_verified(tmp_path: Path, kind: str) -> None:
    with _made(kind, tmp_path) as (store, decision, _):
        decision.act(decision.signer, secret_of(store, decision.signer))
        snap, people = dossier_inputs(store, decision.candidate)
    text = " ".join(text_of(dossier_pdf(snap, people, station="s", now=NOW).data).split())
    signed = f"{SIGNED_LABELS[decision.type]} — {people.name(decision.signer)} : "
    assert signed + "signature personnelle vérifiée" in text, text[-600:]


@pytest.mark.parametrize("kind", KINDS)
def test_one_recorded_before_personal_signatures_still_loads_and_says_so(
    tmp_path: Path, kind: str
) -> None:
    with _made(kind, tmp_path) as (store, decision, receiver):
        # As the previous release wrote it: the decision, with no proof.
        store.append(decision.candidate, [Draft(decision.type, decision.payload)], decision.signer)
        maker = store.folder
    with Store.open(maker) as store:  # reopened: the dossier loads
        event = [e for e in store.snapshot(decision.candidate).events if e.type == decision.type]
        assert store.signature_states(decision.candidate)[event[-1].id] == (
            "sans signature personnelle"
        )
        snap, people = dossier_inputs(store, decision.candidate)
    text = " ".join(text_of(dossier_pdf(snap, people, station="s", now=NOW).data).split())
    assert f"{SIGNED_LABELS[decision.type]} — {people.name(decision.signer)} : sans signature" in (
        text
    )
    # Nor is it refused on import: only a signature that is there and false is.
    result, before, after = _send(maker, receiver, decision.candidate)
    assert result.error is None and after > before
