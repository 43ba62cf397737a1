"""Personal signatures verified on another processor (a forked child) while the importing
process checks the events: the same verdicts as in-process, whatever happens to the child."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

import store.beside as beside_
import store.personal as personal
from store.bundle import BundleError
from store.draft import Draft
from store.personal import ProofsBeside, check_personal_signatures, verified_proofs
from store.store import Store
from tests.forked import count_children, failing_in_child, reaped
from tests.signing import secret_of
from tests.test_credentials import _conseil
from tests.test_sync import _export, _import, secretariat_for

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


def _text(events: list[dict[str, Any]]) -> bytes:
    """The events as a bundle's content holds them, in JSON: what the child decodes."""
    return json.dumps({"events": events, "heads": {}}).encode()


@pytest.fixture
def beside(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every check goes beside, whatever the size of the JSON; returns the children started."""
    monkeypatch.setattr(personal, "BESIDE_FROM", 1)
    return count_children(monkeypatch)


def test_the_child_gives_the_same_verdicts(tmp_path: Path, beside: list[int]) -> None:
    keys, events = _signed_events(tmp_path)
    expected = verified_proofs(keys, events)
    assert len(expected) == 2  # the forged one is not among them
    with ProofsBeside(keys, _text(events)) as proofs:
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
    with ProofsBeside(keys, _text(events)) as proofs:
        assert proofs.result(events) == expected
    assert len(beside) == 1 and reaped(beside[0])


@pytest.mark.parametrize("text", [b"{pas du JSON", b'{"events": 3}', b"[1, 2]"])
def test_content_the_child_cannot_read_is_verified_here(
    tmp_path: Path, beside: list[int], text: bytes
) -> None:
    """The child decodes the JSON itself: what it cannot read (the importing process then
    refuses the bundle with its own reason) leaves the verdicts to this process."""
    keys, events = _signed_events(tmp_path)
    with ProofsBeside(keys, text) as proofs:
        assert proofs.result(events) == verified_proofs(keys, events)
    assert len(beside) == 1 and reaped(beside[0])


def test_an_answer_that_is_not_pairs_is_not_taken(
    tmp_path: Path, beside: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a set of (event hash, public key) strings counts as the child's answer."""
    keys, events = _signed_events(tmp_path)
    parent = os.getpid()
    genuine = personal.verified_proofs

    def odd(known: Any, listed: Any) -> Any:
        if os.getpid() != parent:
            return frozenset({("h", 1)})
        return genuine(known, listed)

    monkeypatch.setattr(personal, "verified_proofs", odd)
    with ProofsBeside(keys, _text(events)) as proofs:
        assert proofs.result(events) == genuine(keys, events)
    assert len(beside) == 1 and reaped(beside[0])


def test_a_child_whose_answer_is_not_needed_is_stopped(
    tmp_path: Path, beside: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle refused while its signatures are being verified: the child does not linger."""
    keys, events = _signed_events(tmp_path)
    monkeypatch.setattr(personal, "_verifies", failing_in_child(personal._verifies, "hang"))
    with pytest.raises(BundleError), ProofsBeside(keys, _text(events)):
        raise BundleError("lot refusé")
    assert len(beside) == 1 and reaped(beside[0])


def test_the_child_vouches_for_nothing_the_registry_does_not_name(
    tmp_path: Path, beside: list[int]
) -> None:
    """Its answer is (event hash, public key) pairs that verify: whose key it is, and whether
    that person is the event's author, is still said here, from the registry."""
    keys, events = _signed_events(tmp_path)
    with ProofsBeside(keys, _text(events)) as proofs:
        verified = proofs.result(events)
    forged = events[-1]
    with pytest.raises(BundleError, match="signature personnelle fausse"):
        check_personal_signatures(keys, [forged], {}, verified)
    check_personal_signatures(keys, events[:-1], {}, verified)


def test_no_child_for_a_small_bundle_or_one_processor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    keys, events = _signed_events(tmp_path)
    forks: list[Any] = []
    monkeypatch.setattr(beside_, "fork", lambda *a, **k: forks.append(a))
    assert len(_text(events)) < personal.BESIDE_FROM
    with ProofsBeside(keys, _text(events)) as proofs:
        assert proofs.result(events) == verified_proofs(keys, events)
    monkeypatch.setattr(personal, "BESIDE_FROM", 1)
    monkeypatch.setattr(beside_, "can_fork", lambda: False)
    with ProofsBeside(keys, _text(events)) as proofs:
        assert proofs.result(events) == verified_proofs(keys, events)
    with ProofsBeside(keys, _text(events), beside=False) as proofs:
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
    secretariat_for(a, s)
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
    pending = ProofsBeside(keys, _text(events)).later(events)
    assert isinstance(pending, PendingProofs)
    assert all(pair in pending for pair in expected)
    assert (events[-1]["hash"], next(iter(expected))[1]) not in pending  # the forged one
    release(pending)
    unasked = ProofsBeside(keys, _text(events)).later(events)
    release(unasked)
    assert len(beside) == 2 and all(reaped(pid) for pid in beside)
    release(frozenset())  # nothing to stop
