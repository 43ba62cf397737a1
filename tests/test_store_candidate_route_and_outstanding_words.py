"""Two sentences a secretariat reads, word for word: the refusal of an access route for a CQP
that has none (store/store.py, ``create_candidate``), and what a new candidate of a CQP
assessed by grids lacks first (models/completeness.py, ``outstanding``: « Bloc N : aucune
grille. »). Other tests check that the route is refused and that items are listed by kind."""

from __future__ import annotations

import pytest

from grids import Referentials
from models.completeness import Outstanding, outstanding
from store.errors import StoreError
from store.store import Store


def test_a_route_for_a_cqp_assessed_by_grids_is_refused_saying_why(store: Store) -> None:
    sec = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    with pytest.raises(StoreError) as caught:
        store.create_candidate("Jean", "CAF", "gestionnaire-conseil", sec, route="vae")
    assert str(caught.value) == "la voie d'accès ne concerne que le CQP Gestionnaire carrière"


def test_a_new_candidate_lacks_a_grid_for_each_block_first(
    store: Store, refs: Referentials
) -> None:
    sec = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    candidate = store.create_candidate("Jean", "CAF", "gestionnaire-conseil", sec)
    ref = refs.version("gestionnaire-conseil", "1")
    lacking = outstanding(store.snapshot(candidate).state, ref)  # type: ignore[arg-type]
    blocks = ref.blocks  # type: ignore[union-attr]
    assert lacking[: len(blocks)] == [
        Outstanding("grid_missing", (b.id,), f"Bloc {b.number} : aucune grille.") for b in blocks
    ]
    assert [b.number for b in blocks][:2] == [1, 2]
