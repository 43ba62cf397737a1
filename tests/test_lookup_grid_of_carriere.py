"""Asking for a grid of a Gestionnaire carrière candidate says why there is none, whole."""

from __future__ import annotations

import pytest

from store.documents.lookup import dossier_inputs, find_grid
from store.errors import StoreError
from store.store import Store
from tests.test_career import _candidate


def test_a_carriere_candidate_has_no_grids_said_whole(store: Store) -> None:
    snap, _ = dossier_inputs(store, _candidate(store))
    with pytest.raises(StoreError) as refused:
        find_grid(snap, "1")
    assert str(refused.value) == (
        "ce candidat prépare le CQP Gestionnaire carrière : il n'a pas de grilles"
    )
