"""Personal signatures verified on another processor (a forked child) while the importing
process checks the events: the same verdicts as in-process, whatever happens to the child."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

import store.beside as beside_
import store.personal as personal
from store.bundle import BundleError
from store.draft import Draft
from store.personal import ProofsBeside, check_personal_signatures, verified_proofs
from store.station import set_role
from store.store import Store
from tests.forked import count_children, failing_in_child, reaped
from tests.signing import secret_of
from tests.test_credentials import _conseil
from tests.test_sync import _export, _import, _trust

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork() only")


def _signed_events(tmp_path: Path) -> tuple[dict[str, tuple[str, str]], list[dict[str, Any]]]:
    """The registry's keys and a dossier's events: two genuine signatures and a forged one."""
    with Store.open(tmp_path / "a") as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        for competency in ("gc.b1.c1", "gc.b1.c2"):
            store.sign_attestation(
                candidate, competency, "tuteur", tutor, "Appel", secret_of(store, tutor)
            )
        genuine = store.snapshot(candidate).events[-1].payload["proof"]
        forged = {"competency": "gc.b1.c3", "role": "tuteur", "person": tutor,
                  "situation": "Jamais signé", "proof": genuine}  # fmt: skip
        store.append(candidate, [Draft("attestation.signed", forged)], tutor)
        events = [dict(raw) for raw in store.raw_events(candidate).values()]
        return store.public_keys(), events


@pytest.fixture
def beside(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every check goes beside, from the first signature; returns the children started."""
    monkeypatch.setattr(personal, "BESIDE_FROM", 1)
    return count_children(monkeypatch)


def test_the_child_gives_the_same_verdicts(tmp_path: Path, beside: list[int]) -> None:
    keys, events = _signed_events(tmp_path)
    expected = verified_proofs(keys, events)
    assert len(expected) == 2  # the forged one is not among them
    with ProofsBeside(keys, events) as proofs:
        assert proofs.result(events) == expected
    assert len(beside) == 1 and reaped(beside[0])


@pytest.mark.parametrize("how", ["crash", "raise", "hang"])
def test_a_child_that_fails_changes_nothing(
    tmp_path: Path, beside: list[int], monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Killed, failing or too slow: the signatures are verified here instead, never skipped."""
    keys, events = _signed_events(tmp_path)
    expected = verified_proofs(keys, events)
    monkeypatch.setattr(personal, "_verifies", failing_in_child(personal._verifies, how))
    monkeypatch.setattr(personal, "BESIDE_WAIT", 0.5)
    with ProofsBeside(keys, events) as proofs:
        assert proofs.result(events) == expected
    assert len(beside) == 1 and reaped(beside[0])


def test_a_child_whose_answer_is_not_needed_is_stopped(
    tmp_path: Path, beside: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle refused while its signatures are being verified: the child does not linger."""
    keys, events = _signed_events(tmp_path)
    monkeypatch.setattr(personal, "_verifies", failing_in_child(personal._verifies, "hang"))
    with pytest.raises(BundleError), ProofsBeside(keys, events):
        raise BundleError("lot refusé")
    assert len(beside) == 1 and reaped(beside[0])


def test_the_child_vouches_for_nothing_the_registry_does_not_name(
    tmp_path: Path, beside: list[int]
) -> None:
    """Its answer is positions among the events given; the key is always the registry's."""
    keys, events = _signed_events(tmp_path)
    with ProofsBeside(keys, events) as proofs:
        verified = proofs.result(events)
    forged = events[-1]
    with pytest.raises(BundleError, match="signature personnelle fausse"):
        check_personal_signatures(keys, [forged], {}, verified)
    check_personal_signatures(keys, events[:-1], {}, verified)


def test_no_child_for_few_signatures_or_one_processor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, events = _signed_events(tmp_path)
    forks: list[Any] = []
    monkeypatch.setattr(beside_, "fork", lambda *a, **k: forks.append(a))
    with ProofsBeside(keys, events) as proofs:  # 3 signatures, below BESIDE_FROM
        assert proofs.result(events) == verified_proofs(keys, events)
    monkeypatch.setattr(personal, "BESIDE_FROM", 1)
    monkeypatch.setattr(beside_, "can_fork", lambda: False)
    with ProofsBeside(keys, events) as proofs:
        assert proofs.result(events) == verified_proofs(keys, events)
    with ProofsBeside(keys, events, beside=False) as proofs:
        assert proofs.result(events) == verified_proofs(keys, events)
    assert forks == []


def _station_and_secretariat(tmp_path: Path) -> tuple[Path, Path, str]:
    a, s = tmp_path / "a", tmp_path / "s"
    with Store.open(a) as store:
        candidate, people = _conseil(store)
        tutor = people["tutor"]
        store.sign_attestation(
            candidate, "gc.b1.c1", "tuteur", tutor, "Appel", secret_of(store, tutor)
        )
    with Store.open(s):
        pass
    set_role(s, "secretariat")
    _trust(a, s)
    _trust(s, a)
    return a, s, candidate


def test_an_import_checks_signatures_beside_and_refuses_a_forged_one(
    tmp_path: Path, beside: list[int]
) -> None:
    a, s, candidate = _station_and_secretariat(tmp_path)
    first = _export(a, "a1.carnet")
    with Store.open(a) as store:
        tutor = store.snapshot(candidate).events[-1].author
        genuine = store.snapshot(candidate).events[-1].payload["proof"]
        forged = {"competency": "gc.b1.c2", "role": "tuteur", "person": tutor,
                  "situation": "Jamais signé", "proof": genuine}  # fmt: skip
        store.append(candidate, [Draft("attestation.signed", forged)], tutor)
    second = _export(a, "a2.carnet")
    report = _import(s, first, second)
    ok, refused = report.files
    assert ok.error is None and ok.new_events > 0
    assert refused.error is not None and "signature personnelle fausse" in refused.error
    assert len(beside) == 2 and all(reaped(pid) for pid in beside)
    with Store.open(s) as store:
        signed = [e for e in store.snapshot(candidate).events if e.type == "attestation.signed"]
        assert [e.payload["competency"] for e in signed] == ["gc.b1.c1"]


def test_the_answer_is_asked_for_only_when_needed(tmp_path: Path, beside: list[int]) -> None:
    """The import goes on with the bundle's chains while the child works; the pairs are
    taken at the first question, and a child whose answer is never asked for is stopped."""
    from store.personal import PendingProofs, release

    keys, events = _signed_events(tmp_path)
    expected = verified_proofs(keys, events)
    pending = ProofsBeside(keys, events).later(events)
    assert isinstance(pending, PendingProofs)
    assert all(pair in pending for pair in expected)
    assert (events[-1]["hash"], next(iter(expected))[1]) not in pending  # the forged one
    release(pending)
    unasked = ProofsBeside(keys, events).later(events)
    release(unasked)
    assert len(beside) == 2 and all(reaped(pid) for pid in beside)
    release(frozenset())  # nothing to stop
