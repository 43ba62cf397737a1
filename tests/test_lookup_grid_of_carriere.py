"""Finding what a document is made from: a grid asked of a carrière candidate is refused with
its whole sentence; five near names are all suggested, with no « … »."""

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


def test_five_near_names_are_all_suggested_with_nothing_left_out(store: Store) -> None:
    from store.documents.lookup import find_candidate

    for first in ("Ana", "Eli", "Jean", "Léa", "Noé"):
        store.create_candidate(f"{first} Dubois", "CPAM du Rhône", "gestionnaire-conseil", "t")
    with pytest.raises(StoreError) as near:
        find_candidate(store, "dubois")
    assert str(near.value) == (
        "aucun candidat ne s'appelle « dubois » ; s'agit-il de : Ana Dubois, Eli Dubois, "
        "Jean Dubois, Léa Dubois, Noé Dubois ? Donnez le nom entier, ou l'identifiant (c-…)"
    )
