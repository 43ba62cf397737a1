"""Personal credentials and signatures (issue 11): a secret protects each person's key, never
stored in clear; five wrong secrets lock; a signature covers what it attests and anyone can
verify it from the registry's public keys; the secretariat refuses a forged one on import."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.signatures import check_proof
from store.credentials import SecretError, check_secret_form
from store.errors import StoreError
from store.station import set_role
from store.store import Draft, Store
from tests.signing import LIGHT, SECRET, secret_of
from tests.test_sync import _export, _import, _trust


def _conseil(store: Store) -> tuple[str, dict[str, str]]:
    people = {
        "tutor": store.create_person("Tom Tuteur", "CPAM", ["tuteur"], "t"),
        "manager": store.create_person("Mona Manager", "CPAM", ["manager"], "t"),
        "sec": store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t"),
    }
    candidate = store.create_candidate(
        "Jeanne",
        "CPAM",
        "gestionnaire-conseil",
        "t",
        tutor=people["tutor"],
        manager=people["manager"],
    )
    return candidate, people


@pytest.mark.parametrize("secret", ["12345", "111111", "123456", "987654", "court", "onze lettre"])
def test_weak_or_short_secrets_are_refused(secret: str) -> None:
    with pytest.raises(SecretError):
        check_secret_form(secret)


@given(st.text(min_size=12, max_size=40).filter(lambda s: not s.isdigit()))
@settings(max_examples=50)
def test_any_long_passphrase_is_accepted(secret: str) -> None:
    check_secret_form(secret)


def test_the_secret_and_the_key_are_never_stored_in_clear(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with Store.open(data) as store:
        store.kdf_params = LIGHT
        _, people = _conseil(store)
        store.set_secret(people["tutor"], "phrase secrète du tuteur")
        credential = store.keystore.get(people["tutor"])
        assert credential is not None and credential.kdf == LIGHT  # stored with it
    everything = b"".join(p.read_bytes() for p in data.rglob("*") if p.is_file())
    assert "phrase secrète du tuteur".encode() not in everything
    assert credential.ciphertext.encode() in everything  # only its encrypted form


def test_a_signature_needs_the_secret_and_five_wrong_ones_lock(store: Store) -> None:
    candidate, people = _conseil(store)
    tutor = people["tutor"]
    with pytest.raises(SecretError, match="n'a pas encore de secret"):
        store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", SECRET)
    secret_of(store, tutor)
    before = len(store.snapshot(candidate).events)
    for attempt in range(1, 5):
        with pytest.raises(SecretError, match=f"{5 - attempt} essai"):
            store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", "000999")
    with pytest.raises(SecretError, match="désormais verrouillé"):
        store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", "000999")
    with pytest.raises(SecretError, match="verrouillé"):
        store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", SECRET)
    assert len(store.snapshot(candidate).events) == before  # nothing signed
    assert store.credential_state(tutor) == "locked"
    locked = [e for e in store._registry.events if e.type == "credential.locked"]
    assert locked and locked[-1].payload["person"] == tutor

    with pytest.raises(StoreError, match="Règle : un secret verrouillé"):
        store.reset_secret(tutor, "Oubli du code", people["manager"])
    store.reset_secret(tutor, "Oubli du code, vu en personne", people["sec"])
    reset = store._registry.events[-1]
    assert reset.type == "credential.reset" and reset.author == people["sec"]
    store.set_secret(tutor, "482914")
    store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", "482914")
    assert store.snapshot(candidate).state.attestations["gc.b1.c1"]["tuteur"].person == tutor


def test_a_signature_covers_what_it_attests_and_verifies_from_the_registry(store: Store) -> None:
    candidate, people = _conseil(store)
    tutor = people["tutor"]
    store.sign_attestation(candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor))
    event = store.snapshot(candidate).events[-1]
    keys = store.public_keys()
    assert check_proof(candidate, event.type, event.payload, event.author, keys) is None
    other = {**event.payload, "competency": "gc.b1.c2"}
    assert "modifié" in (check_proof(candidate, event.type, other, event.author, keys) or "")
    assert "autre personne" in (
        check_proof(candidate, event.type, event.payload, people["manager"], keys) or ""
    )
    assert "inconnue" in (check_proof(candidate, event.type, event.payload, event.author, {}) or "")
    assert store.signature_states(candidate) == {event.id: None}


def test_a_grid_signature_names_each_criterion_and_count(store: Store) -> None:
    from models.threshold import CriterionState

    evaluator = store.create_person("Rémi Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Cécile Certif", "Ucanss", ["certificateur"], "t")
    candidate, _ = _conseil(store)
    grid = store.open_grid(candidate, "gc.b3", "t", evaluator=evaluator, certifier=certifier)
    store.mark_criteria(candidate, grid, [("gc.b3.c1.k1", CriterionState.VALIDATED, "")], "t")
    store.close_grid(candidate, grid, "Observation écourtée", "t")
    store.sign_grid(candidate, grid, evaluator, secret_of(store, evaluator))
    event = store.snapshot(candidate).events[-1]
    assert event.payload["attests"] == {"gc.b3.c1.k1": "validated"}
    assert event.payload["counts"]["gc.b3.c1"][0] == 1
    assert (
        check_proof(candidate, event.type, event.payload, event.author, store.public_keys()) is None
    )


def test_the_secretariat_refuses_a_forged_personal_signature(tmp_path: Path) -> None:
    a, s = tmp_path / "a", tmp_path / "s"
    with Store.open(a) as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        store.sign_attestation(
            candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor)
        )
        genuine = store.snapshot(candidate).events[-1].payload["proof"]
        # A station that writes a signature its person never made (the genuine one, moved).
        forged = {
            "competency": "gc.b1.c2",
            "role": "tuteur",
            "person": tutor,
            "situation": "Jamais signé",
            "proof": genuine,
        }
        store.append(candidate, [Draft("attestation.signed", forged)], tutor)
    with Store.open(s):
        pass
    # Bundles are encrypted to a trusted secretariat (issue 12).
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(s, a)
    report = _import(s, _export(a, "a1.carnet"))
    (result,) = report.files
    assert result.error is not None and "signature personnelle fausse" in result.error
    assert "n° " in result.error
    with Store.open(s) as store:
        assert store.candidate_ids() == []  # nothing of the bundle applied


def test_a_genuine_personal_signature_is_accepted_at_the_secretariat(tmp_path: Path) -> None:
    a, s = tmp_path / "a", tmp_path / "s"
    with Store.open(a) as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        store.sign_attestation(
            candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor)
        )
    with Store.open(s):
        pass
    # Bundles are encrypted to a trusted secretariat (issue 12).
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(s, a)
    report = _import(s, _export(a, "a1.carnet"))
    assert not report.rejected
    with Store.open(s) as store:
        assert store.public_keys()
        assert store.snapshot(candidate).state.attested("gc.b1.c1") is False


def _genuine_signature(a: Path) -> str:
    """Station ``a``: a candidate whose tutor has signed one competency, with the secret."""
    with Store.open(a) as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        store.sign_attestation(
            candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor)
        )
    return candidate


@pytest.mark.slow  # spawns the import's worker processes
def test_worker_processes_verify_personal_signatures_with_keys_of_earlier_bundles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys registered in one bundle sign events of the next ones: with the checks in worker
    processes (as from 32 bundles on), a genuine one is taken and a forged one refused."""
    import store.sync as sync

    a, s = tmp_path / "a", tmp_path / "s"
    candidate = _genuine_signature(a)
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(s, a)
    first = _export(a, "a1.carnet")
    with Store.open(a) as store:
        tutor = store.snapshot(candidate).events[-1].author
        store.sign_attestation(
            candidate, "gc.b1.c2", "tuteur", tutor, "Courrier", secret_of(store, tutor)
        )
    second = _export(a, "a2.carnet")
    with Store.open(a) as store:
        genuine = store.snapshot(candidate).events[-1].payload["proof"]
        forged = {"competency": "gc.b1.c3", "role": "tuteur", "person": tutor,
                  "situation": "Jamais signé", "proof": genuine}  # fmt: skip
        store.append(candidate, [Draft("attestation.signed", forged)], tutor)
    third = _export(a, "a3.carnet")
    monkeypatch.setattr(sync, "POOL_FROM", 1)
    report = _import(s, first, second, third)
    ok1, ok2, refused = report.files
    assert ok1.error is None and ok2.error is None and ok2.new_events == 1
    assert refused.error is not None and "signature personnelle fausse" in refused.error
    with Store.open(s) as store:
        events = store.snapshot(candidate).events
        assert [e.payload.get("competency") for e in events if e.type == "attestation.signed"] == [
            "gc.b1.c1",
            "gc.b1.c2",
        ]


def test_a_signature_verified_under_another_key_is_verified_again(tmp_path: Path) -> None:
    """What a worker verified counts only for the very key the registry names: a signature made
    with some other key under the same key id is checked here, and refused."""
    from store.bundle import BundleError
    from store.personal import check_personal_signatures, verified_proofs

    with Store.open(tmp_path / "a") as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        store.sign_attestation(
            candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor)
        )
        raw = store.raw_events(candidate)
        signed = next(r for r in raw.values() if r["type"] == "attestation.signed")
        registry = store.public_keys()
    with Store.open(tmp_path / "b") as other:
        impostor = other.create_person("Tom Tuteur", "CPAM", ["tuteur"], "t")
        secret_of(other, impostor)
        (their_key,) = [public for _, (_, public) in other.public_keys().items()]
    key_id = signed["payload"]["proof"]["key"]
    # The registry names the genuine key: the worker's pair stands.
    assert verified_proofs(registry, [signed]) == {(signed["hash"], registry[key_id][1])}
    check_personal_signatures(registry, [signed], {}, verified_proofs(registry, [signed]))
    # Another key under the same id: a pair verified for it says nothing of the registry's key.
    moved = {**signed, "payload": {**signed["payload"], "situation": "Autre chose"}}
    lying = {(moved["hash"], their_key)}
    with pytest.raises(BundleError, match="signature personnelle fausse"):
        check_personal_signatures(registry, [moved], {}, lying)
