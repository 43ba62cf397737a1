"""The Gestionnaire carrière dossier's marks table and the Pass line, in words: a mark not
entered has nobody named as having entered it, and the Pass course reads « non renseigné »
until recorded, then « suivi » or « non suivi »."""

from __future__ import annotations

import pytest

from store.documents.dossier import dossier_script
from store.documents.lookup import dossier_inputs
from store.store import Store
from tests.test_career import _agent, _candidate
from tests.test_documents import NOW


def _said(store: Store, candidate: str) -> list[str]:
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    return [str(args[0]) for step, args, _ in script.steps if step == "paragraph"]


@pytest.mark.parametrize(
    ("followed", "words"), [(None, "non renseigné"), (True, "suivi"), (False, "non suivi")]
)
def test_the_pass_course_reads_in_words(store: Store, followed: bool | None, words: str) -> None:
    candidate = _candidate(store)
    if followed is not None:
        store.record_pass(candidate, followed, _agent(store))
    assert f"Parcours Pass : {words}" in _said(store, candidate)


def test_a_mark_not_entered_names_nobody_as_its_author(store: Store) -> None:
    agent = _agent(store)
    candidate = _candidate(store)
    store.enter_mark(candidate, "ecrit", "12", agent)
    snap, people = dossier_inputs(store, candidate)
    script = dossier_script(snap, people, station=store.station.id, now=NOW)
    table = next(
        args for step, args, _ in script.steps if step == "table" and args[0][0] == "Épreuve"
    )
    who = {row[0]: row[3] for row in table[1]}
    assert who["Epreuve écrite"].startswith(f"{people.name(agent)} le ")
    assert [w for title, w in who.items() if title != "Epreuve écrite"] == [""] * (len(who) - 1)
