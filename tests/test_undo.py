"""« u » in a grid, in the store: new events that put back the replaced states, in order."""

from __future__ import annotations

from typing import Any

import pytest

from models.errors import CarnetError
from models.threshold import CriterionState
from store.store import Store
from tests.conftest import grid_with_people

V, N, E = CriterionState.VALIDATED, CriterionState.NOT_VALIDATED, CriterionState.NOT_EVALUATED


def _grid(store: Store) -> tuple[str, str, str]:
    return grid_with_people(store, "gc.b2")


def test_undo_puts_back_each_change_in_turn(store: Store) -> None:
    cand, grid, evaluator = _grid(store)
    k1, k2 = "gc.b2.c1.k1", "gc.b2.c1.k2"
    store.mark_criteria(cand, grid, [(k1, V, "vu")], evaluator)
    store.mark_criteria(cand, grid, [(k1, N, "revu"), (k2, V, "")], evaluator)  # one batch
    assert store.undo_grid_change(cand, grid, evaluator) == 2
    state = store.grid_view(cand, grid)
    assert state.states[k1] is V and state.comments[k1] == "vu"
    assert state.states[k2] is E and state.comments[k2] == ""
    assert store.undo_grid_change(cand, grid, evaluator) == 1
    assert store.grid_view(cand, grid).states[k1] is E
    assert store.undo_grid_change(cand, grid, evaluator) == 0
    undos = [e for e in store.snapshot(cand).events if e.payload.get("undoes")]
    assert len(undos) == 3 and all(e.type == "criterion.marked" for e in undos)


def test_undo_is_refused_on_a_closed_grid(store: Store) -> None:
    cand, grid, evaluator = _grid(store)
    store.mark_criteria(cand, grid, [("gc.b2.c1.k1", V, "")], evaluator)
    store.close_grid(cand, grid, "fin", evaluator)
    with pytest.raises(CarnetError, match="close"):
        store.undo_grid_change(cand, grid, evaluator)


def test_undo_of_a_mark_whose_previous_event_has_no_comment_puts_back_an_empty_one() -> None:
    # « comment » may be absent from a stored criterion.marked (it defaults to empty).
    from models.events import GENESIS, seal
    from models.undo import restoring

    def marked(seq: int, payload: dict[str, str]) -> Any:
        return seal(event_id=f"{seq:032x}", station="poste-a", seq=seq, author="e", dossier="c",
                    ts=f"2026-03-0{seq}T10:00:00.000000Z", type="criterion.marked",
                    payload={"grid": "g", "criterion": "gc.b2.c1.k1"} | payload, prev=GENESIS)  # fmt: skip

    first = marked(1, {"state": "validated"})
    second = marked(2, {"state": "not_validated", "comment": "revu", "replaces": first.id})
    assert restoring([first, second], [second]) == [
        {
            "grid": "g",
            "criterion": "gc.b2.c1.k1",
            "state": "validated",
            "comment": "",
            "undoes": second.id,
        }
    ]


def test_a_criterion_marked_twice_in_one_write_names_the_first_as_replaced(store: Store) -> None:
    cand, grid, evaluator = _grid(store)
    k1 = "gc.b2.c1.k1"
    store.mark_criteria(cand, grid, [(k1, V, "vu"), (k1, N, "revu")], evaluator)
    first, second = store.snapshot(cand).events[-2:]
    # Another station reading both sees a change, not two concurrent values.
    assert second.payload["replaces"] == first.id
    assert store.grid_view(cand, grid).states[k1] is N


def test_a_grid_for_a_carriere_candidate_is_refused_saying_why(store: Store) -> None:
    agent = store.create_person("Sam Secrétariat", "Ucanss", ["secretariat"], "t")
    evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
    cand = store.create_candidate("Jeanne Martin", "CPAM", "gestionnaire-carriere", agent,
                                  route="parcours_formation")  # fmt: skip
    with pytest.raises(CarnetError) as caught:
        store.open_grid(cand, "gc.b2", evaluator, evaluator=evaluator, certifier=certifier)
    assert str(caught.value) == "les grilles d'observation concernent le CQP Gestionnaire conseil"
