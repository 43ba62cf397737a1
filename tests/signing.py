"""Personal secrets for tests: each signer gets one on first use, with light KDF parameters
(they are stored with each credential, so the store opens it with the same ones)."""

from __future__ import annotations

from store.credentials import KdfParams
from store.store import Store

SECRET = "482913"
LIGHT = KdfParams(memory_cost=8, iterations=1, lanes=1)


def secret_of(store: Store, person: str) -> str:
    """The person's secret at this station, set now if they have none yet."""
    store.kdf_params = LIGHT
    if store.credential_state(person) == "none" and person in store.people():
        store.set_secret(person, SECRET)
    return SECRET
