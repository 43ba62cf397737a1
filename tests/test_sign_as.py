"""A form's first signature sets the person's secret only once the store has accepted the rest
(tui/modals/secret.py: sign_as): a person not entitled gets no key, nothing is recorded."""

from __future__ import annotations

import pytest

from store.errors import StoreError
from store.layout import REGISTRY
from store.store import Store
from tests.signing import LIGHT, SECRET
from tests.test_personal_decisions import KINDS
from tui.modals.form import FieldError
from tui.modals.secret import sign_as


def _registry(store: Store) -> int:
    return len(store.raw_events(REGISTRY))


@pytest.mark.parametrize("kind", KINDS)
def test_a_person_not_entitled_gets_no_key_at_their_first_signature(
    store: Store, kind: str
) -> None:
    if kind == "conflict.resolved":
        pytest.skip("set up across three stations: covered by the store-level tests")
    decision = KINDS[kind](store)
    store.kdf_params = LIGHT
    had = store.credential_state(decision.outsider)  # none, except the jury member (proclamation)
    before = (len(store.snapshot(decision.candidate).events), _registry(store))
    with pytest.raises(StoreError, match="Règle :"):
        sign_as(
            store,
            decision.outsider,
            SECRET,
            SECRET,
            "k",
            lambda: decision.act(decision.outsider, SECRET),
        )
    assert store.credential_state(decision.outsider) == had
    assert (len(store.snapshot(decision.candidate).events), _registry(store)) == before


def test_an_entitled_person_sets_their_secret_typed_twice(store: Store) -> None:
    decision = KINDS["vae.competency_decided"](store)
    store.kdf_params = LIGHT
    signer = decision.signer
    with pytest.raises(FieldError, match="une seconde fois"):
        sign_as(store, signer, SECRET, "", "k", lambda: decision.act(signer, SECRET))
    assert store.credential_state(signer) == "none"
    sign_as(store, signer, SECRET, SECRET, "k", lambda: decision.act(signer, SECRET))
    assert store.credential_state(signer) == "ok"
    event = store.snapshot(decision.candidate).events[-1]
    assert (
        event.type == decision.type and store.signature_states(decision.candidate)[event.id] is None
    )
