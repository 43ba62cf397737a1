"""Each change in a candidate's history (an edit, a deactivation) names the event that made it:
the history screen shows the change in words beside that event."""

from __future__ import annotations

from store.store import Store
from tests.test_career import _agent


def test_each_change_names_its_event(store: Store) -> None:
    candidate = store.create_candidate("Jeanne Martin", "CPAM", "gestionnaire-conseil", "t")
    agent = _agent(store)
    store.edit_candidate(candidate, agent, name="Jeanne Martin-Roux", started=None, tutor=None,
                         manager=None)  # fmt: skip
    store.deactivate_candidate(candidate, "Départ de l'entreprise.", agent)
    snap = store.snapshot(candidate)
    by_type = {e.type: e.id for e in snap.events}
    assert [(c.kind, c.event) for c in snap.state.candidate_history] == [
        ("edited", by_type["candidate.edited"]),
        ("deactivated", by_type["candidate.deactivated"]),
    ]
