"""A mark entered again (a correction): the candidate's dossier lists, under the marks, each
mark replaced since, with the evaluation's title, the mark as it was, who entered it and when,
set off like the dossier's other notes. The mark in force is the last one."""

from __future__ import annotations

import re

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_career import _agent, _candidate
from tests.test_documents import NOW

_MOMENT = re.compile(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}")


def test_a_replaced_mark_is_listed_under_the_marks_with_who_and_when(store: Store) -> None:
    candidate = _candidate(store)
    agent = _agent(store)
    store.enter_mark(candidate, "ecrit", "11,5", agent)
    store.enter_mark(candidate, "ecrit", "12", agent)  # corrected
    store.enter_mark(candidate, "apt", "8", agent)  # never replaced
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    steps = [(step, str(args[0]) if args else "", dict(o)) for step, args, o in script.steps]
    at = steps.index(("paragraph", "Notes remplacées depuis :", {"bold": True, "indent": 0}))
    step, text, options = steps[at + 1]
    assert step == "paragraph"
    assert _MOMENT.sub("<moment>", text) == (
        f"Epreuve écrite : 11,50/20 saisie par {people.name(agent)} le <moment>"
    )
    # Indented like the dossier's other notes (the rule under the verdict).
    rule = next(o for s, t, o in steps if s == "paragraph" and t.startswith("Règle : "))
    assert options == rule and options.get("indent")
    # Only the replaced one: the next step is no other replaced mark.
    assert not (steps[at + 2][0] == "paragraph" and " saisie par " in steps[at + 2][1])
    # The marks' table holds the mark in force.
    table = next(args for step, args, _ in script.steps if step == "table"
                 and args[0][0] == "Épreuve")  # fmt: skip
    (row,) = [r for r in table[1] if r[0] == "Epreuve écrite"]
    assert row[2] == "12,00/20"
