"""The logbook's history keeps every signature and withdrawal with who, what, when and why
(no textual)."""

from __future__ import annotations

from models.dossier import LogbookEntry
from store.store import Store
from tests.signing import secret_of


def test_each_line_of_the_history_is_whole(store: Store) -> None:
    tutor = store.create_person("Paul Tuteur", "CPAM du Rhône", ["tuteur"], "t")
    manager = store.create_person("Marie Manager", "CPAM du Rhône", ["manager"], "t")
    candidate = store.create_candidate("Jeanne Martin", "CPAM du Rhône", "gestionnaire-conseil",
                                       "t", tutor=tutor, manager=manager)  # fmt: skip
    store.sign_attestation(
        candidate, "gc.b1.c2", "tuteur", tutor, "Appel d'un assuré.", secret_of(store, tutor)
    )
    signed = store.snapshot(candidate).events[-1].ts
    store.sign_attestation(
        candidate, "gc.b1.c2", "manager", manager, "Le même appel.", secret_of(store, manager)
    )
    countersigned = store.snapshot(candidate).events[-1].ts
    store.withdraw_attestation(
        candidate, "gc.b1.c2", "tuteur", tutor, "Signé trop tôt.", secret_of(store, tutor)
    )
    withdrawn = store.snapshot(candidate).events[-1].ts
    assert store.snapshot(candidate).state.logbook_history == [
        LogbookEntry("gc.b1.c2", "tuteur", tutor, signed, "signed", "Appel d'un assuré."),
        LogbookEntry("gc.b1.c2", "manager", manager, countersigned, "signed", "Le même appel."),
        LogbookEntry("gc.b1.c2", "tuteur", tutor, withdrawn, "withdrawn", "Signé trop tôt."),
    ]


def test_a_copy_of_the_state_shares_nothing_mutable(store: Store) -> None:
    """A change is tried on a copy first and dropped if refused: the copy must not reach back."""
    tutor = store.create_person("Paul Tuteur", "CPAM", ["tuteur"], "t")
    evaluator = store.create_person("Bruno Métier", "CAF", ["representant_metier"], "t")
    certifier = store.create_person("Claire Certif", "Ucanss", ["certificateur"], "t")
    candidate = store.create_candidate("Jeanne", "CPAM", "gestionnaire-conseil", "t", tutor=tutor)
    grid_id = store.open_grid(candidate, "gc.b2", "t", evaluator=evaluator, certifier=certifier)
    state = store.snapshot(candidate).state
    grid = state.grids[grid_id]
    before = (dict(grid.states), dict(grid.comments), dict(grid.timers), dict(grid.letters),
              dict(grid.coverage), dict(grid.questions), dict(grid.signatures),
              list(grid.amendments))  # fmt: skip
    copy = state.copy().grids[grid_id]
    copy.states["k"] = None  # type: ignore[assignment]
    copy.comments["k"] = "x"
    copy.timers["k"] = None  # type: ignore[assignment]
    copy.letters[1] = None  # type: ignore[assignment]
    copy.coverage["k"] = True
    copy.questions[1] = None  # type: ignore[assignment]
    copy.signatures["k"] = None  # type: ignore[assignment]
    copy.amendments.append(None)  # type: ignore[arg-type]
    after = (grid.states, grid.comments, grid.timers, grid.letters, grid.coverage,
             grid.questions, grid.signatures, grid.amendments)  # fmt: skip
    assert after == before
