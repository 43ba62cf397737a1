"""The demo's signatures are made by their signers, with their own keys: a newcomer trying
``carnet --demo`` sees them verified, as a real station would show them."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from store.credentials import unlock
from store.demo import DEMO_SECRET, populate
from store.store import Store

PROVED = {
    "attestation.signed",
    "grid.signed",
    "jury.proposed",
    "vae.competency_decided",
    "jury.proclaimed",
}


def test_each_demo_signature_is_its_signers_and_verifies(tmp_path: Path) -> None:
    with Store.open(tmp_path) as store:
        populate(store, 6)
        seen: Counter[str] = Counter()
        for candidate in store.candidate_ids():
            states = store.signature_states(candidate)
            for event in store.snapshot(candidate).events:
                if event.type not in PROVED:
                    continue
                seen[event.type] += 1
                assert states[event.id] is None, (event.type, states[event.id])
                # The signer is the event's author, a person of the registry.
                assert event.author == event.payload["proof"]["person"]
                assert event.author in store.people()
        assert set(seen) == PROVED, seen
        # And the demo people sign in the app with the documented secret.
        tutor = next(p for p, x in store.people().items() if "tuteur" in x.roles)
        credential = store.keystore.get(tutor)
        assert credential is not None and store.credential_state(tutor) == "ok"
        assert unlock(credential, DEMO_SECRET) is not None
        assert unlock(credential, "000000") is None
